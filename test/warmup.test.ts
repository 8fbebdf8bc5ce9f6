import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { chunkRows } from "../worker/db/batch";
import { deadLetters, locations, requests, warmupRuns } from "../worker/db/schema";
import worker from "../worker/index";
import { consumeJobs } from "../worker/jobs/queue";
import { workloads } from "../worker/jobs/queues";
import { readCachedNowcast } from "../worker/nowcast/cache";
import { locationForPlace } from "../worker/nowcast/locations";
import { frameWarmSet } from "../worker/nowcast/warmup";
import { gazetteer } from "../worker/places/gazetteer";
import { bearer, call, createUser, db, tokenFor, until } from "./support/helpers";
import { pinNewestFrame, seedRadar } from "./support/radar";
import { radarFrameKey } from "../worker/radar/frame-store";
import { radarScenario, runIngestCron } from "./support/radar-replay-client";

let auth: RequestInit;
let adminAuth: RequestInit;
beforeAll(async () => {
  auth = bearer(await tokenFor(await createUser("warm@example.com", "warm password 1")));
  adminAuth = bearer(await tokenFor(await createUser("warm-admin@example.com", "warm password 2", "admin")));
  await seedRadar("201609281800");
});

const placeId = (name: string) => gazetteer().search(name, 1)[0]!.geonameId;

async function addHistory(counts: [string, number][]): Promise<number[]> {
  const ids: number[] = [];
  for (const [name] of counts) ids.push((await locationForPlace(db(), placeId(name))).id);
  const now = Date.now();
  const rows = ids.flatMap((locationId, i) =>
    Array.from({ length: counts[i]![1] }, (_, k) => ({ locationId, userId: null, requestedAt: new Date(now - (k + 1) * 1000), cacheStatus: "HIT" as const })),
  );
  for (const chunk of chunkRows(rows, 4)) await db().insert(requests).values(chunk);
  return ids;
}

async function runCron(overrides: Partial<typeof env>) {
  const ctx = createExecutionContext();
  const controller = createScheduledController({ cron: "0 * * * *", scheduledTime: new Date() });
  await worker.scheduled(controller, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
}

async function finishedRun(excluding: Set<string>) {
  return until(async () => {
    const runs = await db().select().from(warmupRuns);
    return runs.find((r) => !excluding.has(r.id) && r.finishedAt !== null);
  }, "a finished warm-up run");
}

describe("popularity", () => {
  it("every request counts for the location that served it, reaching D1 in batches through the queue", async () => {
    const n = 7;
    let locationId = 0;
    for (let i = 0; i < n; i++) {
      const res = await call("/api/nowcast?place=Oulu", auth);
      locationId = ((await res.json()) as { servedBy: { locationId: number } }).servedBy.locationId;
    }
    const rows = await until(async () => {
      const found = await db().select().from(requests).where(eq(requests.locationId, locationId));
      return found.length >= n && found;
    }, "request records");
    expect(rows).toHaveLength(n);
    expect(rows.filter((r) => r.cacheStatus === "MISS")).toHaveLength(1);
    expect(rows.filter((r) => r.cacheStatus === "HIT")).toHaveLength(n - 1);
  }, 30_000);
});

describe("hourly warm-up", () => {
  const seen = new Set<string>();

  it("with no history in the window, warms the default list of populous covered places", async () => {
    await runCron({ WARMUP_TOP_N: "3", WARMUP_WINDOW_HOURS: "0.0001" });
    const run = await finishedRun(seen);
    seen.add(run.id);
    expect(run).toMatchObject({ planned: 3, done: 3, failed: 0, source: "defaults" });
    // The three most populous places the composite has data for; St Petersburg is within the Kesälahti radar's range.
    const warmed = await env.CACHE.list({ prefix: "nowcast:location:" });
    const names = await Promise.all(
      warmed.keys.map(async (k) => (await db().select().from(locations).where(eq(locations.id, Number(k.name.split(":")[2]))))[0]!.name),
    );
    expect(names).toEqual(expect.arrayContaining(["Saint Petersburg", "Helsinki"]));
    expect(names.filter((n) => n !== "Oulu")).toHaveLength(3);
  }, 30_000);

  it("warms exactly the top N most requested locations of the window", async () => {
    // History: four places requested 12, 10, 3 and 1 times in the last hour (Oulu has 7 from above).
    const ids: number[] = [];
    for (const name of ["Turku", "Lahti", "Kuopio", "Pori"]) ids.push((await locationForPlace(db(), placeId(name))).id);
    const now = Date.now();
    const history = ids.flatMap((locationId, rank) =>
      Array.from({ length: [12, 10, 3, 1][rank]! }, (_, k) => ({
        locationId,
        userId: null,
        requestedAt: new Date(now - (k + 1) * 60_000),
        cacheStatus: "HIT" as const,
      })),
    );
    for (const chunk of chunkRows(history, 4)) await db().insert(requests).values(chunk);

    await runCron({ WARMUP_TOP_N: "2", WARMUP_WINDOW_HOURS: "1" });
    const run = await finishedRun(seen);
    seen.add(run.id);
    expect(run).toMatchObject({ planned: 2, done: 2, failed: 0, source: "history" });
    // Turku and Lahti were warmed; Kuopio and Pori were not.
    const latest = Date.parse("2016-09-28T18:00:00Z");
    for (const id of ids.slice(0, 2)) expect((await readCachedNowcast(env, id, "optical-flow"))?.radarTimeMs).toBe(latest);
    for (const id of ids.slice(2)) expect(await readCachedNowcast(env, id, "optical-flow")).toBeNull();
  }, 30_000);

  it("a failing location is retried with backoff, then dead-lettered, counted as failed and reported", async () => {
    // A location the radar does not cover (inserted directly, as if coverage had changed).
    const [outside] = await db().insert(locations).values({ name: "Madrid", country: "ES", lat: 40.4, lon: -3.7 }).returning();
    const runId = crypto.randomUUID();
    await db().insert(warmupRuns).values({ id: runId, startedAt: new Date(), planned: 1, source: "history" });
    const body = { kind: "warm", runId, locationId: outside!.id };

    const batch = createMessageBatch(workloads.warmup.queue, [{ id: "warm-1", timestamp: new Date(), attempts: 2, body }]);
    const retry = vi.spyOn(batch.messages[0]!, "retry");
    const ctx = createExecutionContext();
    await consumeJobs(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["warm-1"]);
    // Second attempt: the warm-up's backoff doubles from 5 s.
    expect(retry).toHaveBeenCalledWith({ delaySeconds: 10 });
    expect(result.explicitAcks).toEqual([]);

    // After max_retries the queue hands the message to the dead-letter queue's consumer.
    const dead = createMessageBatch(workloads.warmup.deadLetterQueue, [{ id: "warm-1", timestamp: new Date(), attempts: 3, body }]);
    await consumeJobs(dead, env, createExecutionContext());
    const [run] = await db().select().from(warmupRuns).where(eq(warmupRuns.id, runId));
    expect(run).toMatchObject({ planned: 1, done: 0, failed: 1 });
    expect(run!.finishedAt).not.toBeNull();
    expect((await db().select({ n: count() }).from(deadLetters).where(eq(deadLetters.id, "warm-1")))[0]!.n).toBe(1);

    const report = await call("/api/admin/warmup-runs", adminAuth);
    expect(report.status).toBe(200);
    const { runs, deadLetters: letters } = (await report.json()) as { runs: { id: string; failed: number }[]; deadLetters: { id: string; kind: string }[] };
    expect(runs.find((r) => r.id === runId)?.failed).toBe(1);
    expect(letters.find((d) => d.id === "warm-1")?.kind).toBe("warm");
    expect((await call("/api/admin/warmup-runs", auth)).status).toBe(403);
  });

  it("a malformed queue message is retried, never blocking the valid ones in its batch", async () => {
    const location = await locationForPlace(db(), placeId("Vaasa"));
    const batch = createMessageBatch<unknown>(workloads.requests.queue, [
      { id: "bad-1", timestamp: new Date(), attempts: 1, body: { kind: "request", locationId: "Vaasa" } },
      { id: "bad-2", timestamp: new Date(), attempts: 1, body: "garbage" },
      { id: "ok-1", timestamp: new Date(), attempts: 1, body: { kind: "request", locationId: location.id, userId: null, requestedAt: Date.now(), cacheStatus: "HIT" } },
    ]);
    const ctx = createExecutionContext();
    await consumeJobs(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(["bad-1", "bad-2"]);
    expect((await db().select().from(requests).where(eq(requests.locationId, location.id))).length).toBe(1);
  });
});

describe("overlapping warm-up crons", () => {
  it("hold a lease: of three started together one runs, and the lease is free again once it finished", async () => {
    const before = new Set((await db().select({ id: warmupRuns.id }).from(warmupRuns)).map((r) => r.id));
    await Promise.all([1, 2, 3].map(() => runCron({ WARMUP_TOP_N: "1" })));
    const started = (await db().select().from(warmupRuns)).filter((r) => !before.has(r.id) && r.source !== "frame");
    expect(started).toHaveLength(1);
    await finishedRun(before);
    await runCron({ WARMUP_TOP_N: "1" });
    expect((await db().select().from(warmupRuns)).filter((r) => !before.has(r.id) && r.source !== "frame")).toHaveLength(2);
    await finishedRun(new Set([...before, started[0]!.id]));
  });
});

describe("warm at every frame", () => {
  it("when ingest stores a newer frame, the popular set and the places asked for since its ranking are recomputed for it through the queue, once per frame", async () => {
    // The popular set: two places requested far more than any other test's.
    const ids = await addHistory([["Joensuu", 60], ["Mikkeli", 55]]);
    await pinNewestFrame("201609281725");
    const before = new Set((await db().select({ id: warmupRuns.id }).from(warmupRuns)).map((r) => r.id));
    await runCron({ WARMUP_TOP_N: "2", WARMUP_WINDOW_HOURS: "1" });
    const hourly = await finishedRun(before);
    expect(hourly).toMatchObject({ planned: 2, done: 2, source: "history" });
    for (const id of ids) expect((await readCachedNowcast(env, id, "optical-flow"))?.radarTimeMs).toBe(Date.parse("2016-09-28T17:25:00Z"));

    // Asked for since the ranking: warmed at the next frame too, after the popular set.
    const [risen] = await addHistory([["Kajaani", 3]]);
    await db().update(requests).set({ requestedAt: new Date(Date.now() + 60_000) }).where(eq(requests.locationId, risen!));
    expect(await frameWarmSet(env, db())).toEqual([...ids, risen]);

    // The source publishes 17:30 (not yet in R2); the 5-minute ingest lands it.
    await env.FRAMES.delete(radarFrameKey("fmi", new Date("2016-09-28T17:30:00Z")));
    const source = radarScenario("warm-every-frame");
    await source.setNow("2016-09-28T17:31:00Z");
    const report = await runIngestCron(source.env({ INGEST_MAX_CATCHUP_FRAMES: "12" }));
    expect(report).toMatchObject({ stored: 1, newest: "2016-09-28T17:30:00.000Z" });
    const frameRun = await until(async () => {
      const runs = await db().select().from(warmupRuns).where(eq(warmupRuns.source, "frame"));
      return runs.find((r) => r.finishedAt !== null);
    }, "the per-frame warm-up");
    expect(frameRun).toMatchObject({ planned: 3, done: 3, failed: 0 });
    for (const id of [...ids, risen!]) expect((await readCachedNowcast(env, id, "optical-flow"))?.radarTimeMs).toBe(Date.parse("2016-09-28T17:30:00Z"));

    // A run that finds nothing newer warms nothing.
    await runIngestCron(source.env({ INGEST_MAX_CATCHUP_FRAMES: "12" }));
    expect(await db().select().from(warmupRuns).where(eq(warmupRuns.source, "frame"))).toHaveLength(1);

    // Hourly only (WARMUP_EVERY_FRAME=false): a newer frame starts no warm-up.
    await env.FRAMES.delete(radarFrameKey("fmi", new Date("2016-09-28T17:35:00Z")));
    await source.setNow("2016-09-28T17:36:00Z");
    expect(await runIngestCron(source.env({ INGEST_MAX_CATCHUP_FRAMES: "12", WARMUP_EVERY_FRAME: "false" }))).toMatchObject({ stored: 1 });
    expect(await db().select().from(warmupRuns).where(eq(warmupRuns.source, "frame"))).toHaveLength(1);
  }, 60_000);
});
