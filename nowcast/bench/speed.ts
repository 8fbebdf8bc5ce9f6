// npm run --silent bench:speed
// Median milliseconds of one 12-step nowcast (motion and extrapolation) per model, on a
// 256 x 256 crop and on the full composite; prints exactly one JSON object on stdout.
import { readComposites, radarDataDir } from "../node/radarFiles.js";
import { cropAround, DEFAULT_LEADS, NOWCAST_MODELS, type RadarFrame } from "../src/index.js";
import { median, rounded } from "./stats.js";

const PAST_FRAMES = 3;
// BENCH_SHORT=1: a few runs only (npm test runs it so the script cannot rot; figures from it mean nothing).
const SHORT = process.env.BENCH_SHORT === "1";
const WARMUP_RUNS = SHORT ? 1 : 10;
const CROP_RUNS = SHORT ? 2 : 40;
const FULL_RUNS = SHORT ? 1 : 12;
/** Helsinki region, inside the FMI composite. */
const CROP_CENTRE = { lat: 60.2, lon: 24.9 };

function timeForecasts(pasts: RadarFrame[][], modelName: string, runs: number): number {
  const model = NOWCAST_MODELS[modelName]!;
  const times: number[] = [];
  for (let run = 0; run < WARMUP_RUNS + runs; run++) {
    const past = pasts[run % pasts.length]!;
    const started = performance.now();
    model.forecast(past, DEFAULT_LEADS);
    if (run >= WARMUP_RUNS) times.push(performance.now() - started);
  }
  return median(times);
}

async function main(): Promise<void> {
  const frames = await readComposites(radarDataDir());
  if (frames.length < PAST_FRAMES) throw new Error(`need ${PAST_FRAMES} frames under ${radarDataDir()}`);
  // Several consecutive start times, so that timings are not those of one field.
  const fullPasts: RadarFrame[][] = [];
  for (let end = PAST_FRAMES; end <= frames.length; end += PAST_FRAMES) fullPasts.push(frames.slice(end - PAST_FRAMES, end));
  const cropPasts = fullPasts.map((past) => past.map((frame) => cropAround(frame, CROP_CENTRE.lat, CROP_CENTRE.lon, 256)));
  const report: Record<string, { crop256_ms: number | null; full_ms: number | null }> = {};
  for (const name of Object.keys(NOWCAST_MODELS)) {
    console.error(`timing ${name}`);
    report[name] = {
      crop256_ms: rounded(timeForecasts(cropPasts, name, CROP_RUNS), 2),
      full_ms: rounded(timeForecasts(fullPasts, name, FULL_RUNS), 1),
    };
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
