// The daily retention run: storage stays bounded while nothing in use is deleted.
//  - nowcasts older than the retention: their R2 images, then their D1 rows, except those KV
//    serves now (their ids are in the cached entries' metadata);
//  - per source, observed-frame images and regional views older than the observed hour of every
//    kept nowcast of that source and of its newest frame;
//  - request records older than the retention (whole UTC days, never inside the warm-up's
//    window) folded into request_daily_counts and deleted, in one D1 batch;
//  - raw composites older than RADAR_RETENTION_DAYS before their source's newest frame.
// One run at a time (a lease); the report is logged and kept in KV for the operators.
import { and, inArray, lt, min, notInArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../db/schema";
import { nowcasts } from "../db/schema";
import type { Env } from "../env";
import { acquireLease, releaseLease } from "../jobs/lease";
import { log } from "../logging";
import { OBSERVED_PREFIX } from "../nowcast/assets";
import { REGIONAL_PREFIX } from "../nowcast/regional";
import { nowcastIdsInUse } from "../nowcast/cache";
import { warmupSettings } from "../nowcast/settings";
import { forgetObservedImages } from "../nowcast/store";
import { HORIZON_MINUTES } from "../../nowcast/src/index";
import { latestRadar, latestRadars } from "../radar/frame-store";
import { retentionSettings } from "./settings";

export interface RetentionReport {
  ranAt: string;
  nowcastsDeleted: number;
  nowcastsKeptInUse: number;
  nowcastObjectsDeleted: number;
  observedImagesDeleted: number;
  regionalImagesDeleted: number;
  requestsAggregated: number;
  rawFramesDeleted: number;
}

export const RETENTION_LEASE = "retention";
const LAST_RUN_KEY = "retention:last-run";
const DAY_MS = 86_400_000;
// The observed hour a nowcast shows, whatever its source's step.
const OBSERVED_HOUR_MS = HORIZON_MINUTES * 60_000;
// D1 binds at most 100 parameters per statement.
const IDS_PER_STATEMENT = 90;
const STAMP = /\/(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(?:\/|\.)/;

function stampMs(key: string): number | null {
  const m = STAMP.exec(key);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!) : null;
}

/** Every key under a prefix whose time stamp lies before `beforeMs`. */
async function keysBefore(env: Env, prefix: string, beforeMs: number): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.FRAMES.list({ prefix, cursor });
    for (const object of page.objects) {
      const t = stampMs(object.key);
      if (t !== null && t < beforeMs) keys.push(object.key);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}

async function deleteKeys(env: Env, keys: string[]): Promise<number> {
  for (let i = 0; i < keys.length; i += 1000) await env.FRAMES.delete(keys.slice(i, i + 1000));
  return keys.length;
}

async function pruneNowcasts(env: Env, nowMs: number, report: RetentionReport): Promise<void> {
  const db = drizzle(env.DB, { schema });
  const inUse = await nowcastIdsInUse(env);
  const cutoff = new Date(nowMs - retentionSettings(env).nowcastMs);
  for (;;) {
    const keep = [...inUse.keys()].slice(0, IDS_PER_STATEMENT);
    const old = await db
      .select({ id: nowcasts.id, assetsPrefix: nowcasts.assetsPrefix })
      .from(nowcasts)
      .where(and(lt(nowcasts.issuedAt, cutoff), keep.length ? notInArray(nowcasts.id, keep) : undefined))
      .limit(IDS_PER_STATEMENT);
    // More in-use ids than one statement binds: filter the rest here.
    const doomed = old.filter((row) => !inUse.has(row.id));
    if (!doomed.length) break;
    // Images first, then the row: a run that dies between leaves a row the next run finds again.
    for (const row of doomed) {
      const listed = await env.FRAMES.list({ prefix: row.assetsPrefix });
      report.nowcastObjectsDeleted += await deleteKeys(env, listed.objects.map((o) => o.key));
    }
    await db.delete(nowcasts).where(inArray(nowcasts.id, doomed.map((r) => r.id)));
    report.nowcastsDeleted += doomed.length;
    if (old.length < IDS_PER_STATEMENT) break;
  }
  report.nowcastsKeptInUse = inUse.size;

  // Observed-frame images and regional views, per source (each source's archive has its own
  // clock): kept while a kept nowcast of that source, or its newest frame's hour, shows them.
  const oldestBySource = new Map(
    (await db.select({ source: nowcasts.source, radarTime: min(nowcasts.radarTime) }).from(nowcasts).groupBy(nowcasts.source)).map((row) => [
      row.source,
      row.radarTime?.getTime() ?? Infinity,
    ]),
  );
  for (const latest of await latestRadars(env)) {
    const keepFrom = Math.min(oldestBySource.get(latest.source) ?? Infinity, latest.obstime.getTime()) - OBSERVED_HOUR_MS;
    const observed = await keysBefore(env, `${OBSERVED_PREFIX}${latest.source}/`, keepFrom);
    report.observedImagesDeleted += await deleteKeys(env, observed);
    forgetObservedImages(observed);
    // A kept nowcast links to the regional view of its radar time.
    report.regionalImagesDeleted += await deleteKeys(env, await keysBefore(env, `${REGIONAL_PREFIX}${latest.source}/`, keepFrom));
  }
}

const AGGREGATE_SQL = `INSERT INTO request_daily_counts (day, location_id, requests, hits, stale, misses)
SELECT strftime('%Y-%m-%d', requested_at / 1000, 'unixepoch') AS day, location_id, count(*),
  sum(cache_status = 'HIT'), sum(cache_status = 'STALE'), sum(cache_status = 'MISS')
FROM requests WHERE requested_at < ?1 GROUP BY day, location_id
ON CONFLICT (day, location_id) DO UPDATE SET requests = requests + excluded.requests, hits = hits + excluded.hits,
  stale = stale + excluded.stale, misses = misses + excluded.misses`;

async function foldRequests(env: Env, nowMs: number, report: RetentionReport): Promise<void> {
  const windowMs = warmupSettings(env).windowHours * 3_600_000;
  // Whole UTC days only, and never a request the warm-up still ranks by.
  const cutoff = Math.floor((nowMs - Math.max(retentionSettings(env).requestMs, windowMs)) / DAY_MS) * DAY_MS;
  const counted = await env.DB.prepare("SELECT count(*) AS n FROM requests WHERE requested_at < ?1").bind(cutoff).first<{ n: number }>();
  if (!counted?.n) return;
  // One batch is one transaction: counted and deleted together, or neither.
  await env.DB.batch([env.DB.prepare(AGGREGATE_SQL).bind(cutoff), env.DB.prepare("DELETE FROM requests WHERE requested_at < ?1").bind(cutoff)]);
  report.requestsAggregated = counted.n;
}

async function pruneRawFrames(env: Env, report: RetentionReport): Promise<void> {
  const listing = await env.FRAMES.list({ prefix: "radar/", delimiter: "/" });
  for (const prefix of listing.delimitedPrefixes) {
    const source = prefix.slice("radar/".length, -1);
    const latest = await latestRadar(env, source);
    if (!latest) continue;
    // Counted from the source's newest frame: the replayed archive is years old, and a
    // source that stopped publishing keeps its last days.
    const keys = await keysBefore(env, prefix, latest.obstime.getTime() - retentionSettings(env).radarMs);
    report.rawFramesDeleted += await deleteKeys(env, keys);
  }
}

/** The daily retention cron job; null when another run holds the lease. */
export async function runRetention(env: Env, now = new Date()): Promise<RetentionReport | null> {
  retentionSettings(env); // a bad value stops the run before it deletes anything
  const holder = crypto.randomUUID();
  if (!(await acquireLease(env.DB, RETENTION_LEASE, holder, 3_600_000))) {
    log("info", "retention skipped: another run holds the lease");
    return null;
  }
  try {
    const report: RetentionReport = {
      ranAt: now.toISOString(),
      nowcastsDeleted: 0,
      nowcastsKeptInUse: 0,
      nowcastObjectsDeleted: 0,
      observedImagesDeleted: 0,
      regionalImagesDeleted: 0,
      requestsAggregated: 0,
      rawFramesDeleted: 0,
    };
    await pruneNowcasts(env, now.getTime(), report);
    await foldRequests(env, now.getTime(), report);
    await pruneRawFrames(env, report);
    await env.CACHE.put(LAST_RUN_KEY, JSON.stringify(report));
    log("info", "retention run", { ...report });
    return report;
  } finally {
    await releaseLease(env.DB, RETENTION_LEASE, holder);
  }
}
