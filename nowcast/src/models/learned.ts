import { dbzToRainDecibels, type ZRelation } from "../convert.js";
import type { RadarFrame } from "../io/frame.js";
import { leadsOrHorizon, NowcastInputError, type NowcastResult, resultBase, validatePast } from "./model.js";

/**
 * Learned nowcasters: a network that maps the last few frames, normalised, to the next one,
 * applied autoregressively. The network itself runs wherever a runtime is (onnxruntime-node
 * in the inference container); this module holds what is runtime-neutral: the metadata
 * contract that travels beside the ONNX file, normalisation and its inverse, padding and
 * the autoregressive loop.
 */

export const LEARNED_MODEL_FORMAT = "nowcast-edge/learned-model@1";

export type LearnedModelMetadata = {
  format: typeof LEARNED_MODEL_FORMAT;
  /** The model's name, as asked for through the API and the benchmarks. */
  name: string;
  /** File name of the ONNX graph, relative to the metadata file. */
  onnx: string;
  description?: string;
  /** Input tensor: [1, frames, height, width] float32, oldest frame first. */
  input: { name: string; frames: number; layout: "NCHW" };
  /** Output tensor: [1, 1, height, width], the next frame in the same normalisation. */
  output: { name: string; layout: "NCHW" };
  /** Height and width must be multiples of this (padding is added, then cropped off). */
  sizeMultiple: number;
  /** The time step the model was trained at; inputs at another step are refused. */
  stepMinutes: number;
  /** The lead count it was trained and evaluated for (it may be run for more). */
  leads: number;
  /**
   * x = (dB of rain rate + offsetDb) * scale, the dB transform being pySTEPS' (thresholdMmPerHour,
   * zeroDb below it) with the given Z-R relation; no data enters as noDataInput; forecast values
   * at or below the threshold become dryDbz.
   */
  normalization: {
    kind: "rain-db";
    zr: ZRelation;
    thresholdMmPerHour: number;
    zeroDb: number;
    offsetDb: number;
    scale: number;
    noDataInput: number;
    dryDbz: number;
  };
  /** Provenance: framework, frames trained on (from/to as YYYYMMDDHHMM), settings and losses. */
  training?: { frames?: { source?: string; from?: string; to?: string; count?: number } } & Record<string, unknown>;
  /** Its measured skill against a reference model (bench:skill on held-out frames); absent = never measured. */
  benchmark?: LearnedModelBenchmark;
};

/** CSI of the model and of the reference at one threshold and lead, on the frames named. */
export type LearnedModelBenchmark = {
  reference: string;
  thresholdMmPerHour: number;
  leadMinutes: number;
  csi: number;
  referenceCsi: number;
  /** Which frames were scored, e.g. "fmi 201609281605-201609281800, held out, 256 km crop". */
  frames: string;
  /**
   * Whether the scored frames come from a weather event the model was trained on (held-out
   * frames of the same storm). Only a benchmark on events it never saw (false) can show that it
   * beats its reference; absent counts as the same event.
   */
  sameEventAsTraining?: boolean;
};

/** Why a model is labelled experimental, with what was measured and the data it saw. */
export type ExperimentalLabel = {
  reason: "no-benchmark" | "does-not-beat-reference" | "benchmark-on-training-event";
  benchmark: LearnedModelBenchmark | null;
  /** The frames it was trained on, as its training notes state them; null when they do not. */
  trainedOn: { source: string | null; from: string | null; to: string | null; count: number | null } | null;
};

/**
 * A learned model is experimental unless its benchmark beats its reference on events it was not
 * trained on: without a benchmark, with one it does not win, or with one on its training event.
 * Such a model is labelled so wherever it is offered, and is never a default.
 */
export function experimentalLabel(metadata: Pick<LearnedModelMetadata, "benchmark" | "training">): ExperimentalLabel | null {
  const b = metadata.benchmark ?? null;
  const frames = metadata.training?.frames;
  const trainedOn = frames ? { source: frames.source ?? null, from: frames.from ?? null, to: frames.to ?? null, count: frames.count ?? null } : null;
  const reason = !b ? "no-benchmark" : !(b.csi > b.referenceCsi) ? "does-not-beat-reference" : b.sameEventAsTraining !== false ? "benchmark-on-training-event" : null;
  return reason ? { reason, benchmark: b, trainedOn } : null;
}

export function isExperimental(metadata: Pick<LearnedModelMetadata, "benchmark" | "training">): boolean {
  return experimentalLabel(metadata) !== null;
}

export class LearnedModelError extends Error {
  override readonly name = "LearnedModelError";
}

/** Checks parsed JSON against the metadata contract; throws LearnedModelError naming the first problem. */
export function parseLearnedModelMetadata(json: unknown): LearnedModelMetadata {
  const fail = (what: string): never => {
    throw new LearnedModelError(`learned-model metadata: ${what}`);
  };
  const object = (value: unknown, what: string): Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : fail(`${what} must be an object`);
  const string = (value: unknown, what: string): string => (typeof value === "string" && value.length > 0 ? value : fail(`${what} must be a non-empty string`));
  const number = (value: unknown, what: string): number => (typeof value === "number" && Number.isFinite(value) ? value : fail(`${what} must be a finite number`));
  const positiveInteger = (value: unknown, what: string): number => {
    const n = number(value, what);
    return Number.isInteger(n) && n > 0 ? n : fail(`${what} must be a positive integer`);
  };
  const root = object(json, "the metadata");
  if (root.format !== LEARNED_MODEL_FORMAT) fail(`format must be "${LEARNED_MODEL_FORMAT}"`);
  const name = string(root.name, "name");
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name)) fail("name must be lower-case letters, digits and dashes");
  const input = object(root.input, "input");
  const output = object(root.output, "output");
  const normalization = object(root.normalization, "normalization");
  if (normalization.kind !== "rain-db") fail('normalization.kind must be "rain-db"');
  if (input.layout !== "NCHW" || output.layout !== "NCHW") fail('input and output layout must be "NCHW"');
  const zr = object(normalization.zr, "normalization.zr");
  const scale = number(normalization.scale, "normalization.scale");
  if (scale <= 0) fail("normalization.scale must be positive");
  const thresholdMmPerHour = number(normalization.thresholdMmPerHour, "normalization.thresholdMmPerHour");
  if (thresholdMmPerHour <= 0) fail("normalization.thresholdMmPerHour must be positive");
  const metadata: LearnedModelMetadata = {
    format: LEARNED_MODEL_FORMAT,
    name,
    onnx: string(root.onnx, "onnx"),
    input: { name: string(input.name, "input.name"), frames: positiveInteger(input.frames, "input.frames"), layout: "NCHW" },
    output: { name: string(output.name, "output.name"), layout: "NCHW" },
    sizeMultiple: positiveInteger(root.sizeMultiple, "sizeMultiple"),
    stepMinutes: number(root.stepMinutes, "stepMinutes"),
    leads: positiveInteger(root.leads, "leads"),
    normalization: {
      kind: "rain-db",
      zr: { a: number(zr.a, "normalization.zr.a"), b: number(zr.b, "normalization.zr.b") },
      thresholdMmPerHour,
      zeroDb: number(normalization.zeroDb, "normalization.zeroDb"),
      offsetDb: number(normalization.offsetDb, "normalization.offsetDb"),
      scale,
      noDataInput: number(normalization.noDataInput, "normalization.noDataInput"),
      dryDbz: number(normalization.dryDbz, "normalization.dryDbz"),
    },
  };
  if (typeof root.description === "string") metadata.description = root.description;
  if (root.training !== undefined) metadata.training = object(root.training, "training") as LearnedModelMetadata["training"];
  if (root.benchmark !== undefined) {
    const b = object(root.benchmark, "benchmark");
    metadata.benchmark = {
      reference: string(b.reference, "benchmark.reference"),
      thresholdMmPerHour: number(b.thresholdMmPerHour, "benchmark.thresholdMmPerHour"),
      leadMinutes: number(b.leadMinutes, "benchmark.leadMinutes"),
      csi: number(b.csi, "benchmark.csi"),
      referenceCsi: number(b.referenceCsi, "benchmark.referenceCsi"),
      frames: string(b.frames, "benchmark.frames"),
    };
    if (b.sameEventAsTraining !== undefined) {
      if (typeof b.sameEventAsTraining !== "boolean") fail("benchmark.sameEventAsTraining must be true or false");
      metadata.benchmark.sameEventAsTraining = b.sameEventAsTraining as boolean;
    }
  }
  if (metadata.stepMinutes <= 0) fail("stepMinutes must be positive");
  return metadata;
}

/** Runs the network once: input [1, frames, height, width], output [1, 1, height, width]. */
export interface TensorRunner {
  run(input: Float32Array, frames: number, height: number, width: number): Promise<Float32Array>;
}

/** A model whose forecast is asynchronous (its network runs in a runtime with an async API). */
export interface AsyncNowcastModel {
  readonly name: string;
  forecast(past: readonly RadarFrame[], leads?: number): Promise<NowcastResult>;
}

export type LearnedModel = AsyncNowcastModel & { readonly metadata: LearnedModelMetadata };

/** Normalised network input of one frame (no data as noDataInput), into out at the padded size. */
export function normaliseFrame(
  frame: RadarFrame,
  metadata: LearnedModelMetadata,
  paddedWidth: number,
  paddedHeight: number,
  out: Float32Array,
  offset = 0,
): void {
  const n = metadata.normalization;
  const db = dbzToRainDecibels(frame.dbz, n.zr, { thresholdMmPerHour: n.thresholdMmPerHour, zeroDb: n.zeroDb });
  out.fill(n.noDataInput, offset, offset + paddedWidth * paddedHeight);
  for (let row = 0; row < frame.height; row++) {
    for (let col = 0; col < frame.width; col++) {
      const v = db[row * frame.width + col]!;
      if (v === v) out[offset + row * paddedWidth + col] = (v + n.offsetDb) * n.scale;
    }
  }
}

/** Network output (normalised, padded) -> dBZ of the frame's size; NaN where `noData` is set. */
export function denormalise(
  output: Float32Array,
  metadata: LearnedModelMetadata,
  width: number,
  height: number,
  paddedWidth: number,
  noData: Uint8Array,
): Float32Array {
  const n = metadata.normalization;
  const wetDb = 10 * Math.log10(n.thresholdMmPerHour);
  const offsetDbz = 10 * Math.log10(n.zr.a);
  const out = new Float32Array(width * height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = row * width + col;
      if (noData[i]) {
        out[i] = NaN;
        continue;
      }
      const db = output[row * paddedWidth + col]! / n.scale - n.offsetDb;
      out[i] = db > wetDb ? offsetDbz + n.zr.b * db : n.dryDbz;
    }
  }
  return out;
}

/**
 * The autoregressive nowcaster of a network: the last `input.frames` frames in, one frame
 * out, which joins the window for the next lead. Forecast pixels are no data wherever the
 * analysis has none (the network cannot know what lies there).
 */
export function createLearnedModel(metadata: LearnedModelMetadata, runner: TensorRunner): LearnedModel {
  const frames = metadata.input.frames;
  return {
    name: metadata.name,
    metadata,
    async forecast(past: readonly RadarFrame[], askedLeads?: number): Promise<NowcastResult> {
      const leads = leadsOrHorizon(past, askedLeads);
      const { analysis, stepMinutes } = validatePast(past, leads);
      if (past.length < frames) throw new NowcastInputError(`${metadata.name} needs ${frames} past frames, not ${past.length}`);
      if (Math.abs(stepMinutes - metadata.stepMinutes) > 1e-6) {
        throw new NowcastInputError(`${metadata.name} was trained at ${metadata.stepMinutes}-minute steps, not ${stepMinutes}`);
      }
      const { width, height } = analysis;
      const multiple = metadata.sizeMultiple;
      const paddedWidth = Math.ceil(width / multiple) * multiple;
      const paddedHeight = Math.ceil(height / multiple) * multiple;
      const plane = paddedWidth * paddedHeight;
      const window = new Float32Array(frames * plane);
      past.slice(-frames).forEach((frame, k) => normaliseFrame(frame, metadata, paddedWidth, paddedHeight, window, k * plane));
      const noData = new Uint8Array(width * height);
      for (let i = 0; i < noData.length; i++) noData[i] = analysis.dbz[i] === analysis.dbz[i] ? 0 : 1;
      const floor = (metadata.normalization.zeroDb + metadata.normalization.offsetDb) * metadata.normalization.scale;
      const forecasts: Float32Array[] = [];
      for (let lead = 0; lead < leads; lead++) {
        const next = await runner.run(window, frames, paddedHeight, paddedWidth);
        if (next.length !== plane) throw new LearnedModelError(`${metadata.name} returned ${next.length} values, not ${plane}`);
        // Values below the dry floor mean nothing; NaN would poison the next step.
        for (let i = 0; i < plane; i++) if (!(next[i]! >= floor)) next[i] = floor;
        forecasts.push(denormalise(next, metadata, width, height, paddedWidth, noData));
        window.copyWithin(0, plane);
        window.set(next, (frames - 1) * plane);
      }
      return {
        ...resultBase(metadata.name, analysis, stepMinutes, leads),
        frames: forecasts,
      };
    },
  };
}
