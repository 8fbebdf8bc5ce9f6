// Gaussian copula (as SDV's GaussianCopulaSynthesizer): every column is mapped to
// normal scores through its marginal CDF, the correlation of those scores is
// estimated, and sampling draws correlated normals through its Cholesky factor
// and maps them back through each inverse CDF.
//  - numbers and datetimes: the empirical CDF (mid-ranks), or a fitted
//    distribution (normal, truncated normal, uniform or log-normal, the one with
//    the smallest Kolmogorov-Smirnov distance);
//  - categories: each owns an interval of [0, 1) as wide as its frequency (in the
//    ordinal order when there is one), a value a uniform point inside it.
import { cholesky, normalCdf, normalQuantile, quantileSorted, sortedPresent } from "../numeric";
import type { Rng } from "../random";
import { emptyLike, type CategoricalColumn, type NumericColumn, type Table } from "../table";
import type { Model, Synthesizer } from "./types";

const EPS = 1e-6;
const clampU = (u: number) => (u < EPS ? EPS : u > 1 - EPS ? 1 - EPS : u);

interface Fitted {
  name: "normal" | "truncnorm" | "uniform" | "lognormal";
  cdf(x: number): number;
  ppf(u: number): number;
}

function fitCandidates(sorted: Float64Array): Fitted[] {
  const n = sorted.length;
  let mean = 0;
  for (const x of sorted) mean += x;
  mean /= n;
  let v = 0;
  for (const x of sorted) v += (x - mean) ** 2;
  const sd = Math.sqrt(v / Math.max(n - 1, 1)) || 1e-9;
  const lo = sorted[0]!, hi = sorted[n - 1]!;
  const out: Fitted[] = [
    { name: "normal", cdf: (x) => normalCdf((x - mean) / sd), ppf: (u) => mean + sd * normalQuantile(u) },
    { name: "uniform", cdf: (x) => (hi > lo ? Math.min(Math.max((x - lo) / (hi - lo), 0), 1) : 0.5), ppf: (u) => lo + u * (hi - lo) },
  ];
  const a = normalCdf((lo - mean) / sd), b = normalCdf((hi - mean) / sd);
  if (b - a > 1e-9) {
    out.push({
      name: "truncnorm",
      cdf: (x) => Math.min(Math.max((normalCdf((x - mean) / sd) - a) / (b - a), 0), 1),
      ppf: (u) => mean + sd * normalQuantile(a + u * (b - a)),
    });
  }
  if (lo > 0) {
    let lm = 0;
    for (const x of sorted) lm += Math.log(x);
    lm /= n;
    let lv = 0;
    for (const x of sorted) lv += (Math.log(x) - lm) ** 2;
    const ls = Math.sqrt(lv / Math.max(n - 1, 1)) || 1e-9;
    out.push({ name: "lognormal", cdf: (x) => (x <= 0 ? 0 : normalCdf((Math.log(x) - lm) / ls)), ppf: (u) => Math.exp(lm + ls * normalQuantile(u)) });
  }
  return out;
}

/** One-sample KS distance between sorted data and a CDF. */
function ksToCdf(sorted: Float64Array, f: Fitted): number {
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const F = f.cdf(sorted[i]!);
    d = Math.max(d, Math.abs((i + 1) / n - F), Math.abs(F - i / n));
  }
  return d;
}

interface Marginal {
  /** Normal scores of the training column (0 where missing). */
  scores(rng: Rng): Float64Array;
  /** Writes the value for normal score z into row i. */
  put(i: number, z: number, rng: Rng): void;
  /** The distribution chosen, for the report. */
  describe: string;
}

function numericMarginal(col: NumericColumn, out: () => NumericColumn, fitted: boolean): Marginal {
  const sorted = sortedPresent(col.values);
  const missing = 1 - sorted.length / col.values.length;
  let cdf: (x: number) => number;
  let ppf: (u: number) => number;
  let describe = "empirical";
  if (fitted) {
    const best = fitCandidates(sorted)
      .map((f) => ({ f, d: ksToCdf(sorted, f) }))
      .sort((x, y) => x.d - y.d)[0]!.f;
    cdf = best.cdf;
    ppf = best.ppf;
    describe = best.name;
  } else {
    // mid-rank CDF: ties share the middle of their rank range
    cdf = (x) => {
      let lo = 0, hi = sorted.length;
      while (lo < hi) { const m = (lo + hi) >>> 1; if (sorted[m]! < x) lo = m + 1; else hi = m; }
      const first = lo;
      hi = sorted.length;
      while (lo < hi) { const m = (lo + hi) >>> 1; if (sorted[m]! <= x) lo = m + 1; else hi = m; }
      return (first + lo) / 2 / sorted.length;
    };
    ppf = (u) => quantileSorted(sorted, u);
  }
  return {
    describe,
    scores() {
      const z = new Float64Array(col.values.length);
      for (let i = 0; i < z.length; i++) {
        const x = col.values[i]!;
        z[i] = Number.isNaN(x) ? 0 : normalQuantile(clampU(cdf(x)));
      }
      return z;
    },
    put(i, z, rng) {
      out().values[i] = missing > 0 && rng.next() < missing ? NaN : ppf(normalCdf(z));
    },
  };
}

function categoricalMarginal(col: CategoricalColumn, out: () => CategoricalColumn): Marginal {
  const k = col.categories.length;
  const counts = new Float64Array(k + 1); // last slot: missing
  for (const c of col.codes) counts[c < 0 ? k : c]! += 1;
  // Ordinal columns keep their order; others are ordered by frequency (most frequent first), as SDV does.
  const slots = Array.from({ length: k + 1 }, (_, i) => i).filter((i) => counts[i]! > 0);
  if (!col.ordered) slots.sort((a, b) => counts[b]! - counts[a]!);
  const n = col.codes.length;
  const start = new Float64Array(k + 1);
  const upper = new Float64Array(slots.length);
  let acc = 0;
  slots.forEach((s, j) => {
    start[s] = acc / n;
    acc += counts[s]!;
    upper[j] = acc / n;
  });
  return {
    describe: col.ordered ? "ordinal intervals" : "frequency intervals",
    scores(rng) {
      const z = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const s = col.codes[i]! < 0 ? k : col.codes[i]!;
        z[i] = normalQuantile(clampU(start[s]! + rng.next() * (counts[s]! / n)));
      }
      return z;
    },
    put(i, z) {
      const u = normalCdf(z);
      let lo = 0, hi = upper.length - 1;
      while (lo < hi) { const m = (lo + hi) >>> 1; if (upper[m]! > u) hi = m; else lo = m + 1; }
      const s = slots[lo]!;
      out().codes[i] = s === k ? -1 : s;
    },
  };
}

function fitCopula(train: Table, rng: Rng, fitted: boolean): Model {
  const d = train.columns.length;
  let target: Table | null = null;
  const marginals = train.columns.map((c, j) =>
    c.kind === "numeric"
      ? numericMarginal(c, () => target!.columns[j] as NumericColumn, fitted)
      : categoricalMarginal(c, () => target!.columns[j] as CategoricalColumn),
  );
  const z = marginals.map((m) => m.scores(rng));
  const n = train.rows;
  // correlation of the normal scores (scores have mean ~0 and variance ~1, but estimate both)
  const mean = z.map((col) => col.reduce((a, b) => a + b, 0) / n);
  const corr = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      let sab = 0, saa = 0, sbb = 0;
      const za = z[a]!, zb = z[b]!, ma = mean[a]!, mb = mean[b]!;
      for (let i = 0; i < n; i++) {
        const x = za[i]! - ma, y = zb[i]! - mb;
        sab += x * y; saa += x * x; sbb += y * y;
      }
      const r = a === b ? 1 : saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
      corr[a * d + b] = r;
      corr[b * d + a] = r;
    }
  }
  const chol = cholesky(corr, d);
  return {
    sample(rows, sampleRng) {
      target = emptyLike(train, rows);
      const eps = new Float64Array(d);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < d; j++) eps[j] = sampleRng.normal();
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let k = 0; k <= j; k++) s += chol[j * d + k]! * eps[k]!;
          marginals[j]!.put(i, s, sampleRng);
        }
      }
      const out = target;
      target = null;
      return out;
    },
  };
}

export const gaussianCopula: Synthesizer = {
  id: "gaussian-copula",
  label: "Gaussian copula",
  description: "Empirical marginals, the correlation of normal scores, Cholesky sampling. The reference a winner must match.",
  benchOnly: false,
  fit: (train, rng) => fitCopula(train, rng, false),
};

export const gaussianCopulaFitted: Synthesizer = {
  id: "gaussian-copula-fitted",
  label: "Gaussian copula (fitted marginals)",
  description: "As the Gaussian copula, with each numeric marginal a fitted distribution (normal, truncated normal, uniform or log-normal, by KS distance).",
  benchOnly: false,
  fit: (train, rng) => fitCopula(train, rng, true),
};
