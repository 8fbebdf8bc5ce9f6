import { describe, expect, it } from "vitest";
import { blockBootstrapInterval } from "../src/verification/bootstrap.js";
import { EnsembleAccumulator } from "../src/verification/ensembleScores.js";
import { FssAccumulator } from "../src/verification/fss.js";
import { BrierAccumulator } from "../src/verification/probabilistic.js";
import { RocAccumulator } from "../src/verification/roc.js";
import { Random } from "../src/noise/random.js";

// Score definitions checked on small hand-made numbers (not radar fields): each expected value
// is worked out by hand from the score's textbook definition.
describe("ensemble scores", () => {
  it("CRPS of a two-member ensemble: mean |x - y| - |x1 - x2| / 4", () => {
    const acc = new EnsembleAccumulator(2);
    // Members 1 and 3, observation 2: (1 + 1) / 2 - 2 / 4 = 0.5. Members 0.5 and 0.5, observation 2: 1.5.
    acc.add([Float32Array.from([1, 0.5]), Float32Array.from([3, 0.5])], Float32Array.from([2, 2]));
    expect(acc.scores().crpsMmPerHour).toBeCloseTo(1, 9);
  });

  it("an ensemble drawn like the observation has a flat rank histogram and spread/skill near 1", () => {
    const random = new Random(3);
    const m = 9;
    const n = 40_000;
    const members = Array.from({ length: m }, () => new Float32Array(n));
    const observed = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      // Every pixel its own log-normal distribution (mean varying across pixels); all wet.
      const centre = 2 * random.normal();
      for (let j = 0; j < m; j++) members[j]![i] = Math.exp(centre + random.normal());
      observed[i] = Math.exp(centre + random.normal());
    }
    const scores = new EnsembleAccumulator(m);
    scores.add(members, observed);
    const { rankHistogram, spreadSkillRatio, outerRankShare } = scores.scores();
    for (const f of rankHistogram) expect(f).toBeCloseTo(0.1, 1);
    expect(outerRankShare).toBeCloseTo(0.2, 1);
    expect(spreadSkillRatio).toBeGreaterThan(0.93);
    expect(spreadSkillRatio).toBeLessThan(1.07);
    // Shrink the members towards their mean: overconfident, outer ranks fill, ratio drops.
    const tight = new EnsembleAccumulator(m);
    tight.add(
      members.map((member, j) => member.map((x, i) => Math.exp(0.3 * Math.log(x) + 0.7 * Math.log(members[(j + 1) % m]![i]!)))),
      observed,
    );
    expect(tight.scores().outerRankShare).toBeGreaterThan(0.3);
    expect(tight.scores().spreadSkillRatio).toBeLessThan(0.8);
  });

  it("ROC: a perfect forecast has area 1, a constant one 0.5", () => {
    const observed = Float32Array.from([0, 2, 0, 3, 0, 0, 5, 0]);
    const perfect = new RocAccumulator(1, 10);
    perfect.add(Float32Array.from([0, 1, 0, 1, 0, 0, 1, 0]), observed);
    expect(perfect.scores().area).toBeCloseTo(1, 9);
    const constant = new RocAccumulator(1, 10);
    constant.add(new Float32Array(8).fill(0.4), observed);
    expect(constant.scores().area).toBeCloseTo(0.5, 9);
  });

  it("FSS: 1 for identical fields, 0 at one pixel for disjoint ones, rising with the window", () => {
    const w = 16;
    const a = new Float32Array(w * w);
    const b = new Float32Array(w * w);
    a[5 * w + 5] = 3;
    b[5 * w + 7] = 3;
    const same = new FssAccumulator([1], [1, 4]);
    same.add(a, a, w, w);
    expect(same.scores()[0]).toEqual([1, 1]);
    const apart = new FssAccumulator([1], [1, 3, 5]);
    apart.add(a, b, w, w);
    const [one, three, five] = apart.scores()[0]!;
    expect(one).toBe(0);
    expect(three).toBeGreaterThan(0);
    expect(five).toBeGreaterThan(three!);
  });

  it("Brier decomposition: BS = reliability - resolution + uncertainty when bins hold one forecast value", () => {
    const observed = Float32Array.from([2, 0, 0, 0, 2, 2, 0, 2, 0, 0]);
    const p = Float32Array.from([0.2, 0.2, 0.2, 0.2, 0.2, 0.7, 0.7, 0.7, 0.7, 0.7]);
    const acc = new BrierAccumulator(1);
    acc.add(p, observed);
    const s = acc.scores();
    const { reliability, resolution, uncertainty } = s.decomposition;
    expect(reliability - resolution + uncertainty).toBeCloseTo(s.brier, 6);
    // By hand: bins 0.2 (observed 2/5) and 0.7 (2/5); base rate 0.4.
    expect(reliability).toBeCloseTo((0.2 - 0.4) ** 2 * 0.5 + (0.7 - 0.4) ** 2 * 0.5, 6);
    expect(resolution).toBeCloseTo(0, 6);
    expect(uncertainty).toBeCloseTo(0.24, 6);
  });
});

describe("block bootstrap", () => {
  it("brackets the full-sample score, and collapses when every start scores the same", () => {
    const random = new Random(5);
    const perStart = Array.from({ length: 30 }, () => Float64Array.of(random.uniform() * 10, 10));
    const ratio = (s: Float64Array) => s[0]! / s[1]!;
    const full = perStart.reduce((a, v) => a + v[0]!, 0) / 300;
    const { low, high } = blockBootstrapInterval(perStart, ratio, { blockLength: 3 });
    expect(low).toBeLessThan(full);
    expect(high).toBeGreaterThan(full);
    expect(high - low).toBeLessThan(0.4);
    const flat = blockBootstrapInterval(Array.from({ length: 10 }, () => Float64Array.of(3, 10)), ratio);
    expect(flat.low).toBeCloseTo(0.3, 12);
    expect(flat.high).toBeCloseTo(0.3, 12);
    expect(blockBootstrapInterval([Float64Array.of(1, 1)], ratio).low).toBeNaN();
  });
});
