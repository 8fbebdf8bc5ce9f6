import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import { authConfig } from "../auth/config";
import { principalOf, requestToken } from "../auth/middleware";
import { decoyPasswordHash, hashPassword, verifyPassword } from "../auth/password";
import { MAX_PASSWORD_LENGTH, passwordProblem } from "../auth/password-policy";
import { roleSchema, type Role } from "../auth/principal";
import { revokeSession } from "../auth/sessions";
import { clearSessionCookie, setSessionCookie } from "../auth/session-cookie";
import { issueToken, TokenError } from "../auth/tokens";
import { users, type User } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { clientIp, enforceLimit } from "../security/rate-limit";

const emailSchema = z.string().trim().toLowerCase().email().max(320);

const loginBody = z
  .object({ email: emailSchema, password: z.string().min(1).max(1024) })
  .openapi("LoginRequest");

const signupBody = z
  .object({ email: emailSchema, password: z.string().min(1).max(MAX_PASSWORD_LENGTH) })
  .openapi("SignupRequest");

const sessionResponse = z
  .object({
    token: z.string(),
    expiresAt: z.string().datetime(),
    user: z.object({ id: z.string(), email: z.string(), roles: z.array(roleSchema) }),
  })
  .openapi("LoginResponse");

const errorContent = { content: { "application/json": { schema: errorSchema } } };
const limited = {
  413: { description: "Body larger than 4 KiB", ...errorContent },
  429: { description: "Too many attempts from this address or for this account (Retry-After)", ...errorContent },
};

const loginRoute = createRoute({
  method: "post",
  path: "/auth/login",
  summary: "Sign in with email and password",
  description:
    "Returns a short-lived JWT and sets the site's HttpOnly session cookie carrying the same token. Attempts are limited per address and per account.",
  security: [],
  request: { body: { required: true, content: { "application/json": { schema: loginBody } } } },
  responses: {
    200: { description: "Signed in", content: { "application/json": { schema: sessionResponse } } },
    ...errorResponses,
    ...limited,
  },
});

const signupRoute = createRoute({
  method: "post",
  path: "/auth/signup",
  summary: "Create an account and sign in",
  description: `Anyone may create an account. The password needs at least 10 characters and must not be a common one. Sign-ups are limited per address.`,
  security: [],
  request: { body: { required: true, content: { "application/json": { schema: signupBody } } } },
  responses: {
    201: { description: "Account created and signed in", content: { "application/json": { schema: sessionResponse } } },
    ...errorResponses,
    409: { description: "An account with this email exists", ...errorContent },
    422: { description: "The password does not meet the policy", ...errorContent },
    ...limited,
  },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/auth/logout",
  summary: "Sign out: the session's token is revoked until it expires, and the cookie cleared",
  security: [],
  responses: { 204: { description: "Signed out" }, ...errorResponses, 403: { description: "Cross-origin request", ...errorContent } },
});

function rolesOf(user: User): Role[] {
  return user.roles.filter((r): r is Role => roleSchema.safeParse(r).success);
}

/** Issues a session for the user: the token in the body and in the site's cookie. */
export async function startSession(c: Context<AppEnv>, user: User) {
  const roles = rolesOf(user);
  const { token, expiresAt } = await issueToken(authConfig(c.env), { sub: user.id, email: user.email, roles });
  setSessionCookie(c, token, expiresAt);
  return { token, expiresAt: expiresAt.toISOString(), user: { id: user.id, email: user.email, roles } };
}

export const authRoutes = createRouter()
  .openapi(loginRoute, async (c) => {
    const { email, password } = c.req.valid("json");
    await enforceLimit(c.env, "AUTH_IP_LIMITER", `ip:${clientIp(c)}`, "sign-in attempts from this address");
    await enforceLimit(c.env, "AUTH_ACCOUNT_LIMITER", `account:${email}`, "sign-in attempts for this account");
    const user = await c.get("db").query.users.findFirst({ where: eq(users.email, email) });
    // Unknown accounts are checked against a decoy hash so both cases take as long.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
    if (!user || !ok) throw new ApiError(401, "invalid_credentials", "email or password is wrong");
    return c.json(await startSession(c, user), 200);
  })
  .openapi(signupRoute, async (c) => {
    const { email, password } = c.req.valid("json");
    await enforceLimit(c.env, "SIGNUP_IP_LIMITER", `ip:${clientIp(c)}`, "sign-ups from this address");
    const problem = await passwordProblem(password, email);
    if (problem) throw new ApiError(422, "weak_password", problem);
    const db = c.get("db");
    const passwordHash = await hashPassword(password);
    const [user] = await db
      .insert(users)
      .values({ id: crypto.randomUUID(), email, passwordHash, roles: ["user"] })
      .onConflictDoNothing()
      .returning();
    if (!user) throw new ApiError(409, "email_taken", "an account with this email exists; sign in instead");
    return c.json(await startSession(c, user), 201);
  })
  .openapi(logoutRoute, async (c) => {
    // Signing out never fails for a bad or expired token: there is nothing left to end.
    const token = requestToken(c);
    if (token) {
      try {
        const principal = await principalOf(c, token);
        if (principal.session) await revokeSession(c.get("db"), principal.session);
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
      }
    }
    clearSessionCookie(c);
    return c.body(null, 204);
  });
