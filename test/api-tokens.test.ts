import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bearer, call, errorOf, postJson, signUp, until } from "./support/helpers";

const STRONG = "a kettle of grey herons";

async function newToken(session: { token: string }, name: string) {
  const res = await postJson("/api/account/tokens", { name }, bearer(session.token).headers as Record<string, string>);
  expect(res.status).toBe(201);
  return (await res.json()) as { token: string; apiToken: { id: string; name: string; createdAt: string; lastUsedAt: string | null; uses: number; scopes: string[] } };
}

async function listTokens(session: { token: string }) {
  const res = await call("/api/account/tokens", bearer(session.token));
  expect(res.status).toBe(200);
  return ((await res.json()) as { tokens: { id: string; name: string; lastUsedAt: string | null; uses: number }[] }).tokens;
}

describe("API tokens for programs", () => {
  it("is shown once, stored only as its SHA-256, and reads places with its owner's identity", async () => {
    const s = await signUp(`tokens-${crypto.randomUUID()}@example.com`, STRONG);
    const created = await newToken(s, "home dashboard");
    expect(created.token).toMatch(/^nce_[A-Za-z0-9_-]{43}$/);
    expect(created.apiToken).toMatchObject({ name: "home dashboard", lastUsedAt: null, uses: 0, scopes: ["nowcasts:read", "places:read"] });

    const rows = await env.DB.prepare("select * from api_tokens where id = ?").bind(created.apiToken.id).all();
    const stored = JSON.stringify(rows.results);
    expect(stored).not.toContain(created.token);
    expect(stored).not.toContain(created.token.slice(4));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(created.token)));
    expect(rows.results[0]!.token_hash).toBe(Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""));
    // The list never shows the secret again.
    expect(JSON.stringify(await listTokens(s))).not.toContain(created.token);

    const places = await call("/api/places?q=Helsinki", bearer(created.token));
    expect(places.status).toBe(200);
    expect((await places.json()) as object).toHaveProperty("places");
  });

  it("counts its uses and shows the last one", async () => {
    const s = await signUp(`usage-${crypto.randomUUID()}@example.com`, STRONG);
    const { token, apiToken } = await newToken(s, "counter");
    for (let i = 0; i < 3; i++) expect((await call("/api/places?q=Espoo", bearer(token))).status).toBe(200);
    const row = await until(async () => (await listTokens(s)).find((t) => t.id === apiToken.id && t.uses === 3), "three counted uses");
    expect(Date.parse(row.lastUsedAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("is scoped: it cannot manage the account, list users, or mint more tokens", async () => {
    const s = await signUp(`scope-${crypto.randomUUID()}@example.com`, STRONG);
    const { token } = await newToken(s, "narrow");
    for (const [path, init] of [
      ["/api/account/tokens", {}],
      ["/api/me", {}],
      ["/api/admin/users", {}],
      ["/api/popular", {}],
    ] as const) {
      const res = await call(path, { ...init, ...bearer(token) });
      expect(res.status, path).toBe(403);
      expect((await errorOf(res)).code, path).toBe("insufficient_scope");
    }
    const mint = await postJson("/api/account/tokens", { name: "more" }, { authorization: `Bearer ${token}` });
    expect(mint.status).toBe(403);
  });

  it("revoked, it is refused at once; only its owner can revoke it", async () => {
    const s = await signUp(`revoke-${crypto.randomUUID()}@example.com`, STRONG);
    const other = await signUp(`revoke-other-${crypto.randomUUID()}@example.com`, STRONG);
    const { token, apiToken } = await newToken(s, "short-lived");
    const notYours = await call(`/api/account/tokens/${apiToken.id}`, { method: "DELETE", ...bearer(other.token) });
    expect(notYours.status).toBe(404);
    expect((await call("/api/places?q=Turku", bearer(token))).status).toBe(200);
    expect((await call(`/api/account/tokens/${apiToken.id}`, { method: "DELETE", ...bearer(s.token) })).status).toBe(204);
    const refused = await call("/api/places?q=Turku", bearer(token));
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).code).toBe("invalid_api_token");
    expect((await listTokens(s)).map((t) => t.id)).not.toContain(apiToken.id);
  });

  it("an unknown token of the right shape is refused", async () => {
    const res = await call("/api/places?q=Oulu", bearer(`nce_${"A".repeat(43)}`));
    expect(res.status).toBe(401);
  });

  it("is limited on its own: its quota is not its owner's", async () => {
    const s = await signUp(`quota-${crypto.randomUUID()}@example.com`, STRONG);
    const { token } = await newToken(s, "busy");
    const { API_LIMIT } = await import("./support/limits");
    // A cheap route in the token's scope (an unknown nowcast image: 404). Windows align to the clock,
    // so one may roll over mid-loop: twice the limit plus one always reaches a refusal.
    const path = `/api/nowcasts/${crypto.randomUUID()}/animation.gif`;
    let limited: Response | null = null;
    for (let i = 0; i <= 2 * API_LIMIT && !limited; i++) {
      const res = await call(path, bearer(token));
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(404);
    }
    expect(limited).not.toBeNull();
    expect(limited!.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await errorOf(limited!)).code).toBe("rate_limited");
    // The owner's own session still has its quota.
    expect((await call("/api/places?q=Vantaa", bearer(s.token))).status).toBe(200);
  }, 120_000);

  it("the site's account page lists tokens and creates one, showing it once", async () => {
    const s = await signUp(`page-${crypto.randomUUID()}@example.com`, STRONG);
    const res = await call("/account?/createToken", {
      method: "POST",
      headers: { accept: "text/html", cookie: s.cookie, origin: "https://nowcast.example.test", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ name: "from the page" }),
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    const shown = /value="(nce_[A-Za-z0-9_-]+)"/.exec(html);
    expect(shown).not.toBeNull();
    expect(html).toContain("from the page");
    expect(html).toContain("curl -H");
    const again = await (await call("/account", { headers: { cookie: s.cookie } })).text();
    expect(again).toContain("from the page");
    expect(again).not.toContain(shown![1]);
    expect((await call("/api/places?q=Tampere", bearer(shown![1]!))).status).toBe(200);
  });
});
