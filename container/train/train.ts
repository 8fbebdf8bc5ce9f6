// npm run train [-- --frames DIR] [--out DIR] [--name tinycnn] [--train-until YYYYMMDDHHMM] [--steps N] [--batch N] [--seed N]
//
// Trains a tiny convolutional next-frame nowcaster on the real FMI frames (../shared/data/radar/fmi)
// in TypeScript (hand-written forward/backward, Adam, CPU, about a minute on two cores) and writes
// it as a real ONNX graph plus its metadata JSON (nowcast/src/models/learned.ts) into
// container/models/, where the inference container loads it.
//
// The network sees the last three frames as normalised dB of rain rate, pooled 2 x 2 (an
// AveragePool in the graph), and predicts the next frame as the last one plus a residual from
// four dilated convolutions (receptive field 19 x 19 pooled pixels, about 38 km: the motion is
// about 4 km per step); the graph upsamples it back (Resize, bilinear). Applied autoregressively
// for 12 leads. Frames after --train-until are never trained on: the held-out check here and
// `npm run bench:skill -- --from ...` score on them.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { radarDataDir, readComposites } from "../../nowcast/node/radarFiles.js";
import { FMI_ZR, type RadarFrame } from "../../nowcast/src/index.js";
import { LEARNED_MODEL_FORMAT, type LearnedModelMetadata, normaliseFrame } from "../../nowcast/src/models/learned.js";
import { Random } from "../../nowcast/src/noise/random.js";
import { loadLearnedModel } from "../src/onnx.js";
import { adamStep, type ConvLayer, convBackward, convForward, convLayer, span, zeroGrad } from "./cnn.js";
import { encodeOnnxModel, type OnnxModel, type OnnxNode } from "./onnx-writer.js";

const PAST = 3;
const PATCH = 48;

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    frames: { type: "string", default: join(radarDataDir(), "20160928") },
    out: { type: "string", default: resolve(here, "..", "models") },
    name: { type: "string", default: "tinycnn" },
    "train-until": { type: "string", default: "201609281600" },
    steps: { type: "string", default: "200" },
    batch: { type: "string", default: "8" },
    seed: { type: "string", default: "1" },
    "learning-rate": { type: "string", default: "0.004" },
  },
});
const steps = Number(values.steps);
const batch = Number(values.batch);
const learningRate = Number(values["learning-rate"]);
const random = new Random(Number(values.seed));
const log = (line: Record<string, unknown>) => console.error(JSON.stringify(line));

const metadataBase: Omit<LearnedModelMetadata, "training"> = {
  format: LEARNED_MODEL_FORMAT,
  name: values.name,
  onnx: `${values.name}.onnx`,
  description:
    "Tiny CNN trained in TypeScript (npm run train): last 3 frames pooled 2x2 -> 4 dilated convolutions -> last frame + residual -> bilinear 2x; next frame in normalised rain-rate dB, applied autoregressively.",
  input: { name: "past", frames: PAST, layout: "NCHW" },
  output: { name: "next", layout: "NCHW" },
  sizeMultiple: 2,
  stepMinutes: 5,
  leads: 12,
  normalization: { kind: "rain-db", zr: FMI_ZR, thresholdMmPerHour: 0.1, zeroDb: -15, offsetDb: 15, scale: 1 / 25, noDataInput: 0, dryDbz: -32 },
};

const stamp = (frame: RadarFrame) => frame.obstime.toISOString().replace(/[-:T]/g, "").slice(0, 12);

/** A frame normalised (no data as 0) and pooled 2 x 2, with the pooled cells whose four pixels all have data. */
function pooled(frame: RadarFrame): { x: Float32Array; valid: Uint8Array } {
  const full = new Float32Array(frame.width * frame.height);
  normaliseFrame(frame, metadataBase as LearnedModelMetadata, frame.width, frame.height, full);
  const w = frame.width >> 1;
  const h = frame.height >> 1;
  const x = new Float32Array(w * h);
  const valid = new Uint8Array(w * h);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let sum = 0;
      let present = 0;
      for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
        const i = (2 * r + dr) * frame.width + 2 * c + dc;
        sum += full[i]!;
        if (frame.dbz[i] === frame.dbz[i]) present++;
      }
      x[r * w + c] = sum / 4;
      valid[r * w + c] = present === 4 ? 1 : 0;
    }
  }
  return { x, valid };
}

// ---------------------------------------------------------------- the network
const layers: ConvLayer[] = [
  convLayer(PAST, 8, 5, 1, true, random),
  convLayer(8, 8, 5, 2, true, random),
  convLayer(8, 8, 3, 2, true, random),
  convLayer(8, 1, 3, 1, false, random, 0.1),
];
const MARGIN = layers.reduce((sum, layer) => sum + span(layer), 0) / 2;

/** Forward on a patch (PAST x h x w, pooled): activations, and the output (last frame + residual) of (h - 2M) x (w - 2M). */
function forward(input: Float32Array, h: number, w: number) {
  const activations: { input: Float32Array; output: Float32Array; h: number; w: number }[] = [];
  let x = input;
  let ch = h;
  let cw = w;
  for (const layer of layers) {
    const out = convForward(layer, x, ch, cw);
    activations.push({ input: x, output: out, h: ch, w: cw });
    x = out;
    ch -= span(layer);
    cw -= span(layer);
  }
  const y = new Float32Array(ch * cw);
  for (let r = 0; r < ch; r++) {
    for (let c = 0; c < cw; c++) y[r * cw + c] = x[r * cw + c]! + input[(PAST - 1) * h * w + (r + MARGIN) * w + c + MARGIN]!;
  }
  return { activations, y, h: ch, w: cw };
}

function backward(activations: ReturnType<typeof forward>["activations"], gradY: Float32Array): void {
  let grad: Float32Array | null = gradY.slice();
  for (let l = layers.length - 1; l >= 0; l--) {
    const a = activations[l]!;
    grad = convBackward(layers[l]!, a.input, a.output, grad!, a.h, a.w, l > 0);
  }
}

// ---------------------------------------------------------------- data
const started = performance.now();
const frames = await readComposites(values.frames);
const trainCount = frames.filter((f) => stamp(f) <= values["train-until"]).length;
if (trainCount < PAST + 2) throw new Error(`need at least ${PAST + 2} frames up to ${values["train-until"]}, found ${trainCount}`);
const grids = frames.map(pooled);
const gw = frames[0]!.width >> 1;
const gh = frames[0]!.height >> 1;
log({ frames: frames.length, trainFrames: trainCount, trainFrom: stamp(frames[0]!), trainTo: stamp(frames[trainCount - 1]!), pooled: `${gw}x${gh}` });

// Candidate patches: analysis a (target a + 1 within the training frames), rainy ones preferred.
const side = PATCH + 2 * MARGIN;
type Candidate = { a: number; r: number; c: number; wet: number };
const candidates: Candidate[] = [];
for (let a = PAST - 1; a + 1 < trainCount; a++) {
  const target = grids[a + 1]!;
  for (let r = 0; r + side <= gh; r += 12) {
    for (let c = 0; c + side <= gw; c += 12) {
      let wet = 0;
      let valid = 0;
      for (let y = r + MARGIN; y < r + MARGIN + PATCH; y += 4) {
        for (let x = c + MARGIN; x < c + MARGIN + PATCH; x += 4) {
          if (!target.valid[y * gw + x]) continue;
          valid++;
          if (target.x[y * gw + x]! > 0.2) wet++; // above about -10 dB: 0.1 mm/h
        }
      }
      if (valid > 0.5 * (PATCH / 4) ** 2) candidates.push({ a, r, c, wet: wet / valid });
    }
  }
}
const rainy = candidates.filter((k) => k.wet > 0.05);
const pick = () => {
  const pool = random.uniform() < 0.85 && rainy.length ? rainy : candidates;
  return pool[Math.floor(random.uniform() * pool.length)]!;
};

function patch(k: Candidate): { input: Float32Array; target: Float32Array; mask: Float32Array; weight: number } {
  const input = new Float32Array(PAST * side * side);
  for (let f = 0; f < PAST; f++) {
    const g = grids[k.a - PAST + 1 + f]!;
    for (let y = 0; y < side; y++) input.set(g.x.subarray((k.r + y) * gw + k.c, (k.r + y) * gw + k.c + side), f * side * side + y * side);
  }
  const target = new Float32Array(PATCH * PATCH);
  const mask = new Float32Array(PATCH * PATCH);
  let weight = 0;
  for (let y = 0; y < PATCH; y++) {
    for (let x = 0; x < PATCH; x++) {
      const gi = (k.r + MARGIN + y) * gw + k.c + MARGIN + x;
      target[y * PATCH + x] = grids[k.a + 1]!.x[gi]!;
      let ok = grids[k.a + 1]!.valid[gi]!;
      for (let f = 0; f < PAST; f++) ok &= grids[k.a - f]!.valid[gi]!;
      mask[y * PATCH + x] = ok;
      weight += ok;
    }
  }
  return { input, target, mask, weight };
}

// ---------------------------------------------------------------- training
let runningLoss = NaN;
let runningPersistence = NaN;
for (let step = 1; step <= steps; step++) {
  zeroGrad(layers);
  let loss = 0;
  let persistence = 0;
  for (let b = 0; b < batch; b++) {
    const { input, target, mask, weight } = patch(pick());
    if (weight === 0) continue;
    const { activations, y } = forward(input, side, side);
    const grad = new Float32Array(y.length);
    for (let i = 0; i < y.length; i++) {
      const e = (y[i]! - target[i]!) * mask[i]!;
      loss += (e * e) / weight;
      grad[i] = (2 * e) / weight;
      const last = input[(PAST - 1) * side * side + (Math.floor(i / PATCH) + MARGIN) * side + (i % PATCH) + MARGIN]!;
      persistence += (((last - target[i]!) * mask[i]!) ** 2) / weight;
    }
    backward(activations, grad);
  }
  // Cosine decay of the learning rate.
  adamStep(layers, step, learningRate * 0.5 * (1 + Math.cos((Math.PI * (step - 1)) / steps)), batch);
  runningLoss = Number.isNaN(runningLoss) ? loss / batch : 0.9 * runningLoss + (0.1 * loss) / batch;
  runningPersistence = Number.isNaN(runningPersistence) ? persistence / batch : 0.9 * runningPersistence + (0.1 * persistence) / batch;
  if (step % 20 === 0 || step === steps) {
    log({ step, loss: +runningLoss.toFixed(6), persistenceLoss: +runningPersistence.toFixed(6), seconds: +((performance.now() - started) / 1000).toFixed(1) });
  }
}
const trainSeconds = (performance.now() - started) / 1000;

// ---------------------------------------------------------------- ONNX graph
const tensorOf = (layer: ConvLayer, l: number) => [
  { name: `conv${l}.weight`, dims: [layer.cout, layer.cin, layer.kernel, layer.kernel], data: layer.weights },
  { name: `conv${l}.bias`, dims: [layer.cout], data: layer.bias },
];

function graph(withResize: boolean): OnnxModel {
  const nodes: OnnxNode[] = [{ op: "AveragePool", inputs: ["past"], outputs: ["pooled"], attributes: { kernel_shape: [2, 2], strides: [2, 2] } }];
  let x = "pooled";
  layers.forEach((layer, l) => {
    const pad = span(layer) / 2;
    nodes.push({
      op: "Conv",
      inputs: [x, `conv${l}.weight`, `conv${l}.bias`],
      outputs: [`conv${l}`],
      attributes: { kernel_shape: [layer.kernel, layer.kernel], dilations: [layer.dilation, layer.dilation], pads: [pad, pad, pad, pad], strides: [1, 1] },
    });
    x = `conv${l}`;
    if (layer.relu) {
      nodes.push({ op: "Relu", inputs: [x], outputs: [`relu${l}`] });
      x = `relu${l}`;
    }
  });
  nodes.push({ op: "Slice", inputs: ["pooled", "last.starts", "last.ends", "last.axes"], outputs: ["last"] });
  nodes.push({ op: "Add", inputs: ["last", x], outputs: [withResize ? "next_pooled" : "next"] });
  if (withResize) {
    nodes.push({
      op: "Resize",
      inputs: ["next_pooled", "", "resize.scales"],
      outputs: ["next"],
      attributes: { mode: "linear", coordinate_transformation_mode: "half_pixel" },
    });
  }
  return {
    producer: "nowcast-edge container/train/train.ts",
    irVersion: 8,
    opset: 17,
    graphName: values.name,
    docString: metadataBase.description!,
    nodes,
    initializers: [
      ...layers.flatMap(tensorOf),
      { name: "last.starts", dims: [1], data: { int64: [PAST - 1] } },
      { name: "last.ends", dims: [1], data: { int64: [PAST] } },
      { name: "last.axes", dims: [1], data: { int64: [1] } },
      ...(withResize ? [{ name: "resize.scales", dims: [4], data: Float32Array.from([1, 1, 2, 2]) }] : []),
    ],
    inputs: [{ name: "past", shape: [1, PAST, "height", "width"] }],
    outputs: [{ name: "next", shape: [1, 1, "height", "width"] }],
  };
}

// The exported graph must compute what was trained: check the graph without its final Resize
// against the TypeScript forward pass on a patch interior (where "same" padding plays no part).
{
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(encodeOnnxModel(graph(false)));
  const k = rainy[0] ?? candidates[0]!;
  const { input } = patch(k);
  const full = new Float32Array(PAST * (2 * side) * (2 * side));
  // Unpool: each pooled value repeated 2 x 2 pools back to itself.
  for (let f = 0; f < PAST; f++) {
    for (let y = 0; y < 2 * side; y++) {
      for (let x = 0; x < 2 * side; x++) full[f * 4 * side * side + y * 2 * side + x] = input[f * side * side + (y >> 1) * side + (x >> 1)]!;
    }
  }
  const out = (await session.run({ past: new ort.Tensor("float32", full, [1, PAST, 2 * side, 2 * side]) })).next!.data as Float32Array;
  const { y } = forward(input, side, side);
  let maxDiff = 0;
  for (let r = 0; r < PATCH; r++) for (let c = 0; c < PATCH; c++) maxDiff = Math.max(maxDiff, Math.abs(out[(r + MARGIN) * side + c + MARGIN]! - y[r * PATCH + c]!));
  log({ onnxCheckMaxAbsDiff: maxDiff });
  if (!(maxDiff < 1e-4)) throw new Error(`the ONNX graph does not reproduce the trained network (max diff ${maxDiff})`);
}

// ---------------------------------------------------------------- held-out check (onnxruntime, the serving path)
const onnx = encodeOnnxModel(graph(true));
const model = await loadLearnedModel(metadataBase, onnx);
const heldOut: string[] = [];
const leads = 12;
const mse = { model: new Float64Array(leads), persistence: new Float64Array(leads) };
for (let a = trainCount + PAST - 1; a + leads < frames.length; a += 2) {
  const past = frames.slice(a - PAST + 1, a + 1);
  const result = await model.forecast(past, leads);
  const last = new Float32Array(frames[0]!.width * frames[0]!.height);
  normaliseFrame(frames[a]!, metadataBase as LearnedModelMetadata, frames[0]!.width, frames[0]!.height, last);
  for (let k = 0; k < leads; k++) {
    const truth = new Float32Array(last.length);
    normaliseFrame(frames[a + 1 + k]!, metadataBase as LearnedModelMetadata, frames[0]!.width, frames[0]!.height, truth);
    const forecast = new Float32Array(last.length);
    const asFrame = { ...frames[a]!, dbz: result.frames[k]! };
    normaliseFrame(asFrame, metadataBase as LearnedModelMetadata, frames[0]!.width, frames[0]!.height, forecast);
    let sm = 0;
    let sp = 0;
    let n = 0;
    for (let i = 0; i < last.length; i++) {
      if (frames[a + 1 + k]!.dbz[i] !== frames[a + 1 + k]!.dbz[i] || result.frames[k]![i] !== result.frames[k]![i]) continue;
      sm += (forecast[i]! - truth[i]!) ** 2;
      sp += (last[i]! - truth[i]!) ** 2;
      n++;
    }
    mse.model[k]! += sm / n;
    mse.persistence[k]! += sp / n;
  }
  heldOut.push(stamp(frames[a]!));
}
const round = (v: number) => Math.round((v / heldOut.length) * 1e6) / 1e6;
const heldOutMse = { [values.name]: Array.from(mse.model, round), persistence: Array.from(mse.persistence, round) };
log({ heldOutAnalyses: heldOut, heldOutMse });

const metadata: LearnedModelMetadata = {
  ...metadataBase,
  training: {
    framework: "TypeScript (container/train/cnn.ts), CPU",
    frames: { source: "fmi", from: stamp(frames[0]!), to: stamp(frames[trainCount - 1]!), count: trainCount },
    heldOutFrom: trainCount < frames.length ? stamp(frames[trainCount]!) : null,
    parameters: layers.reduce((n, l) => n + l.weights.length + l.bias.length, 0),
    steps,
    batch,
    patchPooledPx: PATCH,
    learningRate,
    seed: Number(values.seed),
    loss: "masked MSE in normalised dB (pooled 2x2), one step ahead",
    finalLoss: Math.round(runningLoss * 1e6) / 1e6,
    finalPersistenceLoss: Math.round(runningPersistence * 1e6) / 1e6,
    seconds: Math.round(trainSeconds * 10) / 10,
    heldOutMse,
  },
};
await mkdir(values.out, { recursive: true });
await writeFile(join(values.out, `${values.name}.onnx`), onnx);
await writeFile(join(values.out, `${values.name}.json`), `${JSON.stringify(metadata, null, 2)}\n`);
log({ wrote: [join(values.out, `${values.name}.onnx`), join(values.out, `${values.name}.json`)], onnxBytes: onnx.length, seconds: +((performance.now() - started) / 1000).toFixed(1) });
