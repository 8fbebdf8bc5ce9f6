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
import { retryDelaySeconds } from "../jobs/retry";
import { inCoverage } from "../radar/frame-store";
import { readCachedNowcast } from "./cache";
import { locationForPlace } from "./locations";
import { nowcastSettings, recomputeNowcast, requireLatestRadar } from "./service";

export const warmJobSchema = z.object({
  kind: z.literal("warm"),
  runId: z.string().uuid(),
  locationId: z.number().int().positive(),
});
export type WarmJob = z.infer<typeof warmJobSchema>;

export interface WarmupSettings {
  topN: number;
  windowHours: number;
}

export function warmupSettings(env: Env): WarmupSettings {
  const topN = Number(env.WARMUP_TOP_N);
  const windowHours = Number(env.WARMUP_WINDOW_HOURS);
  return {
    topN: Number.isInteger(topN) && topN > 0 ? topN : 50,
    windowHours: Number.isFinite(windowHours) && windowHours > 0 ? windowHours : 24,
  };
}

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

/** With no history yet: the most populous gazetteer places inside the radar's coverage. */
async function defaultLocations(db: Db, env: Env, limit: number): Promise<number[]> {
  const latest = await requireLatestRadar(env);
  const ids: number[] = [];
  for (const place of gazetteer().byPopulation()) {
    if (ids.length >= limit) break;
    if (inCoverage(latest, place.lat, place.lon)) ids.push((await locationForPlace(db, place.geonameId)).id);
  }
  return ids;
}

/**
 * The hourly warm-up: records a run, picks the top N locations (or the default
 * list) and fans out one queue job per location.
 */
export async function startWarmup(env: Env, scheduledAt: Date): Promise<{ runId: string; locationIds: number[] }> {
  const db = drizzle(env.DB, { schema });
  const { topN, windowHours } = warmupSettings(env);
  let locationIds = await mostRequested(db, new Date(scheduledAt.getTime() - windowHours * 3600_000), topN);
  const source = locationIds.length ? "history" : "defaults";
  if (!locationIds.length) locationIds = await defaultLocations(db, env, topN);
  const runId = crypto.randomUUID();
  await db.insert(warmupRuns).values({
    id: runId,
    startedAt: new Date(),
    planned: locationIds.length,
    source,
    finishedAt: locationIds.length ? null : new Date(),
  });
  // sendBatch takes at most 100 messages.
  for (const chunk of chunkRows(locationIds, 1)) {
    await env.JOBS.sendBatch(chunk.map((locationId) => ({ body: { kind: "warm", runId, locationId } satisfies WarmJob, contentType: "json" })));
  }
  log("info", "warm-up started", { runId, planned: locationIds.length, source });
  return { runId, locationIds };
}

async function settle(db: Db, runId: string, outcome: "done" | "failed"): Promise<void> {
  const column = outcome === "done" ? warmupRuns.done : warmupRuns.failed;
  await db
    .update(warmupRuns)
    .set({ [outcome]: sql`${column} + 1` })
    .where(eq(warmupRuns.id, runId));
  // The run is finished once every planned location is done or dead-lettered.
  await db
    .update(warmupRuns)
    .set({ finishedAt: new Date() })
    .where(and(eq(warmupRuns.id, runId), sql`${warmupRuns.done} + ${warmupRuns.failed} >= ${warmupRuns.planned}`, sql`${warmupRuns.finishedAt} IS NULL`));
}

/** Queue handler: recomputes each location (skipping one already current); a failure retries with backoff. */
export async function warmLocations(jobs: Job<WarmJob>[], env: Env): Promise<void> {
  const db = drizzle(env.DB, { schema });
  const settings = nowcastSettings(env);
  for (const { body, message } of jobs) {
    try {
      const latest = await requireLatestRadar(env);
      const [location] = await db
        .select({ id: locations.id, name: locations.name, country: locations.country, lat: locations.lat, lon: locations.lon })
        .from(locations)
        .where(eq(locations.id, body.locationId));
      if (!location) throw new Error(`location ${body.locationId} does not exist`);
      if (!inCoverage(latest, location.lat, location.lon)) throw new Error(`location ${location.id} is outside radar coverage`);
      const cached = await readCachedNowcast(env, location.id);
      if (!cached || cached.radarTimeMs < latest.obstime.getTime()) await recomputeNowcast(env, db, location, latest, settings);
      await settle(db, body.runId, "done");
      message.ack();
    } catch (error) {
      log("warn", "warm-up job failed", {
        runId: body.runId,
        locationId: body.locationId,
        attempts: message.attempts,
        error: error instanceof Error ? error.message : String(error),
      });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** Dead-letter side of a warm-up job: the location kept failing; count it against its run. */
export async function warmJobDeadLettered(body: WarmJob, env: Env): Promise<void> {
  await settle(drizzle(env.DB, { schema }), body.runId, "failed");
}
