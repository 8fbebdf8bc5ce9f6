import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, errorResponses } from "../openapi";

const pingRoute = createRoute({
  method: "get",
  path: "/ping",
  summary: "The smallest authenticated route: checks a token and answers",
  description: "Also the baseline of `npm run bench:serve`: the same Worker and middleware as a cached nowcast, without the nowcast.",
  responses: {
    200: { description: "Token accepted", content: { "application/json": { schema: z.object({ ok: z.literal(true) }) } } },
    ...errorResponses,
  },
});

export const pingRoutes = createRouter().openapi(pingRoute, (c) => c.json({ ok: true as const }, 200));
