import { env } from "cloudflare:workers";
import { base64url, SignJWT, UnsecuredJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createUser, errorOf, idp, tokenFor } from "./support/helpers";

const secret = () => new TextEncoder().encode(env.JWT_SECRET);
let alice: Awaited<ReturnType<typeof createUser>>;
let admin: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  alice = await createUser("alice@example.com", "correct horse battery");
  admin = await createUser("root@example.com", "admin password 1", "admin");
});

async function expectRejected(res: Response, code: string) {
  expect(res.status).toBe(401);
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="nowcast-edge"/);
  expect(res.headers.get("content-type")).toContain("application/json");
  expect(res.headers.get("x-request-id")).toBeTruthy();
  expect((await errorOf(res)).code).toBe(code);
}

describe("tokens this service issues", () => {
  it("accepts a valid token and returns the principal", async () => {
    const res = await call("/api/me", bearer(await tokenFor(alice)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: alice.id, email: "alice@example.com", roles: ["user"], issuer: "local" });
  });

  it("401 without a token, with the bare challenge", async () => {
    const res = await call("/api/me");
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="nowcast-edge"');
    await expectRejected(res, "missing_token");
  });

  it("401 for a malformed token", async () => {
    await expectRejected(await call("/api/me", bearer("not.a.jwt")), "malformed_token");
    await expectRejected(await call("/api/me", bearer("garbage")), "malformed_token");
  });

  it("401 for an Authorization header that is not Bearer", async () => {
    await expectRejected(await call("/api/me", { headers: { authorization: "Basic YWxpY2U6cHc=" } }), "malformed_token");
  });

  it("401 for alg: none", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = new UnsecuredJWT({ roles: ["admin"] })
      .setSubject(alice.id)
      .setIssuer(env.AUTH_ISSUER)
      .setAudience(env.AUTH_AUDIENCE)
      .setExpirationTime(now + 300)
      .encode();
    await expectRejected(await call("/api/me", bearer(token)), "algorithm_not_allowed");
  });

  it("401 for an expired token", async () => {
    await expectRejected(await call("/api/me", bearer(await tokenFor(alice, { ttlSeconds: -120 }))), "token_expired");
  });

  it("accepts a token expired by less than the clock tolerance", async () => {
    const res = await call("/api/me", bearer(await tokenFor(alice, { ttlSeconds: -5 })));
    expect(res.status).toBe(200);
  });

  it("401 for a token not yet valid", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ email: alice.email, roles: ["user"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(alice.id)
      .setIssuer(env.AUTH_ISSUER)
      .setAudience(env.AUTH_AUDIENCE)
      .setIssuedAt(now)
      .setJti(crypto.randomUUID())
      .setNotBefore(now + 600)
      .setExpirationTime(now + 1200)
      .sign(secret());
    await expectRejected(await call("/api/me", bearer(token)), "token_not_yet_valid");
  });

  it("401 for a wrong issuer", async () => {
    await expectRejected(await call("/api/me", bearer(await tokenFor(alice, { issuer: "someone-else" }))), "wrong_issuer");
  });

  it("401 for a wrong audience", async () => {
    await expectRejected(await call("/api/me", bearer(await tokenFor(alice, { audience: "another-api" }))), "wrong_audience");
  });

  it("401 for a tampered payload", async () => {
    const [header, , signature] = (await tokenFor(alice)).split(".");
    const now = Math.floor(Date.now() / 1000);
    const forged = base64url.encode(
      JSON.stringify({ sub: alice.id, email: alice.email, roles: ["admin"], iss: env.AUTH_ISSUER, aud: env.AUTH_AUDIENCE, exp: now + 600 }),
    );
    await expectRejected(await call("/api/me", bearer(`${header}.${forged}.${signature}`)), "bad_signature");
  });

  it("401 for a token signed with another secret", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ roles: ["user"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(alice.id)
      .setIssuer(env.AUTH_ISSUER)
      .setAudience(env.AUTH_AUDIENCE)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode("a-completely-different-secret-of-enough-length"));
    await expectRejected(await call("/api/me", bearer(token)), "bad_signature");
  });

  it("401 for a token over 8 KiB", async () => {
    const token = await tokenFor(alice, { email: `${"a".repeat(9000)}@example.com` });
    expect(token.length).toBeGreaterThan(8192);
    await expectRejected(await call("/api/me", bearer(token)), "token_too_large");
  });

  it("401 for an Authorization header over 8 KiB", async () => {
    await expectRejected(await call("/api/me", { headers: { authorization: `Bearer ${"x".repeat(8200)}` } }), "token_too_large");
  });

  it("403 for a valid token without the needed role, 200 with it", async () => {
    const denied = await call("/api/admin/users", bearer(await tokenFor(alice)));
    expect(denied.status).toBe(403);
    expect((await errorOf(denied)).code).toBe("forbidden");
    const allowed = await call("/api/admin/users", bearer(await tokenFor(admin)));
    expect(allowed.status).toBe(200);
    const body = (await allowed.json()) as { users: { email: string; roles: string[] }[] };
    expect(body.users.map((u) => u.email)).toEqual(expect.arrayContaining(["alice@example.com", "root@example.com"]));
    expect(JSON.stringify(body)).not.toContain("pbkdf2");
  });
});

describe("tokens from the external identity provider (JWKS)", () => {
  const externalClaims = { sub: "idp|user-42", email: "carol@example.org", roles: ["user"] };

  it("accepts a token signed by a published key", async () => {
    const { token } = await idp<{ token: string }>("/sign", { claims: externalClaims });
    const res = await call("/api/me", bearer(token));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: "idp|user-42", email: "carol@example.org", roles: ["user"], issuer: "external" });
  });

  it("follows key rotation by kid", async () => {
    await idp("/rotate", {});
    const { kid } = await idp<{ kid: string }>("/current-kid");
    const { token } = await idp<{ token: string }>("/sign", { claims: externalClaims, kid });
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[0]!))).kid).toBe(kid);
    expect((await call("/api/me", bearer(token))).status).toBe(200);
  });

  it("401 for an unknown kid", async () => {
    const { token } = await idp<{ token: string }>("/sign", { claims: externalClaims, unpublished: true });
    await expectRejected(await call("/api/me", bearer(token)), "unknown_key");
  });

  it("401 for an HS256 token signed with the provider's public key (algorithm confusion)", async () => {
    const pem = await idp<string>("/public.pem");
    const { kid } = await idp<{ kid: string }>("/current-kid");
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ roles: ["admin"] })
      .setProtectedHeader({ alg: "HS256", kid })
      .setSubject("idp|attacker")
      .setIssuer(env.JWKS_ISSUER)
      .setAudience(env.JWKS_AUDIENCE)
      .setExpirationTime(now + 300)
      .sign(new TextEncoder().encode(pem));
    await expectRejected(await call("/api/me", bearer(token)), "algorithm_not_allowed");
  });

  it("401 for the provider's token with a wrong audience", async () => {
    const { token } = await idp<{ token: string }>("/sign", { claims: { ...externalClaims, aud: "someone-else" } });
    await expectRejected(await call("/api/me", bearer(token)), "wrong_audience");
  });

  it("401 for the provider's expired token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { token } = await idp<{ token: string }>("/sign", { claims: { ...externalClaims, iat: now - 900, exp: now - 600 } });
    await expectRejected(await call("/api/me", bearer(token)), "token_expired");
  });

  it("an admin role from the provider reaches admin routes", async () => {
    const { token } = await idp<{ token: string }>("/sign", { claims: { ...externalClaims, roles: ["user", "admin"] } });
    expect((await call("/api/admin/users", bearer(token))).status).toBe(200);
  });
});

describe("verified-token cache", () => {
  it("a token verified once is refused again once it has expired", async () => {
    const { verifyToken } = await import("../worker/auth/tokens");
    const { authConfig } = await import("../worker/auth/config");
    const { vi } = await import("vitest");
    const token = await tokenFor(alice, { ttlSeconds: 60 });
    expect((await verifyToken(authConfig(env), token)).sub).toBe(alice.id);
    vi.useFakeTimers({ now: Date.now() + 5 * 60_000 });
    try {
      await expect(verifyToken(authConfig(env), token)).rejects.toMatchObject({ code: "token_expired" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("a cached token does not survive a change of signing secret", async () => {
    const { verifyToken } = await import("../worker/auth/tokens");
    const { authConfig } = await import("../worker/auth/config");
    const token = await tokenFor(alice);
    expect((await verifyToken(authConfig(env), token)).sub).toBe(alice.id);
    const rotated = authConfig({ ...env, JWT_SECRET: "a-rotated-secret-of-at-least-thirty-two-chars" });
    await expect(verifyToken(rotated, token)).rejects.toMatchObject({ code: "bad_signature" });
  });
});
