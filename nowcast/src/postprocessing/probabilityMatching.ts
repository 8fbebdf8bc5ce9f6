/**
 * Probability (CDF) matching (pySTEPS' postprocessing.probmatching.nonparam_match_empirical_cdf):
 * each value is replaced by the target's value at the same quantile, so a forecast keeps the
 * observed distribution (wet fraction and intensities). O(n): the quantile is read off a fine
 * histogram of the values (linear within a bin) instead of a sort. NaN stays NaN.
 */
export class CdfMatcher {
  private static readonly BINS = 4096;
  private readonly counts = new Float64Array(CdfMatcher.BINS);
  private readonly cumulative = new Float64Array(CdfMatcher.BINS);
  private readonly sortedTarget: Float32Array;

  /** target: the values to match to (NaN ignored); `map` transforms the matched value (e.g. dB to rain rate). */
  constructor(target: Float32Array, map: (value: number) => number = (v) => v) {
    let n = 0;
    for (const v of target) if (v === v) n++;
    const sorted = new Float32Array(n);
    let j = 0;
    for (const v of target) if (v === v) sorted[j++] = v;
    sorted.sort();
    this.sortedTarget = sorted.map(map);
  }

  get size(): number {
    return this.sortedTarget.length;
  }

  /** In place: values (NaN = no data) replaced by the mapped target value at their quantile. */
  match(values: Float32Array): void {
    const target = this.sortedTarget;
    if (target.length === 0) return;
    let min = Infinity;
    let max = -Infinity;
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      n++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (n === 0) return;
    const bins = CdfMatcher.BINS;
    const { counts, cumulative } = this;
    const width = max > min ? (max - min) / bins : 1;
    counts.fill(0);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === v) counts[Math.min(bins - 1, ((v - min) / width) | 0)]!++;
    }
    let running = 0;
    for (let b = 0; b < bins; b++) {
      cumulative[b] = running;
      running += counts[b]!;
    }
    const last = target.length - 1;
    const toIndex = target.length / n;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      const position = (v - min) / width;
      const b = Math.min(bins - 1, position | 0);
      const rank = cumulative[b]! + Math.min(1, position - b) * counts[b]!;
      values[i] = target[Math.min(last, Math.floor(rank * toIndex))]!;
    }
  }
}
