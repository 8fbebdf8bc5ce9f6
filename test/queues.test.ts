// A queue per workload, through the Worker: real producers, the real queues of wrangler.toml
// (batches after 1 s) and the entry's queue() consumer. A failing message of one workload is
// retried and dead-lettered on its own queue while the other workloads' messages go through.
import { env } from "cloudflare:workers";
import { and, eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { deadLetters, locations, requests, warmupRuns } from "../worker/db/schema";
import { workloads } from "../worker/jobs/queues";
import type { RequestJob } from "../worker/jobs/request-counts";
import { readCachedNowcast } from "../worker/nowcast/cache";
import { locationForPlace } from "../worker/nowcast/locations";
import type { WarmJob } from "../worker/nowcast/warmup";
import { gazetteer } from "../worker/places/gazetteer";
import { db, until } from "./support/helpers";
import { seedRadar } from "./support/radar";

const placeId = (name: string) => gazetteer().search(name, 1)[0]!.geonameId;

beforeAll(async () => {
  await seedRadar("201609281800");
});

async function warmRun(planned: number): Promise<string> {
  const runId = crypto.randomUUID();
  await db().insert(warmupRuns).values({ id: runId, startedAt: new Date(), planned, source: "history" });
  return runId;
}

const deadLetterOf = (runId: string) =>
  db()
    .select()
    .from(deadLetters)
    .where(and(eq(deadLetters.queue, workloads.warmup.deadLetterQueue), like(deadLetters.body, `%${runId}%`)))
    .get();

describe("a queue per workload", () => {
  it("a failing warm-up job retries and dead-letters on its own queue; request counts sent with it are written at once", async () => {
    // A location the radar does not cover (inserted directly, as if coverage had changed): its warm-up fails every time.
    const [outside] = await db().insert(locations).values({ name: "Lisbon", country: "PT", lat: 38.7, lon: -9.1 }).returning();
    const runId = await warmRun(1);
    await env.WARMUP_QUEUE.send({ kind: "warm", runId, locationId: outside!.id } satisfies WarmJob, { contentType: "json" });
    const counted = await locationForPlace(db(), placeId("Kajaani"));
    const records: RequestJob[] = Array.from({ length: 5 }, (_, i) => ({
      kind: "request",
      locationId: counted.id,
      userId: null,
      requestedAt: Date.now() - i * 1000,
      cacheStatus: "HIT",
    }));
    await env.REQUEST_QUEUE.sendBatch(records.map((body) => ({ body, contentType: "json" })));

    // The counts land while the warm-up job is still between its attempts (its first retry waits 5 s) ...
    const rows = await until(async () => {
      const found = await db().select().from(requests).where(eq(requests.locationId, counted.id));
      return found.length >= records.length && found;
    }, "request records", 15_000);
    expect(rows).toHaveLength(records.length);
    expect(await deadLetterOf(runId)).toBeUndefined();
    expect((await db().select().from(warmupRuns).where(eq(warmupRuns.id, runId)).get())?.failed).toBe(0);

    // ... then, its retries spent, it reaches the warm-up's dead-letter queue: recorded and counted against its run.
    const dead = await until(() => deadLetterOf(runId), "the dead-lettered warm-up job", 30_000);
    expect(dead).toMatchObject({ kind: "warm", queue: "nowcast-edge-warmup-dlq" });
    expect(JSON.parse(dead.body)).toEqual({ kind: "warm", runId, locationId: outside!.id });
    const run = await until(async () => {
      const r = await db().select().from(warmupRuns).where(eq(warmupRuns.id, runId)).get();
      return r?.finishedAt && r;
    }, "the failed run settled");
    expect(run).toMatchObject({ planned: 1, done: 0, failed: 1 });
    // Nothing landed in another workload's dead-letter queue.
    const elsewhere = await db().select().from(deadLetters).where(like(deadLetters.body, `%${runId}%`));
    expect(elsewhere.map((d) => d.queue)).toEqual([workloads.warmup.deadLetterQueue]);
  }, 60_000);

  it("a request record the schema refuses retries on the counters' queue; a warm-up job sent with it runs at once", async () => {
    await env.REQUEST_QUEUE.send({ kind: "request", locationId: -1, userId: null, requestedAt: Date.now(), cacheStatus: "HIT" }, { contentType: "json" });
    const warmed = await locationForPlace(db(), placeId("Savonlinna"));
    const runId = await warmRun(1);
    await env.WARMUP_QUEUE.send({ kind: "warm", runId, locationId: warmed.id } satisfies WarmJob, { contentType: "json" });
    const run = await until(async () => {
      const r = await db().select().from(warmupRuns).where(eq(warmupRuns.id, runId)).get();
      return r?.finishedAt && r;
    }, "the warm-up run", 30_000);
    expect(run).toMatchObject({ planned: 1, done: 1, failed: 0 });
    expect((await readCachedNowcast(env, warmed.id, "optical-flow"))?.radarTimeMs).toBe(Date.parse("2016-09-28T18:00:00Z"));
    // The refused record is nowhere in D1, and (ten retries to go) not dead-lettered yet.
    expect(await db().select().from(requests).where(eq(requests.locationId, -1))).toEqual([]);
    expect(await db().select().from(deadLetters).where(eq(deadLetters.queue, workloads.requests.deadLetterQueue))).toEqual([]);
  }, 60_000);
});
