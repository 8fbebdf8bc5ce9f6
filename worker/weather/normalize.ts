// The one normalization path: a landed raw object (provider JSON or the
// history's CSV) goes through its source's parser into observation rows,
// written in one D1 batch (a transaction), so a payload is stored whole or not
// at all. Idempotent on (city, observation time): a repeat is counted as a duplicate.
import type { BatchItem } from "drizzle-orm/batch";
import { chunkRows } from "../db/batch";
import { weatherCodes, weatherObservations, type WeatherCity, type WeatherSource } from "../db/schema";
import type { Db } from "../env";
import { describeWeatherCode, WMO_CODES } from "./codes";
import { sourceParsers, type ObservationRecord } from "./providers";

const COLUMNS_PER_ROW = 14;

export interface LandedObject {
  source: WeatherSource;
  city: WeatherCity;
  body: string;
  rawKey: string;
}

export interface NormalizeResult {
  records: number;
  inserted: number;
  duplicates: number;
}

export function parseLanded(landed: LandedObject): ObservationRecord[] {
  return sourceParsers[landed.source](landed.body, landed.city);
}

/**
 * Parses (throws PayloadError) and writes a landed object's observations; `extra`
 * statements (the collection log row) join the same batch, so they commit together.
 */
export async function normalizeLanded(
  db: Db,
  unitSetId: number,
  landed: LandedObject,
  extra: (records: ObservationRecord[]) => BatchItem<"sqlite">[] = () => [],
): Promise<NormalizeResult> {
  const parsed = parseLanded(landed);
  // The same time twice in one payload is a duplicate too; the first one wins.
  const seen = new Set<number>();
  const records = parsed.filter((r) => !seen.has(r.observedAt) && (seen.add(r.observedAt), true));
  const rows = records.map((r) => ({ ...r, observedAt: new Date(r.observedAt), cityId: landed.city.id, source: landed.source, unitSetId, rawKey: landed.rawKey }));
  const unknownCodes = [...new Set(records.map((r) => r.weatherCode).filter((c): c is number => c !== null && !(c in WMO_CODES)))];
  const codeStatements = chunkRows(unknownCodes, 2).map((codes) =>
    db
      .insert(weatherCodes)
      .values(codes.map((code) => ({ code, description: describeWeatherCode(code) })))
      .onConflictDoNothing(),
  );
  const inserts = chunkRows(rows, COLUMNS_PER_ROW).map((chunk) =>
    db.insert(weatherObservations).values(chunk).onConflictDoNothing().returning({ id: weatherObservations.id }),
  );
  const statements: BatchItem<"sqlite">[] = [...codeStatements, ...inserts, ...extra(records)];
  const [first, ...rest] = statements;
  let inserted = 0;
  if (first) {
    const results = (await db.batch([first, ...rest])) as unknown[];
    for (let i = codeStatements.length; i < codeStatements.length + inserts.length; i++) inserted += (results[i] as unknown[]).length;
  }
  return { records: parsed.length, inserted, duplicates: parsed.length - inserted };
}
