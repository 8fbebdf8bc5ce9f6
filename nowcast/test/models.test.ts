import { beforeAll, describe, expect, it } from "vitest";
import {
  createOpticalFlowModel,
  DEFAULT_OPTICAL_FLOW_OPTIONS,
  getModel,
  NOWCAST_MODELS,
  NowcastInputError,
  opticalFlow,
  persistence,
  type RadarFrame,
} from "../src/index.js";
import { eventFrames } from "./fixtures.js";

let past: RadarFrame[];

beforeAll(async () => {
  past = (await eventFrames()).slice(10, 13);
});

describe("persistence", () => {
  it("repeats the newest frame at every lead, as copies", () => {
    const result = persistence.forecast(past);
    expect(result.leads).toBe(12);
    expect(result.frames).toHaveLength(12);
    expect(result.stepMinutes).toBe(5);
    expect(result.analysisTime).toEqual(past[2]!.obstime);
    expect(result.motion).toBeUndefined();
    for (const field of result.frames) expect(field).toEqual(past[2]!.dbz);
    result.frames[0]![0] = 99;
    expect(past[2]!.dbz[0]).not.toBe(99);
  });
});

describe("optical flow", () => {
  it("returns leads frames at the input's time step, with its motion field", () => {
    const result = opticalFlow.forecast(past, 4);
    expect(result.model).toBe("optical-flow");
    expect(result.source).toBe("fmi");
    expect(result.frames).toHaveLength(4);
    expect(result.frames[0]!.length).toBe(760 * 1226);
    expect(result.stepMinutes).toBe(5);
    expect(result.georef).toEqual(past[2]!.georef);
    expect(result.motion).toMatchObject({ width: 190, height: 307, cellPx: 4 });
    // Rain in this event moves a few pixels per step; a field of zeros or noise would not.
    const speeds = Array.from(result.motion!.u, (u, i) => Math.hypot(u, result.motion!.v[i]!));
    const meanSpeed = speeds.reduce((a, b) => a + b, 0) / speeds.length;
    expect(meanSpeed).toBeGreaterThan(0.5);
    expect(meanSpeed).toBeLessThan(10);
  });

  it("uses only the newest motionFrames frames", () => {
    const twoFrames = createOpticalFlowModel({ ...DEFAULT_OPTICAL_FLOW_OPTIONS, motionFrames: 2 });
    const fromThree = twoFrames.forecast(past, 1);
    const fromTwo = twoFrames.forecast(past.slice(1), 1);
    expect(fromThree.motion!.u).toEqual(fromTwo.motion!.u);
    expect(() => createOpticalFlowModel({ ...DEFAULT_OPTICAL_FLOW_OPTIONS, motionFrames: 1 })).toThrow(RangeError);
  });

  it("rejects a grid too small to estimate motion on", () => {
    const tiny = past.map((frame) => ({ ...frame, width: 8, height: 8, dbz: frame.dbz.subarray(0, 64) }));
    expect(() => opticalFlow.forecast(tiny)).toThrow(NowcastInputError);
    expect(persistence.forecast(tiny).frames[0]).toEqual(tiny[2]!.dbz);
  });
});

describe("model input checks", () => {
  it.each(Object.keys(NOWCAST_MODELS))("%s rejects input it cannot forecast from", (name) => {
    const model = getModel(name);
    expect(() => model.forecast(past.slice(2))).toThrow(NowcastInputError);
    expect(() => model.forecast([past[2]!, past[1]!])).toThrow(NowcastInputError);
    expect(() => model.forecast([past[0]!, past[2]!, past[1]!])).toThrow(NowcastInputError);
    expect(() => model.forecast([past[0]!, past[2]!, { ...past[2]!, obstime: new Date(past[2]!.obstime.getTime() + 300_000) }])).toThrow(
      NowcastInputError,
    );
    const small = { ...past[2]!, width: 10, height: 10, dbz: new Float32Array(100) };
    expect(() => model.forecast([past[1]!, small])).toThrow(NowcastInputError);
    const elsewhere = { ...past[2]!, georef: { ...past[2]!.georef, westM: past[2]!.georef.westM + 1000 } };
    expect(() => model.forecast([past[1]!, elsewhere])).toThrow(NowcastInputError);
    expect(() => model.forecast(past, 0)).toThrow(NowcastInputError);
  });

  it("names its models", () => {
    expect(getModel("persistence")).toBe(persistence);
    expect(getModel("optical-flow")).toBe(opticalFlow);
    expect(() => getModel("steps")).toThrow(/unknown model/);
  });
});
