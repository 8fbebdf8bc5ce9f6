// npm run --silent bench:speed [-- --sources fmi,knmi,mch,opera] [--models a,b]
// Median milliseconds of one nowcast to 60 minutes (motion and extrapolation; 12 steps at
// 5 minutes, 4 at OPERA's 15) per source and model, on the source's full grid and on a
// 256 km crop around a city it covers; persistence is the floor measured in the same run.
// Prints exactly one JSON object on stdout; "targets" checks issue 16's speed targets.
import { existsSync } from "node:fs";
import { listCompositeFiles, radarDataDir, readCompositeFile } from "../node/radarFiles.js";
import { cropAround, leadsForHorizon, NOWCAST_MODELS, RADAR_SOURCES, type RadarFrame } from "../src/index.js";
import { parseArgs } from "node:util";
import { median, rounded } from "./stats.js";

const PAST_FRAMES = 3;
// BENCH_SHORT=1: a few runs only (npm test runs it so the script cannot rot; figures from it mean nothing).
const SHORT = process.env.BENCH_SHORT === "1";
const WARMUP_RUNS = SHORT ? 1 : 10;
const CROP_RUNS = SHORT ? 2 : 40;
const FULL_RUNS = SHORT ? 1 : 12;
/** Start times per source: consecutive past windows, so that timings are not those of one field. */
const STARTS = SHORT ? 1 : 4;
const CROP_KM = 256;
/** A city inside each source's coverage, where the crop is cut. */
const CROP_CENTRES: Record<string, { place: string; lat: number; lon: number }> = {
  fmi: { place: "Helsinki", lat: 60.17, lon: 24.94 },
  knmi: { place: "Amsterdam", lat: 52.37, lon: 4.9 },
  mch: { place: "Zürich", lat: 47.37, lon: 8.54 },
  opera: { place: "Paris", lat: 48.86, lon: 2.35 },
};
/** Issue 16: a full-grid OPERA nowcast under 5 s, a 256 km crop of any source under 30 ms (optical flow). */
const FULL_OPERA_TARGET_MS = 5000;
const CROP_TARGET_MS = 30;

function timeForecasts(pasts: RadarFrame[][], modelName: string, leads: number, runs: number): number {
  const model = NOWCAST_MODELS[modelName]!;
  const times: number[] = [];
  for (let run = 0; run < WARMUP_RUNS + runs; run++) {
    const past = pasts[run % pasts.length]!;
    const started = performance.now();
    model.forecast(past, leads);
    if (run >= WARMUP_RUNS) times.push(performance.now() - started);
  }
  return median(times);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sources: { type: "string", default: Object.keys(CROP_CENTRES).join(",") },
      models: { type: "string", default: Object.keys(NOWCAST_MODELS).join(",") },
    },
  });
  const models = values.models.split(",").map((m) => m.trim());
  for (const m of models) if (!NOWCAST_MODELS[m]) throw new Error(`unknown model '${m}'; known: ${Object.keys(NOWCAST_MODELS).join(", ")}`);
  const sources: Record<string, unknown> = {};
  const targets: { target: string; value: number; met: boolean }[] = [];
  for (const id of values.sources.split(",").map((s) => s.trim())) {
    const centre = CROP_CENTRES[id];
    if (!centre || !RADAR_SOURCES[id]) throw new Error(`unknown source '${id}'; known: ${Object.keys(CROP_CENTRES).join(", ")}`);
    const dir = radarDataDir(id);
    if (!existsSync(dir)) {
      console.error(`skipping ${id}: no archive at ${dir}`);
      continue;
    }
    // Only the files the timed windows need: OPERA's frames take seconds each to read.
    const files = (await listCompositeFiles(dir)).slice(0, PAST_FRAMES * STARTS);
    const frames: RadarFrame[] = [];
    for (const file of files) frames.push(await readCompositeFile(file));
    frames.sort((a, b) => a.obstime.getTime() - b.obstime.getTime());
    if (frames.length < PAST_FRAMES) throw new Error(`need ${PAST_FRAMES} frames under ${dir}`);
    const fullPasts: RadarFrame[][] = [];
    for (let end = PAST_FRAMES; end <= frames.length; end += PAST_FRAMES) fullPasts.push(frames.slice(end - PAST_FRAMES, end));
    const { width, height, georef } = frames[0]!;
    const cropPx = Math.round((CROP_KM * 1000) / georef.pixelWidthM);
    const cropPasts = fullPasts.map((past) => past.map((frame) => cropAround(frame, centre.lat, centre.lon, cropPx)));
    const stepMinutes = RADAR_SOURCES[id]!.stepMinutes;
    const leads = leadsForHorizon(stepMinutes);
    const byModel: Record<string, { crop256km_ms: number | null; full_ms: number | null }> = {};
    for (const name of models) {
      console.error(`timing ${id} ${name}`);
      const crop = timeForecasts(cropPasts, name, leads, CROP_RUNS);
      const full = timeForecasts(fullPasts, name, leads, FULL_RUNS);
      byModel[name] = { crop256km_ms: rounded(crop, 2), full_ms: rounded(full, 1) };
      if (name === "optical-flow") {
        targets.push({ target: `optical-flow ${id} ${CROP_KM} km crop < ${CROP_TARGET_MS} ms`, value: rounded(crop, 2)!, met: crop < CROP_TARGET_MS });
        if (id === "opera") targets.push({ target: `optical-flow opera full grid < ${FULL_OPERA_TARGET_MS} ms`, value: rounded(full, 1)!, met: full < FULL_OPERA_TARGET_MS });
      }
    }
    sources[id] = {
      grid: `${width} x ${height}`,
      pixel_km: georef.pixelWidthM / 1000,
      crop: `${cropPx} x ${cropPx} px around ${centre.place}`,
      step_minutes: stepMinutes,
      leads,
      models: byModel,
    };
  }
  process.stdout.write(`${JSON.stringify({ sources, targets })}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
