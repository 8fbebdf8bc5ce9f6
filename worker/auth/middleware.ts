import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { authConfig } from "./config";
import type { Role } from "./principal";
import { readSessionCookie } from "./session-cookie";
import { MAX_TOKEN_BYTES, TokenError, verifyToken } from "./tokens";

const REALM = "nowcast-edge";

function unauthorized(code: string, message: string, withError: boolean): ApiError {
  // RFC 6750: a request with no credentials gets the bare challenge.
  const challenge = withError
    ? `Bearer realm="${REALM}", error="invalid_token", error_description="${message}"`
    : `Bearer realm="${REALM}"`;
  return new ApiError(401, code, message, { "WWW-Authenticate": challenge });
}

function bearerToken(header: string): string | null {
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  return match?.[1] ?? null;
}

/** Verifies the Bearer token (or the site's session cookie) and puts the principal in context. */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  let token: string | undefined;
  if (header !== undefined) {
    if (header.length > MAX_TOKEN_BYTES) throw unauthorized("token_too_large", "authorization header is larger than 8 KiB", true);
    const bearer = bearerToken(header);
    if (!bearer) throw unauthorized("malformed_token", "authorization header must be 'Bearer <token>'", true);
    token = bearer;
  } else {
    token = readSessionCookie(c);
  }
  if (!token) throw unauthorized("missing_token", "authentication required", false);
  try {
    c.set("principal", await verifyToken(authConfig(c.env), token));
  } catch (error) {
    if (error instanceof TokenError) throw unauthorized(error.code, error.message, true);
    throw error;
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
