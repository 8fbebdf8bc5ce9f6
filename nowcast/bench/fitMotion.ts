// npm run --silent fit:motion -- --frames DIR [--crop LAT,LON,PIXELS] [--leads N]
// Fits the ensemble's motion perturbations to this engine's own motion errors (Bowler et al.
// 2006, as pySTEPS' defaults were fitted): at every start, the motion the nowcast would use
// against the motion estimated lead steps later, along and across the used motion of each
// wet cell; a t^b + c per direction. Prints one JSON object: the errors per lead and the laws.
import { parseArgs } from "node:util";
import { readComposites } from "../node/radarFiles.js";
import { cropAround, DEFAULT_MOTION_OPTIONS, dbzToRainRate, type MotionField, type RadarFrame, zrForSource } from "../src/index.js";
import { motionOf } from "../src/models/opticalFlow.js";
import { fitPowerLaw, MotionErrorAccumulator } from "../src/noise/motionPerturbation.js";

const MOTION_FRAMES = 3;
const WET_MM_PER_HOUR = 0.1;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { frames: { type: "string" }, crop: { type: "string" }, leads: { type: "string", default: "12" } } });
  if (!values.frames) throw new Error("--frames DIR is required");
  const leads = Number(values.leads);
  let frames: RadarFrame[] = await readComposites(values.frames);
  if (values.crop) {
    const [lat, lon, size] = values.crop.split(",").map(Number);
    frames = frames.map((f) => cropAround(f, lat!, lon!, size!));
  }
  const stepMinutes = (frames[1]!.obstime.getTime() - frames[0]!.obstime.getTime()) / 60_000;
  const motions: (MotionField | null)[] = frames.map((_, k) => (k + 1 >= MOTION_FRAMES ? motionOf(frames.slice(k + 1 - MOTION_FRAMES, k + 1), DEFAULT_MOTION_OPTIONS) : null));
  console.error(`${motions.filter(Boolean).length} motion fields`);
  const pixelM = Math.sqrt(frames[0]!.georef.pixelWidthM * frames[0]!.georef.pixelHeightM);
  const errors = new MotionErrorAccumulator(leads, stepMinutes, pixelM);
  const zr = zrForSource(frames[0]!.source);
  for (let t = 0; t < frames.length; t++) {
    const used = motions[t];
    if (!used) continue;
    const { width, dbz } = frames[t]!;
    const wet = new Uint8Array(used.u.length);
    for (let r = 0; r < used.height; r++) {
      for (let c = 0; c < used.width; c++) {
        const col = Math.min(width - 1, c * used.cellPx + (used.cellPx >> 1));
        const row = Math.min(frames[t]!.height - 1, r * used.cellPx + (used.cellPx >> 1));
        const v = dbz[row * width + col]!;
        wet[r * used.width + c] = v === v && dbzToRainRate(v, zr) >= WET_MM_PER_HOUR ? 1 : 0;
      }
    }
    for (let k = 1; k <= leads && t + k < frames.length; k++) errors.add(used, motions[t + k]!, k, wet);
  }
  const statistics = errors.statistics();
  const parallel = fitPowerLaw(statistics.map((s) => ({ minutes: s.minutes, kmPerHour: s.parallelKmPerHour })));
  const perpendicular = fitPowerLaw(statistics.map((s) => ({ minutes: s.minutes, kmPerHour: s.perpendicularKmPerHour })));
  const round = (x: number) => Math.round(x * 1000) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      frames: frames.length,
      grid: `${frames[0]!.width} x ${frames[0]!.height}`,
      errors: statistics.map((s) => ({ ...s, parallelKmPerHour: round(s.parallelKmPerHour), perpendicularKmPerHour: round(s.perpendicularKmPerHour) })),
      laws: { parallel: parallel.map(round), perpendicular: perpendicular.map(round) },
    })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
