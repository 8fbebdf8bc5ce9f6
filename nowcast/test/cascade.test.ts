import { beforeAll, describe, expect, it } from "vitest";
import { decomposeSpectrum, gaussianBandpassFilter, statisticsOver } from "../src/cascade/bandpass.js";
import { cropAround, dbzToRainDecibels, FMI_ZR, type RadarFrame } from "../src/index.js";
import { Fft2d } from "../src/noise/fft.js";
import { Random } from "../src/noise/random.js";
import { adjustLag2Correlation, yuleWalkerAr2 } from "../src/timeseries/autoregression.js";
import { IncrementalMask } from "../src/postprocessing/incrementalMask.js";
import { CdfMatcher } from "../src/postprocessing/probabilityMatching.js";
import { eventFrames } from "./fixtures.js";

let crop: RadarFrame;
let db: Float32Array;

beforeAll(async () => {
  crop = cropAround((await eventFrames())[22]!, 60.2, 24.9, 128);
  db = dbzToRainDecibels(crop.dbz, FMI_ZR);
});

describe("Gaussian band-pass cascade", () => {
  it("8 levels of a real field sum back to the field; weights sum to 1", () => {
    const filter = gaussianBandpassFilter(128, 128, 8);
    expect(filter.centralWavenumbers).toHaveLength(8);
    for (let i = 0; i < 128 * 128; i += 97) {
      let sum = 0;
      for (const w of filter.weights) sum += w[i]!;
      expect(sum).toBeCloseTo(1, 6);
    }
    const re = Float64Array.from(db, (v) => (v === v ? v : -15));
    const original = re.slice();
    const im = new Float64Array(re.length);
    const fft = new Fft2d(128, 128);
    fft.forward(re, im);
    const levels = decomposeSpectrum(fft, filter, re, im);
    let worst = 0;
    for (let i = 0; i < original.length; i++) {
      let sum = 0;
      for (const level of levels) sum += level[i]!;
      worst = Math.max(worst, Math.abs(sum - original[i]!));
    }
    expect(worst).toBeLessThan(1e-3);
    // The field's mean sits in the largest scales: the two coarsest levels carry it, the finest none.
    const all = new Uint8Array(original.length).fill(1);
    const fieldMean = original.reduce((a, b) => a + b, 0) / original.length;
    const coarse = statisticsOver(levels[0]!, all).mean + statisticsOver(levels[1]!, all).mean;
    expect(coarse).toBeCloseTo(fieldMean, 1);
    expect(Math.abs(statisticsOver(levels[7]!, all).mean)).toBeLessThan(0.01);
  });

  it("statistics count only the pixels marked valid", () => {
    const field = Float32Array.from([1, 2, 3, 100, -100]);
    expect(statisticsOver(field, Uint8Array.from([1, 1, 1, 0, 0]))).toEqual({ mean: 2, std: Math.sqrt(2 / 3) });
  });
});

describe("AR(2) by Yule-Walker", () => {
  it("recovers the coefficients of a simulated AR(2) process", () => {
    const random = new Random(7);
    const n = 200_000;
    const x = new Float64Array(n);
    for (let t = 2; t < n; t++) x[t] = 1.2 * x[t - 1]! - 0.3 * x[t - 2]! + random.normal();
    const corr = (lag: number) => {
      let a = 0;
      let b = 0;
      for (let t = 1000; t < n; t++) (a += x[t]! * x[t - lag]!), (b += x[t]! * x[t]!);
      return a / b;
    };
    const ar = yuleWalkerAr2(corr(1), corr(2));
    expect(ar.phi1).toBeCloseTo(1.2, 1);
    expect(ar.phi2).toBeCloseTo(-0.3, 1);
  });

  it("moves a lag-2 correlation outside the stationary region onto its edge", () => {
    expect(adjustLag2Correlation(0.9, 0.5)).toBeCloseTo(2 * 0.81 - 1, 8);
    expect(adjustLag2Correlation(0.9, 0.7)).toBe(0.7);
    const { phi1, phi2 } = yuleWalkerAr2(0.9, 0.5);
    // Stationary: both roots of z^2 - phi1 z - phi2 inside the unit circle.
    const disc = phi1 * phi1 + 4 * phi2;
    const moduli = disc >= 0 ? [Math.abs((phi1 + Math.sqrt(disc)) / 2), Math.abs((phi1 - Math.sqrt(disc)) / 2)] : [Math.sqrt(-phi2), Math.sqrt(-phi2)];
    for (const m of moduli) expect(m).toBeLessThan(1);
  });
});

describe("incremental precipitation mask", () => {
  it("equals pySTEPS' repeated binary dilations on a real wet area", () => {
    const { width, height } = crop;
    const wet = Uint8Array.from(db, (v) => (v > -10 ? 1 : 0));
    const out = new Float32Array(width * height);
    new IncrementalMask(width, height, 2, 10).compute(wet, out);
    // pySTEPS: dilate twice (the buffer), then add 10 more single dilations, divide by the max.
    const dilate = (m: Uint8Array) => {
      const next = m.slice();
      for (let r = 0; r < height; r++) {
        for (let c = 0; c < width; c++) {
          const i = r * width + c;
          if (m[i] || (c > 0 && m[i - 1]) || (c < width - 1 && m[i + 1]) || (r > 0 && m[i - width]) || (r < height - 1 && m[i + width])) next[i] = 1;
        }
      }
      return next;
    };
    let d = dilate(dilate(wet));
    const sum = Float32Array.from(d);
    for (let k = 0; k < 10; k++) {
      d = dilate(d);
      for (let i = 0; i < sum.length; i++) sum[i]! += d[i]!;
    }
    let worst = 0;
    for (let i = 0; i < sum.length; i++) worst = Math.max(worst, Math.abs(sum[i]! / 11 - out[i]!));
    expect(worst).toBeLessThan(1e-6);
    expect(wet.some((v) => v === 0) && wet.some((v) => v === 1)).toBe(true);
  });
});

describe("probability matching", () => {
  it("gives a field the target's values while keeping its own order", () => {
    const target = db;
    const source = Float32Array.from(db, (v, i) => (v === v ? Math.sin(i * 0.01) * 10 : NaN));
    const matched = source.slice();
    new CdfMatcher(target).match(matched);
    const sortedOf = (a: Float32Array) => Float32Array.from(a.filter((v) => v === v)).sort();
    const a = sortedOf(matched);
    const b = sortedOf(target);
    expect(a.length).toBe(b.length);
    // Same distribution: quantiles agree (the histogram lookup may shift a value by one rank).
    for (const q of [0.1, 0.5, 0.9, 0.99]) expect(a[Math.floor(q * a.length)]).toBeCloseTo(b[Math.floor(q * b.length)]!, 0);
    for (let i = 0; i < source.length; i++) if (source[i] !== source[i]) expect(matched[i]).toBeNaN();
    // Monotone: a larger source value never gets a smaller target value.
    const order = [...source.keys()].filter((i) => source[i] === source[i]).sort((x, y) => source[x]! - source[y]!);
    let inversions = 0;
    for (let k = 1; k < order.length; k++) if (matched[order[k]!]! < matched[order[k - 1]!]!) inversions++;
    expect(inversions).toBe(0);
  });
});
