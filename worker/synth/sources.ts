// Where a lab dataset's CSV comes from, behind one small interface: the shipped
// vega-datasets files, and the datasets the caller's ETL jobs loaded into D1. An
// upload is not a source: its CSV is stored with the dataset itself.
import { drizzle } from "drizzle-orm/d1";
import Papa from "papaparse";
import * as schema from "../db/schema";
import type { Env } from "../env";
import { listDatasets, ownedDataset } from "../etl/registry";
import { quoteIdent } from "../etl/load";
import { CSV_LIMITS } from "./csv";

export interface SourceDataset {
  /** The source's own name for it, e.g. "weather.csv". */
  name: string;
  title: string;
  description: string;
}

export interface DatasetSource {
  id: string;
  label: string;
  /** The datasets this caller may pick from the source. */
  list(env: Env, ownerId: string): Promise<SourceDataset[]>;
  /** The dataset as CSV text with its display name, or null when the source has no such dataset for this caller (or it is not available here). */
  read(env: Env, ownerId: string, name: string): Promise<{ csv: string; title: string } | null>;
  /**
   * Where a picked dataset's CSV stays: a shipped file is read where it lies (its R2 key); a copy
   * (null) is stored with the lab dataset, so a later ETL run that reloads the table changes nothing here.
   */
  storedAt(name: string): string | null;
}

/** R2 prefix of the shipped vega-datasets files (put there by `npm start`, see worker/synth/cli/ship-datasets.ts). */
export const SHIPPED_PREFIX = "synth/shipped/vega-datasets/";

export const VEGA_FILES: SourceDataset[] = [
  { name: "weather.csv", title: "Weather (Seattle and New York)", description: "NOAA daily records 2012-2015: precipitation, temperatures, wind, weather type; 2,922 rows." },
  { name: "seattle-weather.csv", title: "Seattle weather", description: "Daily Seattle records 2012-2015; 1,461 rows." },
  { name: "birdstrikes.csv", title: "Bird strikes", description: "FAA wildlife strike reports: airport, aircraft, damage, costs, speed; 10,000 rows × 14." },
  { name: "gapminder-health-income.csv", title: "Gapminder health and income", description: "Per country: income, life expectancy, population, region; 187 rows." },
];

export const vegaDatasets: DatasetSource = {
  id: "vega-datasets",
  label: "vega-datasets (shipped)",
  async list(env) {
    const listed = await env.FRAMES.list({ prefix: SHIPPED_PREFIX });
    const present = new Set(listed.objects.map((o) => o.key.slice(SHIPPED_PREFIX.length)));
    return VEGA_FILES.filter((f) => present.has(f.name));
  },
  async read(env, _ownerId, name) {
    if (!VEGA_FILES.some((f) => f.name === name)) return null;
    const object = await env.FRAMES.get(SHIPPED_PREFIX + name);
    return object ? { csv: await object.text(), title: name } : null;
  },
  storedAt: (name) => SHIPPED_PREFIX + name,
};

/** D1's stored value as CSV text: booleans are kept as 0/1 in D1, dates and timestamps as ISO text. */
function csvValue(type: string, v: unknown): string {
  if (v === null || v === undefined) return "";
  if (type === "boolean") return v === 1 || v === true ? "true" : "false";
  return String(v);
}

/** The datasets the caller's ETL jobs loaded (worker/etl), a snapshot of each table's current rows. */
export const etlDatasets: DatasetSource = {
  id: "etl",
  label: "Your ETL datasets",
  async list(env, ownerId) {
    const loaded = await listDatasets(drizzle(env.DB, { schema }), ownerId);
    return loaded
      .filter((d) => d.rowCount > 0)
      .map((d) => ({ name: d.id, title: d.name, description: `${d.rowCount.toLocaleString("en")} rows × ${d.columns.length} columns, loaded from ${d.source}` }));
  },
  async read(env, ownerId, name) {
    const dataset = await ownedDataset(drizzle(env.DB, { schema }), ownerId, name);
    if (!dataset || dataset.columns.length === 0) return null;
    // One row past the lab's limit, so a table too large for it is refused by the CSV check with its reason.
    const select = `SELECT ${dataset.columns.map((c) => quoteIdent(c.column)).join(", ")} FROM ${quoteIdent(dataset.tableName)} ORDER BY rowid LIMIT ?1`;
    const rows = (await env.DB.prepare(select).bind(CSV_LIMITS.maxRows + 1).raw()) as unknown[][];
    const csv = Papa.unparse({ fields: dataset.columns.map((c) => c.name), data: rows.map((r) => r.map((v, j) => csvValue(dataset.columns[j]!.type, v))) }, { newline: "\n" });
    return { csv, title: dataset.name };
  },
  storedAt: () => null,
};

/** The one registry of dataset sources. */
export const DATASET_SOURCES: DatasetSource[] = [vegaDatasets, etlDatasets];

export function datasetSource(id: string): DatasetSource | null {
  return DATASET_SOURCES.find((s) => s.id === id) ?? null;
}
