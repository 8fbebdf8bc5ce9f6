import { describe, expect, it } from "vitest";
import { BrierAccumulator, ProbabilisticVerifier, rainRateToDbz, MARSHALL_PALMER } from "../src/index.js";

describe("Brier score and reliability", () => {
  const observed = Float32Array.from([0, 0, 0, 2, 2, NaN, 0, 2]);

  it("a perfect forecast scores 0 and has skill 1; the base rate has skill 0", () => {
    const perfect = new BrierAccumulator(1);
    perfect.add(Float32Array.from([0, 0, 0, 1, 1, 0.5, 0, 1]), observed);
    expect(perfect.scores()).toMatchObject({ pixels: 7, brier: 0, brierSkill: 1, baseRate: 3 / 7 });
    const climatology = new BrierAccumulator(1);
    climatology.add(new Float32Array(8).fill(3 / 7), observed);
    expect(climatology.scores().brierSkill).toBeCloseTo(0, 6);
    const wrong = new BrierAccumulator(1);
    wrong.add(Float32Array.from([1, 1, 1, 0, 0, 0, 1, 0]), observed);
    expect(wrong.scores()).toMatchObject({ brier: 1 });
    expect(wrong.scores().brierSkill).toBeLessThan(0);
  });

  it("reliability bins hold the mean forecast and the observed frequency of their pixels", () => {
    const acc = new BrierAccumulator(1, 2);
    acc.add(Float32Array.from([0.1, 0.2, 0.3, 0.8, 0.9, 0.5, 0.6, 1]), observed);
    const [low, high] = acc.scores().reliability;
    expect(low).toMatchObject({ low: 0, high: 0.5, count: 3, observedFrequency: 0 });
    expect(low!.meanForecast).toBeCloseTo(0.2, 6);
    expect(high).toMatchObject({ count: 4, observedFrequency: 0.75 });
  });

  it("the verifier converts observed dBZ with Marshall-Palmer, per lead and threshold", () => {
    const verifier = new ProbabilisticVerifier(2, 5, [0.5, 5]);
    const dbz = Float32Array.from([rainRateToDbz(1, MARSHALL_PALMER), -32]);
    // probabilities[threshold][lead]: at 0.5 mm/h, right at lead 1 and wrong at lead 2.
    verifier.add([[Float32Array.from([1, 0]), Float32Array.from([0, 0])], [Float32Array.from([0, 0]), Float32Array.from([0, 0])]], [dbz, dbz]);
    const [lead5, lead10] = verifier.scores();
    expect(lead5!.leadMinutes).toBe(5);
    expect(lead10!.leadMinutes).toBe(10);
    expect(lead5!.thresholds[0]!.brier).toBe(0);
    expect(lead10!.thresholds[0]!.brier).toBe(0.5);
    expect(lead5!.thresholds[1]!.baseRate).toBe(0);
  });
});
