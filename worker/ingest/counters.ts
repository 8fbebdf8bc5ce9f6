// Ingest counters in D1 (ingest_counters): each increment rides in the D1 batch
// of the work it counts (the consumer's row writes, the cron run's one write),
// one multi-row upsert statement with the increments as a single JSON parameter.
import type { ingestCounters } from "../db/schema";

export type CounterKind = (typeof ingestCounters.$inferSelect)["kind"];
export type CounterUpdate = readonly [name: string, kind: CounterKind, value: number];

const UPSERT_COUNTERS = `INSERT INTO ingest_counters (name, kind, value, updated_at)
SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), ?2 FROM json_each(?1) WHERE true
ON CONFLICT (name) DO UPDATE SET
  value = CASE excluded.kind
    WHEN 'max' THEN max(ingest_counters.value, excluded.value)
    WHEN 'last' THEN excluded.value
    ELSE ingest_counters.value + excluded.value END,
  kind = excluded.kind,
  updated_at = excluded.updated_at`;

/** One statement applying every update (zero-valued sums are left out). */
export function counterStatement(db: D1Database, updates: readonly CounterUpdate[], at: Date): D1PreparedStatement | null {
  const live = updates.filter(([, kind, value]) => kind !== "sum" || value !== 0);
  if (!live.length) return null;
  return db.prepare(UPSERT_COUNTERS).bind(JSON.stringify(live), at.getTime());
}

export const sourceCounter = (source: string, name: string) => `ingest.${source}.${name}`;
export const refusedCounter = (source: string, reason: string) => `ingest.${source}.refused.${reason}`;
export const CONSUMER = "consumer.radar_frames";

/** Batch-size histogram buckets of the consumer (upper bounds, inclusive). */
export const BATCH_SIZE_BUCKETS = [1, 9, 49, 99] as const;
export function batchSizeBucket(size: number): string {
  let lower = 1;
  for (const upper of BATCH_SIZE_BUCKETS) {
    if (size <= upper) return lower === upper ? `${upper}` : `${lower}-${upper}`;
    lower = upper + 1;
  }
  return `${lower}+`;
}
