// Queue consumer of "radar.frame" messages: each queue batch (up to
// max_batch_size messages or max_batch_timeout seconds, wrangler.toml) becomes
// ONE D1 batch: a multi-row upsert of the frames plus the consumer's counters.
// The rows travel as one JSON parameter (json_each), so a statement carries a
// whole batch whatever its column count, far inside D1's 100 bound parameters.
// Upserting on the frame key makes redelivery harmless: one row per frame.
import type { Env } from "../env";
import type { Job } from "../jobs/registry";
import { log } from "../logging";
import { batchSizeBucket, CONSUMER, counterStatement, type CounterUpdate } from "./counters";
import type { RadarFrameJob } from "./message";

/** radar_frames columns in the order each row's JSON array holds them. */
const COLUMNS = [
  ["key", (b: RadarFrameJob) => b.key],
  ["source", (b: RadarFrameJob) => b.source],
  ["obstime", (b: RadarFrameJob) => b.obstime],
  ["r2_key", (b: RadarFrameJob) => b.r2Key],
  ["size_bytes", (b: RadarFrameJob) => b.sizeBytes],
  ["sha256", (b: RadarFrameJob) => b.sha256],
  ["width", (b: RadarFrameJob) => b.width],
  ["height", (b: RadarFrameJob) => b.height],
  ["fraction_above_0_5", (b: RadarFrameJob) => b.fractionAbove05],
  ["fraction_above_5", (b: RadarFrameJob) => b.fractionAbove5],
  ["mean_dbz", (b: RadarFrameJob) => b.meanDbz],
  ["max_dbz", (b: RadarFrameJob) => b.maxDbz],
  ["centroid_lat", (b: RadarFrameJob) => b.centroidLat],
  ["centroid_lon", (b: RadarFrameJob) => b.centroidLon],
  ["motion_u_px", (b: RadarFrameJob) => b.motionUPx],
  ["motion_v_px", (b: RadarFrameJob) => b.motionVPx],
  ["ingested_at", (b: RadarFrameJob) => b.ingestedAt],
] as const;

const names = COLUMNS.map(([name]) => name);
export const UPSERT_FRAMES_SQL = `INSERT INTO radar_frames (${names.join(", ")})
SELECT ${names.map((_, i) => `json_extract(value, '$[${i}]')`).join(", ")} FROM json_each(?1) WHERE true
ON CONFLICT (key) DO UPDATE SET ${names.slice(1).map((n) => `${n} = excluded.${n}`).join(", ")}`;

/** Rows per statement: a queue batch holds at most 100 messages, so one statement each. */
export const ROWS_PER_STATEMENT = 500;

export function frameRow(body: RadarFrameJob): (string | number | null)[] {
  return COLUMNS.map(([, get]) => get(body));
}

/** The statements writing these frames (the last delivery of a key wins within a batch). */
export function frameStatements(db: D1Database, bodies: readonly RadarFrameJob[]): D1PreparedStatement[] {
  const byKey = new Map<string, RadarFrameJob>();
  for (const body of bodies) byKey.set(body.key, body);
  const rows = [...byKey.values()].map(frameRow);
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    statements.push(db.prepare(UPSERT_FRAMES_SQL).bind(JSON.stringify(rows.slice(i, i + ROWS_PER_STATEMENT))));
  }
  return statements;
}

/** Queue handler: one D1 batch for the whole group; a failure retries the group (queue.ts). */
export async function writeRadarFrames(jobs: Job<RadarFrameJob>[], env: Env): Promise<void> {
  const bodies = jobs.map((j) => j.body);
  const frames = frameStatements(env.DB, bodies);
  const distinct = new Set(bodies.map((b) => b.key)).size;
  const redelivered = jobs.filter((j) => j.message.attempts > 1).length;
  const counters: CounterUpdate[] = [
    [`${CONSUMER}.batches`, "sum", 1],
    [`${CONSUMER}.messages`, "sum", jobs.length],
    [`${CONSUMER}.rows_upserted`, "sum", distinct],
    [`${CONSUMER}.redelivered`, "sum", redelivered],
    [`${CONSUMER}.batch_max`, "max", jobs.length],
    [`${CONSUMER}.batch_last`, "last", jobs.length],
    [`${CONSUMER}.batch_size.${batchSizeBucket(jobs.length)}`, "sum", 1],
  ];
  const counted = counterStatement(env.DB, counters, new Date());
  await env.DB.batch(counted ? [...frames, counted] : frames);
  log("info", "radar frames written", { messages: jobs.length, rows: distinct, redelivered, statements: frames.length + (counted ? 1 : 0) });
}
