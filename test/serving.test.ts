// Live-grade serving through the Worker entry, on the real FMI frames: stale-while-revalidate,
// one model run per nowcast, observed-frame images rendered once and shared, a store that
// leaves nothing behind when D1 refuses, and the response against its own schema.
// Each test sets up the radar time it needs and uses its own place, so none depends on another.
import { env } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { decode as decodePng } from "fast-png";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import { nowcasts, requests } from "../worker/db/schema";
import { SITE_INTERNAL_HEADER } from "../worker/site-internal";
import { nowcastResponseSchema } from "../worker/nowcast/payload";
import { bearer, call, createUser, db, tokenFor, until, r2Keys } from "./support/helpers";
import { pinNewestFrame } from "./support/radar";

// A user of its own per test: on-demand model runs are rate limited per user (worker/security/rate-limit.ts).
let auth: RequestInit;
beforeEach(async () => {
  auth = bearer(await tokenFor(await createUser(`serving-${crypto.randomUUID()}@example.com`, "serving password")));
});

type Body = ReturnType<typeof nowcastResponseSchema.parse>;

async function nowcast(query: string) {
  const res = await call(`/api/nowcast?${query}`, auth);
  expect(res.status).toBe(200);
  const json: unknown = await res.json();
  // The hand-spliced body (head + cached payload) must be what the OpenAPI schema promises.
  const parsed = nowcastResponseSchema.safeParse(json);
  expect(parsed.success ? null : parsed.error.issues).toBeNull();
  return { res, body: json as Body };
}

const rowsFor = async (locationId: number) =>
  (await db().select({ n: count() }).from(nowcasts).where(eq(nowcasts.locationId, locationId)))[0]!.n;

const keysUnder = r2Keys;

/** A fake ExecutionContext for createApp().request that keeps what is handed to waitUntil. */
function collectingCtx() {
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
  return { ctx, settle: () => Promise.all(pending) };
}

describe("stale-while-revalidate", () => {
  it("a nowcast one frame behind is served at once as STALE with its radar time and age, then recomputed once in the background", async () => {
    await pinNewestFrame("201609281750");
    const first = await nowcast("place=Tampere");
    expect(first.body.nowcast.radarTime).toBe("2016-09-28T17:50:00.000Z");
    const locationId = first.body.servedBy.locationId;
    expect(await rowsFor(locationId)).toBe(1);

    await pinNewestFrame("201609281755");
    const stale = await nowcast("place=Tampere");
    expect(stale.res.headers.get("x-cache")).toBe("STALE");
    expect(stale.res.headers.get("x-radar-time")).toBe("2016-09-28T17:50:00.000Z");
    expect(stale.res.headers.get("age")).toMatch(/^\d+$/);
    expect(stale.body.cache).toMatchObject({ status: "STALE", reason: "revalidating", radarTime: "2016-09-28T17:50:00.000Z", behindSeconds: 300 });
    expect(stale.body.cache.ageSeconds).toBe(Number(stale.res.headers.get("age")));
    expect(stale.body.nowcast.id).toBe(first.body.nowcast.id);

    // The background run lands; a second STALE request meanwhile does not start another.
    const hit = await until(async () => {
      const next = await nowcast("place=Tampere");
      return next.res.headers.get("x-cache") === "HIT" && next;
    }, "the revalidated nowcast");
    expect(hit.body.nowcast.radarTime).toBe("2016-09-28T17:55:00.000Z");
    expect(hit.res.headers.get("x-radar-time")).toBe("2016-09-28T17:55:00.000Z");
    expect(hit.body.cache.behindSeconds).toBe(0);
    expect(await rowsFor(locationId)).toBe(2);
  });

  it("past NOWCAST_STALE_MAX_SECONDS the nowcast is computed while the request waits", async () => {
    await pinNewestFrame("201609281745");
    const app = createApp();
    const { ctx, settle } = collectingCtx();
    const strict = { ...env, NOWCAST_STALE_MAX_SECONDS: "0" };
    const first = await app.request("/api/nowcast?place=Jyväskylä", auth, strict, ctx);
    const before = (await first.json()) as Body;
    await pinNewestFrame("201609281750");
    const res = await app.request("/api/nowcast?place=Jyväskylä", auth, strict, ctx);
    await settle();
    expect(res.headers.get("x-cache")).toBe("MISS");
    const body = (await res.json()) as Body;
    expect(body.cache.reason).toBe("stale");
    expect(body.nowcast.radarTime).toBe("2016-09-28T17:50:00.000Z");
    expect(body.nowcast.id).not.toBe(before.nowcast.id);
  });

  it("a bad NOWCAST_STALE_MAX_SECONDS fails health with its name instead of becoming a default", async () => {
    const res = await createApp().request("/api/health", {}, { ...env, NOWCAST_STALE_MAX_SECONDS: "soon" }, collectingCtx().ctx);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { failed: string[]; checks: Record<string, { error?: string }> };
    expect(body.failed).toContain("config");
    expect(body.checks.config!.error).toContain("NOWCAST_STALE_MAX_SECONDS");
    expect(body.checks.config!.error).toContain('"soon" is not a number');
  });
});

describe("one model run per nowcast", () => {
  it("10 concurrent fresh=1 requests share one run; 10 sequential ones for the same radar time run nothing and write no images", async () => {
    await pinNewestFrame("201609281800");
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => nowcast("place=Kuopio&fresh=1")));
    const ids = new Set(concurrent.map((r) => r.body.nowcast.id));
    expect(ids.size).toBe(1);
    const locationId = concurrent[0]!.body.servedBy.locationId;
    expect(await rowsFor(locationId)).toBe(1);
    const id = [...ids][0]!;
    const objectsBefore = [...(await keysUnder("nowcasts/")), ...(await keysUnder("observed/"))];

    // Another user, so the sequential ten stay within the per-user limit on model runs.
    auth = bearer(await tokenFor(await createUser(`serving-${crypto.randomUUID()}@example.com`, "serving password")));
    for (let i = 0; i < 10; i++) {
      const { res, body } = await nowcast("place=Kuopio&fresh=1");
      expect(res.headers.get("x-cache")).toBe("HIT");
      expect(body.cache.reason).toBe("current");
      expect(body.nowcast.id).toBe(id);
    }
    expect(await rowsFor(locationId)).toBe(1);
    expect([...(await keysUnder("nowcasts/")), ...(await keysUnder("observed/"))]).toEqual(objectsBefore);
  });
});

describe("observed-frame images", () => {
  it("are rendered once per radar time and place, shared by the next frame's nowcast and by other models", async () => {
    await pinNewestFrame("201609281750");
    const first = await nowcast("place=Lahti&fresh=1");
    const locationId = first.body.servedBy.locationId;
    const mine = async () => (await keysUnder("observed/fmi/")).filter((k) => k.endsWith(`/${locationId}.png`));
    const afterFirst = await mine();
    expect(afterFirst).toHaveLength(12);

    await pinNewestFrame("201609281755");
    const next = await nowcast("place=Lahti&fresh=1");
    expect(next.body.nowcast.radarTime).toBe("2016-09-28T17:55:00.000Z");
    const afterNext = await mine();
    // Eleven of its twelve observed frames were there already: one new image.
    expect(afterNext).toHaveLength(13);
    expect(afterNext.filter((k) => !afterFirst.includes(k))).toEqual([`observed/fmi/201609281755/${locationId}.png`]);

    const persistence = await nowcast("place=Lahti&model=persistence");
    expect(persistence.body.nowcast.model).toBe("persistence");
    expect(await mine()).toEqual(afterNext);

    // Each nowcast's observed links resolve to the shared image of that frame.
    for (const { body } of [next, persistence]) {
      const link = body.nowcast.frames.observed.at(-1)!;
      expect(link.time).toBe("2016-09-28T17:55:00.000Z");
      const res = await call(link.url, auth);
      expect(res.status).toBe(200);
      const served = new Uint8Array(await res.arrayBuffer());
      const stored = new Uint8Array(await (await env.FRAMES.get(`observed/fmi/201609281755/${locationId}.png`))!.arrayBuffer());
      expect(served).toEqual(stored);
      expect([decodePng(served).width, decodePng(served).height]).toEqual([256, 256]);
    }
    // The oldest slot of the 17:55 nowcast is 17:00, not the first nowcast's 16:55.
    expect(next.body.nowcast.frames.observed[0]!.time).toBe("2016-09-28T17:00:00.000Z");
    expect((await call(next.body.nowcast.frames.observed[0]!.url, auth)).status).toBe(200);
  });
});

describe("the nowcast store", () => {
  it("a failed D1 insert leaves no images in R2 and nothing in KV", async () => {
    await pinNewestFrame("201609281800");
    // D1 refuses the nowcast row only; everything else (the location, the reads) works.
    const refusing = new Proxy(env.DB, {
      get(target, name) {
        if (name !== "prepare") return Reflect.get(target, name);
        return (sql: string) => {
          if (/insert into "nowcasts"/i.test(sql)) {
            const fail = async () => {
              throw new Error("D1_ERROR: disk full (test)");
            };
            const statement = { bind: () => statement, run: fail, all: fail, raw: fail, first: fail };
            return statement;
          }
          return target.prepare(sql);
        };
      },
    });
    const before = [...(await keysUnder("nowcasts/")), ...(await keysUnder("observed/"))];
    const kvBefore = (await env.CACHE.list({ prefix: "nowcast:" })).keys.map((k) => k.name);
    const res = await createApp().request("/api/nowcast?place=Pori", auth, { ...env, DB: refusing }, collectingCtx().ctx);
    expect(res.status).toBe(500);
    expect([...(await keysUnder("nowcasts/")), ...(await keysUnder("observed/"))]).toEqual(before);
    expect((await env.CACHE.list({ prefix: "nowcast:" })).keys.map((k) => k.name)).toEqual(kvBefore);

    // With D1 back, the same request stores all three together.
    const ok = await nowcast("place=Pori");
    expect(ok.res.headers.get("x-cache")).toBe("MISS");
    expect(await keysUnder(`nowcasts/${ok.body.nowcast.id}/`)).toHaveLength(14);
    expect(await rowsFor(ok.body.servedBy.locationId)).toBe(1);
  });
});

describe("the site's own calls", () => {
  it("are marked at the Worker entry: the landing example is not counted, a client claiming the mark still is", async () => {
    await pinNewestFrame("201609281800");
    const page = await call("/");
    expect(page.status).toBe(200);
    await page.text();
    // A client sending the site's marker: the entry strips it, so the request counts.
    const forged = await call("/api/nowcast?place=Kouvola", { headers: { ...(auth.headers as Record<string, string>), [SITE_INTERNAL_HEADER]: "landing-example" } });
    expect(forged.status).toBe(200);
    const { servedBy } = (await forged.json()) as Body;
    // Both went through one isolate's request buffer: once the forged one is in D1, so would the example be.
    await until(async () => (await db().select().from(requests).where(eq(requests.locationId, servedBy.locationId))).length > 0, "the forged request's record");
    const siteRows = await db().select().from(requests).where(eq(requests.userId, "site:landing-example"));
    expect(siteRows).toEqual([]);
  });
});
