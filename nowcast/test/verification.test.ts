import { describe, expect, it } from "vitest";
import {
  ContingencyAccumulator,
  ErrorAccumulator,
  MARSHALL_PALMER,
  NowcastVerifier,
  persistence,
  rainRateToDbz,
} from "../src/index.js";
import { eventFrames } from "./fixtures.js";

describe("ContingencyAccumulator", () => {
  it("counts an event only strictly above the threshold, leaving out NaN pairs", () => {
    const table = new ContingencyAccumulator([1]);
    const forecast = Float32Array.from([2, 1, 0.5, 3, NaN, 2, 0]);
    const observed = Float32Array.from([1.5, 1, 2, 0.2, 5, NaN, 0]);
    table.add(forecast, observed);
    const [scores] = table.scores();
    expect(scores).toMatchObject({ thresholdMmPerHour: 1, hits: 1, misses: 1, falseAlarms: 1, correctNegatives: 2 });
    expect(scores!.csi).toBeCloseTo(1 / 3, 12);
    expect(scores!.pod).toBeCloseTo(1 / 2, 12);
    expect(scores!.far).toBeCloseTo(1 / 2, 12);
    expect(scores!.bias).toBeCloseTo(1, 12);
  });

  it("sums tables over forecasts instead of averaging their scores", () => {
    const table = new ContingencyAccumulator([0.5]);
    // One forecast with 1 hit of 1 event, one with 1 hit, 3 misses and 1 false alarm.
    table.add(Float32Array.from([1]), Float32Array.from([1]));
    table.add(Float32Array.from([1, 0, 0, 0, 1]), Float32Array.from([1, 1, 1, 1, 0]));
    const [scores] = table.scores();
    expect(scores!.csi).toBeCloseTo(2 / 6, 12);
    expect(scores!.csi).not.toBeCloseTo((1 + 1 / 5) / 2, 3);
  });

  it("reports undefined scores as NaN", () => {
    const table = new ContingencyAccumulator([10]);
    table.add(Float32Array.from([0, 1]), Float32Array.from([0, 2]));
    const [scores] = table.scores();
    expect(scores!.csi).toBeNaN();
    expect(scores!.pod).toBeNaN();
    expect(scores!.far).toBeNaN();
    expect(scores!.correctNegatives).toBe(2);
  });
});

describe("ErrorAccumulator", () => {
  it("pools absolute and squared errors over all pixels added", () => {
    const errors = new ErrorAccumulator();
    errors.add(Float32Array.from([1, 2, NaN]), Float32Array.from([0, 2, 1]));
    errors.add(Float32Array.from([0]), Float32Array.from([3]));
    expect(errors.pixels).toBe(3);
    expect(errors.mae()).toBeCloseTo(4 / 3, 6);
    expect(errors.rmse()).toBeCloseTo(Math.sqrt(10 / 3), 6);
    expect(new ErrorAccumulator().mae()).toBeNaN();
  });
});

describe("NowcastVerifier", () => {
  it("scores by Marshall-Palmer rain rate, per lead", () => {
    const verifier = new NowcastVerifier(2, 5, [1]);
    const oneMmPerHourDbz = rainRateToDbz(1, MARSHALL_PALMER);
    // Exactly 1 mm/h is not above the 1 mm/h threshold; a hair more is.
    const observed = Float32Array.from([oneMmPerHourDbz - 1e-3, oneMmPerHourDbz + 0.01, 40, NaN]);
    const forecast = Float32Array.from([oneMmPerHourDbz + 0.01, oneMmPerHourDbz + 0.01, 10, 40]);
    verifier.add([forecast, observed], [observed, observed]);
    const [first, second] = verifier.scores();
    expect(first!.leadMinutes).toBe(5);
    expect(first!.categorical[0]).toMatchObject({ hits: 1, misses: 1, falseAlarms: 1, correctNegatives: 0 });
    expect(first!.pixels).toBe(3);
    expect(second!.leadMinutes).toBe(10);
    expect(second!.categorical[0]).toMatchObject({ hits: 2, misses: 0, falseAlarms: 0, correctNegatives: 1 });
    expect(second!.mae).toBe(0);
  });

  it("gives perfect scores to a forecast equal to the observation, on real frames", async () => {
    const frames = await eventFrames();
    const verifier = new NowcastVerifier(1, 5);
    verifier.add([frames[5]!.dbz], [frames[5]!.dbz]);
    const [lead] = verifier.scores();
    for (const scores of lead!.categorical) expect(scores).toMatchObject({ csi: 1, pod: 1, far: 0, bias: 1, misses: 0 });
    expect(lead!.mae).toBe(0);
    expect(lead!.rmse).toBe(0);
    expect(lead!.pixels).toBe(frames[5]!.dbz.filter((value) => !Number.isNaN(value)).length);
  });

  it("scores persistence lower as the lead grows, on real frames", async () => {
    const frames = await eventFrames();
    const verifier = new NowcastVerifier(12, 5);
    const result = persistence.forecast(frames.slice(0, 3));
    verifier.add(
      result.frames,
      frames.slice(3, 15).map((frame) => frame.dbz),
    );
    const csi = verifier.scores().map((lead) => lead.categorical[1]!.csi);
    expect(csi[0]!).toBeGreaterThan(csi[5]!);
    expect(csi[5]!).toBeGreaterThan(csi[11]!);
    expect(() => verifier.add(result.frames.slice(1), frames.slice(3, 14).map((frame) => frame.dbz))).toThrow(RangeError);
  });
});
