import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createUser, errorOf, tokenFor } from "./support/helpers";
import { fillPath, operations, samplePathValue, type Operation } from "./support/openapi-walk";

let ops: Operation[];
let userToken: string;
let adminToken: string;
beforeAll(async () => {
  ops = await operations();
  userToken = await tokenFor(await createUser("guard-user@example.com", "guard user password"));
  adminToken = await tokenFor(await createUser("guard-admin@example.com", "guard admin password", "admin"));
});

function request(op: Operation, headers: Record<string, string>): Promise<Response> {
  const path = fillPath(op, (p) => samplePathValue(p.schema));
  const withBody = op.bodySchema !== null;
  return call(path, {
    method: op.method,
    headers: { ...headers, ...(withBody ? { "content-type": "application/json" } : {}) },
    // An empty object: enough to reach the guards, invalid for every route that takes a body.
    ...(withBody ? { body: "{}" } : {}),
  });
}

const isAdminRoute = (op: Operation) => op.path.startsWith("/api/admin/");
// Routes that do real work when allowed; an allowed call here would only slow the walk.
const SLOW_WHEN_ALLOWED = new Set(["POST /api/admin/weather/collect", "POST /api/admin/weather/classifier"]);

describe("every route of /api/openapi.json refuses callers as it declares", () => {
  it("the document lists the routes, public ones included", () => {
    expect(ops.length).toBeGreaterThan(30);
    const publicOnes = ops.filter((o) => o.isPublic).map((o) => `${o.method} ${o.path}`);
    expect(publicOnes).toEqual(expect.arrayContaining(["GET /api/health", "POST /api/auth/login", "POST /api/auth/signup", "GET /api/weather/cities"]));
    expect(publicOnes).not.toContain("GET /api/nowcast");
  });

  it("anonymous callers: 401 on every route that does not declare security: [], never 401 on one that does", async () => {
    for (const op of ops) {
      const res = await request(op, {});
      if (op.isPublic) expect(res.status, `${op.method} ${op.path}`).not.toBe(401);
      else {
        expect(res.status, `${op.method} ${op.path}`).toBe(401);
        expect((await errorOf(res)).code).toBe("missing_token");
      }
    }
  });

  it("signed-in non-admins: 403 on every /api/admin/ route, and no role refusal elsewhere", async () => {
    for (const op of ops) {
      if (op.path === "/api/auth/logout") continue; // would end the session this walk uses
      const res = await request(op, bearer(userToken).headers as Record<string, string>);
      if (isAdminRoute(op)) {
        expect(res.status, `${op.method} ${op.path}`).toBe(403);
        expect((await errorOf(res)).code).toBe("forbidden");
      } else expect([401, 403], `${op.method} ${op.path}`).not.toContain(res.status);
    }
  });

  it("admins pass the guard of every /api/admin/ route", async () => {
    for (const op of ops.filter(isAdminRoute)) {
      if (SLOW_WHEN_ALLOWED.has(`${op.method} ${op.path}`)) continue;
      const res = await request(op, bearer(adminToken).headers as Record<string, string>);
      expect([401, 403], `${op.method} ${op.path}`).not.toContain(res.status);
    }
  });

  it("a route registered later under /api/admin/ is guarded without declaring anything", async () => {
    const { createApp } = await import("../worker/app");
    const { env } = await import("cloudflare:workers");
    const app = createApp();
    app.get("/admin/added-later", (c) => c.json({ ok: true }));
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const asUser = await app.fetch(new Request("https://nowcast.example.test/api/admin/added-later", bearer(userToken)), env, ctx);
    expect(asUser.status).toBe(403);
    const anonymous = await app.fetch(new Request("https://nowcast.example.test/api/admin/added-later"), env, ctx);
    expect(anonymous.status).toBe(401);
  });
});
