// npm run --silent bench:chance [-- --frames DIR] [--stride N] [--write]
// How reliable is the chance of rain the product shows? Over the archive, for the service's
// crops (a 5 x 5 lattice of 256-pixel crops, 9 places in each), the default model's
// neighbourhood chance of rain per lead (worker/nowcast/chance.ts, exactly as served) is
// binned by tens of per cent and compared with how often the observed series at the place
// (the product's own point series, on the observed frames) reached 0.1 mm/h at that lead.
// Prints one JSON object; --write keeps it in worker/nowcast/chance-reliability.json, which
// the site shows in plain words ("when we say 70 %, it rained 68 % of the time").
// BENCH_SHORT=1: two starts only (npm test runs it so the script cannot rot; figures then mean nothing).
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readComposites, radarDataDir } from "../../nowcast/node/radarFiles";
import { cropAround, eligibleStarts, NOWCAST_MODELS, pointForecast } from "../../nowcast/src/index";
import { cropLattice, placesInCrop } from "../../nowcast/src/verification/productVerification";
import { chanceOfRain, pointRadiusPx } from "../../worker/nowcast/chance";
import { RAIN_FROM_MM_PER_HOUR } from "../../worker/nowcast/rain-categories";

const SHORT = process.env.BENCH_SHORT === "1";
const { values } = parseArgs({
  options: { frames: { type: "string" }, stride: { type: "string" }, write: { type: "boolean" }, model: { type: "string" } },
});
const MODEL = values.model ?? "optical-flow";
const LEADS = 12;
const CROP_PX = 256;
const BINS = 10;

const model = NOWCAST_MODELS[MODEL];
if (!model) throw new Error(`unknown model ${MODEL}`);
const frames = await readComposites(values.frames ?? radarDataDir());
const { sequences } = eligibleStarts(frames, 3, LEADS);
const stride = Number(values.stride ?? 3);
const starts = sequences.filter((_, i) => i % stride === 0).slice(0, SHORT ? 2 : Infinity);

const cases = new Float64Array(BINS), chanceSum = new Float64Array(BINS), rained = new Float64Array(BINS);
let brier = 0, n = 0, wet = 0;
const started = performance.now();
for (const [s, { past, future }] of starts.entries()) {
  for (const centre of cropLattice(past.at(-1)!, SHORT ? 2 : 5)) {
    const crop = (f: (typeof frames)[number]) => cropAround(f, centre.lat, centre.lon, CROP_PX);
    const pastCrops = past.map(crop);
    const futureCrops = future.map(crop);
    const analysis = pastCrops.at(-1)!;
    const result = await model.forecast(pastCrops, LEADS);
    const observed = { ...result, frames: futureCrops.map((f) => f.dbz) };
    const radiusPx = pointRadiusPx(analysis.georef.pixelWidthM / 1000);
    for (const { lat, lon } of placesInCrop(analysis)) {
      const truth = pointForecast(analysis, observed, lat, lon, { radiusPx });
      const point = pointForecast(analysis, result, lat, lon, { radiusPx });
      const chance = chanceOfRain(analysis, result, point, analysis.obstime.getTime(), null, null, null);
      for (let k = 1; k <= LEADS; k++) {
        const p = chance.series[k]!.chanceOfRain;
        const rate = truth.mmPerHour[k]!;
        if (p === null || rate !== rate) continue;
        const o = rate >= RAIN_FROM_MM_PER_HOUR ? 1 : 0;
        const bin = Math.min(BINS - 1, Math.floor(p * BINS));
        cases[bin]!++;
        chanceSum[bin]! += p;
        rained[bin]! += o;
        brier += (p - o) ** 2;
        wet += o;
        n++;
      }
    }
  }
  process.stderr.write(`\rstart ${s + 1}/${starts.length}`);
}
process.stderr.write("\n");
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
const climatology = n ? wet / n : 0;
const report = {
  model: MODEL,
  method: "neighbourhood",
  thresholdMmPerHour: RAIN_FROM_MM_PER_HOUR,
  data: `FMI composites ${frames[0]?.obstime.toISOString()} to ${frames.at(-1)?.obstime.toISOString()}`,
  starts: starts.length,
  cases: n,
  brierScore: round(n ? brier / n : NaN, 4),
  // Against always saying the observed frequency: > 0 is skill.
  brierSkillScore: round(n && climatology > 0 && climatology < 1 ? 1 - brier / n / (climatology * (1 - climatology)) : NaN, 3),
  bins: Array.from({ length: BINS }, (_, b) => ({
    fromPercent: b * 10,
    toPercent: (b + 1) * 10,
    cases: cases[b]!,
    meanChance: cases[b] ? round(chanceSum[b]! / cases[b]!) : null,
    rainedFraction: cases[b] ? round(rained[b]! / cases[b]!) : null,
  })),
  seconds: round((performance.now() - started) / 1000, 1),
  short: SHORT,
};
if (values.write && !SHORT) writeFileSync(new URL("../../worker/nowcast/chance-reliability.json", import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report));
