import type { Context } from "hono";
import type { AppEnv, Env } from "../env";
import { ApiError } from "../errors";

/**
 * The abuse limits, each a Workers rate-limiting binding ([[ratelimits]] in wrangler.toml, where the
 * limit per period is configured). Miniflare runs the same binding under wrangler dev and the tests.
 */
export type Limiter = "AUTH_IP_LIMITER" | "AUTH_ACCOUNT_LIMITER" | "SIGNUP_IP_LIMITER" | "API_LIMITER" | "MODEL_RUN_LIMITER" | "ETL_RUN_LIMITER";

/** Every [[ratelimits]] entry in wrangler.toml uses this period; the binding itself does not report it. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/** Counts one request under the key; a refusal is a 429 with Retry-After in the error shape. */
export async function enforceLimit(env: Env, limiter: Limiter, key: string, what: string): Promise<void> {
  const { success } = await env[limiter].limit({ key });
  if (!success) {
    throw new ApiError(429, "rate_limited", `too many ${what}; try again in ${RATE_LIMIT_PERIOD_SECONDS} s`, {
      "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS),
    });
  }
}

/** The caller's address as Cloudflare saw it (set by the edge; absent only for in-process calls). */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}
