// The shipped history (vega-datasets' weather.csv) enters like any provider
// response: its lines, unchanged, are landed in R2 one slice per city and month
// (header + that month's rows), and each slice goes through normalizeLanded.
// `npm start` runs this before the Worker starts (worker/weather/cli/import-history.ts);
// the tests feed it the same file.
import { drizzle } from "drizzle-orm/d1";
import { eq, sql } from "drizzle-orm";
import * as schema from "../db/schema";
import { weatherObservations } from "../db/schema";
import type { Env } from "../env";
import { log } from "../logging";
import { cityBySlug, ensureWeatherReferenceData, slugify } from "./cities";
import { landRaw, rawKey } from "./landing";
import { normalizeLanded } from "./normalize";
import { parseVegaCsv } from "./providers/vega";

export const VEGA_SOURCE_URL = "npm:vega-datasets/data/weather.csv";

export interface ImportResult {
  skipped: boolean;
  objects: number;
  records: number;
  inserted: number;
  duplicates: number;
}

/** Imports the CSV text; without `force`, does nothing once any history row exists. */
export async function importVegaHistory(env: Env, csv: string, options: { force?: boolean; now?: Date } = {}): Promise<ImportResult> {
  const db = drizzle(env.DB, { schema });
  const unitSetId = await ensureWeatherReferenceData(db);
  if (!options.force) {
    const existing = await db
      .select({ n: sql<number>`count(*)` })
      .from(weatherObservations)
      .where(eq(weatherObservations.source, "vega-datasets"))
      .get();
    if ((existing?.n ?? 0) > 0) return { skipped: true, objects: 0, records: 0, inserted: 0, duplicates: 0 };
  }
  // Validates the whole file before anything is landed or written.
  const { header, rows } = parseVegaCsv(csv);
  const slices = new Map<string, { slug: string; month: string; lines: string[] }>();
  for (const row of rows) {
    const slug = slugify(row.location);
    const month = row.date.slice(0, 7);
    const id = `${slug}/${month}`;
    const slice = slices.get(id) ?? { slug, month, lines: [] };
    slice.lines.push(row.line);
    slices.set(id, slice);
  }
  const now = options.now ?? new Date();
  const result: ImportResult = { skipped: false, objects: 0, records: 0, inserted: 0, duplicates: 0 };
  for (const slice of slices.values()) {
    const city = await cityBySlug(db, slice.slug);
    if (!city) throw new Error(`the history names a city with no row: ${slice.slug}`);
    const key = rawKey({ source: "vega-datasets", city: slice.slug, date: `${slice.month}-01`, fetchedAt: now, ext: "csv", name: "weather" });
    const body = `${header}\n${slice.lines.join("\n")}\n`;
    await landRaw(env.FRAMES, key, body, { source: "vega-datasets", city: slice.slug, fetchedAt: now.toISOString(), url: VEGA_SOURCE_URL }, "text/csv");
    const r = await normalizeLanded(db, unitSetId, { source: "vega-datasets", city, body, rawKey: key });
    result.objects += 1;
    result.records += r.records;
    result.inserted += r.inserted;
    result.duplicates += r.duplicates;
  }
  log("info", "weather history imported", { ...result });
  return result;
}
