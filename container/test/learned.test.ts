import { spawnSync } from "node:child_process";
import { readFile, mkdtemp, rm, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { radarDataDir, readComposites } from "../../nowcast/node/radarFiles.js";
import { cropAround, LearnedModelError, persistence, type RadarFrame } from "../../nowcast/src/index.js";
import { loadLearnedModel, loadLearnedModelFile } from "../src/onnx.js";

const MODELS = fileURLToPath(new URL("../models", import.meta.url));
const TRAIN = fileURLToPath(new URL("../train/train.ts", import.meta.url));
const TSX_CLI = fileURLToPath(import.meta.resolve("tsx/cli"));

let frames: RadarFrame[];
let past: RadarFrame[];
let scratch: string;

beforeAll(async () => {
  frames = await readComposites(join(radarDataDir(), "20160928"));
  past = frames.slice(30, 33).map((f) => cropAround(f, 60.2, 24.9, 256));
  scratch = await mkdtemp(join(tmpdir(), "learned-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("learned models from container/models (trained on the real frames)", () => {
  for (const name of ["tinycnn", "unet-gpu"]) {
    it(`${name}: metadata + ONNX load, 12 autoregressive leads, no data stays no data`, async () => {
      const model = await loadLearnedModelFile(join(MODELS, `${name}.json`));
      expect(model.name).toBe(name);
      expect(model.metadata.training?.frames).toMatchObject({ source: "fmi", from: "201609281445", to: "201609281600" });
      const result = await model.forecast(past, 12);
      expect(result).toMatchObject({ model: name, leads: 12, width: 256, height: 256, stepMinutes: 5 });
      expect(result.analysisTime).toEqual(past[2]!.obstime);
      let invented = 0;
      let wet = 0;
      for (const frame of result.frames) {
        for (let i = 0; i < frame.length; i++) {
          const v = frame[i]!;
          if (past[2]!.dbz[i] !== past[2]!.dbz[i] && v === v) invented++;
          if (v > 20) wet++;
        }
      }
      expect(invented).toBe(0);
      expect(wet).toBeGreaterThan(0);
      // It forecasts something other than persistence.
      const still = persistence.forecast(past, 12);
      let differs = 0;
      for (let i = 0; i < still.frames[11]!.length; i++) if (Math.abs(still.frames[11]![i]! - result.frames[11]![i]!) > 1) differs++;
      expect(differs).toBeGreaterThan(1000);
    });
  }

  it("an odd-sized crop is padded to the graph's multiple and cropped back", async () => {
    const model = await loadLearnedModelFile(join(MODELS, "unet-gpu.json"));
    const odd = frames.slice(30, 33).map((f) => cropAround(f, 60.2, 24.9, 101));
    const result = await model.forecast(odd, 2);
    expect(result.frames[1]!.length).toBe(101 * 101);
  });

  it("refuses input at another time step, and too few frames", async () => {
    const model = await loadLearnedModelFile(join(MODELS, "tinycnn.json"));
    const tenMinutes = [frames[28]!, frames[30]!, frames[32]!].map((f) => cropAround(f, 60.2, 24.9, 64));
    await expect(model.forecast(tenMinutes, 3)).rejects.toThrow(/5-minute steps/);
    await expect(model.forecast(past.slice(1), 3)).rejects.toThrow(/needs 3 past frames/);
  });

  it("broken metadata or a broken graph is a LearnedModelError", async () => {
    const metadata = JSON.parse(await readFile(join(MODELS, "tinycnn.json"), "utf8")) as Record<string, unknown>;
    const onnx = new Uint8Array(await readFile(join(MODELS, "tinycnn.onnx")));
    await expect(loadLearnedModel({ ...metadata, format: "other" }, onnx)).rejects.toThrow(LearnedModelError);
    await expect(loadLearnedModel({ ...metadata, normalization: { kind: "rain-db" } }, onnx)).rejects.toThrow(/normalization/);
    await expect(loadLearnedModel({ ...metadata, input: { name: "x", frames: 3, layout: "NCHW" } }, onnx)).rejects.toThrow(/inputs\/outputs/);
    await expect(loadLearnedModel(metadata, onnx.slice(0, 500))).rejects.toThrow(/does not load/);
  });
});

describe("npm run train", () => {
  it("trains on the real frames and writes a real ONNX graph with its metadata, which loads and runs", async () => {
    const out = join(scratch, "trained");
    const run = spawnSync(process.execPath, [TSX_CLI, TRAIN, "--steps", "3", "--batch", "2", "--out", out, "--name", "quick"], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const metadata = JSON.parse(await readFile(join(out, "quick.json"), "utf8"));
    expect(metadata).toMatchObject({
      format: "nowcast-edge/learned-model@1",
      name: "quick",
      onnx: "quick.onnx",
      input: { name: "past", frames: 3 },
      training: { frames: { from: "201609281445", to: "201609281600", count: 16 }, heldOutFrom: "201609281605", steps: 3 },
    });
    expect(run.stderr).toContain("onnxCheckMaxAbsDiff");
    const model = await loadLearnedModelFile(join(out, "quick.json"));
    expect((await model.forecast(past, 2)).frames).toHaveLength(2);
    // The same files load from a copy elsewhere (the ONNX file is found beside its metadata).
    await copyFile(join(out, "quick.onnx"), join(scratch, "quick.onnx"));
    await writeFile(join(scratch, "quick.json"), JSON.stringify(metadata));
    expect((await loadLearnedModelFile(join(scratch, "quick.json"))).name).toBe("quick");
  });
});
