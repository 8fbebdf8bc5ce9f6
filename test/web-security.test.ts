import { describe, expect, it } from "vitest";
import { bearer, call, createUser, errorOf, ORIGIN, postJson, signUp, tokenFor } from "./support/helpers";

const STRONG = "a kettle of grey herons";

describe("security headers on every response", () => {
  const paths = ["/api/health", "/api/me", "/api/openapi.json", "/api/docs", "/signin", "/", "/no-such-page", "/api/no-such-route"];
  it.each(paths)("%s carries frame-ancestors 'none', nosniff, Referrer-Policy and HSTS", async (path) => {
    const res = await call(path);
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d{7,}/);
  });

  it.each(["/signin", "/api/docs"])("%s gets SvelteKit's CSP with a nonce for its own scripts", async (path) => {
    const res = await call(path);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
    expect(csp).toContain("object-src 'none'");
    const html = await res.text();
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(html).toContain(`nonce="${nonce}"`);
    // The API reference's library (Redoc) runs under the same policy: no eval, no other origin.
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it("no HSTS on plain http://localhost, where it would pin a developer's machine to https", async () => {
    const { exports } = await import("cloudflare:workers");
    const res = await exports.default.fetch(new Request("http://localhost:8787/api/health"));
    expect(res.headers.get("strict-transport-security")).toBeNull();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("CSRF: cookie-authenticated writes only from the site's own origin", () => {
  async function adminCookie() {
    const admin = await createUser(`csrf-admin-${crypto.randomUUID()}@example.com`, "admin password 1", "admin");
    return `nc_session=${await tokenFor(admin)}`;
  }
  const foreign = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };

  it("403 for the form-encoded collect, the text/plain classifier, the JSON city add and delete, and sign-out", async () => {
    const cookie = await adminCookie();
    const attempts: [string, RequestInit][] = [
      ["/api/admin/weather/collect", { method: "POST", headers: { cookie, ...foreign, "content-type": "application/x-www-form-urlencoded" }, body: "a=1" }],
      ["/api/admin/weather/classifier", { method: "POST", headers: { cookie, ...foreign, "content-type": "text/plain" }, body: "x" }],
      [
        "/api/admin/weather/cities",
        { method: "POST", headers: { cookie, ...foreign, "content-type": "application/json" }, body: JSON.stringify({ slug: "evil", name: "Evil", lat: 1, lon: 1 }) },
      ],
      ["/api/admin/weather/cities/seattle", { method: "DELETE", headers: { cookie, ...foreign } }],
      ["/api/auth/logout", { method: "POST", headers: { cookie, origin: "https://evil.example" } }],
    ];
    for (const [path, init] of attempts) {
      const res = await call(path, init);
      expect(res.status, path).toBe(403);
      expect((await errorOf(res)).code, path).toBe("cross_origin_request");
    }
    // The session survived the forged sign-out.
    expect((await call("/api/me", { headers: { cookie } })).status).toBe(200);
  });

  it("Sec-Fetch-Site alone (no Origin) from another site is refused too", async () => {
    const cookie = await adminCookie();
    const res = await call("/api/auth/logout", { method: "POST", headers: { cookie, "sec-fetch-site": "same-site" } });
    expect(res.status).toBe(403);
  });

  it("the same request from the own origin, or with a Bearer token, goes through", async () => {
    const cookie = await adminCookie();
    const own = await call("/api/auth/logout", { method: "POST", headers: { cookie, origin: ORIGIN, "sec-fetch-site": "same-origin" } });
    expect(own.status).toBe(204);
    const user = await createUser(`csrf-user-${crypto.randomUUID()}@example.com`, "user password 1");
    const withBearer = await call("/api/auth/logout", { method: "POST", headers: { ...bearer(await tokenFor(user)).headers, origin: "https://evil.example" } });
    expect(withBearer.status).toBe(204);
  });
});

describe("body-size limits", () => {
  it("413 in the error shape for a 20 MB body to the sign-in route, before it is parsed", async () => {
    const huge = JSON.stringify({ email: "a@example.com", password: "x".repeat(20 * 1024 * 1024) });
    const res = await call("/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: huge });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("body_too_large");
  });

  it("413 for a streamed body without Content-Length that grows past the limit", async () => {
    const chunk = new TextEncoder().encode("x".repeat(1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= 64) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await call("/api/auth/signup", { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("a normal sign-in body is well within the limit", async () => {
    await createUser("small-body@example.com", STRONG);
    expect((await postJson("/api/auth/login", { email: "small-body@example.com", password: STRONG }, { "cf-connecting-ip": "10.9.9.9" })).status).toBe(200);
  });
});

describe("request ids and header values", () => {
  it("the request id is the server's own, whatever the client sends", async () => {
    const res = await call("/api/health", { headers: { "x-request-id": "client-chosen-id" } });
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toBe("client-chosen-id");
  });

  it("WWW-Authenticate escapes quotes and backslashes in its quoted strings", async () => {
    const { quotedString } = await import("../worker/auth/middleware");
    expect(quotedString('say "hi" \\ now')).toBe('"say \\"hi\\" \\\\ now"');
    // A token without a subject: the refusal's message names the claim in quotes.
    const { env } = await import("cloudflare:workers");
    const { SignJWT } = await import("jose");
    const now = Math.floor(Date.now() / 1000);
    const noSub = await new SignJWT({ roles: ["user"] })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(env.AUTH_ISSUER)
      .setAudience(env.AUTH_AUDIENCE)
      .setIssuedAt(now)
      .setJti(crypto.randomUUID())
      .setExpirationTime(now + 300)
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    const res = await call("/api/me", bearer(noSub));
    expect(res.status).toBe(401);
    const challenge = res.headers.get("www-authenticate")!;
    expect(challenge).toContain(String.raw`token claim \"sub\" is invalid`);
    // Every quoted-string is closed: an even number of unescaped quotes.
    expect((challenge.replace(/\\./g, "").match(/"/g) ?? []).length % 2).toBe(0);
    expect(challenge).toMatch(/error_description="[^"\\]*(\\.[^"\\]*)*"$/);
  });
});

describe("sign-in redirects stay on this site", () => {
  const evil = ["/%5Cevil.example", "/%09/evil.example", "//evil.example", "https://evil.example/", "/%5C%5Cevil.example/x"];
  it.each(evil)("next=%s goes to the app, not off-site", async (next) => {
    const { cookie } = await signUp(`next-${crypto.randomUUID()}@example.com`, STRONG);
    const res = await call(`/signin?next=${next}`, { headers: { cookie }, redirect: "manual" });
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(new URL(location, ORIGIN).origin).toBe(ORIGIN);
    expect(location).toBe("/app");
  });

  it("a same-site path with a query is kept", async () => {
    const { cookie } = await signUp(`next-ok-${crypto.randomUUID()}@example.com`, STRONG);
    const res = await call(`/signin?next=${encodeURIComponent("/app?place=Espoo")}`, { headers: { cookie }, redirect: "manual" });
    expect(res.headers.get("location")).toBe("/app?place=Espoo");
  });
});
