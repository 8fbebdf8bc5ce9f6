import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { enforceLimit } from "../security/rate-limit";
import { apiTokenPrincipal, looksLikeApiToken, recordApiTokenUse } from "./api-tokens";
import { authConfig } from "./config";
import { SITE_INTERNAL_HEADER } from "../site-internal";
import type { Principal, Role } from "./principal";
import { readSessionCookie } from "./session-cookie";
import { assertSessionLive } from "./sessions";
import { MAX_TOKEN_BYTES, TokenError, verifyToken } from "./tokens";

const REALM = "nowcast-edge";

/** A quoted-string of RFC 9110: backslash and double quote escaped, control characters dropped. */
export function quotedString(value: string): string {
  return `"${value.replace(/[\u0000-\u001f\u007f]/g, "").replace(/["\\]/g, "\\$&")}"`;
}

function unauthorized(code: string, message: string, withError: boolean): ApiError {
  // RFC 6750: a request with no credentials gets the bare challenge.
  const challenge = withError
    ? `Bearer realm=${quotedString(REALM)}, error="invalid_token", error_description=${quotedString(message)}`
    : `Bearer realm=${quotedString(REALM)}`;
  return new ApiError(401, code, message, { "WWW-Authenticate": challenge });
}

function bearerToken(header: string): string | null {
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  return match?.[1] ?? null;
}

/** The token a request carries: the Authorization header's Bearer token, else the site's session cookie. */
export function requestToken(c: Context<AppEnv>): string | undefined {
  const header = c.req.header("authorization");
  if (header === undefined) return readSessionCookie(c);
  if (header.length > MAX_TOKEN_BYTES) throw unauthorized("token_too_large", "authorization header is larger than 8 KiB", true);
  const bearer = bearerToken(header);
  if (!bearer) throw unauthorized("malformed_token", "authorization header must be 'Bearer <token>'", true);
  return bearer;
}

/** The principal of a token: a program's API token, or a session token (signature, claims, then revocation). */
export async function principalOf(c: Context<AppEnv>, token: string): Promise<Principal> {
  if (looksLikeApiToken(token)) return apiTokenPrincipal(c.get("db"), token);
  const principal = await verifyToken(authConfig(c.env), token);
  await assertSessionLive(c.get("db"), principal);
  return principal;
}

// What an API token may reach: reading nowcasts (and their images) and places.
const API_TOKEN_ROUTES = [/^\/api\/nowcast$/, /^\/api\/nowcasts\//, /^\/api\/places(\/|$)/];
function inApiTokenScope(method: string, path: string): boolean {
  return (method === "GET" || method === "HEAD") && API_TOKEN_ROUTES.some((r) => r.test(path));
}

/**
 * Verifies the Bearer token (or the site's session cookie), puts the principal in context, and counts
 * the call against the caller's limit: per API token for programs, per user otherwise.
 */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = requestToken(c);
  if (!token) throw unauthorized("missing_token", "authentication required", false);
  let principal: Principal;
  try {
    principal = await principalOf(c, token);
  } catch (error) {
    if (error instanceof TokenError) throw unauthorized(error.code, error.message, true);
    throw error;
  }
  c.set("principal", principal);
  if (principal.apiTokenId) {
    if (!inApiTokenScope(c.req.method, c.req.path)) {
      throw new ApiError(403, "insufficient_scope", "an API token may only read nowcasts and places");
    }
    const db = c.get("db");
    c.executionCtx.waitUntil(recordApiTokenUse(db, principal.apiTokenId));
  }
  // The site's own calls (marked at the Worker entry, worker/site-internal.ts) serve every visitor of the
  // landing page; its callers are limited per IP upstream. Operators (the admin role, never given by sign-up) are not limited per caller: their tools and
  // benchmarks poll the service from one account.
  if (c.req.header(SITE_INTERNAL_HEADER) === undefined && !principal.roles.includes("admin")) {
    const key = principal.apiTokenId ? `token:${principal.apiTokenId}` : `user:${principal.sub}`;
    await enforceLimit(c.env, "API_LIMITER", key, "requests");
  }
  await next();
});

/** 403 for a verified principal without the role; use after requireAuth. */
export function requireRole(role: Role) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!c.get("principal").roles.includes(role)) {
      throw new ApiError(403, "forbidden", `this needs the "${role}" role`);
    }
    await next();
  });
}
