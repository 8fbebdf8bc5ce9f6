import { beforeAll, describe, expect, it } from "vitest";
import { estimateMotion, extrapolate, FMI_ZR, type MotionField, motionAt, type RadarFrame } from "../src/index.js";
import { eventFrames } from "./fixtures.js";
import { shiftedFrame } from "./shift.js";

let base: RadarFrame;

beforeAll(async () => {
  base = (await eventFrames())[20]!;
});

/** Motion at every 4th pixel where the analysis shows rain (over 20 dBZ). */
function motionOverRain(motion: MotionField, analysis: RadarFrame): { u: number; v: number }[] {
  const samples: { u: number; v: number }[] = [];
  for (let row = 0; row < analysis.height; row += 4) {
    for (let col = 0; col < analysis.width; col += 4) {
      if (analysis.dbz[row * analysis.width + col]! > 20) samples.push(motionAt(motion, col + 0.5, row + 0.5));
    }
  }
  return samples;
}

/** Mean |forecast - truth| in dBZ over pixels where both have values and either shows rain. */
function meanAbsErrorDbz(forecast: Float32Array, truth: Float32Array): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < truth.length; i++) {
    const f = forecast[i]!;
    const t = truth[i]!;
    if (Number.isNaN(f) || Number.isNaN(t) || !(f > 10 || t > 10)) continue;
    sum += Math.abs(f - t);
    count++;
  }
  return sum / count;
}

describe.each([
  [2.4, -1.3],
  [-0.6, 3.7],
])("a real frame moving by (%f, %f) px per step", (dx, dy) => {
  let frames: RadarFrame[];
  let motion: MotionField;

  beforeAll(() => {
    frames = [0, 1, 2].map((k) => shiftedFrame(base, k * dx, k * dy, 5 * k));
    motion = estimateMotion(
      frames.map((frame) => frame.dbz),
      base.width,
      base.height,
      FMI_ZR,
    );
  });

  it("has its motion recovered within 0.3 px", () => {
    const samples = motionOverRain(motion, frames[2]!);
    expect(samples.length).toBeGreaterThan(1000);
    const errors = samples.map(({ u, v }) => Math.hypot(u - dx, v - dy)).sort((a, b) => a - b);
    expect(errors[Math.floor(errors.length * 0.95)]!).toBeLessThan(0.3);
    const meanU = samples.reduce((sum, s) => sum + s.u, 0) / samples.length;
    const meanV = samples.reduce((sum, s) => sum + s.v, 0) / samples.length;
    expect(Math.hypot(meanU - dx, meanV - dy)).toBeLessThan(0.15);
  });

  it("is advected on to where the shift puts it", () => {
    const forecast = extrapolate(frames[2]!.dbz, base.width, base.height, motion, 6);
    for (const lead of [1, 3, 6]) {
      const truth = shiftedFrame(base, (2 + lead) * dx, (2 + lead) * dy, 0).dbz;
      const error = meanAbsErrorDbz(forecast[lead - 1]!, truth);
      const persistenceError = meanAbsErrorDbz(frames[2]!.dbz, truth);
      expect(error).toBeLessThan(1.5);
      expect(error).toBeLessThan(0.2 * persistenceError);
    }
  });
});

describe("motion of still frames", () => {
  it("is nearly zero everywhere, the edges of radar coverage included", () => {
    const motion = estimateMotion([base.dbz, base.dbz, base.dbz], base.width, base.height, FMI_ZR);
    expect([motion.width, motion.height, motion.cellPx]).toEqual([190, 307, 4]);
    for (let i = 0; i < motion.u.length; i++) {
      expect(Math.abs(motion.u[i]!)).toBeLessThan(0.01);
      expect(Math.abs(motion.v[i]!)).toBeLessThan(0.01);
    }
  });

  it("rejects frames that do not match the stated size, and images too small", () => {
    expect(() => estimateMotion([base.dbz, base.dbz.subarray(1)], base.width, base.height, FMI_ZR)).toThrow(RangeError);
    expect(() => estimateMotion([base.dbz.subarray(0, 64), base.dbz.subarray(0, 64)], 8, 8, FMI_ZR)).toThrow(RangeError);
  });
});
