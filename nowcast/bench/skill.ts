// npm run --silent bench:skill -- --frames DIR [--crop LAT,LON,PIXELS] [--models a,b] [--stride N] [--from TIME] [--model-dir DIR]
// Prints exactly one JSON object on stdout; progress goes to stderr.
// Models: the engine's (persistence, optical-flow), "ensemble" (STEPS-style; adds Brier score, its
// skill against climatology and reliability bins per lead and threshold), and learned models by
// name (their metadata JSON in --model-dir, container/models by default; run with onnxruntime-node),
// which also report the frames they were trained on and how many scored frames fall among them.
// --from keeps only start times whose every frame is at or after TIME (ISO or YYYYMMDDHHMM): frames
// a learned model never saw when TIME is after its training frames.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { listCompositeFiles, readCompositeFile } from "../node/radarFiles.js";
import {
  cropAround,
  eligibleStarts,
  MARSHALL_PALMER,
  NOWCAST_MODELS,
  NowcastVerifier,
  RadarFormatError,
  type NowcastResult,
  type RadarFrame,
} from "../src/index.js";
import { createEnsembleModel, type EnsembleSummary } from "../src/models/ensemble.js";
import type { LearnedModelMetadata } from "../src/models/learned.js";
import { ProbabilisticVerifier } from "../src/verification/probabilistic.js";
import { median, rounded } from "./stats.js";

const PAST_FRAMES = 3;
const LEADS = 12;
// BENCH_SHORT=1: a few runs only (npm test runs it so the script cannot rot; figures from it mean nothing).
const SHORT = process.env.BENCH_SHORT === "1";
const WARMUP_RUNS = SHORT ? 1 : 10;
/** Warm-up stops early once it has taken this long (the ensemble and the U-Net take seconds a run). */
const WARMUP_BUDGET_MS = 5_000;
const DEFAULT_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "container", "models");

type BenchModel = {
  name: string;
  forecast(past: RadarFrame[], leads: number): Promise<NowcastResult & { ensemble?: EnsembleSummary }>;
  metadata?: LearnedModelMetadata;
};

async function resolveModel(name: string, modelDir: string): Promise<BenchModel> {
  const engine = NOWCAST_MODELS[name];
  if (engine) return { name, forecast: async (past, leads) => engine.forecast(past, leads) };
  if (name === "ensemble") {
    // Probabilities judged with Marshall-Palmer, as the observations are.
    const model = createEnsembleModel({ probabilityZr: MARSHALL_PALMER });
    return { name, forecast: async (past, leads) => model.forecast(past, leads) };
  }
  const metadataPath = join(modelDir, `${name}.json`);
  let loaded;
  try {
    const { loadLearnedModelFile } = await import("../../container/src/onnx.js");
    loaded = await loadLearnedModelFile(metadataPath);
  } catch (error) {
    throw new Error(
      `unknown model '${name}': not one of ${[...Object.keys(NOWCAST_MODELS), "ensemble"].join(", ")}, and ${metadataPath} does not load (${error instanceof Error ? error.message : error})`,
    );
  }
  return { name, forecast: (past, leads) => loaded.forecast(past, leads), metadata: loaded.metadata };
}

/** YYYYMMDDHHMM or an ISO time. */
function parseTime(text: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  const date = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!)) : new Date(text);
  if (Number.isNaN(date.getTime())) throw new Error(`--from wants YYYYMMDDHHMM or an ISO time, not '${text}'`);
  return date;
}

const stampOf = (date: Date) => date.toISOString().replace(/[-:T]/g, "").slice(0, 12);

function parseCrop(text: string): { lat: number; lon: number; sizePx: number } {
  const [lat, lon, sizePx] = text.split(",").map(Number);
  if (lat === undefined || lon === undefined || sizePx === undefined || [lat, lon, sizePx].some((n) => !Number.isFinite(n))) {
    throw new Error(`--crop wants LAT,LON,PIXELS, not '${text}'`);
  }
  return { lat, lon, sizePx };
}

/** Every composite under dir by obstime; a corrupt file is reported and left out, like a missing one. */
async function readReadableComposites(dir: string): Promise<RadarFrame[]> {
  const frames: RadarFrame[] = [];
  for (const file of await listCompositeFiles(dir)) {
    try {
      frames.push(await readCompositeFile(file));
    } catch (error) {
      if (!(error instanceof RadarFormatError)) throw error;
      console.error(`skipping ${file}: ${error.message}`);
    }
  }
  return frames.sort((a, b) => a.obstime.getTime() - b.obstime.getTime());
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      frames: { type: "string" },
      crop: { type: "string" },
      models: { type: "string", default: Object.keys(NOWCAST_MODELS).join(",") },
      stride: { type: "string", default: SHORT ? "8" : "1" },
      from: { type: "string" },
      "model-dir": { type: "string", default: DEFAULT_MODEL_DIR },
    },
  });
  if (!values.frames) throw new Error("--frames DIR is required");
  const stride = Number(values.stride);
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError("stride must be a positive integer");
  const from = values.from ? parseTime(values.from) : null;
  const models: BenchModel[] = [];
  for (const name of values.models.split(",")) models.push(await resolveModel(name.trim(), values["model-dir"]));

  let frames = await readReadableComposites(values.frames);
  if (frames.length === 0) throw new Error(`no readable *.pgm.gz under ${values.frames}`);
  if (values.crop) {
    const { lat, lon, sizePx } = parseCrop(values.crop);
    frames = frames.map((frame) => cropAround(frame, lat, lon, sizePx));
  }
  console.error(`${frames.length} frames, ${frames[0]!.width} x ${frames[0]!.height} px`);

  const starts = eligibleStarts(frames, PAST_FRAMES, LEADS);
  const chosen = starts.sequences
    .filter((_, index) => index % stride === 0)
    .filter((s) => !from || s.past[0]!.obstime.getTime() >= from.getTime());
  const report: Record<string, unknown> = {};
  for (const model of models) {
    // Untimed runs first, so that ms_per_nowcast measures optimised code, not the JIT warming up.
    const warmupStarted = performance.now();
    for (let run = 0; chosen[0] && run < WARMUP_RUNS && (run === 0 || performance.now() - warmupStarted < WARMUP_BUDGET_MS); run++) {
      await model.forecast(chosen[0].past, LEADS);
    }
    const verifier = new NowcastVerifier(LEADS, starts.stepMinutes);
    let probabilistic: ProbabilisticVerifier | null = null;
    let members = 0;
    const msPerNowcast: number[] = [];
    const scoredFrames = new Set<number>();
    for (const { past, future } of chosen) {
      const started = performance.now();
      const result = await model.forecast(past, LEADS);
      msPerNowcast.push(performance.now() - started);
      verifier.add(result.frames, future.map((frame) => frame.dbz));
      if (result.ensemble) {
        probabilistic ??= new ProbabilisticVerifier(LEADS, starts.stepMinutes, result.ensemble.thresholdsMmPerHour);
        members = result.ensemble.members;
        probabilistic.add(result.ensemble.probabilities, future.map((frame) => frame.dbz));
      }
      for (const frame of [...past, ...future]) scoredFrames.add(frame.obstime.getTime());
      console.error(`${model.name}: ${msPerNowcast.length}/${chosen.length} ${result.analysisTime.toISOString()}`);
    }
    const leads: Record<string, unknown> = {};
    for (const lead of verifier.scores()) {
      const entry: Record<string, unknown> = {};
      for (const c of lead.categorical) {
        entry[String(c.thresholdMmPerHour)] = {
          csi: rounded(c.csi, 4),
          pod: rounded(c.pod, 4),
          far: rounded(c.far, 4),
          bias: rounded(c.bias, 4),
        };
      }
      entry.mae = rounded(lead.mae, 4);
      entry.rmse = rounded(lead.rmse, 4);
      leads[String(lead.leadMinutes)] = entry;
    }
    const entry: Record<string, unknown> = { ms_per_nowcast: rounded(median(msPerNowcast), 2), leads };
    if (probabilistic) {
      const byLead: Record<string, unknown> = {};
      for (const lead of probabilistic.scores()) {
        const thresholds: Record<string, unknown> = {};
        for (const t of lead.thresholds) {
          thresholds[String(t.thresholdMmPerHour)] = {
            brier: rounded(t.brier, 5),
            brier_climatology: rounded(t.brierClimatology, 5),
            bss: rounded(t.brierSkill, 4),
            base_rate: rounded(t.baseRate, 4),
            reliability: t.reliability.map((bin) => ({
              bin: [bin.low, bin.high],
              n: bin.count,
              p: rounded(bin.meanForecast, 4),
              observed: rounded(bin.observedFrequency, 4),
            })),
          };
        }
        byLead[String(lead.leadMinutes)] = thresholds;
      }
      entry.probabilistic = { members, thresholds_mm_per_hour: probabilistic.thresholdsMmPerHour, zr: "marshall-palmer", leads: byLead };
    }
    if (model.metadata) {
      const training = model.metadata.training?.frames;
      const trainFrom = training?.from ? parseTime(training.from).getTime() : NaN;
      const trainTo = training?.to ? parseTime(training.to).getTime() : NaN;
      const overlap = [...scoredFrames].filter((t) => t >= trainFrom && t <= trainTo).length;
      entry.training = {
        frames_from: training?.from ?? null,
        frames_to: training?.to ?? null,
        scored_frames: scoredFrames.size,
        scored_frames_seen_in_training: Number.isFinite(trainFrom) ? overlap : null,
        held_out: Number.isFinite(trainFrom) ? overlap === 0 : null,
      };
    }
    report[model.name] = entry;
  }
  const event: Record<string, unknown> = {
    frames: frames.length,
    start: frames[0]!.obstime.toISOString(),
    end: frames.at(-1)!.obstime.toISOString(),
    forecasts: chosen.length,
  };
  if (from) {
    event.from = from.toISOString();
    event.analyses = chosen.map((s) => stampOf(s.past.at(-1)!.obstime));
  }
  process.stdout.write(`${JSON.stringify({ event, models: report })}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
