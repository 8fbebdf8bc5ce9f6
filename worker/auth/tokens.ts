import {
  SignJWT,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import { z } from "zod";
import type { AuthConfig } from "./config";
import { roleSchema, type Principal, type Role } from "./principal";

/** Tokens and Authorization headers longer than this are refused before any parsing. */
export const MAX_TOKEN_BYTES = 8 * 1024;

const LOCAL_ALGORITHMS = ["HS256"];
// Only asymmetric algorithms for the identity provider: an HS256 token "signed"
// with the provider's public key (algorithm confusion) never reaches a key.
const EXTERNAL_ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"];

/** Why a token was refused; the message goes into the 401 body and WWW-Authenticate. */
export class TokenError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  email: z.string().email().optional(),
  roles: z.array(z.string()).optional(),
});

export interface IssueOptions {
  sub: string;
  email: string;
  roles: Role[];
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
}

/** Signs a token of this service (HS256 with the secret). A negative ttl gives an expired token. */
export async function issueToken(config: AuthConfig, options: IssueOptions): Promise<{ token: string; expiresAt: Date }> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + (options.ttlSeconds ?? config.tokenTtlSeconds);
  const token = await new SignJWT({ email: options.email, roles: options.roles })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(options.sub)
    .setIssuer(options.issuer ?? config.issuer)
    .setAudience(options.audience ?? config.audience)
    .setIssuedAt(now)
    .setNotBefore(Math.min(now, exp))
    .setExpirationTime(exp)
    .setJti(crypto.randomUUID())
    .sign(config.secret);
  return { token, expiresAt: new Date(exp * 1000) };
}

// Remote key sets are cached per isolate: jose keeps the fetched JWKS and
// refetches on an unknown `kid` (rotation), at most once per cooldown.
const remoteKeySets = new Map<string, JWTVerifyGetKey>();
function remoteKeySet(url: URL, cooldownSeconds: number): JWTVerifyGetKey {
  const cacheKey = `${url.href}#${cooldownSeconds}`;
  let keySet = remoteKeySets.get(cacheKey);
  if (!keySet) {
    keySet = createRemoteJWKSet(url, { cooldownDuration: cooldownSeconds * 1000, cacheMaxAge: 10 * 60 * 1000 });
    remoteKeySets.set(cacheKey, keySet);
  }
  return keySet;
}

function explain(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  if (error instanceof errors.JWTExpired) return new TokenError("token_expired", "token has expired");
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case "nbf":
        return new TokenError("token_not_yet_valid", "token is not yet valid");
      case "iss":
        return new TokenError("wrong_issuer", "token issuer is not trusted");
      case "aud":
        return new TokenError("wrong_audience", "token audience is not this service");
      default:
        return new TokenError("invalid_claims", `token claim "${error.claim}" is invalid`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new TokenError("algorithm_not_allowed", "token algorithm is not allowed");
  if (error instanceof errors.JWKSNoMatchingKey) return new TokenError("unknown_key", "token key id is unknown");
  if (error instanceof errors.JWSSignatureVerificationFailed) return new TokenError("bad_signature", "token signature is invalid");
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new TokenError("key_set_unavailable", "identity provider keys could not be fetched");
  }
  return new TokenError("malformed_token", "token is malformed");
}

/** A cached verification holds only under the same trust settings (secret, issuers, audiences). */
function sameTrust(a: AuthConfig, b: AuthConfig): boolean {
  return (
    a.issuer === b.issuer &&
    a.audience === b.audience &&
    a.clockToleranceSeconds === b.clockToleranceSeconds &&
    a.secret.length === b.secret.length &&
    a.secret.every((byte, i) => byte === b.secret[i]) &&
    a.external?.issuer === b.external?.issuer &&
    a.external?.audience === b.external?.audience &&
    a.external?.jwksUrl.href === b.external?.jwksUrl.href
  );
}

function toPrincipal(payload: JWTPayload, issuer: "local" | "external"): Principal {
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) throw new TokenError("invalid_claims", "token lacks a valid subject or claims");
  // Unknown role names are ignored; a token with none is an ordinary user.
  const roles = (parsed.data.roles ?? []).filter((r): r is Role => roleSchema.safeParse(r).success);
  const session = {
    jti: typeof payload.jti === "string" ? payload.jti : null,
    issuedAtMs: typeof payload.iat === "number" ? payload.iat * 1000 : null,
    expiresAtMs: payload.exp! * 1000,
  };
  return { sub: parsed.data.sub, email: parsed.data.email ?? null, roles: roles.length ? roles : ["user"], issuer, session };
}

/** A token claiming to be issued later than now (beyond the clock tolerance) is refused: iat is never trusted blindly. */
function refuseFutureIat(payload: JWTPayload, config: AuthConfig): void {
  if (typeof payload.iat === "number" && payload.iat > Date.now() / 1000 + config.clockToleranceSeconds) {
    throw new TokenError("token_issued_in_future", "token claims to be issued in the future");
  }
}

// Tokens this isolate has verified, until they expire: a client sending the
// same token again skips the signature check. Only successes are kept, keyed
// by the whole token (signature included), so a changed token is a miss.
const VERIFIED_CAPACITY = 1_000;
const verified = new Map<string, { principal: Principal; expMs: number; configKey: AuthConfig }>();

function rememberVerified(token: string, principal: Principal, expSeconds: number | undefined, config: AuthConfig): void {
  if (expSeconds === undefined) return;
  verified.set(token, { principal, expMs: (expSeconds + config.clockToleranceSeconds) * 1000, configKey: config });
  while (verified.size > VERIFIED_CAPACITY) verified.delete(verified.keys().next().value!);
}

/** Verifies a token from either trusted issuer; throws TokenError saying why it is refused. */
export async function verifyToken(config: AuthConfig, token: string): Promise<Principal> {
  if (token.length > MAX_TOKEN_BYTES) throw new TokenError("token_too_large", "token is larger than 8 KiB");
  const known = verified.get(token);
  if (known) {
    if (Date.now() < known.expMs && sameTrust(known.configKey, config)) return known.principal;
    verified.delete(token);
  }
  try {
    decodeProtectedHeader(token);
    const { iss } = decodeJwt(token);
    const external = config.external;
    // Each issuer has its own key and algorithms: the token's iss only picks which to try.
    const trust =
      iss === config.issuer
        ? { kind: "local" as const, key: (() => config.secret) as JWTVerifyGetKey, algorithms: LOCAL_ALGORITHMS, issuer: config.issuer, audience: config.audience }
        : external && iss === external.issuer
          ? {
              kind: "external" as const,
              key: remoteKeySet(external.jwksUrl, external.cooldownSeconds),
              algorithms: EXTERNAL_ALGORITHMS,
              issuer: external.issuer,
              audience: external.audience,
            }
          : null;
    if (!trust) throw new TokenError("wrong_issuer", "token issuer is not trusted");
    const options = {
      algorithms: trust.algorithms,
      issuer: trust.issuer,
      audience: trust.audience,
      clockTolerance: config.clockToleranceSeconds,
      // This service's own tokens always carry a jti (sign-out revokes it) and an iat (password changes).
      requiredClaims: trust.kind === "local" ? ["exp", "sub", "jti", "iat"] : ["exp", "sub"],
    };
    const { payload } = await jwtVerify(token, trust.key, options);
    refuseFutureIat(payload, config);
    const principal = toPrincipal(payload, trust.kind);
    rememberVerified(token, principal, payload.exp, config);
    return principal;
  } catch (error) {
    throw explain(error);
  }
}
