// The one request/response contract of every inference backend that is not the Worker
// itself (the inference container today), defined once and validated on both sides: the
// Worker encodes requests and decodes responses with it, the container the other way round.
//
// Wire format (both directions): "NCI1", a little-endian u32 header length, the header as
// UTF-8 JSON (validated by the zod schemas below), zero padding to a multiple of 4, then the
// payload. The header describes every array it carries by offset and length (in elements)
// into the payload: frames as little-endian float32 dBZ (NaN = no data), probability maps as
// uint8 in units of 1/200 (255 = no data), model files as raw bytes. Large fields cost no
// base64 and no JSON number parsing.
import { z } from "zod";
import type { NowcastResult, RadarFrame } from "../../nowcast/src/index";
import type { EnsembleSummary } from "../../nowcast/src/models/ensemble";
import type { ExperimentalLabel } from "../../nowcast/src/models/learned";
import { georeferenceSchema } from "../radar/georeference-schema";

export const INFERENCE_CONTENT_TYPE = "application/vnd.nowcast-edge.inference";
export const CONTRACT_VERSION = 1;
const MAGIC = [0x4e, 0x43, 0x49, 0x31]; // "NCI1"
const MAX_HEADER_BYTES = 1 << 20;
/** Probability maps travel as round(p * PROBABILITY_SCALE); exact for 20, 25, 40, 50 and 100 members. */
export const PROBABILITY_SCALE = 200;
const PROBABILITY_NO_DATA = 255;
const MAX_PIXELS = 4096 * 4096;

/** A contract violation: a malformed or inconsistent message, on either side. */
export class InferenceContractError extends Error {
  override readonly name = "InferenceContractError";
}

const arrayRef = z.object({
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
  dtype: z.enum(["float32", "uint8"]),
});
export type ArrayRef = z.infer<typeof arrayRef>;

const gridSize = { width: z.number().int().positive(), height: z.number().int().positive() };
const modelName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "a model name is lower-case letters, digits and dashes");

function checkArray(ctx: z.RefinementCtx, ref: ArrayRef, dtype: ArrayRef["dtype"], length: number, path: (string | number)[]) {
  if (ref.dtype !== dtype) ctx.addIssue({ code: "custom", path, message: `must be ${dtype}` });
  if (ref.length !== length) ctx.addIssue({ code: "custom", path, message: `must hold ${length} values, not ${ref.length}` });
}

export const inferenceRequestSchema = z
  .object({
    version: z.literal(CONTRACT_VERSION),
    model: modelName,
    leads: z.number().int().min(1).max(48),
    past: z
      .array(
        z.object({
          source: z.string().min(1).max(32),
          obstime: z.string().datetime(),
          ...gridSize,
          georef: georeferenceSchema,
          dbz: arrayRef,
        }),
      )
      .min(2)
      .max(24),
    options: z.object({ members: z.number().int().min(2).max(100).optional(), seed: z.number().int().optional() }).strict().optional(),
  })
  .strict()
  .superRefine((header, ctx) => {
    header.past.forEach((frame, k) => {
      if (frame.width * frame.height > MAX_PIXELS) ctx.addIssue({ code: "custom", path: ["past", k], message: "frame too large" });
      checkArray(ctx, frame.dbz, "float32", frame.width * frame.height, ["past", k, "dbz"]);
    });
  });
export type InferenceRequestHeader = z.infer<typeof inferenceRequestSchema>;

/** A learned model not shown to beat optical flow on unseen events (nowcast/src/models/learned.ts): why, what was measured, what it saw. */
export const experimentalLabelSchema = z
  .object({
    reason: z.enum(["no-benchmark", "does-not-beat-reference", "benchmark-on-training-event"]),
    benchmark: z
      .object({
        reference: z.string(),
        thresholdMmPerHour: z.number(),
        leadMinutes: z.number(),
        csi: z.number(),
        referenceCsi: z.number(),
        frames: z.string().max(300),
        sameEventAsTraining: z.boolean().optional(),
      })
      .nullable(),
    trainedOn: z.object({ source: z.string().nullable(), from: z.string().nullable(), to: z.string().nullable(), count: z.number().int().nullable() }).nullable(),
  })
  .strict() satisfies z.ZodType<ExperimentalLabel>;

export const inferenceResponseSchema = z
  .object({
    version: z.literal(CONTRACT_VERSION),
    model: modelName,
    backend: z.string().min(1),
    source: z.string().min(1),
    analysisTime: z.string().datetime(),
    stepMinutes: z.number().positive(),
    leads: z.number().int().min(1).max(48),
    ...gridSize,
    georef: georeferenceSchema,
    frames: z.array(arrayRef),
    motion: z
      .object({ ...gridSize, cellPx: z.number().positive(), u: arrayRef, v: arrayRef })
      .strict()
      .nullable(),
    ensemble: z
      .object({
        members: z.number().int().min(2),
        seed: z.number().int(),
        thresholdsMmPerHour: z.array(z.number().positive()).min(1).max(8),
        spectralFactor: z.number().int().positive(),
        autocorrelation: z.array(z.object({ wavenumber: z.number(), rho: z.number() })),
        probabilities: z.array(z.array(arrayRef)),
      })
      .strict()
      .nullable(),
    computeMs: z.number().nonnegative(),
    experimental: experimentalLabelSchema.nullable().optional(),
  })
  .strict()
  .superRefine((header, ctx) => {
    const pixels = header.width * header.height;
    if (pixels > MAX_PIXELS) ctx.addIssue({ code: "custom", path: ["width"], message: "grid too large" });
    if (header.frames.length !== header.leads) ctx.addIssue({ code: "custom", path: ["frames"], message: `must hold ${header.leads} frames` });
    header.frames.forEach((ref, k) => checkArray(ctx, ref, "float32", pixels, ["frames", k]));
    if (header.motion) {
      const cells = header.motion.width * header.motion.height;
      checkArray(ctx, header.motion.u, "float32", cells, ["motion", "u"]);
      checkArray(ctx, header.motion.v, "float32", cells, ["motion", "v"]);
    }
    if (header.ensemble) {
      const { probabilities, thresholdsMmPerHour } = header.ensemble;
      if (probabilities.length !== thresholdsMmPerHour.length) {
        ctx.addIssue({ code: "custom", path: ["ensemble", "probabilities"], message: "one list of maps per threshold" });
      }
      probabilities.forEach((byLead, t) => {
        if (byLead.length !== header.leads) ctx.addIssue({ code: "custom", path: ["ensemble", "probabilities", t], message: `must hold ${header.leads} maps` });
        byLead.forEach((ref, k) => checkArray(ctx, ref, "uint8", pixels, ["ensemble", "probabilities", t, k]));
      });
    }
  });
export type InferenceResponseHeader = z.infer<typeof inferenceResponseSchema>;

/** Learned model upload (PUT /v1/models/{name}): metadata in the header, the ONNX graph as bytes. */
export const modelUploadSchema = z.object({ version: z.literal(CONTRACT_VERSION), metadata: z.record(z.string(), z.unknown()), onnx: arrayRef }).strict();

export const inferenceErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const modelListSchema = z.object({
  models: z.array(
    z.object({ name: modelName, kind: z.enum(["engine", "ensemble", "learned"]), description: z.string().optional(), experimental: experimentalLabelSchema.optional() }),
  ),
});

/** What every backend returns: a nowcast, with the ensemble's probabilities when it is one, and the label of an experimental model. */
export type InferenceResult = NowcastResult & { ensemble?: EnsembleSummary; experimental?: ExperimentalLabel };

// ---------------------------------------------------------------------------- framing

type Payload = Float32Array | Uint8Array;

/** Frames a header (whose ArrayRefs the caller filled in with `place`) and the arrays it refers to. */
class MessageWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  place(array: Payload): ArrayRef {
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    const ref: ArrayRef = { offset: this.size, length: array.length, dtype: array instanceof Float32Array ? "float32" : "uint8" };
    this.parts.push(bytes);
    this.size += bytes.byteLength;
    // Keep every array 4-byte aligned within the payload.
    const pad = (4 - (this.size % 4)) % 4;
    if (pad) {
      this.parts.push(new Uint8Array(pad));
      this.size += pad;
    }
    return ref;
  }

  finish(header: unknown): Uint8Array<ArrayBuffer> {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const headerEnd = 8 + json.byteLength;
    const payloadStart = headerEnd + ((4 - (headerEnd % 4)) % 4);
    const out = new Uint8Array(payloadStart + this.size);
    out.set(MAGIC, 0);
    new DataView(out.buffer).setUint32(4, json.byteLength, true);
    out.set(json, 8);
    let offset = payloadStart;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.byteLength;
    }
    return out;
  }
}

/** Splits a message into its parsed (not yet validated) header and its payload. */
export function readMessage(input: ArrayBuffer | Uint8Array): { header: unknown; payload: Uint8Array } {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.byteLength < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw new InferenceContractError("not an inference message (bad magic)");
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.byteLength) throw new InferenceContractError("header length out of bounds");
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new InferenceContractError("header is not valid JSON");
  }
  const headerEnd = 8 + headerLength;
  const payloadStart = headerEnd + ((4 - (headerEnd % 4)) % 4);
  return { header, payload: bytes.subarray(Math.min(payloadStart, bytes.byteLength)) };
}

function parseHeader<T>(schema: z.ZodType<T>, header: unknown, what: string): T {
  const parsed = schema.safeParse(header);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InferenceContractError(`${what}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

function readFloat32(payload: Uint8Array, ref: ArrayRef): Float32Array {
  const end = ref.offset + ref.length * 4;
  if (ref.dtype !== "float32" || end > payload.byteLength) throw new InferenceContractError("a float32 array lies outside the payload");
  // Copied: the payload need not be 4-byte aligned in memory.
  return new Float32Array(payload.slice(ref.offset, end).buffer);
}

function readUint8(payload: Uint8Array, ref: ArrayRef): Uint8Array {
  const end = ref.offset + ref.length;
  if (ref.dtype !== "uint8" || end > payload.byteLength) throw new InferenceContractError("a uint8 array lies outside the payload");
  return payload.subarray(ref.offset, end);
}

// ---------------------------------------------------------------------------- requests

export interface InferenceRequest {
  model: string;
  leads: number;
  past: RadarFrame[];
  options?: { members?: number; seed?: number };
}

export function encodeInferenceRequest(request: InferenceRequest): Uint8Array<ArrayBuffer> {
  const writer = new MessageWriter();
  const header: InferenceRequestHeader = {
    version: CONTRACT_VERSION,
    model: request.model,
    leads: request.leads,
    past: request.past.map((frame) => ({
      source: frame.source,
      obstime: frame.obstime.toISOString(),
      width: frame.width,
      height: frame.height,
      georef: frame.georef,
      dbz: writer.place(frame.dbz),
    })),
    ...(request.options ? { options: request.options } : {}),
  };
  return writer.finish(header);
}

export function decodeInferenceRequest(input: ArrayBuffer | Uint8Array): InferenceRequest {
  const { header, payload } = readMessage(input);
  const h = parseHeader(inferenceRequestSchema, header, "request");
  return {
    model: h.model,
    leads: h.leads,
    past: h.past.map((frame) => ({
      source: frame.source,
      obstime: new Date(frame.obstime),
      width: frame.width,
      height: frame.height,
      georef: frame.georef,
      dbz: readFloat32(payload, frame.dbz),
    })),
    ...(h.options ? { options: h.options } : {}),
  };
}

// ---------------------------------------------------------------------------- responses

export function encodeInferenceResponse(result: InferenceResult, backend: string, computeMs: number): Uint8Array<ArrayBuffer> {
  const writer = new MessageWriter();
  const ensemble = result.ensemble;
  const header: InferenceResponseHeader = {
    version: CONTRACT_VERSION,
    model: result.model,
    backend,
    source: result.source,
    analysisTime: result.analysisTime.toISOString(),
    stepMinutes: result.stepMinutes,
    leads: result.leads,
    width: result.width,
    height: result.height,
    georef: result.georef,
    frames: result.frames.map((frame) => writer.place(frame)),
    motion: result.motion
      ? {
          width: result.motion.width,
          height: result.motion.height,
          cellPx: result.motion.cellPx,
          u: writer.place(result.motion.u),
          v: writer.place(result.motion.v),
        }
      : null,
    ensemble: ensemble
      ? {
          members: ensemble.members,
          seed: ensemble.seed,
          thresholdsMmPerHour: ensemble.thresholdsMmPerHour,
          spectralFactor: ensemble.spectralFactor,
          autocorrelation: ensemble.autocorrelation,
          probabilities: ensemble.probabilities.map((byLead) => byLead.map((map) => writer.place(quantiseProbabilities(map)))),
        }
      : null,
    computeMs: Math.round(computeMs * 100) / 100,
    ...(result.experimental ? { experimental: result.experimental } : {}),
  };
  return writer.finish(header);
}

export function decodeInferenceResponse(input: ArrayBuffer | Uint8Array): InferenceResult & { backend: string; computeMs: number } {
  const { header, payload } = readMessage(input);
  const h = parseHeader(inferenceResponseSchema, header, "response");
  const result: InferenceResult & { backend: string; computeMs: number } = {
    model: h.model,
    backend: h.backend,
    computeMs: h.computeMs,
    source: h.source,
    analysisTime: new Date(h.analysisTime),
    stepMinutes: h.stepMinutes,
    leads: h.leads,
    width: h.width,
    height: h.height,
    georef: h.georef,
    frames: h.frames.map((ref) => readFloat32(payload, ref)),
  };
  if (h.experimental) result.experimental = h.experimental;
  if (h.motion) {
    result.motion = {
      width: h.motion.width,
      height: h.motion.height,
      cellPx: h.motion.cellPx,
      u: readFloat32(payload, h.motion.u),
      v: readFloat32(payload, h.motion.v),
    };
  }
  if (h.ensemble) {
    result.ensemble = {
      members: h.ensemble.members,
      seed: h.ensemble.seed,
      thresholdsMmPerHour: h.ensemble.thresholdsMmPerHour,
      spectralFactor: h.ensemble.spectralFactor,
      autocorrelation: h.ensemble.autocorrelation,
      probabilities: h.ensemble.probabilities.map((byLead) => byLead.map((ref) => dequantiseProbabilities(readUint8(payload, ref)))),
    };
  }
  return result;
}

function quantiseProbabilities(map: Float32Array): Uint8Array {
  const out = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) {
    const p = map[i]!;
    out[i] = p === p ? Math.round(Math.min(1, Math.max(0, p)) * PROBABILITY_SCALE) : PROBABILITY_NO_DATA;
  }
  return out;
}

function dequantiseProbabilities(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const q = bytes[i]!;
    if (q > PROBABILITY_SCALE && q !== PROBABILITY_NO_DATA) throw new InferenceContractError(`probability byte ${q} is out of range`);
    out[i] = q === PROBABILITY_NO_DATA ? NaN : q / PROBABILITY_SCALE;
  }
  return out;
}

// ---------------------------------------------------------------------------- model uploads

export function encodeModelUpload(metadata: Record<string, unknown>, onnx: Uint8Array): Uint8Array<ArrayBuffer> {
  const writer = new MessageWriter();
  return writer.finish({ version: CONTRACT_VERSION, metadata, onnx: writer.place(onnx) });
}

export function decodeModelUpload(input: ArrayBuffer | Uint8Array): { metadata: Record<string, unknown>; onnx: Uint8Array } {
  const { header, payload } = readMessage(input);
  const h = parseHeader(modelUploadSchema, header, "model upload");
  return { metadata: h.metadata, onnx: readUint8(payload, h.onnx).slice() };
}
