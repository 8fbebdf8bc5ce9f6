/** Rain-rate thresholds of the verification protocol; an event is a value strictly above one. */
export const VERIFICATION_THRESHOLDS_MM_PER_HOUR: readonly number[] = [0.5, 1, 5, 10];

export type CategoricalScores = {
  thresholdMmPerHour: number;
  hits: number;
  misses: number;
  falseAlarms: number;
  correctNegatives: number;
  /** Critical success index, hits / (hits + misses + false alarms); NaN when undefined. */
  csi: number;
  /** Probability of detection, hits / (hits + misses). */
  pod: number;
  /** False alarm ratio, false alarms / (hits + false alarms). */
  far: number;
  /** Frequency bias, forecast events / observed events. */
  bias: number;
};

/**
 * Contingency tables at several thresholds, summed over every field added, so scores over
 * many forecasts weigh each pixel equally rather than averaging per-forecast scores.
 * Pixels where either value is NaN are left out.
 */
export class ContingencyAccumulator {
  readonly thresholdsMmPerHour: readonly number[];
  private readonly thresholds: Float64Array;
  private readonly hits: Float64Array;
  private readonly misses: Float64Array;
  private readonly falseAlarms: Float64Array;
  private readonly correctNegatives: Float64Array;

  constructor(thresholdsMmPerHour: readonly number[] = VERIFICATION_THRESHOLDS_MM_PER_HOUR) {
    this.thresholdsMmPerHour = [...thresholdsMmPerHour];
    this.thresholds = Float64Array.from(thresholdsMmPerHour);
    const n = thresholdsMmPerHour.length;
    this.hits = new Float64Array(n);
    this.misses = new Float64Array(n);
    this.falseAlarms = new Float64Array(n);
    this.correctNegatives = new Float64Array(n);
  }

  add(forecastMmPerHour: Float32Array, observedMmPerHour: Float32Array): void {
    if (forecastMmPerHour.length !== observedMmPerHour.length) throw new RangeError("fields differ in size");
    const { thresholds, hits, misses, falseAlarms, correctNegatives } = this;
    for (let i = 0; i < forecastMmPerHour.length; i++) {
      const forecast = forecastMmPerHour[i]!;
      const observed = observedMmPerHour[i]!;
      if (forecast !== forecast || observed !== observed) continue;
      for (let t = 0; t < thresholds.length; t++) {
        const threshold = thresholds[t]!;
        if (observed > threshold) {
          if (forecast > threshold) hits[t]!++;
          else misses[t]!++;
        } else if (forecast > threshold) falseAlarms[t]!++;
        else correctNegatives[t]!++;
      }
    }
  }

  scores(): CategoricalScores[] {
    return this.thresholdsMmPerHour.map((thresholdMmPerHour, t) => {
      const hits = this.hits[t]!;
      const misses = this.misses[t]!;
      const falseAlarms = this.falseAlarms[t]!;
      return {
        thresholdMmPerHour,
        hits,
        misses,
        falseAlarms,
        correctNegatives: this.correctNegatives[t]!,
        csi: ratio(hits, hits + misses + falseAlarms),
        pod: ratio(hits, hits + misses),
        far: ratio(falseAlarms, hits + falseAlarms),
        bias: ratio(hits + falseAlarms, hits + misses),
      };
    });
  }
}

function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : NaN;
}
