// Rebuilds the observation tables from the raw landing: lists weather/raw/ in
// key order (per source, date, city and fetch time, so the first response for
// a time wins again) and normalizes each object through the same path as
// collection. Resumable: each call handles one page and returns the cursor.
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../db/schema";
import { WEATHER_SOURCES, weatherObservations, type WeatherCity, type WeatherSource } from "../db/schema";
import type { Env } from "../env";
import { log } from "../logging";
import { cityBySlug, ensureWeatherReferenceData } from "./cities";
import { landedMeta, RAW_PREFIX } from "./landing";
import { normalizeLanded } from "./normalize";
import { PayloadError } from "./providers";

export interface ReplayResult {
  objects: number;
  records: number;
  inserted: number;
  duplicates: number;
  rejected: { key: string; reason: string }[];
  cursor: string | null;
  done: boolean;
}

export async function replayLanding(env: Env, options: { cursor?: string; reset?: boolean; limit?: number } = {}): Promise<ReplayResult> {
  const db = drizzle(env.DB, { schema });
  const unitSetId = await ensureWeatherReferenceData(db);
  // The reset belongs to the first page only, so a resumed replay never clears what earlier pages rebuilt.
  if (options.reset && !options.cursor) await db.delete(weatherObservations);
  const listed = await env.FRAMES.list({ prefix: RAW_PREFIX, cursor: options.cursor, limit: options.limit ?? 100, include: ["customMetadata"] });
  const cities = new Map<string, WeatherCity | undefined>();
  const result: ReplayResult = { objects: 0, records: 0, inserted: 0, duplicates: 0, rejected: [], cursor: null, done: !listed.truncated };
  for (const object of listed.objects) {
    result.objects += 1;
    const meta = landedMeta(object.key, object.customMetadata);
    const reject = (reason: string) => {
      result.rejected.push({ key: object.key, reason });
      log("warn", "weather replay rejected an object", { key: object.key, reason });
    };
    if (!meta || !(WEATHER_SOURCES as readonly string[]).includes(meta.source)) {
      reject("unknown source");
      continue;
    }
    if (!cities.has(meta.city)) cities.set(meta.city, await cityBySlug(db, meta.city));
    const city = cities.get(meta.city);
    if (!city) {
      reject(`no city ${meta.city}`);
      continue;
    }
    const stored = await env.FRAMES.get(object.key);
    if (!stored) continue; // deleted since the listing
    try {
      const r = await normalizeLanded(db, unitSetId, { source: meta.source as WeatherSource, city, body: await stored.text(), rawKey: object.key });
      result.records += r.records;
      result.inserted += r.inserted;
      result.duplicates += r.duplicates;
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      reject(`${error.kind}: ${error.message}`);
    }
  }
  result.cursor = listed.truncated ? listed.cursor : null;
  log("info", "weather replay page", { ...result, rejected: result.rejected.length });
  return result;
}
