// Bad input never gets a 5xx: every route of /api/openapi.json, called with random and boundary values for
// every parameter and body (fast-check), answers below 500; every refusal is in the error shape and leaves
// D1's row counts and KV's keys as they were.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createUser, tokenFor } from "./support/helpers";
import { fillPath, operations, samplePathValue, type Operation } from "./support/openapi-walk";
import { seedRadar } from "./support/radar";

const RUNS_PER_ROUTE = 25;
// Routes that do seconds of real work when a random input happens to be valid.
const SKIP = new Set(["POST /api/admin/weather/collect", "POST /api/admin/weather/classifier"]);

let ops: Operation[];
let tables: string[];
beforeAll(async () => {
  await seedRadar("201609281755");
  ops = await operations();
  const { results } = await env.DB.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name <> 'd1_migrations'").all<{ name: string }>();
  tables = results.map((r) => r.name);
});

async function snapshot(): Promise<string> {
  const counts = await env.DB.batch(tables.map((t) => env.DB.prepare(`select '${t}' as t, count(*) as n from "${t}"`)));
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.CACHE.list({ cursor });
    keys.push(...page.keys.map((k) => k.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return JSON.stringify({ counts: counts.map((r) => r.results[0]), keys: keys.sort() });
}

// Boundary and hostile strings every parameter gets tried with, beside fast-check's own.
const boundary = fc.constantFrom(
  "", " ", "0", "-0", "-1", "1e309", "NaN", "Infinity", "0x10", "9".repeat(400), "a".repeat(5000), "%00", "\u0000", "\uFFFF", "💥",
  "../../etc/passwd", "<script>", "' or 1=1 --", "null", "[]", "{}", "true", "2015-02-30", "9999-12-31T23:59:60Z",
  Array.from({ length: 101 }, (_, i) => `city-${i}`).join(","), "helsinki", "fmi", "seattle",
);

function valueFor(schema: Record<string, unknown>): fc.Arbitrary<string> {
  const parts: fc.Arbitrary<string>[] = [boundary, fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }), fc.double().map(String), fc.integer().map(String)];
  if (Array.isArray(schema.enum)) parts.push(fc.constantFrom(...(schema.enum as string[])));
  if (typeof schema.example === "string") parts.push(fc.constant(schema.example));
  if (schema.format === "uuid") parts.push(fc.uuid());
  return fc.oneof(...parts);
}

const jsonLeaf = fc.oneof(boundary, fc.string({ maxLength: 30 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
function bodyFor(schema: Record<string, unknown>): fc.Arbitrary<string> {
  const properties = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
  const shaped = properties.length
    ? fc.record(Object.fromEntries(properties.map((p) => [p, fc.oneof(jsonLeaf, fc.jsonValue({ maxDepth: 2 }))])), { requiredKeys: [] }).map((o) => JSON.stringify(o))
    : fc.constant("{}");
  return fc.oneof(shaped, fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.constantFrom("", "{", "[]", "null", '{"__proto__":{"admin":true}}', "\u0000"));
}

function requestFor(op: Operation) {
  const query = op.parameters.filter((p) => p.in === "query");
  const pathParams = op.parameters.filter((p) => p.in === "path");
  return fc.record({
    query: fc.record(Object.fromEntries(query.map((p) => [p.name, valueFor(p.schema)])), { requiredKeys: [] }),
    path: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, fc.oneof(valueFor(p.schema), fc.constant(samplePathValue(p.schema)))]))),
    body: op.bodySchema ? fc.option(bodyFor(op.bodySchema), { nil: undefined }) : fc.constant(undefined),
    contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"),
  });
}

describe("bad input never gets a 5xx", () => {
  it("a city list longer than the limit is a 400 that names it, not D1's 500", async () => {
    const cities = Array.from({ length: 101 }, (_, i) => `city-${i}`).join(",");
    for (const route of ["daily", "daily.csv", "summary", "summary.csv"]) {
      const res = await call(`/api/weather/stats/${route}?city=${cities}`);
      expect(res.status, route).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("invalid_request");
      expect(error.message).toMatch(/city lists at most 50 slugs/);
    }
    expect((await call(`/api/weather/stats/daily?city=${cities.split(",").slice(0, 50).join(",")}`)).status).toBe(200);
  });

  it("every route, random and boundary values: no 5xx, the error shape on refusals, nothing stored changed by them", async () => {
    const tally = { routes: 0, cases: 0, refused: 0, byStatus: {} as Record<number, number> };
    for (const op of ops) {
      if (SKIP.has(`${op.method} ${op.path}`)) continue;
      tally.routes++;
      // An admin of its own per route, so the per-user limit does not turn the walk into 429s.
      const admin = await createUser(`fuzz-admin-${tally.routes}@example.com`, "fuzz admin password", "admin");
      await fc.assert(
        fc.asyncProperty(requestFor(op), async (input) => {
          const url = new URL(fillPath(op, (p) => input.path[p.name] ?? samplePathValue(p.schema)), "https://nowcast.example.test");
          for (const [k, v] of Object.entries(input.query)) if (v !== undefined) url.searchParams.set(k, v);
          const before = await snapshot();
          // A fresh token each time: a random sign-out must not end the walk's session.
          const res = await call(url.pathname + url.search, {
            method: op.method,
            headers: { authorization: `Bearer ${await tokenFor(admin)}`, "content-type": input.contentType, "cf-connecting-ip": `10.1.${tally.cases % 250}.${tally.routes}` },
            ...(input.body !== undefined && op.method !== "GET" ? { body: input.body } : {}),
          });
          tally.cases++;
          tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
          const text = await res.text();
          if (res.status >= 500) throw new Error(`${op.method} ${url.pathname}${url.search} -> ${res.status}: ${text.slice(0, 300)}`);
          if (res.status >= 400) {
            tally.refused++;
            const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            expect(typeof body.error?.code, `${op.method} ${url.pathname}`).toBe("string");
            expect(typeof body.error?.message).toBe("string");
            expect(await snapshot(), `${op.method} ${url.pathname}${url.search} changed stored data`).toBe(before);
          }
        }),
        { numRuns: RUNS_PER_ROUTE, seed: 20261202 },
      );
    }
    console.log(`fuzz: ${tally.routes} routes x ${RUNS_PER_ROUTE} cases = ${tally.cases} requests, ${tally.refused} refused; statuses ${JSON.stringify(tally.byStatus)}`);
    expect(tally.routes).toBeGreaterThan(30);
  }, 600_000);
});
