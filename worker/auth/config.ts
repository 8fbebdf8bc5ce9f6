import type { Env } from "../env";

/** Auth settings read from the Worker's vars and secrets. */
export interface AuthConfig {
  secret: Uint8Array;
  issuer: string;
  audience: string;
  tokenTtlSeconds: number;
  clockToleranceSeconds: number;
  /** Set when an external identity provider is configured. */
  external: { jwksUrl: URL; issuer: string; audience: string; cooldownSeconds: number } | null;
}

function positiveNumber(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function authConfig(env: Env): AuthConfig {
  if (!env.JWT_SECRET || env.JWT_SECRET.length < 32) {
    throw new Error("JWT_SECRET must be set to at least 32 characters (see .dev.vars.example)");
  }
  const external =
    env.JWKS_URL && env.JWKS_ISSUER && env.JWKS_AUDIENCE
      ? {
          jwksUrl: new URL(env.JWKS_URL),
          issuer: env.JWKS_ISSUER,
          audience: env.JWKS_AUDIENCE,
          cooldownSeconds: positiveNumber(env.JWKS_COOLDOWN_SECONDS, 30),
        }
      : null;
  return {
    secret: new TextEncoder().encode(env.JWT_SECRET),
    issuer: env.AUTH_ISSUER || "nowcast-edge",
    audience: env.AUTH_AUDIENCE || "nowcast-edge-api",
    tokenTtlSeconds: positiveNumber(env.TOKEN_TTL_SECONDS, 3600),
    clockToleranceSeconds: positiveNumber(env.CLOCK_TOLERANCE_SECONDS, 30),
    external,
  };
}
