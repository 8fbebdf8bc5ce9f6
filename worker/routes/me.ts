import { createRoute, z } from "@hono/zod-openapi";
import { roleSchema } from "../auth/principal";
import { createRouter, errorResponses } from "../openapi";

const meResponse = z
  .object({
    sub: z.string(),
    email: z.string().nullable(),
    roles: z.array(roleSchema),
    issuer: z.enum(["local", "external", "api-token"]),
  })
  .openapi("Me");

const meRoute = createRoute({
  method: "get",
  path: "/me",
  summary: "The verified token's subject, email and roles",
  responses: {
    200: { description: "The signed-in principal", content: { "application/json": { schema: meResponse } } },
    ...errorResponses,
  },
});

export const meRoutes = createRouter().openapi(meRoute, (c) => {
  const { sub, email, roles, issuer } = c.get("principal");
  return c.json({ sub, email, roles, issuer }, 200);
});
