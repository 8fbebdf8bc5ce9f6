import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { authConfig } from "../auth/config";
import { decoyPasswordHash, verifyPassword } from "../auth/password";
import { roleSchema } from "../auth/principal";
import { clearSessionCookie, setSessionCookie } from "../auth/session-cookie";
import { issueToken } from "../auth/tokens";
import { users } from "../db/schema";
import { ApiError } from "../errors";
import { createRouter, errorResponses } from "../openapi";

const loginBody = z
  .object({
    email: z.string().trim().toLowerCase().email().max(320),
    password: z.string().min(1).max(1024),
  })
  .openapi("LoginRequest");

const loginResponse = z
  .object({
    token: z.string(),
    expiresAt: z.string().datetime(),
    user: z.object({ id: z.string(), email: z.string(), roles: z.array(roleSchema) }),
  })
  .openapi("LoginResponse");

const loginRoute = createRoute({
  method: "post",
  path: "/auth/login",
  summary: "Sign in with email and password",
  description: "Returns a short-lived JWT and sets the site's HttpOnly session cookie carrying the same token.",
  security: [],
  request: { body: { required: true, content: { "application/json": { schema: loginBody } } } },
  responses: {
    200: { description: "Signed in", content: { "application/json": { schema: loginResponse } } },
    ...errorResponses,
  },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/auth/logout",
  summary: "Sign out (clears the session cookie)",
  security: [],
  responses: { 204: { description: "Signed out" } },
});

export const authRoutes = createRouter()
  .openapi(loginRoute, async (c) => {
    const { email, password } = c.req.valid("json");
    const user = await c.get("db").query.users.findFirst({ where: eq(users.email, email) });
    // Unknown accounts are checked against a decoy hash so both cases take as long.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
    if (!user || !ok) throw new ApiError(401, "invalid_credentials", "email or password is wrong");
    const roles = user.roles.filter((r) => roleSchema.safeParse(r).success) as z.infer<typeof roleSchema>[];
    const { token, expiresAt } = await issueToken(authConfig(c.env), { sub: user.id, email: user.email, roles });
    setSessionCookie(c, token, expiresAt);
    return c.json({ token, expiresAt: expiresAt.toISOString(), user: { id: user.id, email: user.email, roles } }, 200);
  })
  .openapi(logoutRoute, (c) => {
    clearSessionCookie(c);
    return c.body(null, 204);
  });
