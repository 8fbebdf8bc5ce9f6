// The signed-in user's own account: change the password, delete the account.
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { hashPassword, verifyPassword } from "../auth/password";
import { MAX_PASSWORD_LENGTH, passwordProblem } from "../auth/password-policy";
import { revokeSession } from "../auth/sessions";
import { clearSessionCookie } from "../auth/session-cookie";
import { apiTokens, savedPlaces, requests, revokedSessions, users, type User } from "../db/schema";
import type { AppEnv, Env } from "../env";
import { ApiError } from "../errors";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { enforceLimit } from "../security/rate-limit";
import { startSession } from "./auth";

const errorContent = { content: { "application/json": { schema: errorSchema } } };
const accountErrors = {
  ...errorResponses,
  403: { description: "Not a password account of this service (identity provider, API token), or cross-origin", ...errorContent },
  429: { description: "Too many password checks for this account (Retry-After)", ...errorContent },
};

/** Only sessions of this service's own accounts manage an account. */
export async function accountOf(c: Context<AppEnv>): Promise<User> {
  const principal = c.get("principal");
  if (principal.issuer !== "local") throw new ApiError(403, "not_a_local_account", "this account is managed by its identity provider");
  const account = await c.get("db").query.users.findFirst({ where: eq(users.id, principal.sub) });
  if (!account) throw new ApiError(403, "not_a_local_account", "this session has no account of this service");
  return account;
}

const sessionResponse = z
  .object({ token: z.string(), expiresAt: z.string().datetime(), user: z.object({ id: z.string(), email: z.string(), roles: z.array(z.string()) }) })
  .openapi("PasswordChanged");

const changePasswordRoute = createRoute({
  method: "post",
  path: "/account/password",
  summary: "Change the password; every other session of the account ends",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH) })
            .openapi("ChangePasswordRequest"),
        },
      },
    },
  },
  responses: {
    200: { description: "Changed; a new session token (and cookie) replaces the old", content: { "application/json": { schema: sessionResponse } } },
    ...accountErrors,
    422: { description: "The new password does not meet the policy", ...errorContent },
  },
});

const deleteAccountRoute = createRoute({
  method: "delete",
  path: "/account",
  summary: "Delete the account: its personal data and API tokens are removed, its request records anonymised",
  request: {
    body: { required: true, content: { "application/json": { schema: z.object({ password: z.string().min(1).max(1024) }).openapi("DeleteAccountRequest") } } },
  },
  responses: { 204: { description: "Deleted and signed out" }, ...accountErrors },
});

async function checkPassword(env: Env, account: User, password: string) {
  await enforceLimit(env, "AUTH_ACCOUNT_LIMITER", `account:${account.email}`, "password checks for this account");
  if (!(await verifyPassword(password, account.passwordHash))) throw new ApiError(401, "invalid_credentials", "the password is wrong");
}

export const accountRoutes = createRouter()
  .openapi(changePasswordRoute, async (c) => {
    const account = await accountOf(c);
    const { currentPassword, newPassword } = c.req.valid("json");
    await checkPassword(c.env, account, currentPassword);
    const problem = await passwordProblem(newPassword, account.email);
    if (problem) throw new ApiError(422, "weak_password", problem);
    const db = c.get("db");
    // Sessions issued before this second end; the one asking is revoked outright, and replaced below.
    const validAfter = new Date(Math.floor(Date.now() / 1000) * 1000);
    await db.update(users).set({ passwordHash: await hashPassword(newPassword), sessionsValidAfter: validAfter }).where(eq(users.id, account.id));
    const session = c.get("principal").session;
    if (session) await revokeSession(db, session);
    return c.json(await startSession(c, account), 200);
  })
  .openapi(deleteAccountRoute, async (c) => {
    const account = await accountOf(c);
    await checkPassword(c.env, account, c.req.valid("json").password);
    const db = c.get("db");
    const session = c.get("principal").session;
    // One batch, so an account is never left half deleted. Request records stay for the popularity
    // counts, without the user's id; the revoked jti keeps the token refused until it expires.
    await db.batch([
      db.update(requests).set({ userId: null }).where(eq(requests.userId, account.id)),
      db.delete(apiTokens).where(eq(apiTokens.userId, account.id)),
      db.delete(savedPlaces).where(eq(savedPlaces.userId, account.id)),
      db.delete(users).where(eq(users.id, account.id)),
      ...(session?.jti ? [db.insert(revokedSessions).values({ jti: session.jti, expiresAt: new Date(session.expiresAtMs) }).onConflictDoNothing()] : []),
    ]);
    clearSessionCookie(c);
    return c.body(null, 204);
  });
