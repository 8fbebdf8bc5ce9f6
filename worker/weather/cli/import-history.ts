// npx tsx worker/weather/cli/import-history.ts [--force]
// Loads the shipped real history (vega-datasets' weather.csv) into the local
// product's R2 landing and D1 tables through the normalization path; `npm start`
// runs it on every start (a no-op once the history is in).
import { readFileSync } from "node:fs";
import { die, withLocalEnv } from "../../cli/local-env";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../db/schema";
import { evaluateClassifier, latestClassifierRun, storeClassifierRun } from "../classifier";
import { importVegaHistory, type ImportResult } from "../history";

export const VEGA_WEATHER_CSV = new URL("../../../node_modules/vega-datasets/data/weather.csv", import.meta.url);

export interface ShippedHistory extends ImportResult {
  // the classifier's first run, when there was none yet (the daily cron retrains it)
  classifier: { accuracy: number; baseline: number } | null;
}

/**
 * Imports the history into the local product and, if the classifier has never run, trains it, so the
 * site shows both on first start. The fit keeps Node's event loop busy for many seconds, long enough
 * for the local bindings' server to close the idle keep-alive connection, which the next request
 * would then reuse and fail on; so the run is stored through a local proxy of its own.
 */
export async function importShippedWeatherHistory(force = false): Promise<ShippedHistory> {
  const started = performance.now();
  const { result, run } = await withLocalEnv(async (env) => {
    const result = await importVegaHistory(env, readFileSync(VEGA_WEATHER_CSV, "utf8"), { force });
    const db = drizzle(env.DB, { schema });
    return { result, run: (await latestClassifierRun(db)) ? null : await evaluateClassifier(db) };
  });
  if (!run) return { ...result, classifier: null };
  await withLocalEnv((env) => storeClassifierRun(env, run, Math.round(performance.now() - started)));
  return { ...result, classifier: { accuracy: run.accuracy, baseline: run.baseline } };
}

export function describeImport(r: ShippedHistory): string {
  const history = r.skipped
    ? "weather history: already imported"
    : `weather history: ${r.objects} raw slices landed, ${r.inserted} daily records stored, ${r.duplicates} duplicates`;
  const classifier = r.classifier
    ? `; city classifier trained: accuracy ${(r.classifier.accuracy * 100).toFixed(1)} % vs majority baseline ${(r.classifier.baseline * 100).toFixed(1)} %`
    : "";
  return history + classifier;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args.some((a) => a !== "--force")) die(`unknown argument ${args.find((a) => a !== "--force")} (expected --force)`);
  const result = await importShippedWeatherHistory(args.includes("--force")).catch((e: unknown) =>
    die(e instanceof Error ? e.message : String(e)),
  );
  console.log(describeImport(result));
}
