import { describe, expect, it, beforeAll } from "vitest";
import { call, createUser, errorOf } from "./support/helpers";

function login(body: unknown, origin?: string) {
  return call(origin ? new URL("/api/auth/login", origin).href : "/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

function sessionCookie(res: Response): string {
  const header = res.headers.getSetCookie().find((c) => c.startsWith("nc_session="));
  if (!header) throw new Error("no session cookie set");
  return header;
}

beforeAll(async () => {
  await createUser("dana@example.com", "dana's long password");
});

describe("sign-in", () => {
  it("returns a token and sets an HttpOnly, Secure, SameSite=Lax session cookie", async () => {
    const res = await login({ email: "Dana@Example.com ", password: "dana's long password" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; expiresAt: string; user: { email: string; roles: string[] } };
    expect(body.user).toMatchObject({ email: "dana@example.com", roles: ["user"] });
    const ttlMs = Date.parse(body.expiresAt) - Date.now();
    expect(ttlMs).toBeGreaterThan(3500_000);
    expect(ttlMs).toBeLessThanOrEqual(3600_000);
    const cookie = sessionCookie(res);
    expect(cookie).toContain(`nc_session=${body.token}`);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
  });

  it("leaves Secure off on plain http://localhost only", async () => {
    const res = await login({ email: "dana@example.com", password: "dana's long password" }, "http://localhost:8787");
    expect(sessionCookie(res)).not.toMatch(/Secure/);
  });

  it("the cookie authenticates API calls, and sign-out clears it", async () => {
    const res = await login({ email: "dana@example.com", password: "dana's long password" });
    const cookie = sessionCookie(res).split(";")[0]!;
    const me = await call("/api/me", { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe("dana@example.com");

    const out = await call("/api/auth/logout", { method: "POST", headers: { cookie } });
    expect(out.status).toBe(204);
    const cleared = sessionCookie(out);
    expect(cleared).toMatch(/^nc_session=;/);
    expect(cleared).toMatch(/Max-Age=0/);
  });

  it("401 for a wrong password and for an unknown email, with the same message", async () => {
    const wrong = await login({ email: "dana@example.com", password: "not the password" });
    const unknown = await login({ email: "nobody@example.com", password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await errorOf(wrong)).toEqual(await errorOf(unknown));
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it("400 for a body that is not valid JSON or misses fields", async () => {
    const missing = await login({ email: "dana@example.com" });
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).code).toBe("invalid_request");
    const notEmail = await login({ email: "dana", password: "x" });
    expect(notEmail.status).toBe(400);
    const broken = await call("/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(broken.status).toBe(400);
    expect((await errorOf(broken)).code).toBe("invalid_request");
  });
});
