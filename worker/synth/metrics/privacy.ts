// SDMetrics' privacy metrics on distance to closest record (DCR):
//   distance(s, r) = mean over columns of min(|x − y| / range_real, 1) for numbers
//   (both missing: 0, one missing: 1) and 0/1 for categories; DCR(s) = min over real rows r.
//   DCRBaselineProtection = min(median DCR(synthetic) / median DCR(uniform random), 1);
//   DCROverfittingProtection = min(2 × (1 − p), 1), p = share of synthetic rows closer
//   (strictly) to the training rows than to the holdout;
//   NewRowSynthesis = share of synthetic rows matching no real row, where a number matches
//   within 1 % of its real range and a category matches when equal.
import { median } from "../numeric";
import type { Table } from "../table";

/** The columns of a table as rows of numbers (category codes as numbers), with each column's real range. */
export interface DistanceSpace {
  d: number;
  numeric: Uint8Array;
  range: Float64Array;
}

export function distanceSpace(real: Table): DistanceSpace {
  const d = real.columns.length;
  const numeric = new Uint8Array(d);
  const range = new Float64Array(d);
  real.columns.forEach((c, j) => {
    if (c.kind !== "numeric") return;
    numeric[j] = 1;
    let lo = Infinity, hi = -Infinity;
    for (const x of c.values) if (!Number.isNaN(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
    range[j] = hi > lo ? hi - lo : 0;
  });
  return { d, numeric, range };
}

/** Row-major cells (codes as numbers, missing codes as NaN) of the given rows. */
export function rowMatrix(t: Table, rows?: Int32Array): Float64Array {
  const n = rows ? rows.length : t.rows;
  const d = t.columns.length;
  const m = new Float64Array(n * d);
  t.columns.forEach((c, j) => {
    for (let i = 0; i < n; i++) {
      const r = rows ? rows[i]! : i;
      m[i * d + j] = c.kind === "numeric" ? c.values[r]! : c.codes[r]! < 0 ? NaN : c.codes[r]!;
    }
  });
  return m;
}

function cellDistance(space: DistanceSpace, j: number, x: number, y: number): number {
  const xn = Number.isNaN(x), yn = Number.isNaN(y);
  if (xn || yn) return xn && yn ? 0 : 1;
  if (!space.numeric[j]) return x === y ? 0 : 1;
  const r = space.range[j]!;
  if (r === 0) return x === y ? 0 : 1;
  const v = Math.abs(x - y) / r;
  return v < 1 ? v : 1;
}

/** DCR of every row of syn (row-major) to the rows of ref (row-major). */
export function dcr(space: DistanceSpace, syn: Float64Array, ref: Float64Array): Float64Array {
  const d = space.d;
  const ns = syn.length / d, nr = ref.length / d;
  const out = new Float64Array(ns);
  for (let i = 0; i < ns; i++) {
    let best = Infinity;
    const bound = () => best * d; // compare sums, not means
    for (let r = 0; r < nr; r++) {
      let s = 0;
      for (let j = 0; j < d && s < bound(); j++) s += cellDistance(space, j, syn[i * d + j]!, ref[r * d + j]!);
      if (s < best * d) best = s / d;
      if (best === 0) break;
    }
    out[i] = best;
  }
  return out;
}

export function dcrBaselineProtection(synDcr: Float64Array, randomDcr: Float64Array): { score: number; medianSynthetic: number; medianRandom: number } {
  const medianSynthetic = median(synDcr), medianRandom = median(randomDcr);
  const score = medianRandom > 0 ? Math.min(medianSynthetic / medianRandom, 1) : 1;
  return { score, medianSynthetic, medianRandom };
}

export function dcrOverfittingProtection(toTrain: Float64Array, toHoldout: Float64Array): { score: number; closerToTraining: number } {
  let closer = 0;
  for (let i = 0; i < toTrain.length; i++) if (toTrain[i]! < toHoldout[i]!) closer++;
  const p = closer / toTrain.length;
  return { score: Math.min(2 * (1 - p), 1), closerToTraining: p };
}

export const NEW_ROW_TOLERANCE = 0.01;

export function newRowSynthesis(space: DistanceSpace, syn: Float64Array, ref: Float64Array, tolerance = NEW_ROW_TOLERANCE): number {
  const d = space.d;
  const ns = syn.length / d, nr = ref.length / d;
  let fresh = 0;
  for (let i = 0; i < ns; i++) {
    let matched = false;
    for (let r = 0; r < nr && !matched; r++) {
      let all = true;
      for (let j = 0; j < d && all; j++) {
        const x = syn[i * d + j]!, y = ref[r * d + j]!;
        if (Number.isNaN(x) || Number.isNaN(y)) all = Number.isNaN(x) && Number.isNaN(y);
        else if (space.numeric[j] && space.range[j]! > 0) all = Math.abs(x - y) <= tolerance * space.range[j]!;
        else all = x === y;
      }
      matched = all;
    }
    if (!matched) fresh++;
  }
  return ns ? fresh / ns : 1;
}
