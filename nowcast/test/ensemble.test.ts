import { beforeAll, describe, expect, it } from "vitest";
import {
  createEnsembleModel,
  cropAround,
  eligibleStarts,
  ensemble,
  MARSHALL_PALMER,
  neighbourhoodProbabilities,
  ProbabilisticVerifier,
  type RadarFrame,
} from "../src/index.js";
import { Fft, Fft2d, radialWavenumbers } from "../src/noise/fft.js";
import { radialPowerSpectrum } from "../src/noise/spectral.js";
import { eventFrames } from "./fixtures.js";

let frames: RadarFrame[];
let past: RadarFrame[];

beforeAll(async () => {
  frames = await eventFrames();
  past = frames.slice(20, 23).map((f) => cropAround(f, 60.2, 24.9, 256));
});

describe("FFT", () => {
  it("matches the discrete Fourier transform and inverts exactly", () => {
    const n = 32;
    const x = Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + (i % 5) * 0.1);
    const re = Float64Array.from(x);
    const im = new Float64Array(n);
    new Fft(n).transform(re, im, false);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        sr += x[j]! * Math.cos((-2 * Math.PI * j * k) / n);
        si += x[j]! * Math.sin((-2 * Math.PI * j * k) / n);
      }
      expect(re[k]).toBeCloseTo(sr, 9);
      expect(im[k]).toBeCloseTo(si, 9);
    }
    const fft = new Fft2d(16, 8);
    const a = Float64Array.from({ length: 128 }, (_, i) => Math.cos(i));
    const b = new Float64Array(128);
    fft.forward(a, b);
    fft.inverse(a, b);
    a.forEach((v, i) => expect(v).toBeCloseTo(Math.cos(i), 12));
  });

  it("a plane wave's power sits at its radial wavenumber", () => {
    const size = 64;
    const re = Float64Array.from({ length: size * size }, (_, i) => Math.cos((2 * Math.PI * 5 * (i % size)) / size));
    const im = new Float64Array(size * size);
    new Fft2d(size, size).forward(re, im);
    const power = radialPowerSpectrum(re, im, radialWavenumbers(size, size));
    const peak = power.indexOf(Math.max(...power));
    expect(peak).toBe(5);
  });
});

describe("STEPS-style ensemble", () => {
  it("20 members, 12 leads: exceedance maps at 0.5, 1 and 5 mm/h, nested, in [0, 1]; the mean as frames", () => {
    const result = ensemble.forecast(past, 12);
    expect(result.model).toBe("ensemble");
    expect(result.frames).toHaveLength(12);
    expect(result.ensemble.members).toBe(20);
    expect(result.ensemble.thresholdsMmPerHour).toEqual([0.5, 1, 5]);
    expect(result.ensemble.spectralFactor).toBe(1);
    // Lag-1 autocorrelation decreases towards small scales (what makes them decay faster).
    const rho = result.ensemble.autocorrelation.map((b) => b.rho);
    expect(rho[0]).toBeGreaterThan(0.9);
    for (let l = 1; l < rho.length; l++) expect(rho[l]).toBeLessThanOrEqual(rho[l - 1]!);
    for (let k = 0; k < 12; k++) {
      const [p05, p1, p5] = result.ensemble.probabilities.map((byLead) => byLead[k]!);
      let bad = 0;
      for (let i = 0; i < p05!.length; i++) {
        const a = p05![i]!;
        if (a !== a) continue;
        if (!(a >= 0 && a <= 1 && p1![i]! <= a && p5![i]! <= p1![i]!)) bad++;
      }
      expect(bad).toBe(0);
    }
  });

  it("keeps the observed wet fraction (probability matching), and spreads with lead time", () => {
    const result = ensemble.forecast(past, 12);
    const wetFraction = (map: Float32Array) => {
      let sum = 0;
      let n = 0;
      for (const p of map) if (p === p) (sum += p), n++;
      return sum / n;
    };
    const observed = (() => {
      let wet = 0;
      let n = 0;
      // 0.5 mm/h under the FMI relation, which the maps use by default.
      for (const v of past[2]!.dbz) if (v === v) (n++, v > 10 * Math.log10(223) + 15.3 * Math.log10(0.5) ? wet++ : 0);
      return wet / n;
    })();
    const p05 = result.ensemble.probabilities[0]!;
    expect(wetFraction(p05[0]!)).toBeCloseTo(observed, 1);
    expect(wetFraction(p05[11]!)).toBeCloseTo(observed, 1);
    // Uncertain pixels (neither 0 nor 1) grow with lead time.
    const uncertain = (map: Float32Array) => map.filter((p) => p > 0.05 && p < 0.95).length;
    expect(uncertain(p05[11]!)).toBeGreaterThan(1.5 * uncertain(p05[0]!));
  });

  it("is reproducible from its seed, and another seed gives another ensemble", () => {
    const small = createEnsembleModel({ members: 4, seed: 11 });
    const a = small.forecast(past, 3);
    const b = small.forecast(past, 3);
    expect(a.ensemble.probabilities[0]![2]).toEqual(b.ensemble.probabilities[0]![2]);
    const c = createEnsembleModel({ members: 4, seed: 12 }).forecast(past, 3);
    expect(c.ensemble.probabilities[0]![2]).not.toEqual(a.ensemble.probabilities[0]![2]);
  });

  it("makes no rain out of a dry field, and none where the radar sees nothing", () => {
    const dry = past.map((f) => ({ ...f, dbz: f.dbz.map((v) => (v === v ? -32 : v)) }));
    const result = createEnsembleModel({ members: 4 }).forecast(dry, 3);
    for (const map of result.ensemble.probabilities.flat()) for (const p of map) if (p === p) expect(p).toBe(0);
    // A crop mostly outside the composite (its south-west corner): no value where no data is, deep inside it.
    const edge = frames.slice(20, 23).map((f) => cropAround(f, 57.9, 18.6, 128));
    const atEdge = createEnsembleModel({ members: 4 }).forecast(edge, 2);
    let invented = 0;
    for (let row = 0; row < 128; row++) {
      for (let col = 0; col < 128; col++) {
        const i = row * 128 + col;
        let deep = true;
        for (let dr = -15; dr <= 15 && deep; dr += 5) {
          for (let dc = -15; dc <= 15 && deep; dc += 5) {
            const r = row + dr;
            const c = col + dc;
            if (r >= 0 && c >= 0 && r < 128 && c < 128 && edge[2]!.dbz[r * 128 + c] === edge[2]!.dbz[r * 128 + c]) deep = false;
          }
        }
        if (deep && atEdge.frames[1]![i] === atEdge.frames[1]![i]) invented++;
      }
    }
    expect(invented).toBe(0);
  });

  it("the point series: the neighbourhood's mean exceedance probability per lead", () => {
    const result = createEnsembleModel({ members: 6 }).forecast(past, 4);
    const series = neighbourhoodProbabilities(result.ensemble, 256, 256, 128, 128, 2);
    expect(series).toHaveLength(3);
    expect(series[0]).toHaveLength(4);
    for (const byLead of series) for (const p of byLead) expect(p).toBeGreaterThanOrEqual(0);
  });

  it("has skill over climatology at short leads on the real event (Brier skill score > 0)", () => {
    const crops = frames.map((f) => cropAround(f, 60.2, 24.9, 256));
    const { sequences, stepMinutes } = eligibleStarts(crops, 3, 6);
    const model = createEnsembleModel({ members: 10, probabilityZr: MARSHALL_PALMER });
    const verifier = new ProbabilisticVerifier(6, stepMinutes, model.options.thresholdsMmPerHour);
    for (const { past: p, future } of sequences.filter((_, i) => i % 8 === 0)) {
      verifier.add(model.forecast(p, 6).ensemble.probabilities, future.map((f) => f.dbz));
    }
    const scores = verifier.scores();
    expect(scores[0]!.thresholds[0]!.brierSkill).toBeGreaterThan(0.3);
    expect(scores[5]!.thresholds[0]!.brierSkill).toBeGreaterThan(0);
  });

  it("20 members of a 256 x 256 crop and 12 leads take a few seconds at most", () => {
    ensemble.forecast(past, 12);
    const started = performance.now();
    ensemble.forecast(past, 12);
    // bench:infer measures it; this only guards against an order-of-magnitude regression on a busy machine.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
