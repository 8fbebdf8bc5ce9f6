import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { bearer, call, createUser, errorOf, signUp, tokenFor } from "./support/helpers";

const STRONG = "a kettle of grey herons";

describe("sessions that end", () => {
  it("this service's tokens carry a jti", async () => {
    const { token } = await signUp(`jti-${crypto.randomUUID()}@example.com`, STRONG);
    const payload = JSON.parse(atob(token.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/")));
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("after sign-out the same token is refused, as cookie and as Bearer", async () => {
    const s = await signUp(`out-${crypto.randomUUID()}@example.com`, STRONG);
    expect((await call("/api/me", { headers: { cookie: s.cookie } })).status).toBe(200);
    const out = await call("/api/auth/logout", { method: "POST", headers: { cookie: s.cookie } });
    expect(out.status).toBe(204);
    const asCookie = await call("/api/me", { headers: { cookie: s.cookie } });
    expect(asCookie.status).toBe(401);
    expect((await errorOf(asCookie)).code).toBe("token_revoked");
    expect((await call("/api/me", bearer(s.token))).status).toBe(401);
    // Another session of the same account is untouched.
    const u = { id: s.user.id, email: s.user.email, roles: s.user.roles };
    expect((await call("/api/me", bearer(await tokenFor(u)))).status).toBe(200);
  });

  it("sign-out with a Bearer token revokes it too", async () => {
    const s = await signUp(`out-bearer-${crypto.randomUUID()}@example.com`, STRONG);
    expect((await call("/api/auth/logout", { method: "POST", ...bearer(s.token) })).status).toBe(204);
    expect((await call("/api/nowcast?place=Helsinki", bearer(s.token))).status).toBe(401);
  });

  it("a revoked jti stays refused only until the token would have expired: its row is pruned after", async () => {
    const { revokeSession } = await import("../worker/auth/sessions");
    const { drizzle } = await import("drizzle-orm/d1");
    const schema = await import("../worker/db/schema");
    const d = drizzle(env.DB, { schema });
    const expiredJti = crypto.randomUUID();
    await revokeSession(d, { jti: expiredJti, issuedAtMs: Date.now() - 7200_000, expiresAtMs: Date.now() - 3600_000 });
    await revokeSession(d, { jti: crypto.randomUUID(), issuedAtMs: Date.now(), expiresAtMs: Date.now() + 3600_000 });
    const left = await env.DB.prepare("select count(*) as n from revoked_sessions where jti = ?").bind(expiredJti).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });

  it("401 for a token issued an hour in the future", async () => {
    const user = await createUser(`future-${crypto.randomUUID()}@example.com`, STRONG);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ email: user.email, roles: ["user"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(user.id)
      .setIssuer(env.AUTH_ISSUER)
      .setAudience(env.AUTH_AUDIENCE)
      .setJti(crypto.randomUUID())
      .setIssuedAt(now + 3600)
      .setExpirationTime(now + 7200)
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    const res = await call("/api/me", bearer(token));
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe("token_issued_in_future");
  });

  it("401 for a token of this service without a jti (it could never be signed out)", async () => {
    const user = await createUser(`nojti-${crypto.randomUUID()}@example.com`, STRONG);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ email: user.email, roles: ["user"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(user.id)
      .setIssuer(env.AUTH_ISSUER)
      .setAudience(env.AUTH_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    expect((await call("/api/me", bearer(token))).status).toBe(401);
  });
});
