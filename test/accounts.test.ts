import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { requests, users, locations, apiTokens } from "../worker/db/schema";
import { bearer, call, db, errorOf, postJson, signUp, someIp } from "./support/helpers";

const STRONG = "a kettle of grey herons";

describe("sign-up", () => {
  it("creates an account through the API, signs it in, and the token reaches signed-in routes", async () => {
    const res = await postJson("/api/auth/signup", { email: "New.Person@Example.com", password: STRONG }, { "cf-connecting-ip": someIp() });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token: string; user: { id: string; email: string; roles: string[] } };
    expect(body.user).toMatchObject({ email: "new.person@example.com", roles: ["user"] });
    expect(res.headers.getSetCookie().some((c) => c.startsWith("nc_session=") && /HttpOnly/.test(c))).toBe(true);
    const me = await call("/api/me", bearer(body.token));
    expect(await me.json()).toMatchObject({ sub: body.user.id, email: "new.person@example.com", roles: ["user"], issuer: "local" });
    const stored = await db().query.users.findFirst({ where: eq(users.email, "new.person@example.com") });
    expect(stored!.passwordHash).toMatch(/^pbkdf2-sha256\$/);
    expect(stored!.passwordHash).not.toContain(STRONG);
  });

  it("a new account never gets the admin role, whatever the body says", async () => {
    const res = await postJson("/api/auth/signup", { email: "sneaky@example.com", password: STRONG, role: "admin", roles: ["admin"] }, { "cf-connecting-ip": someIp() });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    expect((await call("/api/admin/users", bearer(token))).status).toBe(403);
  });

  it("422 for a short password and for a common one, 409 for a taken email, with nothing stored", async () => {
    const before = await db().select({ n: sql<number>`count(*)` }).from(users);
    for (const [password, rule] of [
      ["short1!", "at least 10 characters"],
      ["1234567890", "common passwords"],
      ["qwertyuiop", "common passwords"],
      ["password123", "common passwords"],
    ] as const) {
      const res = await postJson("/api/auth/signup", { email: `weak-${crypto.randomUUID()}@example.com`, password }, { "cf-connecting-ip": someIp() });
      expect(res.status, password).toBe(422);
      const error = await errorOf(res);
      expect(error.code).toBe("weak_password");
      expect(error.message).toContain(rule);
    }
    const emailAsPassword = await postJson("/api/auth/signup", { email: "samesame12@example.com", password: "samesame12@example.com" }, { "cf-connecting-ip": someIp() });
    expect(emailAsPassword.status).toBe(422);
    expect((await db().select({ n: sql<number>`count(*)` }).from(users))[0]).toEqual(before[0]);

    await signUp("taken@example.com", STRONG);
    const again = await postJson("/api/auth/signup", { email: "Taken@example.com", password: "another long passphrase" }, { "cf-connecting-ip": someIp() });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe("email_taken");
  });

  it("the sign-up page creates the account and signs in; the sign-in page links to it", async () => {
    const signin = await call("/signin");
    expect(await signin.text()).toMatch(/href="\/signup\?next=[^"]*"/);
    const page = await call("/signup");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('autocomplete="new-password"');

    const form = new URLSearchParams({ email: "by-form@example.com", password: STRONG });
    const res = await call("/signup?next=%2Fapp", {
      method: "POST",
      headers: {
        accept: "text/html",
        "content-type": "application/x-www-form-urlencoded",
        origin: "https://nowcast.example.test",
        "cf-connecting-ip": someIp(),
      },
      body: form,
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/app");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("nc_session="))!.split(";")[0]!;
    expect(await (await call("/api/me", { headers: { cookie } })).json()).toMatchObject({ email: "by-form@example.com" });
  });
});

describe("nowcasts stay for signed-in users; the landing page stays public", () => {
  it("401 for a nowcast without a token, 200 for the landing page", async () => {
    expect((await call("/api/nowcast?place=Helsinki")).status).toBe(401);
    expect((await call("/")).status).toBe(200);
  });
});

describe("change password", () => {
  it("needs the current password, applies the policy, ends other sessions and keeps this one", async () => {
    const a = await signUp(`change-${crypto.randomUUID()}@example.com`, STRONG);
    const other = await postJson("/api/auth/login", { email: a.user.email, password: STRONG }, { "cf-connecting-ip": someIp() });
    const otherToken = ((await other.json()) as { token: string }).token;

    const wrong = await postJson("/api/account/password", { currentPassword: "not it at all", newPassword: "fresh long passphrase" }, bearer(a.token).headers as Record<string, string>);
    expect(wrong.status).toBe(401);
    const weak = await postJson("/api/account/password", { currentPassword: STRONG, newPassword: "1234567890" }, bearer(a.token).headers as Record<string, string>);
    expect(weak.status).toBe(422);

    // Sessions are valid from whole seconds; the change must fall in a later second than the logins.
    await new Promise((r) => setTimeout(r, 1100));
    const ok = await postJson("/api/account/password", { currentPassword: STRONG, newPassword: "fresh long passphrase" }, bearer(a.token).headers as Record<string, string>);
    expect(ok.status).toBe(200);
    const { token: replacement } = (await ok.json()) as { token: string };
    expect((await call("/api/me", bearer(replacement))).status).toBe(200);
    expect((await errorOf(await call("/api/me", bearer(a.token)))).code).toBe("token_revoked");
    expect((await errorOf(await call("/api/me", bearer(otherToken)))).code).toBe("token_revoked");

    const oldPassword = await postJson("/api/auth/login", { email: a.user.email, password: STRONG }, { "cf-connecting-ip": someIp() });
    expect(oldPassword.status).toBe(401);
    const newPassword = await postJson("/api/auth/login", { email: a.user.email, password: "fresh long passphrase" }, { "cf-connecting-ip": someIp() });
    expect(newPassword.status).toBe(200);
  });
});

describe("delete account", () => {
  it("removes the account and its tokens, anonymises its request records, and ends the session", async () => {
    const a = await signUp(`leaving-${crypto.randomUUID()}@example.com`, STRONG);
    const created = await postJson("/api/account/tokens", { name: "script" }, bearer(a.token).headers as Record<string, string>);
    expect(created.status).toBe(201);
    const { token: apiToken } = (await created.json()) as { token: string };
    const [loc] = await db().insert(locations).values({ name: "Testville", lat: 60.1, lon: 24.9 }).returning();
    await db().insert(requests).values([
      { locationId: loc!.id, userId: a.user.id, requestedAt: new Date(), cacheStatus: "HIT" },
      { locationId: loc!.id, userId: a.user.id, requestedAt: new Date(), cacheStatus: "MISS" },
    ]);

    const wrong = await call("/api/account", { method: "DELETE", headers: { ...(bearer(a.token).headers as object), "content-type": "application/json" }, body: JSON.stringify({ password: "not it at all" }) });
    expect(wrong.status).toBe(401);
    expect(await db().query.users.findFirst({ where: eq(users.id, a.user.id) })).toBeTruthy();

    const res = await call("/api/account", { method: "DELETE", headers: { cookie: a.cookie, "content-type": "application/json" }, body: JSON.stringify({ password: STRONG }) });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().some((c) => /^nc_session=;/.test(c))).toBe(true);

    expect(await db().query.users.findFirst({ where: eq(users.id, a.user.id) })).toBeUndefined();
    expect(await db().select().from(apiTokens).where(eq(apiTokens.userId, a.user.id))).toEqual([]);
    const rows = await db().select().from(requests).where(eq(requests.locationId, loc!.id));
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.userId === null)).toBe(true);
    expect((await env.DB.prepare("select count(*) as n from requests where user_id = ?").bind(a.user.id).first<{ n: number }>())!.n).toBe(0);

    expect((await call("/api/me", bearer(a.token))).status).toBe(401);
    expect((await call("/api/me", { headers: { cookie: a.cookie } })).status).toBe(401);
    expect((await call("/api/places?q=Hel", bearer(apiToken))).status).toBe(401);
    expect((await postJson("/api/auth/login", { email: a.user.email, password: STRONG }, { "cf-connecting-ip": someIp() })).status).toBe(401);
  });
});
