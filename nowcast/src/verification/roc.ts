/**
 * The ROC curve of exceedance probabilities (pySTEPS' verification.probscores ROC_curve):
 * for each probability threshold p_j = j / bins, the probability of detection and the
 * probability of false detection of "forecast probability >= p_j" for the event "rain rate
 * above the threshold"; the area under it by the trapezoidal rule (0.5 = no skill).
 * Sums: per p_j hits and false alarms, then the event and non-event counts.
 */
export class RocAccumulator {
  readonly sums: Float64Array;

  constructor(
    readonly thresholdMmPerHour: number,
    readonly bins = 20,
  ) {
    this.sums = new Float64Array(2 * (bins + 1) + 2);
  }

  add(probability: Float32Array, observedMmPerHour: Float32Array): void {
    const { bins, sums, thresholdMmPerHour } = this;
    const events = 2 * (bins + 1);
    for (let i = 0; i < probability.length; i++) {
      const p = probability[i]!;
      const y = observedMmPerHour[i]!;
      if (p !== p || y !== y) continue;
      const event = y > thresholdMmPerHour;
      // "p >= j / bins" holds for j = 0 .. floor(p bins) (a small tolerance for k / members values).
      const top = Math.min(bins, Math.floor(p * bins + 1e-6));
      const offset = event ? 0 : bins + 1;
      for (let j = 0; j <= top; j++) sums[offset + j]!++;
      sums[events + (event ? 0 : 1)]!++;
    }
  }

  scores(): RocScores {
    return rocScores(this.sums, this.bins);
  }
}

export type RocScores = { pod: number[]; pofd: number[]; area: number };

export function rocScores(sums: Float64Array, bins: number): RocScores {
  const events = sums[2 * (bins + 1)]!;
  const nonEvents = sums[2 * (bins + 1) + 1]!;
  const pod = Array.from({ length: bins + 1 }, (_, j) => (events ? sums[j]! / events : NaN));
  const pofd = Array.from({ length: bins + 1 }, (_, j) => (nonEvents ? sums[bins + 1 + j]! / nonEvents : NaN));
  // Curve from (1, 1) at p >= 0 down to (0, 0) beyond p = 1.
  const xs = [...pofd, 0];
  const ys = [...pod, 0];
  let area = 0;
  for (let j = 0; j + 1 < xs.length; j++) area += (xs[j]! - xs[j + 1]!) * (ys[j]! + ys[j + 1]!) * 0.5;
  return { pod, pofd, area: events && nonEvents ? area : NaN };
}
