import { createRoute, z } from "@hono/zod-openapi";
import { asc } from "drizzle-orm";
import { users } from "../db/schema";
import { createRouter, errorResponses, errorSchema } from "../openapi";

const usersResponse = z
  .object({
    users: z.array(z.object({ id: z.string(), email: z.string(), roles: z.array(z.string()), createdAt: z.string().datetime() })),
  })
  .openapi("UserList");

const listUsersRoute = createRoute({
  method: "get",
  path: "/admin/users",
  summary: "List accounts (admin)",
  responses: {
    200: { description: "Accounts, without password hashes", content: { "application/json": { schema: usersResponse } } },
    ...errorResponses,
    403: { description: "Needs the admin role", content: { "application/json": { schema: errorSchema } } },
  },
});

export const adminUserRoutes = createRouter().openapi(listUsersRoute, async (c) => {
  const rows = await c
    .get("db")
    .select({ id: users.id, email: users.email, roles: users.roles, createdAt: users.createdAt })
    .from(users)
    .orderBy(asc(users.email));
  return c.json({ users: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) }, 200);
});
