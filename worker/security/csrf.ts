import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A state-changing request that a browser may send with the session cookie attached must come from
 * the site's own origin. Browsers mark every such request with Origin and Sec-Fetch-Site, so a foreign
 * one is refused whatever its content type (form, text/plain, JSON). A Bearer token is never ambient,
 * so requests carrying one are not checked; programs (curl, the site's in-process calls) send neither
 * header and pass.
 */
export const csrfGuard = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE_METHODS.has(c.req.method) || c.req.header("authorization") !== undefined) return next();
  const own = new URL(c.req.url).origin;
  const origin = c.req.header("origin");
  const site = c.req.header("sec-fetch-site");
  if ((origin !== undefined && origin !== own) || (site !== undefined && site !== "same-origin" && site !== "none")) {
    throw new ApiError(403, "cross_origin_request", "state-changing requests must come from this site's own origin");
  }
  await next();
});
