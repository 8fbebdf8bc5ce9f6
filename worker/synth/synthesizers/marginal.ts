// Per-column marginal samplers shared by the baselines and the network's leaves.
import { quantileSorted, sortedPresent } from "../numeric";
import type { Rng } from "../random";
import type { CategoricalColumn, NumericColumn } from "../table";

/** Cumulative frequencies of codes 0..k-1 and, last, of missing (-1). */
export function categoryCumulative(col: CategoricalColumn): Float64Array {
  const k = col.categories.length;
  const counts = new Float64Array(k + 1);
  for (let i = 0; i < col.codes.length; i++) {
    const c = col.codes[i]!;
    counts[c < 0 ? k : c]! += 1;
  }
  for (let i = 1; i <= k; i++) counts[i]! += counts[i - 1]!;
  return counts;
}

/** Draws from the cumulative frequencies of categoryCumulative, mapping the last slot to missing. */
export function drawCategory(cumulative: Float64Array, rng: Rng): number {
  const i = rng.pick(cumulative);
  return i === cumulative.length - 1 ? -1 : i;
}

export interface NumericMarginal {
  sorted: Float64Array;
  missing: number;
  min: number;
  max: number;
}

export function numericMarginal(col: NumericColumn): NumericMarginal {
  const sorted = sortedPresent(col.values);
  return { sorted, missing: 1 - sorted.length / col.values.length, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** The empirical quantile function at a uniform draw (continuous between observed values), or NaN at the missing rate. */
export function drawEmpirical(m: NumericMarginal, rng: Rng): number {
  if (m.missing > 0 && rng.next() < m.missing) return NaN;
  return quantileSorted(m.sorted, rng.next());
}
