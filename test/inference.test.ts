import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { cropAround, type RadarFrame } from "../nowcast/src/index";
import { createApp } from "../worker/app";
import { containerBackend, embeddedBackend, type InferenceBackend, InferenceBackendError } from "../worker/inference/backends";
import {
  decodeInferenceRequest,
  decodeInferenceResponse,
  encodeInferenceRequest,
  encodeInferenceResponse,
  InferenceContractError,
  type InferenceResult,
  readMessage,
} from "../worker/inference/contract";
import { decodeFrame } from "../worker/radar/frame-store";
import { bearer, call, createUser, errorOf, tokenFor } from "./support/helpers";
import { RADAR_FILES, seedRadar } from "./support/radar";
// The trained model the inference container serves, as bytes for the R2 upload test (Vite inlines it).
import tinycnnMetadata from "../container/models/tinycnn.json";

const tinycnnOnnxUrl = Object.values(
  import.meta.glob<string>("../container/models/tinycnn.onnx", { query: "?url&inline", import: "default", eager: true }),
)[0]!;

const HELSINKI = { lat: 60.1699, lon: 24.9384 };
const SLOW = { timeout: 120_000 };

/** The real frames of 17:45-17:55 cropped 256 x 256 around Helsinki, as the Worker crops them. */
let past: RadarFrame[];
let auth: RequestInit;

beforeAll(async () => {
  auth = bearer(await tokenFor(await createUser("inference@example.com", "inference password")));
  await seedRadar("201609281755");
  const files = RADAR_FILES.filter((f) => f.stamp >= "201609281745" && f.stamp <= "201609281755");
  past = await Promise.all(files.map(async (f) => cropAround(await decodeFrame("fmi", f.bytes), HELSINKI.lat, HELSINKI.lon, 256)));
});

const containerFor = (url: string, timeoutMs = 60_000) =>
  containerBackend({
    timeoutMs,
    fetch: (request) => {
      const { pathname } = new URL(request.url);
      return fetch(new Request(`${url}${pathname}`, request));
    },
  });

function finiteRange(field: Float32Array): { min: number; max: number; missing: number } {
  let min = Infinity;
  let max = -Infinity;
  let missing = 0;
  for (const v of field) {
    if (v !== v) missing++;
    else {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  return { min, max, missing };
}

it("the same model gives the same nowcast in the container as embedded", SLOW, async () => {
  const here = await containerFor(env.CONTAINER_URL).nowcast({ past, leads: 12, model: "optical-flow" });
  const reference = await embeddedBackend.nowcast({ past, leads: 12, model: "optical-flow" });
  for (let k = 0; k < 12; k++) {
    let maxDiff = 0;
    let noDataDiffers = 0;
    for (let i = 0; i < reference.frames[k]!.length; i++) {
      const a = here.frames[k]![i]!;
      const b = reference.frames[k]![i]!;
      if ((a !== a) !== (b !== b)) noDataDiffers++;
      else if (a === a) maxDiff = Math.max(maxDiff, Math.abs(a - b));
    }
    expect(noDataDiffers).toBe(0);
    expect(maxDiff).toBeLessThan(1e-3);
  }
});

// ---------------------------------------------------------------- the one contract, every backend
const backends: [string, () => InferenceBackend][] = [
  ["embedded", () => embeddedBackend],
  ["container", () => containerFor(env.CONTAINER_URL)],
];

describe.each(backends)("inference contract: %s backend", (name, backendOf) => {
  for (const model of ["persistence", "optical-flow"]) {
    it(`${model}: 12 leads of the crop's grid, from its newest frame, named and timed`, SLOW, async () => {
      const result = await backendOf().nowcast({ past, leads: 12, model });
      const analysis = past.at(-1)!;
      expect(result).toMatchObject({ model, source: "fmi", stepMinutes: 5, leads: 12, width: 256, height: 256 });
      expect(result.analysisTime.toISOString()).toBe(analysis.obstime.toISOString());
      expect(result.georef).toEqual(analysis.georef);
      expect(result.frames).toHaveLength(12);
      for (const frame of result.frames) {
        expect(frame).toBeInstanceOf(Float32Array);
        expect(frame.length).toBe(256 * 256);
        const { min, max, missing } = finiteRange(frame);
        expect(min).toBeGreaterThanOrEqual(-32);
        expect(max).toBeLessThan(95.5);
        expect(missing).toBeLessThan(256 * 256);
      }
      if (model === "optical-flow") expect(result.motion!.cellPx).toBe(4);
      if (model === "persistence") expect(Array.from(result.frames[11]!)).toEqual(Array.from(analysis.dbz));
    });
  }

  it("refuses input it cannot forecast from (one frame, an unknown model)", SLOW, async () => {
    await expect(backendOf().nowcast({ past: past.slice(-1), leads: 12, model: "optical-flow" })).rejects.toThrow();
    await expect(backendOf().nowcast({ past, leads: 12, model: "no-such-model" })).rejects.toThrow();
  });
});

// ---------------------------------------------------------------- what only the container runs
describe("container models", () => {
  it("ensemble: 20 members, exceedance maps at 0.5, 1 and 5 mm/h per lead, consistent with each other", SLOW, async () => {
    const result = await containerFor(env.CONTAINER_URL).nowcast({ past, leads: 12, model: "ensemble" });
    const ensemble = result.ensemble!;
    expect(ensemble.members).toBe(20);
    expect(ensemble.thresholdsMmPerHour).toEqual([0.5, 1, 5]);
    expect(ensemble.probabilities).toHaveLength(3);
    for (let k = 0; k < 12; k++) {
      const [p05, p1, p5] = ensemble.probabilities.map((byLead) => byLead[k]!);
      const problems = { noDataMismatch: 0, outOfRange: 0, notNested: 0, offGrid: 0 };
      let wet = 0;
      for (let i = 0; i < p05!.length; i++) {
        const a = p05![i]!;
        if (a !== a) {
          // No data is no data at every threshold, and in the ensemble mean.
          if (p1![i] === p1![i] || result.frames[k]![i] === result.frames[k]![i]) problems.noDataMismatch++;
          continue;
        }
        if (!(a >= 0 && a <= 1)) problems.outOfRange++;
        // A member above 1 mm/h is above 0.5; one above 5 is above 1.
        if (!(p1![i]! <= a && p5![i]! <= p1![i]!)) problems.notNested++;
        // Fractions of the members with a value there, sent in steps of 1/200.
        if (Math.abs(a * 200 - Math.round(a * 200)) > 1e-3) problems.offGrid++;
        if (a > 0) wet++;
      }
      expect(problems).toEqual({ noDataMismatch: 0, outOfRange: 0, notNested: 0, offGrid: 0 });
      expect(wet).toBeGreaterThan(0);
    }
  });

  for (const model of ["tinycnn", "unet-gpu"]) {
    it(`learned model ${model} (ONNX, trained on the real frames) nowcasts through the container`, SLOW, async () => {
      const result = await containerFor(env.CONTAINER_URL).nowcast({ past, leads: 12, model });
      expect(result).toMatchObject({ model, leads: 12, width: 256, height: 256, stepMinutes: 5 });
      const analysis = past.at(-1)!;
      for (const frame of result.frames) {
        const { min, max } = finiteRange(frame);
        expect(min).toBeGreaterThanOrEqual(-32);
        expect(max).toBeLessThan(80);
        // The network cannot know what lies where the radar sees nothing.
        let invented = 0;
        for (let i = 0; i < frame.length; i++) if (analysis.dbz[i] !== analysis.dbz[i] && frame[i] === frame[i]) invented++;
        expect(invented).toBe(0);
      }
    });
  }
});

// ---------------------------------------------------------------- the contract's codec
describe("inference contract codec", () => {
  it("a request and a response survive the wire unchanged (NaN included)", SLOW, async () => {
    const request = decodeInferenceRequest(encodeInferenceRequest({ model: "optical-flow", leads: 12, past }));
    expect(request.model).toBe("optical-flow");
    expect(request.past.map((f) => f.obstime.toISOString())).toEqual(past.map((f) => f.obstime.toISOString()));
    expect(Array.from(request.past[2]!.dbz)).toEqual(Array.from(past[2]!.dbz));
    const result = await embeddedBackend.nowcast({ past, leads: 12, model: "optical-flow" });
    const decoded = decodeInferenceResponse(encodeInferenceResponse(result, "embedded", 12.5));
    expect(decoded.backend).toBe("embedded");
    expect(decoded.computeMs).toBe(12.5);
    expect(Array.from(decoded.frames[7]!)).toEqual(Array.from(result.frames[7]!));
    expect(Array.from(decoded.motion!.u)).toEqual(Array.from(result.motion!.u));
  });

  it("probabilities travel as bytes of 1/200, no data as no data", () => {
    const map = Float32Array.from([0, 0.05, 0.5, 1, NaN]);
    const base = { ...past.at(-1)!, dbz: undefined };
    const result: InferenceResult = {
      model: "ensemble",
      source: "fmi",
      analysisTime: base.obstime,
      stepMinutes: 5,
      leads: 1,
      width: 5,
      height: 1,
      georef: { ...base.georef, width: 5, height: 1 },
      frames: [new Float32Array(5)],
      ensemble: { members: 20, seed: 1, thresholdsMmPerHour: [0.5], spectralFactor: 1, autocorrelation: [], probabilities: [[map]] },
    };
    const back = decodeInferenceResponse(encodeInferenceResponse(result, "container", 1)).ensemble!.probabilities[0]![0]!;
    [0, 0.05, 0.5, 1].forEach((p, i) => expect(back[i]).toBeCloseTo(p, 6));
    expect(back[4]).toBeNaN();
  });

  it("garbage is a contract error, never a nowcast", () => {
    const valid = encodeInferenceRequest({ model: "optical-flow", leads: 12, past });
    const broken: [string, Uint8Array][] = [
      ["empty", new Uint8Array()],
      ["bad magic", Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])],
      ["header longer than the message", (() => { const b = valid.slice(0, 64); new DataView(b.buffer).setUint32(4, 1e6, true); return b; })()],
      ["payload cut short", valid.slice(0, valid.length - 1000)],
      ["header not JSON", (() => { const b = valid.slice(); b[9] = 0x7b; b[10] = 0x7b; return b; })()],
    ];
    for (const [what, bytes] of broken) expect(() => decodeInferenceRequest(bytes), what).toThrow(InferenceContractError);
    // A well-framed header that breaks the schema: a frame's array the wrong length.
    const header = readMessage(valid).header as { past: { dbz: { length: number } }[] };
    header.past[0]!.dbz.length = 10;
    const json = new TextEncoder().encode(JSON.stringify(header));
    const tampered = new Uint8Array(8 + json.length);
    tampered.set(valid.subarray(0, 4));
    new DataView(tampered.buffer).setUint32(4, json.length, true);
    tampered.set(json, 8);
    expect(() => decodeInferenceRequest(tampered)).toThrow(/past\.0\.dbz/);
  });
});

// ---------------------------------------------------------------- routing through the API
describe("GET /api/nowcast?model=", () => {
  interface Body {
    cache: { status: string; reason: string };
    inference: { model: string; backend: string; fallback: unknown; experimental: { reason: string; benchmark: { csi: number; referenceCsi: number } | null } | null };
    nowcast: {
      model: string;
      backend: string;
      series: unknown[];
      experimental?: unknown;
      probability?: { members: number; thresholdsMmPerHour: number[]; series: { minutes: number; chanceOfRain: number | null; exceedance: (number | null)[] }[] };
    };
  }

  it("the default model runs embedded and says so", SLOW, async () => {
    const res = await call("/api/nowcast?place=Helsinki", auth);
    const body = (await res.json()) as Body;
    expect(body.inference).toEqual({ model: "optical-flow", backend: "embedded", fallback: null, experimental: null });
    expect(body.nowcast).toMatchObject({ model: "optical-flow", backend: "embedded" });
    expect(body.nowcast.probability).toBeUndefined();
  });

  it("ensemble runs in the container: a probabilistic point series, chance of rain per 5 minutes", SLOW, async () => {
    const res = await call("/api/nowcast?place=Helsinki&model=ensemble", auth);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Body;
    expect(body.inference).toEqual({ model: "ensemble", backend: "container", fallback: null, experimental: null });
    expect(body.nowcast).toMatchObject({ model: "ensemble", backend: "container" });
    const probability = body.nowcast.probability!;
    expect(probability.members).toBe(20);
    expect(probability.thresholdsMmPerHour).toEqual([0.5, 1, 5]);
    expect(probability.series.map((p) => p.minutes)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
    for (const point of probability.series) {
      expect(point.chanceOfRain).toBeGreaterThanOrEqual(0);
      expect(point.chanceOfRain).toBeLessThanOrEqual(1);
      expect(point.exceedance[0]).toBe(point.chanceOfRain);
      expect(point.exceedance[1]!).toBeLessThanOrEqual(point.exceedance[0]!);
    }
    // Its cache is its own: the default model's nowcast for the place is still a hit.
    const again = (await (await call("/api/nowcast?place=Helsinki&model=ensemble", auth)).json()) as Body;
    expect(again.cache.status).toBe("HIT");
    const plain = (await (await call("/api/nowcast?place=Helsinki", auth)).json()) as Body;
    expect(plain.cache.status).toBe("HIT");
    expect(plain.nowcast.model).toBe("optical-flow");
  });

  it("a learned model runs in the container", SLOW, async () => {
    const body = (await (await call("/api/nowcast?place=Helsinki&model=tinycnn", auth)).json()) as Body;
    expect(body.nowcast).toMatchObject({ model: "tinycnn", backend: "container" });
    expect(body.nowcast.series).toHaveLength(13);
    // Its benchmark does not beat optical flow: labelled experimental with that skill, on a miss and on a hit.
    expect(body.inference.experimental).toMatchObject({ reason: "does-not-beat-reference", benchmark: { csi: tinycnnMetadata.benchmark.csi, referenceCsi: tinycnnMetadata.benchmark.referenceCsi } });
    expect(body.nowcast.experimental).toEqual(body.inference.experimental);
    const hit = (await (await call("/api/nowcast?place=Helsinki&model=tinycnn", auth)).json()) as Body;
    expect(hit.cache.status).toBe("HIT");
    expect(hit.inference.experimental).toEqual(body.inference.experimental);
  });

  it("INFERENCE_BACKEND=container sends the engine's models to the container too", SLOW, async () => {
    const res = await createApp().request("/api/nowcast?lat=60.3923&lon=25.6651&fresh=1", auth, { ...env, INFERENCE_BACKEND: "container" }, ctx());
    const body = (await res.json()) as Body;
    expect(body.inference).toEqual({ model: "optical-flow", backend: "container", fallback: null, experimental: null });
    expect(body.nowcast.backend).toBe("container");
  });

  it("a learned model as NOWCAST_MODEL fails health: an experimental model is never the default", async () => {
    const res = await createApp().request("/api/health", {}, { ...env, NOWCAST_MODEL: "unet-gpu" }, ctx());
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Record<string, { error?: string }> };
    expect(body.checks.config!.error).toContain("NOWCAST_MODEL");
    expect(body.checks.config!.error).toContain("never a learned model");
  });

  it("an unknown model is a 400 naming the known ones", async () => {
    const res = await call("/api/nowcast?place=Helsinki&model=gpt-weather", auth);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("unknown_model");
    expect(error.message).toContain("ensemble");
  });

  it("a learned model kept in R2 is uploaded to the container on first use", SLOW, async () => {
    // The real trained model under another name, as an operator would publish one.
    const onnx = Uint8Array.from(atob(tinycnnOnnxUrl.slice(tinycnnOnnxUrl.indexOf(",") + 1)), (c) => c.charCodeAt(0));
    await env.FRAMES.put("models/tinycnn-r2.json", JSON.stringify({ ...tinycnnMetadata, name: "tinycnn-r2", onnx: "tinycnn-r2.onnx" }));
    await env.FRAMES.put("models/tinycnn-r2.onnx", onnx);
    const withR2 = { ...env, INFERENCE_R2_MODELS: "tinycnn-r2=models/tinycnn-r2.json" };
    const res = await createApp().request("/api/nowcast?place=Helsinki&model=tinycnn-r2", auth, withR2, ctx());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Body;
    expect(body.inference.fallback).toBeNull();
    expect(body.nowcast).toMatchObject({ model: "tinycnn-r2", backend: "container" });
    // The container now knows it.
    const models = (await (await fetch(`${env.CONTAINER_URL}/v1/models`)).json()) as { models: { name: string; kind: string }[] };
    expect(models.models).toContainEqual(expect.objectContaining({ name: "tinycnn-r2", kind: "learned" }));
  });

  it("without R2 metadata for it, a model the container lacks is a backend failure, not a 5xx", SLOW, async () => {
    const backend = containerFor(env.CONTAINER_URL);
    const error = await backend.nowcast({ past, leads: 12, model: "not-uploaded" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferenceBackendError);
    expect((error as InferenceBackendError).failure).toBe("unknown_model");
  });
});

function ctx(): ExecutionContext {
  return { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
}
