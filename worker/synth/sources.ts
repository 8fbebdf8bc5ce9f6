// Where a lab dataset's CSV comes from, behind one small interface so further
// sources (the ETL jobs' D1 datasets) plug in beside the shipped files. An
// upload is not a source: its CSV is stored with the dataset itself.
import type { Env } from "../env";

export interface SourceDataset {
  /** The source's own name for it, e.g. "weather.csv". */
  name: string;
  title: string;
  description: string;
}

export interface DatasetSource {
  id: string;
  label: string;
  list(env: Env): Promise<SourceDataset[]>;
  /** The dataset as CSV text, or null when the source has no such dataset (or it is not available here). */
  read(env: Env, name: string): Promise<string | null>;
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
  async read(env, name) {
    if (!VEGA_FILES.some((f) => f.name === name)) return null;
    const object = await env.FRAMES.get(SHIPPED_PREFIX + name);
    return object ? object.text() : null;
  },
};

/** The one registry of dataset sources. */
export const DATASET_SOURCES: DatasetSource[] = [vegaDatasets];

export function datasetSource(id: string): DatasetSource | null {
  return DATASET_SOURCES.find((s) => s.id === id) ?? null;
}
