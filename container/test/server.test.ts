import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readFile } from "node:fs/promises";
import { radarDataDir, readComposites } from "../../nowcast/node/radarFiles.js";
import { unstable_readConfig } from "wrangler";
import { cropAround, MODEL_REGISTRY, type RadarFrame } from "../../nowcast/src/index.js";
import {
  decodeInferenceResponse,
  encodeInferenceRequest,
  encodeModelUpload,
  INFERENCE_CONTENT_TYPE,
} from "../../worker/inference/contract.js";
import { type InferenceServer, startInferenceServer } from "../src/server.js";

const MODELS = fileURLToPath(new URL("../models", import.meta.url));
let server: InferenceServer;
let past: RadarFrame[];

beforeAll(async () => {
  server = await startInferenceServer({ modelDir: MODELS, log: () => {} });
  past = (await readComposites(join(radarDataDir(), "20160928"))).slice(20, 23).map((f) => cropAround(f, 60.2, 24.9, 128));
});

afterAll(async () => {
  await server.close();
});

const post = (body: Uint8Array<ArrayBuffer>) =>
  fetch(`${server.url}/v1/nowcast`, { method: "POST", headers: { "content-type": INFERENCE_CONTENT_TYPE }, body });

describe("inference server", () => {
  it("lists the engine's models, the ensemble and the learned models of its folder", async () => {
    const health = (await (await fetch(`${server.url}/health`)).json()) as { ok: boolean; models: string[] };
    expect(health.ok).toBe(true);
    expect(health.models).toEqual(expect.arrayContaining(["persistence", "optical-flow", "ensemble", "tinycnn", "unet-gpu"]));
    const list = (await (await fetch(`${server.url}/v1/models`)).json()) as { models: { name: string; kind: string }[] };
    expect(list.models.find((m) => m.name === "unet-gpu")?.kind).toBe("learned");
    // tinycnn's held-out benchmark (its metadata) does not beat optical flow: labelled, with its skill.
    type Label = { reason: string; benchmark: { csi: number; referenceCsi: number } | null; trainedOn: { count: number | null } | null };
    const models = list.models as { name: string; experimental?: Label }[];
    const tiny = models.find((m) => m.name === "tinycnn")!;
    expect(tiny.experimental?.reason).toBe("does-not-beat-reference");
    expect(tiny.experimental?.benchmark?.csi).toBeLessThan(tiny.experimental!.benchmark!.referenceCsi);
    // unet-gpu wins its benchmark, but on held-out frames of the storm it was trained on: still experimental.
    const unet = models.find((m) => m.name === "unet-gpu")!;
    expect(unet.experimental).toMatchObject({ reason: "benchmark-on-training-event", trainedOn: { source: "fmi", count: 16 } });
    expect(unet.experimental!.benchmark!.csi).toBeGreaterThan(unet.experimental!.benchmark!.referenceCsi);
    expect(models.find((m) => m.name === "optical-flow")!.experimental).toBeUndefined();
    expect(models.find((m) => m.name === "ensemble")!.experimental).toBeUndefined();
  });

  it("serves every model of the engine's registry, and every learned model the deployment names ships in its folder", async () => {
    const served = ((await (await fetch(`${server.url}/v1/models`)).json()) as { models: { name: string; kind: string }[] }).models;
    expect(served.filter((m) => m.kind !== "learned").map((m) => m.name).sort()).toEqual(Object.keys(MODEL_REGISTRY).sort());
    // wrangler.toml's INFERENCE_CONTAINER_MODELS (top level and production) lists learned models only, each one in the folder.
    for (const environment of [undefined, "production"]) {
      const named = unstable_readConfig({ config: "wrangler.toml", env: environment }).vars.INFERENCE_CONTAINER_MODELS;
      const names = String(named).split(",").filter(Boolean);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        expect(MODEL_REGISTRY[name], `${name} is a registry model, not a learned one`).toBeUndefined();
        expect(served.find((m) => m.name === name)?.kind, `${name} in container/models`).toBe("learned");
      }
    }
  });

  it("answers a nowcast request in the contract's binary format", async () => {
    const res = await post(encodeInferenceRequest({ model: "ensemble", leads: 3, past, options: { members: 6, seed: 7 } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(INFERENCE_CONTENT_TYPE);
    const result = decodeInferenceResponse(await res.arrayBuffer());
    expect(result).toMatchObject({ model: "ensemble", backend: "container", leads: 3, width: 128, height: 128 });
    expect(result.ensemble).toMatchObject({ members: 6, seed: 7, thresholdsMmPerHour: [0.5, 1, 5] });
    expect(result.computeMs).toBeGreaterThan(0);
  });

  it("refuses what breaks the contract with the error shape: garbage 400, unknown model 404, bad input 422", async () => {
    const garbage = await post(new Uint8Array([1, 2, 3]));
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: { code: string } }).error.code).toBe("bad_request");
    const unknown = await post(encodeInferenceRequest({ model: "nope", leads: 3, past }));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("unknown_model");
    const uneven = await post(encodeInferenceRequest({ model: "optical-flow", leads: 3, past: [past[0]!, past[2]!, past[1]!] }));
    expect(uneven.status).toBe(422);
  });

  it("takes a learned model upload (metadata + ONNX) and serves it", async () => {
    const metadata = JSON.parse(await readFile(join(MODELS, "tinycnn.json"), "utf8")) as Record<string, unknown>;
    const onnx = new Uint8Array(await readFile(join(MODELS, "tinycnn.onnx")));
    const mismatch = await fetch(`${server.url}/v1/models/other-name`, { method: "PUT", body: encodeModelUpload(metadata, onnx) });
    expect(mismatch.status).toBe(400);
    const upload = await fetch(`${server.url}/v1/models/uploaded`, { method: "PUT", body: encodeModelUpload({ ...metadata, name: "uploaded" }, onnx) });
    expect(upload.status).toBe(201);
    const res = await post(encodeInferenceRequest({ model: "uploaded", leads: 2, past }));
    const result = decodeInferenceResponse(await res.arrayBuffer());
    expect(result.model).toBe("uploaded");
    // Its nowcasts carry its label to the Worker, which shows it to the caller.
    expect(result.experimental).toMatchObject({ reason: "does-not-beat-reference", benchmark: { reference: "optical-flow", csi: 0.3169, referenceCsi: 0.3784 } });
    const engine = await post(encodeInferenceRequest({ model: "optical-flow", leads: 2, past }));
    expect(decodeInferenceResponse(await engine.arrayBuffer()).experimental).toBeUndefined();
    const builtin = await fetch(`${server.url}/v1/models/ensemble`, { method: "PUT", body: encodeModelUpload({ ...metadata, name: "ensemble" }, onnx) });
    expect(builtin.status).toBe(422);
  });
});
