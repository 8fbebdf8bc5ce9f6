import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import { call, createUser, errorOf, ORIGIN, tokenFor } from "./support/helpers";

describe("health", () => {
  it("200 with every binding checked", async () => {
    const res = await call("/api/health");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }>; failed: string[] };
    expect(body.status).toBe("ok");
    expect(Object.keys(body.checks).sort()).toEqual(["config", "db", "image_link_secret", "jwt_secret", "kv", "queue", "r2"]);
    expect(body.failed).toEqual([]);
  });

  it("503 naming the binding that failed", async () => {
    const brokenDb = {
      prepare: () => {
        throw new Error("D1 is unreachable");
      },
    } as unknown as D1Database;
    const res = await createApp().request("/api/health", {}, { ...env, DB: brokenDb });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; failed: string[]; checks: Record<string, { error?: string }> };
    expect(body.status).toBe("degraded");
    expect(body.failed).toEqual(["db"]);
    expect(body.checks.db?.error).toContain("D1 is unreachable");
  });
});

describe("errors and request ids", () => {
  it("success and rejection responses both carry a request id", async () => {
    const ok = await call("/api/health");
    expect(ok.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const rejected = await call("/api/me", { headers: { authorization: "Bearer x" } });
    expect(rejected.status).toBe(401);
    expect(rejected.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(rejected.headers.get("x-request-id")).not.toBe(ok.headers.get("x-request-id"));
  });

  it("an unknown route with a valid session is a 404 in the error shape", async () => {
    const user = await createUser("erin@example.com", "erin password 123");
    const res = await call("/api/does-not-exist", { headers: { authorization: `Bearer ${await tokenFor(user)}` } });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(await errorOf(res)).toEqual({ code: "not_found", message: "no route for GET /api/does-not-exist" });
  });

  it("an unexpected failure is a 500 in the error shape that leaks nothing", async () => {
    const brokenDb = {
      prepare: () => {
        throw new Error("secret internals");
      },
    } as unknown as D1Database;
    const res = await createApp().request(
      "/api/auth/login",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "a@b.co", password: "pw" }) },
      { ...env, DB: brokenDb },
    );
    expect(res.status).toBe(500);
    const error = await errorOf(res);
    expect(error.code).toBe("internal_error");
    expect(error.message).not.toContain("secret internals");
  });
});

describe("API docs", () => {
  it("serves an OpenAPI 3.1 document generated from the route schemas, without a token", async () => {
    const res = await call("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/health", "/api/auth/login", "/api/me", "/api/admin/users"]));
    expect(doc.paths["/api/auth/login"]?.post?.security).toEqual([]);
    expect(Object.keys(doc.components.schemas.LoginRequest?.properties ?? {})).toEqual(["email", "password"]);
  });

  it("/api/docs is the site's page, without a token: the site's frame and CSP, the curl quick start, the reference's place", async () => {
    const res = await call("/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    // The site's CSP (SvelteKit's, with a nonce), not the API's, which allows no script at all.
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self' 'nonce-[^']+'/);
    const html = await res.text();
    expect(html).toMatch(/<header[^>]*><a class="brand[^"]*" href="\/">Nowcast Edge<\/a>/);
    expect(html).toContain('<nav aria-label="Main"');
    expect(html).toContain("<footer");
    // The favicon, relative to /api/docs: /favicon.svg.
    expect(new URL(/<link rel="icon" href="([^"]+)"/.exec(html)![1]!, `${ORIGIN}/api/docs`).pathname).toBe("/favicon.svg");
    expect(html).toContain(`curl -s -X POST ${ORIGIN}/api/auth/login`);
    expect(html).toContain(`${ORIGIN}/api/places?q=Helsnki`);
    expect(html).toContain(`${ORIGIN}/api/nowcast?place=Helsinki&amp;tz=Europe/Helsinki`);
    expect(html).toContain('data-testid="api-reference"');
    expect(html).not.toMatch(/npm run|\bbench/i);
  });

  it("the OpenAPI document the reference shows holds no developer notes, and /api/docs is nothing in it", async () => {
    const doc = await (await call("/api/openapi.json")).text();
    expect(doc).not.toMatch(/npm run|bench:|`npm/i);
    expect(JSON.parse(doc).paths["/api/docs"]).toBeUndefined();
    expect(JSON.parse(doc).paths["/api/ping"].get.description).toBeUndefined();
  });
});
