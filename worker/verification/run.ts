// Continuous self-verification: every nowcast the service issued is scored once the frames of
// its hour have arrived, against those frames cut as its crop was, and the scores are added to
// the day's sums per model, lead and threshold (verification_daily) and to the day's point
// outcomes (verification_outcomes_daily). Started by a queue job whenever ingest stores a newer
// frame (job.ts); one run per source at a time (a lease).
//  - A nowcast is due when the newest frame is at least its hour past its radar time. If a frame
//    of that hour is missing, it waits up to MISSING_FRAME_GRACE_MS for it, then is scored on the
//    leads that arrived.
//  - Each nowcast is written in one D1 batch: its row in nowcast_verifications (a primary key, so
//    a second scoring fails and rolls its whole batch back) and its additions to the sums.
//  - A run scores at most MAX_NOWCASTS_PER_RUN; when more are due it queues the next run.
import { and, asc, eq, gte, isNull, lt, lte } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { cropAround, type RadarFrame, zrForSource } from "../../nowcast/src/index";
import * as schema from "../db/schema";
import { locations, nowcastVerifications, nowcasts } from "../db/schema";
import type { ExperimentalLabel } from "../../nowcast/src/models/learned";
import type { Env } from "../env";
import { acquireLease, releaseLease } from "../jobs/lease";
import { log } from "../logging";
import { CROP_PX, leadsAt } from "../nowcast/build";
import { latestRadar, loadFrameWindow, stepMinutesOf } from "../radar/frame-store";
import { decodeForecastRecord, FORECAST_RECORD_NAME, VERIFIED_THRESHOLDS_MM_PER_HOUR } from "./record";
import { scoreNowcast, type NowcastScore } from "./score";

export const MAX_NOWCASTS_PER_RUN = 120;
/** A source's forecast hour: its leads at its own step (12 of 5 minutes, or 4 of 15 for OPERA). */
function forecastHour(source: string): { leads: number; ms: number } {
  const stepMinutes = stepMinutesOf(source);
  const leads = leadsAt(stepMinutes);
  return { leads, ms: leads * stepMinutes * 60_000 };
}
export const MISSING_FRAME_GRACE_MS = 30 * 60_000;
/** Older nowcasts are never due (their frames may be gone); their rows are pruned a day later. */
const DUE_WINDOW_MS = 2 * 86_400_000;
const KEEP_ROWS_MS = 3 * 86_400_000;
const LEASE_MS = 10 * 60_000;

export interface VerificationReport {
  source: string;
  newestFrame: string | null;
  due: number;
  scored: number;
  skipped: number;
  /** Due nowcasts left waiting for a missing frame of their hour. */
  waiting: number;
  /** More were due than one run scores: the next run is queued. */
  more: boolean;
  durationMs: number;
}

const DAILY_SQL = `INSERT INTO verification_daily (day, source, model, lead_minutes, threshold_mm_per_hour, nowcasts, hits, misses, false_alarms,
  correct_negatives, point_hits, point_misses, point_false_alarms, point_correct_negatives, brier_sum, brier_count)
SELECT ?1, ?2, ?3, json_extract(value, '$[0]'), json_extract(value, '$[1]'), 1, json_extract(value, '$[2]'), json_extract(value, '$[3]'),
  json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]'), json_extract(value, '$[7]'), json_extract(value, '$[8]'),
  json_extract(value, '$[9]'), json_extract(value, '$[10]'), json_extract(value, '$[11]')
FROM json_each(?4) WHERE true
ON CONFLICT (day, source, model, lead_minutes, threshold_mm_per_hour) DO UPDATE SET nowcasts = nowcasts + 1, hits = hits + excluded.hits,
  misses = misses + excluded.misses, false_alarms = false_alarms + excluded.false_alarms, correct_negatives = correct_negatives + excluded.correct_negatives,
  point_hits = point_hits + excluded.point_hits, point_misses = point_misses + excluded.point_misses,
  point_false_alarms = point_false_alarms + excluded.point_false_alarms, point_correct_negatives = point_correct_negatives + excluded.point_correct_negatives,
  brier_sum = brier_sum + excluded.brier_sum, brier_count = brier_count + excluded.brier_count`;

const OUTCOMES_SQL = `INSERT INTO verification_outcomes_daily (day, source, model, nowcasts, rain_hits, rain_misses, rain_false_alarms,
  rain_correct_negatives, onset_cases, onset_abs_error_minutes, sentences, sentences_true)
VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
ON CONFLICT (day, source, model) DO UPDATE SET nowcasts = nowcasts + 1, rain_hits = rain_hits + excluded.rain_hits,
  rain_misses = rain_misses + excluded.rain_misses, rain_false_alarms = rain_false_alarms + excluded.rain_false_alarms,
  rain_correct_negatives = rain_correct_negatives + excluded.rain_correct_negatives, onset_cases = onset_cases + excluded.onset_cases,
  onset_abs_error_minutes = onset_abs_error_minutes + excluded.onset_abs_error_minutes, sentences = sentences + excluded.sentences,
  sentences_true = sentences_true + excluded.sentences_true`;

const VERIFIED_SQL = `INSERT INTO nowcast_verifications (nowcast_id, source, model, radar_time, status, reason, leads_scored, verified_at, experimental)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`;

/** The UTC day a radar time falls in: the day its scores count for. */
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface DueNowcast {
  id: string;
  model: string;
  radarTime: Date;
  assetsPrefix: string;
  lat: number;
  lon: number;
}

/** The D1 statements recording one nowcast's scores (or its skip), to run as one batch. */
function scoreStatements(db: D1Database, source: string, nowcast: DueNowcast, score: Scored | { skipped: string }): D1PreparedStatement[] {
  const t = nowcast.radarTime.getTime();
  const skipped = "skipped" in score ? score.skipped : null;
  const leads = "skipped" in score ? [] : score.leads;
  const label = "skipped" in score || !score.experimental ? null : JSON.stringify(score.experimental);
  const statements = [
    db.prepare(VERIFIED_SQL).bind(nowcast.id, source, nowcast.model, t, skipped ? "skipped" : "scored", skipped, leads.length, Date.now(), label),
  ];
  if ("skipped" in score) return statements;
  const day = dayOf(t);
  const rows = leads.flatMap((lead) =>
    VERIFIED_THRESHOLDS_MM_PER_HOUR.map((threshold, j) => {
      const point = lead.point[j] ?? [0, 0, 0, 0];
      const brier = lead.brier[j] ?? null;
      return [lead.leadMinutes, threshold, ...lead.pixels[j]!, ...point, brier ?? 0, brier === null ? 0 : 1];
    }),
  );
  if (rows.length) statements.push(db.prepare(DAILY_SQL).bind(day, source, nowcast.model, JSON.stringify(rows)));
  const o = score.outcome;
  if (o) {
    const rain = [o.rainForecast && o.rainObserved, !o.rainForecast && o.rainObserved, o.rainForecast && !o.rainObserved, !o.rainForecast && !o.rainObserved].map(Number);
    statements.push(
      db
        .prepare(OUTCOMES_SQL)
        .bind(day, source, nowcast.model, ...rain, o.onsetErrorMinutes === null ? 0 : 1, o.onsetErrorMinutes ?? 0, o.sentenceTrue === null ? 0 : 1, o.sentenceTrue ? 1 : 0),
    );
  }
  return statements;
}

type Scored = NowcastScore & { experimental: ExperimentalLabel | null };

/** Scores one nowcast against the observed frames of its hour (full composites, null = missing). */
async function scoreOne(env: Env, source: string, nowcast: DueNowcast, observed: readonly (RadarFrame | null)[]): Promise<Scored | { skipped: string }> {
  const object = await env.FRAMES.get(`${nowcast.assetsPrefix}${FORECAST_RECORD_NAME}`);
  if (!object) return { skipped: "no forecast record" };
  const record = decodeForecastRecord(new Uint8Array(await object.arrayBuffer()));
  const crops = observed.slice(0, record.header.leads).map((frame) => (frame ? cropAround(frame, nowcast.lat, nowcast.lon, CROP_PX) : null));
  const grid = crops.find((c) => c !== null)?.georef;
  if (!grid) return { skipped: "no observed frame of its hour" };
  if (grid.westM !== record.header.westM || grid.northM !== record.header.northM || grid.width !== record.header.width || grid.height !== record.header.height) {
    return { skipped: "the composite's grid changed" };
  }
  return { ...scoreNowcast(record, crops.map((c) => c?.dbz ?? null), zrForSource(source)), experimental: record.header.experimental };
}

async function dueNowcasts(env: Env, source: string, newestMs: number, hourMs: number): Promise<DueNowcast[]> {
  const db = drizzle(env.DB, { schema });
  return db
    .select({ id: nowcasts.id, model: nowcasts.model, radarTime: nowcasts.radarTime, assetsPrefix: nowcasts.assetsPrefix, lat: locations.lat, lon: locations.lon })
    .from(nowcasts)
    .innerJoin(locations, eq(locations.id, nowcasts.locationId))
    .leftJoin(nowcastVerifications, eq(nowcastVerifications.nowcastId, nowcasts.id))
    .where(
      and(
        eq(nowcasts.source, source),
        isNull(nowcastVerifications.nowcastId),
        lte(nowcasts.radarTime, new Date(newestMs - hourMs)),
        gte(nowcasts.radarTime, new Date(newestMs - DUE_WINDOW_MS)),
      ),
    )
    .orderBy(asc(nowcasts.radarTime), asc(nowcasts.id))
    .limit(MAX_NOWCASTS_PER_RUN + 1);
}

/** Scores every due nowcast of a source (at most MAX_NOWCASTS_PER_RUN); null when another run holds the lease. */
export async function runVerification(env: Env, source: string): Promise<VerificationReport | null> {
  const started = Date.now();
  const latest = await latestRadar(env, source);
  const report: VerificationReport = { source, newestFrame: latest?.obstime.toISOString() ?? null, due: 0, scored: 0, skipped: 0, waiting: 0, more: false, durationMs: 0 };
  if (!latest) return report;
  const holder = crypto.randomUUID();
  const lease = `verification:${source}`;
  if (!(await acquireLease(env.DB, lease, holder, LEASE_MS))) {
    log("info", "verification skipped: another run holds the lease", { source });
    return null;
  }
  try {
    const newestMs = latest.obstime.getTime();
    const hour = forecastHour(source);
    const found = await dueNowcasts(env, source, newestMs, hour.ms);
    report.more = found.length > MAX_NOWCASTS_PER_RUN;
    const due = found.slice(0, MAX_NOWCASTS_PER_RUN);
    report.due = due.length;
    // Nowcasts of one radar time share the frames of their hour (and neighbouring times share most).
    const byRadarTime = new Map<number, DueNowcast[]>();
    for (const n of due) byRadarTime.set(n.radarTime.getTime(), [...(byRadarTime.get(n.radarTime.getTime()) ?? []), n]);
    for (const [radarMs, group] of byRadarTime) {
      const observed = await loadFrameWindow(env, source, new Date(radarMs + hour.ms), hour.leads);
      if (observed.some((f) => f === null) && newestMs < radarMs + hour.ms + MISSING_FRAME_GRACE_MS) {
        report.waiting += group.length;
        continue;
      }
      for (const nowcast of group) {
        const score = await scoreOne(env, source, nowcast, observed).catch((error: unknown) => ({ skipped: `unreadable forecast record: ${String(error)}`.slice(0, 200) }));
        try {
          await env.DB.batch(scoreStatements(env.DB, source, nowcast, score));
        } catch (error) {
          // Scored meanwhile by a run that lost its lease: its batch counted, this one rolled back.
          log("warn", "nowcast verification not recorded", { nowcastId: nowcast.id, error: String(error) });
          continue;
        }
        if ("skipped" in score) report.skipped++;
        else report.scored++;
      }
    }
    await drizzle(env.DB).delete(nowcastVerifications).where(lt(nowcastVerifications.radarTime, new Date(newestMs - KEEP_ROWS_MS)));
  } finally {
    await releaseLease(env.DB, lease, holder);
  }
  report.durationMs = Date.now() - started;
  log("info", "verification run", { ...report });
  return report;
}
