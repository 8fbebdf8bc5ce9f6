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
  reliability: ReliabilityBin[];
};

export type ProbabilisticLeadScores = { leadMinutes: number; thresholds: ProbabilisticScores[] };

export const DEFAULT_RELIABILITY_BINS = 10;

export class BrierAccumulator {
  private count = 0;
  private sumSquared = 0;
  private events = 0;
  private readonly binCount: Float64Array;
  private readonly binForecast: Float64Array;
  private readonly binEvents: Float64Array;

  constructor(
    readonly thresholdMmPerHour: number,
    readonly bins = DEFAULT_RELIABILITY_BINS,
  ) {
    this.binCount = new Float64Array(bins);
    this.binForecast = new Float64Array(bins);
    this.binEvents = new Float64Array(bins);
  }

  /** Adds a probability map and the observed rain rates (mm/h) of the same pixels. */
  add(probability: Float32Array, observedMmPerHour: Float32Array): void {
    if (probability.length !== observedMmPerHour.length) throw new RangeError("fields differ in size");
    const { bins, binCount, binForecast, binEvents, thresholdMmPerHour } = this;
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
      const bin = Math.min(bins - 1, Math.floor(p * bins));
      binCount[bin]!++;
      binForecast[bin]! += p;
      binEvents[bin]! += o;
    }
    this.count += count;
    this.sumSquared += sumSquared;
    this.events += events;
  }

  scores(): ProbabilisticScores {
    const brier = this.count ? this.sumSquared / this.count : NaN;
    const baseRate = this.count ? this.events / this.count : NaN;
    const brierClimatology = baseRate * (1 - baseRate);
    return {
      thresholdMmPerHour: this.thresholdMmPerHour,
      pixels: this.count,
      brier,
      brierClimatology,
      brierSkill: brierClimatology > 0 ? 1 - brier / brierClimatology : NaN,
      baseRate,
      reliability: Array.from(this.binCount, (count, b) => ({
        low: b / this.bins,
        high: (b + 1) / this.bins,
        count,
        meanForecast: count ? this.binForecast[b]! / count : NaN,
        observedFrequency: count ? this.binEvents[b]! / count : NaN,
      })),
    };
  }
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
