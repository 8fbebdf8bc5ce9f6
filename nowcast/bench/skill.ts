// npm run --silent bench:skill -- --frames DIR [--crop LAT,LON,PIXELS | --lattice] [--models a,b] [--stride N]
//   [--max-starts N] [--members N] [--from TIME] [--model-dir DIR] [--diagrams DIR] [--horizon-minutes M]
// Prints exactly one JSON object on stdout; progress goes to stderr.
// DIR is any source's archive (FMI, KNMI, MeteoSwiss, OPERA: ../shared/data/radar/<source>); the
// reader is chosen by each file's format, and the leads by the source's own step: 60 minutes is
// 12 leads at 5 minutes, 4 at 15 (OPERA). Leads are reported in minutes.
// Protocol: 3 input frames, leads to 60 min, Marshall-Palmer, strict >, tables summed over nowcasts.
// Every model gets contingency scores, MAE/RMSE and FSS over scales per lead; the ensemble adds
// the Brier score with its decomposition, reliability bins, ROC, CRPS, rank histogram and
// spread/skill; headline scores carry block-bootstrap 90 % intervals over start times
// (nowcast/src/verification/skillSuite.ts). --lattice scores the product as shipped: a 5 x 5
// lattice of 256-pixel crops, as the service cuts them, plus the point product and the
// sentence at 9 places per crop (productVerification.ts). --diagrams writes reliability, ROC,
// rank-histogram and FSS diagrams as SVG. "targets" checks the issue's targets on what ran.
// Learned models are loaded by name (metadata JSON in --model-dir) and report the frames they
// were trained on; --from keeps only start times whose every frame is at or after TIME.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { listCompositeFiles, readCompositeFile } from "../node/radarFiles.js";
import {
  cropAround,
  eligibleStarts,
  frameStepMinutes,
  HORIZON_MINUTES,
  leadsForHorizon,
  MARSHALL_PALMER,
  MODEL_REGISTRY,
  NOWCAST_MODELS,
  type NowcastResult,
  RADAR_SOURCES,
  RadarFormatError,
  type RadarFrame,
} from "../src/index.js";
import { createEnsembleModel, type EnsembleSummary } from "../src/models/ensemble.js";
import type { LearnedModelMetadata } from "../src/models/learned.js";
import { worstReliabilityGap } from "../src/verification/probabilistic.js";
import { cropLattice, placesInCrop, PointProductAccumulator } from "../src/verification/productVerification.js";
import { type SkillLead, SkillSuite } from "../src/verification/skillSuite.js";
import { writeDiagrams } from "./diagrams.js";
import { median, rounded } from "./stats.js";
import { checkTargets } from "./targets.js";

const PAST_FRAMES = 3;
// BENCH_SHORT=1: a few runs only (npm test runs it so the script cannot rot; figures from it mean nothing).
const SHORT = process.env.BENCH_SHORT === "1";
const LATTICE = 5;
const LATTICE_CROP_PX = 256;
const WARMUP_RUNS = SHORT ? 1 : 10;
/** Short mode reads only the archive's first files: enough for two starts. */
const SHORT_FILES = 16;
/** Warm-up stops early once it has taken this long (the ensemble and the U-Net take seconds a run). */
const WARMUP_BUDGET_MS = 5_000;
/** Reliability bins count towards the targets from this many cases. */
const RELIABILITY_MIN_CASES = 10_000;
const DEFAULT_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "container", "models");

type BenchModel = {
  name: string;
  forecast(past: RadarFrame[], leads: number): Promise<NowcastResult & { ensemble?: EnsembleSummary }>;
  metadata?: LearnedModelMetadata;
};

async function resolveModel(name: string, modelDir: string, members: number): Promise<BenchModel> {
  const registered = MODEL_REGISTRY[name];
  if (registered) {
    // An ensemble's probabilities judged with Marshall-Palmer, as the observations are; members kept for CRPS and ranks.
    const model = registered.configure ? registered.configure({ probabilityZr: MARSHALL_PALMER, keepMembers: true, members }) : registered.model;
    return { name, forecast: async (past, leads) => model.forecast(past, leads) };
  }
  const metadataPath = join(modelDir, `${name}.json`);
  let loaded;
  try {
    const { loadLearnedModelFile } = await import("../../container/src/onnx.js");
    loaded = await loadLearnedModelFile(metadataPath);
  } catch (error) {
    throw new Error(
      `unknown model '${name}': not one of ${Object.keys(MODEL_REGISTRY).join(", ")}, and ${metadataPath} does not load (${error instanceof Error ? error.message : error})`,
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

function positiveInteger(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer`);
  return n;
}

/** Every composite under dir by obstime; a corrupt file is reported and left out, like a missing one. */
async function readReadableComposites(dir: string): Promise<RadarFrame[]> {
  const frames: RadarFrame[] = [];
  const files = await listCompositeFiles(dir);
  for (const file of SHORT ? files.slice(0, SHORT_FILES) : files) {
    try {
      frames.push(await readCompositeFile(file));
    } catch (error) {
      if (!(error instanceof RadarFormatError)) throw error;
      console.error(`skipping ${file}: ${error.message}`);
    }
  }
  return frames.sort((a, b) => a.obstime.getTime() - b.obstime.getTime());
}

const interval = (i: { low: number; high: number }, digits: number) => [rounded(i.low, digits), rounded(i.high, digits)];

/** The printed form of one lead's scores. */
function leadReport(lead: SkillLead): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  for (const c of lead.categorical) {
    entry[String(c.thresholdMmPerHour)] = {
      csi: rounded(c.csi, 4),
      csi_90: interval(c.csi90, 4),
      pod: rounded(c.pod, 4),
      far: rounded(c.far, 4),
      bias: rounded(c.bias, 4),
    };
  }
  entry.mae = rounded(lead.maeMmPerHour, 4);
  entry.mae_90 = interval(lead.mae90, 4);
  entry.rmse = rounded(lead.rmseMmPerHour, 4);
  entry.fss = Object.fromEntries(lead.fss.map((f) => [String(f.thresholdMmPerHour), Object.fromEntries(f.byScale.map((s) => [`${s.scalePx}px`, rounded(s.fss, 4)]))]));
  if (lead.probabilistic) {
    entry.probabilistic = Object.fromEntries(
      lead.probabilistic.map((t) => [
        String(t.thresholdMmPerHour),
        {
          brier: rounded(t.brier, 5),
          brier_climatology: rounded(t.brierClimatology, 5),
          bss: rounded(t.brierSkill, 4),
          bss_90: interval(t.brierSkill90, 4),
          base_rate: rounded(t.baseRate, 4),
          decomposition: {
            reliability: rounded(t.decomposition.reliability, 6),
            resolution: rounded(t.decomposition.resolution, 6),
            uncertainty: rounded(t.decomposition.uncertainty, 6),
          },
          worst_reliability_gap: rounded(worstReliabilityGap(t.reliability, RELIABILITY_MIN_CASES), 4),
          reliability: t.reliability.map((bin) => ({ bin: [bin.low, bin.high], n: bin.count, p: rounded(bin.meanForecast, 4), observed: rounded(bin.observedFrequency, 4) })),
          roc_area: rounded(t.roc.area, 4),
          roc_area_90: interval(t.rocArea90, 4),
          roc: { pod: t.roc.pod.map((v) => rounded(v, 4)), pofd: t.roc.pofd.map((v) => rounded(v, 4)) },
        },
      ]),
    );
  }
  if (lead.ensemble) {
    const e = lead.ensemble;
    entry.ensemble = {
      crps: rounded(e.crpsMmPerHour, 5),
      crps_90: interval(e.crps90, 5),
      spread_skill: rounded(e.spreadSkillRatio, 4),
      spread_skill_90: interval(e.spreadSkill90, 4),
      spread_db: rounded(e.spreadDb, 4),
      rmse_db: rounded(e.rmseDb, 4),
      outer_rank_share: rounded(e.outerRankShare, 4),
      outer_rank_share_90: interval(e.outerRankShare90, 4),
      rank_histogram: e.rankHistogram.map((v) => rounded(v, 4)),
    };
  }
  return entry;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      frames: { type: "string" },
      crop: { type: "string" },
      lattice: { type: "boolean", default: false },
      models: { type: "string", default: Object.keys(NOWCAST_MODELS).join(",") },
      stride: { type: "string", default: SHORT ? "8" : "1" },
      "max-starts": { type: "string" },
      members: { type: "string", default: "20" },
      from: { type: "string" },
      "model-dir": { type: "string", default: DEFAULT_MODEL_DIR },
      diagrams: { type: "string" },
      "horizon-minutes": { type: "string", default: String(HORIZON_MINUTES) },
    },
  });
  if (!values.frames) throw new Error("--frames DIR is required");
  if (values.crop && values.lattice) throw new Error("--crop and --lattice exclude each other");
  const stride = positiveInteger(values.stride, "stride");
  const maxStarts = values["max-starts"] ? positiveInteger(values["max-starts"], "max-starts") : Infinity;
  const members = positiveInteger(values.members, "members");
  const from = values.from ? parseTime(values.from) : null;
  const models: BenchModel[] = [];
  for (const name of values.models.split(",")) models.push(await resolveModel(name.trim(), values["model-dir"], members));

  let frames = await readReadableComposites(values.frames);
  if (frames.length === 0) throw new Error(`no readable composite under ${values.frames}`);
  const sources = new Set(frames.map((f) => f.source));
  if (sources.size > 1) throw new Error(`${values.frames} mixes sources (${[...sources].join(", ")}); score one at a time`);
  const source = RADAR_SOURCES[frames[0]!.source]!;
  const stepMinutes = frameStepMinutes(frames);
  const leadCount = leadsForHorizon(stepMinutes, positiveInteger(values["horizon-minutes"], "horizon-minutes"));
  if (values.crop) {
    const { lat, lon, sizePx } = parseCrop(values.crop);
    frames = frames.map((frame) => cropAround(frame, lat, lon, sizePx));
  }
  console.error(`${frames.length} frames, ${frames[0]!.width} x ${frames[0]!.height} px${values.lattice ? `, ${LATTICE} x ${LATTICE} lattice of ${LATTICE_CROP_PX}-pixel crops` : ""}`);
  const lattice = values.lattice ? cropLattice(frames[0]!, LATTICE) : null;

  const starts = eligibleStarts(frames, PAST_FRAMES, leadCount);
  const chosen = starts.sequences
    .filter((_, index) => index % stride === 0)
    .filter((s) => !from || s.past[0]!.obstime.getTime() >= from.getTime())
    .slice(0, maxStarts);
  /** The windows each start is scored on: the frames as given, or the lattice's crops. */
  const windows = (sequence: RadarFrame[]) => (lattice ? lattice.map(({ lat, lon }) => sequence.map((f) => cropAround(f, lat, lon, LATTICE_CROP_PX))) : [sequence]);
  const report: Record<string, unknown> = {};
  const scored: Record<string, SkillLead[]> = {};
  for (const model of models) {
    // Untimed runs first, so that ms_per_nowcast measures optimised code, not the JIT warming up.
    const warmupStarted = performance.now();
    const warmupPast = chosen[0] ? windows(chosen[0].past)[0]! : null;
    for (let run = 0; warmupPast && run < WARMUP_RUNS && (run === 0 || performance.now() - warmupStarted < WARMUP_BUDGET_MS); run++) {
      await model.forecast(warmupPast, leadCount);
    }
    const suite = new SkillSuite(leadCount, starts.stepMinutes);
    const point = lattice ? new PointProductAccumulator() : null;
    const msPerNowcast: number[] = [];
    const scoredFrames = new Set<number>();
    for (const { past, future } of chosen) {
      suite.beginStart();
      const pastWindows = windows(past);
      const futureWindows = windows(future);
      for (let w = 0; w < pastWindows.length; w++) {
        const windowPast = pastWindows[w]!;
        const windowFuture = futureWindows[w]!;
        const started = performance.now();
        const result = await model.forecast(windowPast, leadCount);
        msPerNowcast.push(performance.now() - started);
        suite.add(result, windowFuture.map((frame) => frame.dbz));
        point?.add(windowPast.at(-1)!, result, result.ensemble?.memberFrames, windowFuture, placesInCrop(windowPast.at(-1)!));
      }
      for (const frame of [...past, ...future]) scoredFrames.add(frame.obstime.getTime());
      console.error(`${model.name}: ${suite.starts}/${chosen.length} ${past.at(-1)!.obstime.toISOString()}`);
    }
    const leads = suite.scores();
    scored[model.name] = leads;
    const entry: Record<string, unknown> = {
      ms_per_nowcast: rounded(median(msPerNowcast), 2),
      leads: Object.fromEntries(leads.map((lead) => [String(lead.leadMinutes), leadReport(lead)])),
    };
    if (leads[0]?.ensemble) entry.members = members;
    if (point) {
      const p = point.scores();
      entry.point_product = {
        places: p.places,
        brier_rain_within_60_min: rounded(p.brier, 4),
        base_rate: rounded(p.baseRate, 4),
        bss: rounded(p.brierSkill, 4),
        onset_cases: p.onsetCases,
        onset_mae_minutes: rounded(p.onsetMaeMinutes, 2),
        sentences: p.sentences,
        sentence_hit_rate_10_min: rounded(p.sentenceHitRate, 4),
      };
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
  if (lattice) event.windows = `${LATTICE} x ${LATTICE} crops of ${LATTICE_CROP_PX} px`;
  if (from || chosen.length < starts.sequences.length) event.analyses = chosen.map((s) => stampOf(s.past.at(-1)!.obstime));
  if (from) event.from = from.toISOString();
  if (values.diagrams) {
    await mkdir(values.diagrams, { recursive: true });
    const written = await writeDiagrams(values.diagrams, scored, (path, svg) => writeFile(path, svg));
    console.error(`diagrams: ${written.join(", ")}`);
  }
  const targets = checkTargets(scored, RELIABILITY_MIN_CASES, { source: source.id, eventStart: frames[0]!.obstime, stride, cropped: Boolean(values.crop || values.lattice) });
  const sourceReport = { id: source.id, step_minutes: stepMinutes, leads: leadCount, quantity: source.quantity, conversion: source.conversion, credit: source.credit };
  process.stdout.write(`${JSON.stringify({ source: sourceReport, event, models: report, ...(targets.length ? { targets } : {}) })}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
