import { dbzToRainRateArray, MARSHALL_PALMER } from "../convert.js";

/**
 * Verification of exceedance probabilities: the Brier score, its skill against the sample
 * climatology (BSS = 1 - BS / BS_clim, BS_clim = o (1 - o) with o the observed base rate of
 * the same pixels), and reliability bins (mean forecast probability vs observed frequency),
 * summed over every pixel of every nowcast added, per lead and threshold. Observations are
 * dBZ converted with Marshall-Palmer, like the deterministic scores; an event is a rain rate
 * strictly above the threshold; pixels where the probability or the observation is missing
 * are left out.
 */
export type ReliabilityBin = {
  /** Forecast probabilities in [low, high) (the last bin includes 1). */
  low: number;
  high: number;
  count: number;
  meanForecast: number;
  observedFrequency: number;
};

export type ProbabilisticScores = {
  thresholdMmPerHour: number;
  pixels: number;
  brier: number;
  brierClimatology: number;
  /** 1 is perfect, 0 no better than always forecasting the base rate, negative worse. */
  brierSkill: number;
  baseRate: number;
  /** Murphy's decomposition: reliability (0 is perfect), resolution (higher is better), uncertainty o (1 - o). */
  decomposition: { reliability: number; resolution: number; uncertainty: number };
  reliability: ReliabilityBin[];
};

export type ProbabilisticLeadScores = { leadMinutes: number; thresholds: ProbabilisticScores[] };

export const DEFAULT_RELIABILITY_BINS = 10;

export class BrierAccumulator {
  /** count, sum of squared errors, events, then per bin: count, forecast sum, events. */
  readonly sums: Float64Array;

  constructor(
    readonly thresholdMmPerHour: number,
    readonly bins = DEFAULT_RELIABILITY_BINS,
  ) {
    this.sums = new Float64Array(3 + 3 * bins);
  }

  /** Adds a probability map and the observed rain rates (mm/h) of the same pixels. */
  add(probability: Float32Array, observedMmPerHour: Float32Array): void {
    if (probability.length !== observedMmPerHour.length) throw new RangeError("fields differ in size");
    const { bins, sums, thresholdMmPerHour } = this;
    let count = 0;
    let sumSquared = 0;
    let events = 0;
    for (let i = 0; i < probability.length; i++) {
      const p = probability[i]!;
      const observed = observedMmPerHour[i]!;
      if (p !== p || observed !== observed) continue;
      const o = observed > thresholdMmPerHour ? 1 : 0;
      count++;
      events += o;
      sumSquared += (p - o) * (p - o);
      // A small tolerance keeps k / members values in their own bin (0.3 is 0.3, not 0.2999).
      const bin = 3 + 3 * Math.min(bins - 1, Math.floor(p * bins + 1e-6));
      sums[bin]!++;
      sums[bin + 1]! += p;
      sums[bin + 2]! += o;
    }
    sums[0]! += count;
    sums[1]! += sumSquared;
    sums[2]! += events;
  }

  scores(): ProbabilisticScores {
    return brierScores(this.sums, this.thresholdMmPerHour, this.bins);
  }
}

/**
 * Scores from a BrierAccumulator's sums, with Murphy's decomposition over the reliability bins:
 * BS ~ reliability - resolution + uncertainty (exact up to the spread of forecasts within a bin).
 */
export function brierScores(sums: Float64Array, thresholdMmPerHour: number, bins = DEFAULT_RELIABILITY_BINS): ProbabilisticScores {
  const count = sums[0]!;
  const brier = count ? sums[1]! / count : NaN;
  const baseRate = count ? sums[2]! / count : NaN;
  const brierClimatology = baseRate * (1 - baseRate);
  let reliabilityTerm = 0;
  let resolutionTerm = 0;
  const reliability: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const n = sums[3 + 3 * b]!;
    const meanForecast = n ? sums[4 + 3 * b]! / n : NaN;
    const observedFrequency = n ? sums[5 + 3 * b]! / n : NaN;
    if (n) {
      reliabilityTerm += n * (meanForecast - observedFrequency) ** 2;
      resolutionTerm += n * (observedFrequency - baseRate) ** 2;
    }
    reliability.push({ low: b / bins, high: (b + 1) / bins, count: n, meanForecast, observedFrequency });
  }
  return {
    thresholdMmPerHour,
    pixels: count,
    brier,
    brierClimatology,
    brierSkill: brierClimatology > 0 ? 1 - brier / brierClimatology : NaN,
    baseRate,
    decomposition: {
      reliability: count ? reliabilityTerm / count : NaN,
      resolution: count ? resolutionTerm / count : NaN,
      uncertainty: brierClimatology,
    },
    reliability,
  };
}

/** Largest |observed frequency - mean forecast| over the bins holding at least minCount cases. */
export function worstReliabilityGap(bins: readonly ReliabilityBin[], minCount: number): number {
  let worst = NaN;
  for (const bin of bins) {
    if (bin.count < minCount) continue;
    const gap = Math.abs(bin.observedFrequency - bin.meanForecast);
    if (!(gap <= worst)) worst = gap;
  }
  return worst;
}

/** Per lead and threshold: probabilities[t][k] (lead k + 1) against observed dBZ[k]. */
export class ProbabilisticVerifier {
  private readonly accumulators: BrierAccumulator[][];
  private observedMmPerHour = new Float32Array(0);

  constructor(
    readonly leads: number,
    readonly stepMinutes: number,
    readonly thresholdsMmPerHour: readonly number[],
    bins = DEFAULT_RELIABILITY_BINS,
  ) {
    this.accumulators = Array.from({ length: leads }, () => thresholdsMmPerHour.map((t) => new BrierAccumulator(t, bins)));
  }

  add(probabilities: readonly (readonly Float32Array[])[], observedDbz: readonly Float32Array[]): void {
    if (probabilities.length !== this.thresholdsMmPerHour.length) throw new RangeError("one list of maps per threshold");
    if (observedDbz.length !== this.leads) throw new RangeError(`expected ${this.leads} observed fields`);
    for (let k = 0; k < this.leads; k++) {
      const observed = observedDbz[k]!;
      if (this.observedMmPerHour.length !== observed.length) this.observedMmPerHour = new Float32Array(observed.length);
      dbzToRainRateArray(observed, MARSHALL_PALMER, this.observedMmPerHour);
      this.thresholdsMmPerHour.forEach((_, t) => {
        const map = probabilities[t]![k];
        if (!map) throw new RangeError(`no probability map for threshold ${t} at lead ${k + 1}`);
        this.accumulators[k]![t]!.add(map, this.observedMmPerHour);
      });
    }
  }

  scores(): ProbabilisticLeadScores[] {
    return this.accumulators.map((byThreshold, k) => ({
      leadMinutes: (k + 1) * this.stepMinutes,
      thresholds: byThreshold.map((a) => a.scores()),
    }));
  }
}
