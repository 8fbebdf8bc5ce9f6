import { describe, expect, it } from "vitest";
import {
  createLearnedModel,
  LEARNED_MODEL_FORMAT,
  LearnedModelError,
  type LearnedModelMetadata,
  parseLearnedModelMetadata,
  type RadarFrame,
} from "../src/index.js";

const metadata: LearnedModelMetadata = {
  format: LEARNED_MODEL_FORMAT,
  name: "identity",
  onnx: "identity.onnx",
  input: { name: "past", frames: 3, layout: "NCHW" },
  output: { name: "next", layout: "NCHW" },
  sizeMultiple: 4,
  stepMinutes: 5,
  leads: 12,
  normalization: { kind: "rain-db", zr: { a: 223, b: 1.53 }, thresholdMmPerHour: 0.1, zeroDb: -15, offsetDb: 15, scale: 0.04, noDataInput: 0, dryDbz: -32 },
};

function frame(minutes: number, dbz: number[]): RadarFrame {
  return {
    source: "fmi",
    obstime: new Date(Date.UTC(2016, 8, 28, 17, minutes)),
    width: 3,
    height: 2,
    dbz: Float32Array.from(dbz),
    georef: {
      projection: { kind: "polar-stereographic", centralLongitudeDeg: 25, trueLatitudeDeg: 60, ellipsoid: { semiMajorAxisM: 6371288, semiMinorAxisM: 6371288 } },
      westM: 0,
      northM: 0,
      pixelWidthM: 1000,
      pixelHeightM: 1000,
      width: 3,
      height: 2,
    },
  };
}

describe("learned-model metadata", () => {
  it("parses the contract and names the first problem otherwise", () => {
    expect(parseLearnedModelMetadata(JSON.parse(JSON.stringify(metadata)))).toEqual(metadata);
    expect(() => parseLearnedModelMetadata({ ...metadata, name: "Bad Name" })).toThrow(LearnedModelError);
    expect(() => parseLearnedModelMetadata({ ...metadata, sizeMultiple: 0 })).toThrow(/sizeMultiple/);
    expect(() => parseLearnedModelMetadata({ ...metadata, normalization: { ...metadata.normalization, scale: -1 } })).toThrow(/scale/);
    expect(() => parseLearnedModelMetadata([])).toThrow(/object/);
  });
});

describe("the autoregressive nowcaster around a network", () => {
  it("pads to the size multiple, feeds each output back, and maps normalised dB back to dBZ", async () => {
    const shapes: number[][] = [];
    // A network that returns its newest input frame: the nowcast is then persistence, up to the dB floor.
    const model = createLearnedModel(metadata, {
      async run(input, frames, height, width) {
        shapes.push([frames, height, width]);
        return input.slice((frames - 1) * height * width);
      },
    });
    const past = [frame(45, [-32, 20, 30, 40, NaN, 10]), frame(50, [-32, 20, 30, 40, NaN, 10]), frame(55, [-32, 25, 35, 45, NaN, 0])];
    const result = await model.forecast(past, 3);
    expect(shapes).toEqual([[3, 4, 4], [3, 4, 4], [3, 4, 4]]);
    expect(result).toMatchObject({ model: "identity", leads: 3, width: 3, height: 2 });
    const last = result.frames[2]!;
    expect(last[0]).toBe(-32);
    expect(last[1]).toBeCloseTo(25, 4);
    expect(last[3]).toBeCloseTo(45, 4);
    expect(last[4]).toBeNaN();
    // 0 dBZ is below 0.1 mm/h under the FMI relation: dry.
    expect(last[5]).toBe(-32);
  });

  it("refuses another time step", async () => {
    const model = createLearnedModel(metadata, { run: async (input) => input });
    await expect(model.forecast([frame(40, [0, 0, 0, 0, 0, 0]), frame(50, [0, 0, 0, 0, 0, 0]), frame(60, [0, 0, 0, 0, 0, 0])], 1)).rejects.toThrow(/5-minute/);
  });
});

describe("experimental learned models", () => {
  it("a model is experimental without a benchmark, with one it does not win, or with one on its training event", async () => {
    const { experimentalLabel, isExperimental } = await import("../src/models/learned.js");
    const benchmark = { reference: "optical-flow", thresholdMmPerHour: 1, leadMinutes: 30, frames: "held out" };
    expect(isExperimental({})).toBe(true);
    expect(isExperimental({ benchmark: { ...benchmark, csi: 0.3, referenceCsi: 0.38, sameEventAsTraining: false } })).toBe(true);
    expect(isExperimental({ benchmark: { ...benchmark, csi: 0.38, referenceCsi: 0.38, sameEventAsTraining: false } })).toBe(true);
    // A win on held-out frames of the storm it was trained on shows nothing about unseen weather.
    expect(isExperimental({ benchmark: { ...benchmark, csi: 0.42, referenceCsi: 0.38 } })).toBe(true);
    expect(isExperimental({ benchmark: { ...benchmark, csi: 0.42, referenceCsi: 0.38, sameEventAsTraining: true } })).toBe(true);
    expect(isExperimental({ benchmark: { ...benchmark, csi: 0.42, referenceCsi: 0.38, sameEventAsTraining: false } })).toBe(false);
    const training = { frames: { source: "fmi", from: "201609281445", to: "201609281600", count: 16 } };
    expect(experimentalLabel({ training })).toEqual({ reason: "no-benchmark", benchmark: null, trainedOn: { source: "fmi", from: "201609281445", to: "201609281600", count: 16 } });
    expect(experimentalLabel({ benchmark: { ...benchmark, csi: 0.42, referenceCsi: 0.38 } })).toMatchObject({ reason: "benchmark-on-training-event", trainedOn: null });
  });
});
