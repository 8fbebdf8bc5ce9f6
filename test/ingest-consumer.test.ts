// The radar frame consumer: one D1 batch of multi-row upserts per queue batch,
// redelivery without duplicates, failures mid-batch, poison messages isolated
// and dead-lettered.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { deadLetters, ingestCounters, radarFrames } from "../worker/db/schema";
import { instrumentD1 } from "../worker/ingest/d1-instrument";
import { frameKey, type RadarFrameJob } from "../worker/ingest/message";
import { consumeJobs } from "../worker/jobs/queue";
import { workloads } from "../worker/jobs/queues";
import { radarFrameKey } from "../worker/radar/frame-store";
import { bearer, call, createUser, db, tokenFor } from "./support/helpers";

const QUEUE: string = workloads.ingest.queue;
const DLQ = workloads.ingest.deadLetterQueue;

/** A frame message as the cron sends it; `series` keeps each test's frames apart. */
function body(series: number, i: number, overrides: Partial<RadarFrameJob> = {}): RadarFrameJob {
  const obstime = new Date(Date.UTC(2016 + series, 8, 28, 0, 0) + i * 300_000);
  return {
    kind: "radar.frame",
    key: frameKey("fmi", obstime),
    source: "fmi",
    obstime: obstime.getTime(),
    r2Key: radarFrameKey("fmi", obstime),
    sizeBytes: 240_000 + i,
    sha256: (i.toString(16) + series.toString(16)).padStart(64, "a"),
    width: 760,
    height: 1226,
    fractionAbove05: 0.1 + i / 1000,
    fractionAbove5: 0.01 + i / 10_000,
    meanDbz: -28.5 + i / 7,
    maxDbz: 51.5,
    centroidLat: 61.1 + i / 100,
    centroidLon: 24.9 - i / 100,
    motionUPx: i === 0 ? null : 1.7 + i / 3,
    motionVPx: i === 0 ? null : -3.4,
    ingestedAt: Date.UTC(2026, 0, 1) + i,
    ...overrides,
  };
}

function batchOf(bodies: unknown[], attempts = 1, ids = bodies.map((_, i) => `m-${i}`), queue = QUEUE) {
  return createMessageBatch<unknown>(
    queue,
    bodies.map((b, i) => ({ id: ids[i]!, timestamp: new Date(), attempts, body: b })),
  );
}

async function deliver(bodies: unknown[], options: { attempts?: number; ids?: string[]; DB?: D1Database; queue?: string } = {}) {
  const batch = batchOf(bodies, options.attempts, options.ids, options.queue);
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await consumeJobs(batch, options.DB ? { ...env, DB: options.DB } : env, ctx);
  const result = await getQueueResult(batch, ctx);
  // The backoff each retried message was given.
  const delays = retries.flatMap((spy) => spy.mock.calls.map(([o]) => o?.delaySeconds));
  return { ...result, delays };
}

const rowsOf = (bodies: RadarFrameJob[]) =>
  db()
    .select()
    .from(radarFrames)
    .where(inArray(radarFrames.key, bodies.map((b) => b.key)))
    .orderBy(radarFrames.obstime);

/** A row as the message describes it. */
const asRow = (b: RadarFrameJob) => {
  const { kind: _kind, obstime, ingestedAt, ...rest } = b;
  return { ...rest, obstime: new Date(obstime), ingestedAt: new Date(ingestedAt) };
};

async function counter(name: string) {
  return (await db().select().from(ingestCounters).where(eq(ingestCounters.name, `consumer.radar_frames.${name}`)))[0]?.value;
}

describe("radar frame consumer", () => {
  it("writes a queue batch of 100 messages as ONE D1 batch: one multi-row upsert and its counters", async () => {
    const bodies = Array.from({ length: 100 }, (_, i) => body(1, i));
    const { db: counted, counts } = instrumentD1(env.DB);
    const result = await deliver(bodies, { DB: counted });
    expect(result.retryMessages).toEqual([]);
    expect(counts).toEqual({ batches: 1, statements: 2, calls: 1 });
    expect(await rowsOf(bodies)).toEqual(bodies.map(asRow));
    expect(await counter("batch_max")).toBe(100);
    expect(await counter("batch_last")).toBe(100);
    expect(await counter("batch_size.100+")).toBe(1);
  });

  it("duplicate delivery never duplicates a row: a redelivered batch and a key twice in one batch", async () => {
    const bodies = Array.from({ length: 10 }, (_, i) => body(2, i));
    await deliver(bodies);
    const redelivered = (await counter("redelivered")) ?? 0;
    await deliver(bodies, { attempts: 2 });
    expect(await counter("redelivered")).toBe(redelivered + 10);
    // The same frame twice in one batch: the later message wins, one row.
    const again = { ...bodies[3]!, ingestedAt: bodies[3]!.ingestedAt + 1 };
    const { counts, db: counted } = instrumentD1(env.DB);
    await deliver([bodies[3]!, again], { DB: counted });
    expect(counts.statements).toBe(2);
    const rows = await rowsOf(bodies);
    expect(rows).toHaveLength(10);
    expect(rows).toEqual(bodies.map((b, i) => asRow(i === 3 ? again : b)));
  });

  it("a consumer that fails mid-batch after D1 committed: the batch is redelivered, still exactly one row each", async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => body(3, i));
    const ids = bodies.map((_, i) => `lost-${i}`);
    const lostAnswer = instrumentD1(env.DB, {
      afterBatch() {
        throw new Error("Network connection lost");
      },
    });
    const first = await deliver(bodies, { ids, DB: lostAnswer.db });
    // Written, but the consumer saw an error: every message retried with backoff.
    expect(first.retryMessages.map((m) => m.msgId)).toEqual(ids);
    expect(first.delays).toEqual(ids.map(() => 10));
    expect(await rowsOf(bodies)).toHaveLength(20);
    const second = await deliver(bodies, { ids, attempts: 2 });
    expect(second.retryMessages).toEqual([]);
    expect(await rowsOf(bodies)).toEqual(bodies.map(asRow));
  });

  it("a consumer that fails mid-batch before D1 committed: nothing half-written, all redelivered, one row each", async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => body(4, i));
    const ids = bodies.map((_, i) => `down-${i}`);
    const down = instrumentD1(env.DB, {
      beforeBatch() {
        throw new Error("D1_ERROR: D1 is overloaded. Requests queued for too long.");
      },
    });
    const first = await deliver(bodies, { ids, DB: down.db, attempts: 3 });
    expect(first.retryMessages.map((m) => m.msgId)).toEqual(ids);
    // Third attempt: 40 s.
    expect(first.delays).toEqual(ids.map(() => 40));
    expect(await rowsOf(bodies)).toEqual([]);
    await deliver(bodies, { ids, attempts: 4 });
    expect(await rowsOf(bodies)).toEqual(bodies.map(asRow));
  });

  it("one bad message never blocks the rest of its batch: the good ones are written, the bad ones retried alone", async () => {
    const good = Array.from({ length: 8 }, (_, i) => body(5, i));
    const poison = [
      { ...body(5, 20), sha256: "not-a-checksum" },
      { ...body(5, 21), key: "fmi:201609281800" },
      { ...body(5, 22), fractionAbove05: 1.5 },
      { ...body(5, 23), centroidLon: null },
    ];
    const ids = [...good.map((_, i) => `good-${i}`), ...poison.map((_, i) => `poison-${i}`)];
    const warn = vi.spyOn(console, "warn");
    const result = await deliver([...good, ...poison], { ids });
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(["poison-0", "poison-1", "poison-2", "poison-3"]);
    expect(await rowsOf(good)).toEqual(good.map(asRow));
    expect(await rowsOf(poison as RadarFrameJob[])).toEqual([]);
    const reasons = warn.mock.calls.map(([l]) => JSON.parse(String(l)) as { msg: string; reason?: string }).filter((l) => l.msg === "queue message refused");
    expect(reasons.map((r) => r.reason)).toEqual([
      expect.stringContaining("sha256"),
      expect.stringContaining("key: does not match source and obstime"),
      expect.stringContaining("fractionAbove05"),
      expect.stringContaining("centroid needs both coordinates"),
    ]);
    warn.mockRestore();
  });

  it("a poison message reaches the dead-letter queue: recorded in D1 and reported in the ingest status", async () => {
    const poison = { ...body(6, 0), sha256: "not-a-checksum" };
    // The last of max_retries (5) attempts fails again ...
    const last = await deliver([poison], { ids: ["poison-dl"], attempts: 5 });
    expect(last.retryMessages.map((m) => m.msgId)).toEqual(["poison-dl"]);
    // ... so the queue hands it to the dead-letter queue's consumer.
    await deliver([poison], { ids: ["poison-dl"], attempts: 6, queue: DLQ });
    const [dead] = await db().select().from(deadLetters).where(eq(deadLetters.id, "poison-dl"));
    expect(dead).toMatchObject({ queue: DLQ, kind: "radar.frame", attempts: 6 });
    expect(JSON.parse(dead!.body)).toEqual(poison);
    expect(await rowsOf([poison])).toEqual([]);

    const admin = bearer(await tokenFor(await createUser("consumer-admin@example.com", "consumer password", "admin")));
    const status = (await (await call("/api/admin/ingest/status", admin)).json()) as Record<string, any>;
    expect(status.deadLetters.count).toBe(1);
    expect(status.deadLetters.recent[0]).toMatchObject({ id: "poison-dl", attempts: 6 });
    // Batch sizes and retries of everything this file delivered.
    expect(status.consumer.batchSize.max).toBe(100);
    // Batches written so far: 1 + 3 + 2 (one committed before its answer was lost) + 1 + 1.
    expect(status.consumer.batches).toBe(8);
    expect(status.consumer.messages).toBe(100 + 22 + 40 + 20 + 8);
    // Redeliveries the consumer wrote: 10 + 20 + 20 (a failed batch counts nothing).
    expect(status.retries).toBe(50);
  });

  it("through the real queue: frames sent with the producer arrive in D1 in micro-batches", async () => {
    const bodies = Array.from({ length: 30 }, (_, i) => body(7, i));
    const before = (await counter("batches")) ?? 0;
    await env.INGEST_QUEUE.sendBatch(bodies.map((b) => ({ body: b, contentType: "json" as const })));
    const deadline = Date.now() + 20_000;
    while ((await rowsOf(bodies)).length < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await rowsOf(bodies)).toEqual(bodies.map(asRow));
    // 30 messages sent at once: far fewer D1 batches than messages.
    expect(((await counter("batches")) ?? 0) - before).toBeLessThanOrEqual(3);
  });
});
