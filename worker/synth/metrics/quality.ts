// SDMetrics' quality report, metric by metric:
//   KSComplement = 1 − D (two-sample Kolmogorov-Smirnov statistic, NaN dropped) for numbers and datetimes;
//   TVComplement = 1 − ½ Σ_k |p_real(k) − p_syn(k)| for categories (missing counts as a category);
//   CorrelationSimilarity = 1 − |r_real − r_syn| / 2 (Pearson) for number/number pairs;
//   ContingencySimilarity = 1 − ½ Σ_(a,b) |P_real(a,b) − P_syn(a,b)| for category pairs, and for mixed
//   pairs after cutting the number into 10 equal-width bins over its real range (SDMetrics' discretize_column:
//   outer edges open, so synthetic values beyond the range fall into the end bins).
// Pair convention: ALL pairs (no threshold on the real data's association); the overall
// score is the mean of Column Shapes and Column Pair Trends, as in SDMetrics' QualityReport.
import { pearson } from "../numeric";
import type { ModelColumn, Table } from "../table";

export function ksStatistic(real: ArrayLike<number>, synthetic: ArrayLike<number>): number {
  const a = Float64Array.from(real).filter((x) => !Number.isNaN(x)).sort();
  const b = Float64Array.from(synthetic).filter((x) => !Number.isNaN(x)).sort();
  if (a.length === 0 || b.length === 0) return 1;
  let i = 0, j = 0, d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

export const ksComplement = (real: ArrayLike<number>, synthetic: ArrayLike<number>) => 1 - ksStatistic(real, synthetic);

/** Category shares; codes -1 (missing) count in slot k. */
function shares(codes: ArrayLike<number>, k: number): Float64Array {
  const p = new Float64Array(k + 1);
  for (let i = 0; i < codes.length; i++) p[codes[i]! < 0 ? k : codes[i]!]! += 1;
  for (let c = 0; c <= k; c++) p[c]! /= codes.length;
  return p;
}

export function tvComplement(real: ArrayLike<number>, synthetic: ArrayLike<number>, k: number): number {
  const p = shares(real, k), q = shares(synthetic, k);
  let tv = 0;
  for (let c = 0; c <= k; c++) tv += Math.abs(p[c]! - q[c]!);
  return 1 - tv / 2;
}

export function correlationSimilarity(realX: ArrayLike<number>, realY: ArrayLike<number>, synX: ArrayLike<number>, synY: ArrayLike<number>) {
  const real = pearson(realX, realY), synthetic = pearson(synX, synY);
  const score = Number.isNaN(real) || Number.isNaN(synthetic) ? NaN : 1 - Math.abs(real - synthetic) / 2;
  return { score, real, synthetic };
}

/** Contingency similarity of two code arrays per table (codes in [0, ka) and [0, kb); -1 = missing). */
export function contingencySimilarity(realA: ArrayLike<number>, realB: ArrayLike<number>, synA: ArrayLike<number>, synB: ArrayLike<number>, ka: number, kb: number): number {
  const cells = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    const p = new Float64Array((ka + 1) * (kb + 1));
    for (let i = 0; i < a.length; i++) p[(a[i]! < 0 ? ka : a[i]!) * (kb + 1) + (b[i]! < 0 ? kb : b[i]!)]! += 1 / a.length;
    return p;
  };
  const p = cells(realA, realB), q = cells(synA, synB);
  let tv = 0;
  for (let c = 0; c < p.length; c++) tv += Math.abs(p[c]! - q[c]!);
  return 1 - tv / 2;
}

export const PAIR_BINS = 10;

/** Bin codes of a number over the REAL column's range in 10 equal-width bins (NaN = -1). */
export function discretize(realValues: ArrayLike<number>, values: ArrayLike<number>, bins = PAIR_BINS): Int32Array {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < realValues.length; i++) { const x = realValues[i]!; if (!Number.isNaN(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); } }
  const width = (hi - lo) / bins;
  return Int32Array.from(values, (x) => (Number.isNaN(x) ? -1 : width > 0 ? Math.min(Math.max(Math.floor((x - lo) / width), 0), bins - 1) : 0));
}

export interface ColumnShape { column: string; metric: "KSComplement" | "TVComplement"; score: number }
export interface PairTrend {
  a: string;
  b: string;
  metric: "CorrelationSimilarity" | "ContingencySimilarity";
  score: number | null;
  /** Pearson r of the real and synthetic pair (number/number pairs only). */
  real: number | null;
  synthetic: number | null;
}
export interface QualityReport {
  score: number;
  columnShapes: number;
  columnPairTrends: number;
  pairConvention: "all-pairs";
  columns: ColumnShape[];
  pairs: PairTrend[];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function asCodes(col: ModelColumn, realCol: ModelColumn): { codes: Int32Array; k: number } {
  if (col.kind === "categorical") return { codes: col.codes, k: col.categories.length };
  return { codes: discretize((realCol as typeof col).values, col.values), k: PAIR_BINS };
}

export function qualityReport(real: Table, synthetic: Table): QualityReport {
  const columns: ColumnShape[] = real.columns.map((r, j) => {
    const s = synthetic.columns[j]!;
    if (r.kind === "numeric" && s.kind === "numeric") return { column: r.name, metric: "KSComplement", score: ksComplement(r.values, s.values) };
    if (r.kind === "categorical" && s.kind === "categorical") return { column: r.name, metric: "TVComplement", score: tvComplement(r.codes, s.codes, r.categories.length) };
    throw new Error(`column ${r.name} changed kind`);
  });
  const pairs: PairTrend[] = [];
  for (let a = 0; a < real.columns.length; a++) {
    for (let b = a + 1; b < real.columns.length; b++) {
      const ra = real.columns[a]!, rb = real.columns[b]!, sa = synthetic.columns[a]!, sb = synthetic.columns[b]!;
      if (ra.kind === "numeric" && rb.kind === "numeric" && sa.kind === "numeric" && sb.kind === "numeric") {
        const c = correlationSimilarity(ra.values, rb.values, sa.values, sb.values);
        pairs.push({ a: ra.name, b: rb.name, metric: "CorrelationSimilarity", score: Number.isNaN(c.score) ? null : c.score, real: Number.isNaN(c.real) ? null : c.real, synthetic: Number.isNaN(c.synthetic) ? null : c.synthetic });
      } else {
        const x = asCodes(ra, ra), y = asCodes(rb, rb), sx = asCodes(sa, ra), sy = asCodes(sb, rb);
        pairs.push({ a: ra.name, b: rb.name, metric: "ContingencySimilarity", score: contingencySimilarity(x.codes, y.codes, sx.codes, sy.codes, x.k, y.k), real: null, synthetic: null });
      }
    }
  }
  const columnShapes = mean(columns.map((c) => c.score));
  const scored = pairs.filter((p) => p.score !== null).map((p) => p.score!);
  const columnPairTrends = scored.length ? mean(scored) : columnShapes;
  return { score: (columnShapes + columnPairTrends) / 2, columnShapes, columnPairTrends, pairConvention: "all-pairs", columns, pairs };
}
