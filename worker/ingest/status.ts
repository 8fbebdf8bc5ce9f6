// What GET /api/ingest/status reports: the newest frame and the lag behind the
// clock, frames per hour, the runs' counters, refusals by reason, the
// consumer's batch sizes and redeliveries, and the dead-lettered frames.
import { and, count, desc, eq, gt } from "drizzle-orm";
import { deadLetters, ingestCounters, ingestRefusals, radarFrames } from "../db/schema";
import type { Db, Env } from "../env";
import { latestRadar } from "../radar/frame-store";
import { CONSUMER, refusedCounter, sourceCounter } from "./counters";
import { ingestClock } from "./fetch";
import type { IngestRunReport } from "./run";
import { lastRunKey } from "./run";
import { feedOf, ingestSettings } from "./settings";
import { radarSources } from "./sources";

const HOUR_MS = 3_600_000;

export async function ingestStatus(env: Env, db: Db, source: string) {
  const settings = ingestSettings(env);
  const feed = feedOf(settings, source);
  const stepMs = radarSources[source]?.stepMs ?? 300_000;
  const [newest] = await db
    .select({ key: radarFrames.key, obstime: radarFrames.obstime, ingestedAt: radarFrames.ingestedAt })
    .from(radarFrames)
    .where(eq(radarFrames.source, source))
    .orderBy(desc(radarFrames.obstime))
    .limit(1);
  const [totals, lastHour, counters, dead, recentDead, recentRefusals, lastRun, pointer, clock] = await Promise.all([
    db.select({ n: count() }).from(radarFrames).where(eq(radarFrames.source, source)),
    newest
      ? db.select({ n: count() }).from(radarFrames).where(and(eq(radarFrames.source, source), gt(radarFrames.obstime, new Date(newest.obstime.getTime() - HOUR_MS))))
      : Promise.resolve([{ n: 0 }]),
    db.select({ name: ingestCounters.name, value: ingestCounters.value }).from(ingestCounters),
    db.select({ n: count() }).from(deadLetters).where(eq(deadLetters.kind, "radar.frame")),
    db.select().from(deadLetters).where(eq(deadLetters.kind, "radar.frame")).orderBy(desc(deadLetters.receivedAt)).limit(10),
    db.select().from(ingestRefusals).where(eq(ingestRefusals.source, source)).orderBy(desc(ingestRefusals.id)).limit(20),
    env.CACHE.get<IngestRunReport>(lastRunKey(source), "json"),
    latestRadar(env, source),
    ingestClock(feed?.clockUrl ?? null, new Date(), settings.fetchTimeoutMs).catch(() => null),
  ]);
  const value = new Map(counters.map((c) => [c.name, c.value]));
  const get = (name: string) => value.get(name) ?? 0;
  const refusedPrefix = refusedCounter(source, "");
  const byReason: Record<string, number> = {};
  for (const [name, n] of value) if (name.startsWith(refusedPrefix)) byReason[name.slice(refusedPrefix.length)] = n;
  const histogramPrefix = `${CONSUMER}.batch_size.`;
  const histogram: Record<string, number> = {};
  for (const [name, n] of value) if (name.startsWith(histogramPrefix)) histogram[name.slice(histogramPrefix.length)] = n;
  const batches = get(`${CONSUMER}.batches`);
  const messages = get(`${CONSUMER}.messages`);
  const redelivered = get(`${CONSUMER}.redelivered`);

  return {
    source,
    enabled: feed !== null,
    settings: {
      maxCatchupFrames: settings.maxCatchupFrames,
      maxFrameBytes: settings.maxFrameBytes,
      clockSkewSeconds: settings.clockSkewMs / 1000,
    },
    clock: { now: clock?.toISOString() ?? null, source: feed?.clockUrl ? ("source" as const) : ("real-time" as const) },
    newestFrame: newest ? { key: newest.key, obstime: newest.obstime.toISOString(), ingestedAt: newest.ingestedAt.toISOString() } : null,
    newestStored: pointer?.obstime.toISOString() ?? null,
    lagSeconds: newest && clock ? Math.round((clock.getTime() - newest.obstime.getTime()) / 1000) : null,
    frames: totals[0]?.n ?? 0,
    framesPerHour: lastHour[0]?.n ?? 0,
    expectedFramesPerHour: Math.round(HOUR_MS / stepMs),
    runs: {
      count: get(sourceCounter(source, "runs")),
      fetched: get(sourceCounter(source, "fetched")),
      stored: get(sourceCounter(source, "stored")),
      notFound: get(sourceCounter(source, "not_found")),
      fetchFailed: get(sourceCounter(source, "fetch_failed")),
      repaired: get(sourceCounter(source, "repaired")),
      errors: get(sourceCounter(source, "run_errors")),
      last: lastRun,
    },
    refused: {
      total: Object.values(byReason).reduce((a, b) => a + b, 0),
      byReason,
      recent: recentRefusals.map((r) => ({
        obstime: r.obstime.toISOString(),
        url: r.url,
        reason: r.reason,
        message: r.message,
        sizeBytes: r.sizeBytes,
        sha256: r.sha256,
        refusedAt: r.refusedAt.toISOString(),
      })),
    },
    consumer: {
      batches,
      messages,
      rowsUpserted: get(`${CONSUMER}.rows_upserted`),
      batchSize: {
        mean: batches ? messages / batches : null,
        max: value.get(`${CONSUMER}.batch_max`) ?? null,
        last: value.get(`${CONSUMER}.batch_last`) ?? null,
        histogram,
      },
    },
    retries: redelivered,
    deadLetters: {
      count: dead[0]?.n ?? 0,
      recent: recentDead.map((d) => ({ id: d.id, body: d.body, attempts: d.attempts, receivedAt: d.receivedAt.toISOString() })),
    },
  };
}

export type IngestStatus = Awaited<ReturnType<typeof ingestStatus>>;
