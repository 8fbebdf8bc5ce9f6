import { beforeAll, describe, expect, it } from "vitest";
import {
  createEnsembleModel,
  cropAround,
  cropWindow,
  eligibleStarts,
  ensemble,
  latLonToPixel,
  MARSHALL_PALMER,
  neighbourhoodProbabilities,
  opticalFlow,
  ProbabilisticVerifier,
  type RadarFrame,
} from "../src/index.js";
import { sprog } from "../src/models/sprog.js";
import { EnsembleAccumulator } from "../src/verification/ensembleScores.js";
import { NowcastVerifier } from "../src/verification/nowcastVerifier.js";
import { Fft, Fft2d } from "../src/noise/fft.js";
import { decomposeSpectrum, gaussianBandpassFilter, statisticsOver } from "../src/cascade/bandpass.js";
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

  it("a plane wave of wavenumber 5 lands in the cascade level centred nearest 5", () => {
    const size = 64;
    const re = Float64Array.from({ length: size * size }, (_, i) => Math.cos((2 * Math.PI * 5 * (i % size)) / size));
    const im = new Float64Array(size * size);
    const fft = new Fft2d(size, size);
    fft.forward(re, im);
    const filter = gaussianBandpassFilter(size, size, 6);
    const all = new Uint8Array(size * size).fill(1);
    const stds = decomposeSpectrum(fft, filter, re, im).map((level) => statisticsOver(level, all).std);
    const nearest = filter.centralWavenumbers.reduce((best, c, l) => (Math.abs(Math.log(c / 5)) < Math.abs(Math.log(filter.centralWavenumbers[best]! / 5)) ? l : best), 0);
    expect(stds.indexOf(Math.max(...stds))).toBe(nearest);
  });
});

describe("STEPS ensemble", () => {
  it("20 members, 12 leads at native resolution: a cascade of 8 levels whose small scales decorrelate fastest", () => {
    const result = ensemble.forecast(past, 12);
    expect(result.model).toBe("ensemble");
    expect(result.frames).toHaveLength(12);
    expect(result.ensemble.members).toBe(20);
    expect(result.ensemble.thresholdsMmPerHour).toEqual([0.5, 1, 5]);
    expect(result.ensemble.spectralFactor).toBe(1);
    expect(result.ensemble.probabilities[0]![0]).toHaveLength(256 * 256);
    const levels = result.ensemble.cascade!;
    expect(levels).toHaveLength(8);
    // Measured on the frames, not clamped: the largest scales persist, the 1-2 km scales barely do.
    expect(levels[0]!.gamma1).toBeGreaterThan(0.95);
    expect(levels[7]!.gamma1).toBeLessThan(0.5);
    // Every level's AR(2) is stationary (the lag-2 adjustment): roots of z^2 - phi1 z - phi2 inside the unit circle.
    for (const { phi1, phi2 } of levels) {
      const disc = phi1 * phi1 + 4 * phi2;
      const largest = disc >= 0 ? Math.max(Math.abs(phi1 + Math.sqrt(disc)), Math.abs(phi1 - Math.sqrt(disc))) / 2 : Math.sqrt(-phi2);
      expect(largest).toBeLessThan(1);
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

  it("is calibrated in spread on the real event: spread/skill near 1, outer ranks not crowded", () => {
    const crops = frames.map((f) => cropAround(f, 60.2, 24.9, 256));
    const { sequences } = eligibleStarts(crops, 3, 6);
    const model = createEnsembleModel({ members: 10, keepMembers: true });
    const atLead = [1, 6].map(() => new EnsembleAccumulator(10));
    for (const { past: p, future } of sequences.filter((_, i) => i % 8 === 0)) {
      const members = model.forecast(p, 6).ensemble.memberFrames!;
      [1, 6].forEach((lead, k) => atLead[k]!.addDbz(members.map((m) => m[lead - 1]!), future[lead - 1]!.dbz));
    }
    // The previous engine: 0.30 and 0.63 at 5 min (overconfident); pySTEPS STEPS 0.64 / 0.21 on the full grid.
    for (const acc of atLead) {
      const { spreadSkillRatio, outerRankShare } = acc.scores();
      expect(spreadSkillRatio).toBeGreaterThan(0.7);
      expect(spreadSkillRatio).toBeLessThan(1.3);
      expect(outerRankShare).toBeLessThan(0.25);
    }
  });

  it("noise is normalised over the pixels with data: a no-data surround does not shrink the spread", () => {
    // The same 128-pixel area of rain, alone and inside a 256-pixel window whose rest is no data.
    const { x, y } = latLonToPixel(frames[22]!.georef, 60.2, 24.9);
    const col0 = Math.floor(x) - 64;
    const row0 = Math.floor(y) - 64;
    const alone = frames.slice(20, 23).map((f) => cropWindow(f, col0, row0, 128, 128));
    const surrounded = frames.slice(20, 23).map((f) => {
      const window = cropWindow(f, col0 - 64, row0 - 64, 256, 256);
      const dbz = window.dbz.map((v, i) => {
        const r = Math.floor(i / 256);
        const c = i % 256;
        return r >= 64 && r < 192 && c >= 64 && c < 192 ? v : NaN;
      });
      return { ...window, dbz };
    });
    const model = createEnsembleModel({ members: 8, keepMembers: true, velocityPerturbation: null });
    const spreadOf = (result: ReturnType<typeof model.forecast>, width: number, offset: number) => {
      const members = result.ensemble.memberFrames!.map((m) => m[0]!);
      let sum = 0;
      let n = 0;
      for (let r = 16; r < 112; r++) {
        for (let c = 16; c < 112; c++) {
          const i = (r + offset) * width + c + offset;
          const values = members.map((m) => m[i]!);
          if (values.some((v) => v !== v) || values.every((v) => v < 10)) continue;
          const mean = values.reduce((a, b) => a + b, 0) / values.length;
          sum += values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
          n++;
        }
      }
      return Math.sqrt(sum / n);
    };
    const a = spreadOf(model.forecast(alone, 1), 128, 0);
    const b = spreadOf(model.forecast(surrounded, 1), 256, 64);
    expect(a).toBeGreaterThan(0.5);
    expect(b / a).toBeGreaterThan(0.75);
    expect(b / a).toBeLessThan(1.33);
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
    // The neighbourhood of the crop centre, averaged by hand from the maps.
    for (let t = 0; t < 3; t++) {
      for (let k = 0; k < 4; k++) {
        const map = result.ensemble.probabilities[t]![k]!;
        let sum = 0;
        for (let r = 126; r <= 130; r++) for (let c = 126; c <= 130; c++) sum += map[r * 256 + c]!;
        expect(series[t]![k]).toBeCloseTo(sum / 25, 6);
      }
    }
  });

  it("has skill over climatology on the real event (Brier skill score > 0)", () => {
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
});

describe("S-PROG", () => {
  it("beats optical flow's CSI at 1 mm/h at 30 and 45 min on the real event, and is deterministic", () => {
    const crops = frames.map((f) => cropAround(f, 60.2, 24.9, 256));
    const { sequences, stepMinutes } = eligibleStarts(crops, 3, 12);
    const scores = [sprog, opticalFlow].map((model) => {
      const verifier = new NowcastVerifier(12, stepMinutes);
      for (const { past: p, future } of sequences.filter((_, i) => i % 6 === 0)) verifier.add(model.forecast(p, 12).frames, future.map((f) => f.dbz));
      return verifier.scores();
    });
    const csi = (k: number, m: number) => scores[m]![k]!.categorical.find((c) => c.thresholdMmPerHour === 1)!.csi;
    // 30 and 45 min; at 60 min the two are level within the sampling noise of these 7 starts (see bench:skill).
    for (const k of [5, 8]) expect(csi(k, 0)).toBeGreaterThanOrEqual(csi(k, 1));
    expect(sprog.forecast(past, 2).frames[1]).toEqual(sprog.forecast(past, 2).frames[1]);
  });
});
