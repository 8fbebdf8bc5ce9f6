import { and, desc, eq, gte, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { z } from "zod";
import { chunkRows } from "../db/batch";
import * as schema from "../db/schema";
import { locations, requests, warmupRuns } from "../db/schema";
import type { Db, Env } from "../env";
import type { Job } from "../jobs/registry";
import { log } from "../logging";
import { gazetteer } from "../places/gazetteer";
import { retryDelaySeconds, workloads } from "../jobs/queues";
import { servingRadar } from "../radar/frame-store";
import { inferenceConfig, routeModel } from "../inference/config";
import { acquireLease, releaseLease } from "../jobs/lease";
import { locationForPlace } from "./locations";
import { ensureNowcast, requireLatestRadars } from "./service";
import { warmupSettings } from "./settings";

export const warmJobSchema = z.object({
  kind: z.literal("warm"),
  runId: z.string().uuid(),
  locationId: z.number().int().positive(),
});
export type WarmJob = z.infer<typeof warmJobSchema>;

/** The most requested locations of the window, most requested first (ties: lower id first). */
export async function mostRequested(db: Db, since: Date, limit: number): Promise<number[]> {
  const rows = await db
    .select({ locationId: requests.locationId, count: sql<number>`count(*)`.as("count") })
    .from(requests)
    .where(gte(requests.requestedAt, since))
    .groupBy(requests.locationId)
    .orderBy(desc(sql`count`), requests.locationId)
    .limit(limit);
  return rows.map((r) => r.locationId);
}

/**
 * With no history yet: the most populous gazetteer places inside each source's coverage, the
 * places of each source in turn (round robin), so that a continental source does not crowd out
 * the national ones.
 */
async function defaultLocations(db: Db, env: Env, limit: number): Promise<number[]> {
  const latests = await requireLatestRadars(env);
  const bySource = new Map(latests.map((latest) => [latest.source, [] as number[]]));
  for (const place of gazetteer().byPopulation()) {
    const serving = servingRadar(latests, place.lat, place.lon);
    const list = serving ? bySource.get(serving.source)! : null;
    if (list && list.length < limit) list.push(place.geonameId);
    if ([...bySource.values()].every((l) => l.length >= limit)) break;
  }
  const ids: number[] = [];
  const lists = [...bySource.values()];
  for (let k = 0; ids.length < limit && lists.some((l) => k < l.length); k++) {
    for (const list of lists) if (k < list.length && ids.length < limit) ids.push((await locationForPlace(db, list[k]!)).id);
  }
  return ids;
}

const POPULAR_KEY = "warmup:popular";
/** The hourly warm-up's lease: one run at a time, held until its jobs are settled or it expires. */
export const WARMUP_LEASE = "warmup";
// One per-frame warm-up per radar frame, whichever ingest run stored it.
const FRAME_LEASE_MS = 3_600_000;

/** Records a run and fans out one queue job per location (the jobs skip locations already current). */
async function fanOut(env: Env, db: Db, locationIds: number[], source: "history" | "defaults" | "frame", runId = crypto.randomUUID()): Promise<string> {
  await db.insert(warmupRuns).values({
    id: runId,
    startedAt: new Date(),
    planned: locationIds.length,
    source,
    finishedAt: locationIds.length ? null : new Date(),
  });
  // sendBatch takes at most 100 messages.
  for (const chunk of chunkRows(locationIds, 1)) {
    await env.WARMUP_QUEUE.sendBatch(chunk.map((locationId) => ({ body: { kind: "warm", runId, locationId } satisfies WarmJob, contentType: "json" })));
  }
  return runId;
}

/**
 * The hourly warm-up: re-ranks the popular set (the top N locations of the window, or the
 * default list with no history), keeps it for the per-frame warm-up, and warms it. An
 * overlapping run finds the lease held and does nothing.
 */
export async function startWarmup(env: Env, scheduledAt: Date): Promise<{ runId: string; locationIds: number[] } | null> {
  const db = drizzle(env.DB, { schema });
  const { topN, windowHours, leaseMs } = warmupSettings(env);
  const runId = crypto.randomUUID();
  if (!(await acquireLease(env.DB, WARMUP_LEASE, runId, leaseMs))) {
    log("info", "warm-up skipped: another run holds the lease");
    return null;
  }
  try {
    let locationIds = await mostRequested(db, new Date(scheduledAt.getTime() - windowHours * 3600_000), topN);
    const source = locationIds.length ? "history" : "defaults";
    if (!locationIds.length) locationIds = await defaultLocations(db, env, topN);
    await env.CACHE.put(POPULAR_KEY, JSON.stringify({ locationIds, rankedAt: new Date().toISOString() }));
    await fanOut(env, db, locationIds, source, runId);
    if (!locationIds.length) await releaseLease(env.DB, WARMUP_LEASE, runId);
    log("info", "warm-up started", { runId, planned: locationIds.length, source });
    return { runId, locationIds };
  } catch (error) {
    await releaseLease(env.DB, WARMUP_LEASE, runId);
    throw error;
  }
}

interface PopularSet {
  locationIds: number[];
  rankedAt: string;
}

/** The popular set the last hourly warm-up ranked (null before the first). */
async function popularSet(env: Env): Promise<PopularSet | null> {
  return env.CACHE.get<PopularSet>(POPULAR_KEY, "json");
}

/**
 * The locations a new frame warms: the popular set, then the places asked for since it was
 * ranked that are not in it (at most WARMUP_TOP_N, the most asked first). So a place that turns
 * popular between two hourly rankings is kept current from the next frame, not the next hour.
 */
export async function frameWarmSet(env: Env, db: Db): Promise<number[]> {
  const popular = await popularSet(env);
  if (!popular) return [];
  const { topN } = warmupSettings(env);
  const inSet = new Set(popular.locationIds);
  const risen = (await mostRequested(db, new Date(popular.rankedAt), topN + inSet.size)).filter((id) => !inSet.has(id)).slice(0, topN);
  return [...popular.locationIds, ...risen];
}

/**
 * Ingest stored a newer frame: recompute the frame's warm set (frameWarmSet) through the
 * warm-up queue, once per frame (a lease per radar time), unless WARMUP_EVERY_FRAME is off.
 */
export async function warmForFrame(env: Env, obstime: Date): Promise<string | null> {
  if (!warmupSettings(env).everyFrame) return null;
  const db = drizzle(env.DB, { schema });
  const locationIds = await frameWarmSet(env, db);
  if (!locationIds.length) return null;
  const runId = crypto.randomUUID();
  if (!(await acquireLease(env.DB, `warmup:frame:${obstime.toISOString()}`, runId, FRAME_LEASE_MS))) return null;
  await fanOut(env, db, locationIds, "frame", runId);
  log("info", "per-frame warm-up started", { runId, planned: locationIds.length, radarTime: obstime.toISOString() });
  return runId;
}

async function settle(env: Env, db: Db, runId: string, outcome: "done" | "failed"): Promise<void> {
  const column = outcome === "done" ? warmupRuns.done : warmupRuns.failed;
  await db
    .update(warmupRuns)
    .set({ [outcome]: sql`${column} + 1` })
    .where(eq(warmupRuns.id, runId));
  // The run is finished once every planned location is done or dead-lettered.
  const finished = await db
    .update(warmupRuns)
    .set({ finishedAt: new Date() })
    .where(and(eq(warmupRuns.id, runId), sql`${warmupRuns.done} + ${warmupRuns.failed} >= ${warmupRuns.planned}`, sql`${warmupRuns.finishedAt} IS NULL`))
    .returning({ id: warmupRuns.id });
  // A finished hourly run gives its lease back (a no-op for other runs: only the holder can).
  if (finished.length) await releaseLease(env.DB, WARMUP_LEASE, runId);
}

/** Queue handler: brings each location's default-model nowcast up to the newest frame; a failure retries with backoff. */
export async function warmLocations(jobs: Job<WarmJob>[], env: Env): Promise<void> {
  const db = drizzle(env.DB, { schema });
  const inference = inferenceConfig(env);
  const route = routeModel(inference, inference.defaultModel);
  for (const { body, message } of jobs) {
    try {
      const latests = await requireLatestRadars(env);
      const [location] = await db
        .select({ id: locations.id, name: locations.name, country: locations.country, lat: locations.lat, lon: locations.lon })
        .from(locations)
        .where(eq(locations.id, body.locationId));
      if (!location) throw new Error(`location ${body.locationId} does not exist`);
      const latest = servingRadar(latests, location.lat, location.lon);
      if (!latest) throw new Error(`location ${location.id} is outside radar coverage`);
      // Joins a run already under way for this nowcast; returns at once when it is current.
      await ensureNowcast(env, db, location, latest, route);
      await settle(env, db, body.runId, "done");
      message.ack();
    } catch (error) {
      log("warn", "warm-up job failed", {
        runId: body.runId,
        locationId: body.locationId,
        attempts: message.attempts,
        error: error instanceof Error ? error.message : String(error),
      });
      message.retry({ delaySeconds: retryDelaySeconds(workloads.warmup.retry, message.attempts) });
    }
  }
}

/** Dead-letter side of a warm-up job: the location kept failing; count it against its run. */
export async function warmJobDeadLettered(body: WarmJob, env: Env): Promise<void> {
  await settle(env, drizzle(env.DB, { schema }), body.runId, "failed");
}
