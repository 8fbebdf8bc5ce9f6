import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, errorResponses } from "../openapi";

// Also the baseline of `npm run bench:serve`: the same Worker and middleware as a cached nowcast, without
// the nowcast. (A note for developers, so not in the OpenAPI description that the API reference shows.)
const pingRoute = createRoute({
  method: "get",
  path: "/ping",
  summary: "The smallest authenticated route: checks a token and answers",
  responses: {
    200: { description: "Token accepted", content: { "application/json": { schema: z.object({ ok: z.literal(true) }) } } },
    ...errorResponses,
  },
});

export const pingRoutes = createRouter().openapi(pingRoute, (c) => c.json({ ok: true as const }, 200));
