// Bayesian networks over discretized columns, sampled ancestrally:
//  - Chow-Liu: the tree that maximizes the sum of pairwise mutual information
//    (maximum spanning tree), with empirical conditionals; numbers are cut into
//    quantile bins and a synthetic number is drawn from the real values of its bin;
//  - PrivBayes (Zhang et al. 2017, degree 1): half of ε picks each parent with the
//    exponential mechanism on mutual information, half adds Laplace noise to every
//    conditional table; numbers are cut into equal-width bins over their range and
//    drawn uniformly inside the bin (the range is treated as public, as PrivBayes
//    treats the attribute domains).
import { quantileSorted, sortedPresent } from "../numeric";
import type { Rng } from "../random";
import { emptyLike, type Table } from "../table";
import type { Model, Synthesizer } from "./types";

const QUANTILE_BINS = 20;
const EQUAL_BINS = 10;

interface Discrete {
  bins: Int32Array;
  count: number;
  /** Writes a value of bin b into row i of column j of out. */
  put(out: Table, j: number, i: number, b: number, rng: Rng): void;
}

function discretize(train: Table, j: number, dp: boolean): Discrete {
  const col = train.columns[j]!;
  const n = train.rows;
  if (col.kind === "categorical") {
    const k = col.categories.length;
    return {
      bins: Int32Array.from(col.codes, (c) => (c < 0 ? k : c)),
      count: k + 1,
      put(out, jj, i, b) {
        const c = out.columns[jj]!;
        if (c.kind === "categorical") c.codes[i] = b === k ? -1 : b;
      },
    };
  }
  const sorted = sortedPresent(col.values);
  const lo = sorted[0]!, hi = sorted[sorted.length - 1]!;
  let edges: Float64Array; // upper edges of the value bins; missing is bin edges.length
  if (dp) {
    edges = Float64Array.from({ length: EQUAL_BINS }, (_, b) => lo + ((b + 1) * (hi - lo)) / EQUAL_BINS);
  } else {
    const qs = new Set<number>();
    for (let b = 1; b <= QUANTILE_BINS; b++) qs.add(quantileSorted(sorted, b / QUANTILE_BINS));
    edges = Float64Array.from([...qs].sort((a, b) => a - b));
  }
  const nb = edges.length;
  const binOf = (x: number) => {
    if (Number.isNaN(x)) return nb;
    let l = 0, h = nb - 1;
    while (l < h) { const m = (l + h) >>> 1; if (edges[m]! >= x) h = m; else l = m + 1; }
    return l;
  };
  const bins = new Int32Array(n);
  for (let i = 0; i < n; i++) bins[i] = binOf(col.values[i]!);
  // Chow-Liu draws real values of the bin; PrivBayes only the bin's interval.
  const members: Float64Array[] = [];
  if (!dp) {
    const lists: number[][] = Array.from({ length: nb }, () => []);
    for (let i = 0; i < n; i++) if (bins[i]! < nb) lists[bins[i]!]!.push(col.values[i]!);
    for (const l of lists) members.push(Float64Array.from(l).sort());
  }
  return {
    bins,
    count: nb + 1,
    put(out, jj, i, b, rng) {
      const c = out.columns[jj]!;
      if (c.kind !== "numeric") return;
      if (b === nb) c.values[i] = NaN;
      else if (dp) {
        const a = b === 0 ? lo : edges[b - 1]!;
        c.values[i] = a + rng.next() * (edges[b]! - a);
      } else {
        const m = members[b]!;
        c.values[i] = m.length ? quantileSorted(m, rng.next()) : edges[b]!;
      }
    },
  };
}

function mutualInformation(a: Discrete, b: Discrete, n: number): number {
  const joint = new Float64Array(a.count * b.count);
  const pa = new Float64Array(a.count), pb = new Float64Array(b.count);
  for (let i = 0; i < n; i++) {
    joint[a.bins[i]! * b.count + b.bins[i]!]! += 1;
    pa[a.bins[i]!]! += 1;
    pb[b.bins[i]!]! += 1;
  }
  let mi = 0;
  for (let x = 0; x < a.count; x++) {
    for (let y = 0; y < b.count; y++) {
      const j = joint[x * b.count + y]!;
      if (j > 0) mi += (j / n) * Math.log((j * n) / (pa[x]! * pb[y]!));
    }
  }
  return mi;
}

/** Sensitivity of mutual information to one record (PrivBayes, Lemma 4.1). */
function miSensitivity(n: number): number {
  return (2 / n) * Math.log((n + 1) / 2) + ((n - 1) / n) * Math.log((n + 1) / (n - 1));
}

interface Node {
  column: number;
  parent: number; // -1 for the root
  /** cumulative distribution per parent bin (one row when root) */
  cumulative: Float64Array[];
}

function fitNetwork(train: Table, rng: Rng, epsilon: number | null): Model {
  const d = train.columns.length;
  const n = train.rows;
  const dp = epsilon !== null;
  const disc = train.columns.map((_, j) => discretize(train, j, dp));
  const mi = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) mi[a * d + b] = mi[b * d + a] = mutualInformation(disc[a]!, disc[b]!, n);

  // structure: maximum spanning tree (Chow-Liu) or exponential-mechanism choices (PrivBayes)
  const root = dp ? rng.int(d) : 0;
  const inTree = new Uint8Array(d);
  inTree[root] = 1;
  const order: { column: number; parent: number }[] = [{ column: root, parent: -1 }];
  const eps1 = dp ? epsilon / 2 : 0;
  const eps2 = dp ? epsilon / 2 : 0;
  const delta = miSensitivity(n);
  while (order.length < d) {
    const candidates: { child: number; parent: number; score: number }[] = [];
    for (let c = 0; c < d; c++) {
      if (inTree[c]) continue;
      for (const { column: p } of order) candidates.push({ child: c, parent: p, score: mi[c * d + p]! });
    }
    let chosen = candidates[0]!;
    if (dp) {
      const scale = eps1 / (d - 1) / (2 * delta);
      const top = Math.max(...candidates.map((x) => x.score));
      const cum = new Float64Array(candidates.length);
      let acc = 0;
      candidates.forEach((x, i) => { acc += Math.exp(scale * (x.score - top)); cum[i] = acc; });
      chosen = candidates[rng.pick(cum)]!;
    } else {
      for (const x of candidates) if (x.score > chosen.score) chosen = x;
    }
    inTree[chosen.child] = 1;
    order.push({ column: chosen.child, parent: chosen.parent });
  }

  // conditional tables, noised under PrivBayes (replace-one neighbours: each table's L1 sensitivity is 2)
  const noiseScale = dp ? (2 * d) / eps2 : 0;
  const nodes: Node[] = order.map(({ column, parent }) => {
    const child = disc[column]!;
    const parentCount = parent < 0 ? 1 : disc[parent]!.count;
    const counts = new Float64Array(parentCount * child.count);
    for (let i = 0; i < n; i++) counts[(parent < 0 ? 0 : disc[parent]!.bins[i]!) * child.count + child.bins[i]!]! += 1;
    if (dp) for (let k = 0; k < counts.length; k++) counts[k] = Math.max(0, counts[k]! + rng.laplace(noiseScale));
    const cumulative: Float64Array[] = [];
    for (let p = 0; p < parentCount; p++) {
      const row = counts.subarray(p * child.count, (p + 1) * child.count);
      let total = 0;
      for (const c of row) total += c;
      const cum = new Float64Array(child.count);
      let acc = 0;
      for (let b = 0; b < child.count; b++) { acc += total > 0 ? row[b]! : 1; cum[b] = acc; }
      cumulative.push(cum);
    }
    return { column, parent, cumulative };
  });

  return {
    sample(rows, sampleRng) {
      const out = emptyLike(train, rows);
      const drawn = Array.from({ length: d }, () => new Int32Array(rows));
      for (const node of nodes) {
        const dst = drawn[node.column]!;
        const src = node.parent < 0 ? null : drawn[node.parent]!;
        for (let i = 0; i < rows; i++) {
          const b = sampleRng.pick(node.cumulative[src ? src[i]! : 0]!);
          dst[i] = b;
          disc[node.column]!.put(out, node.column, i, b, sampleRng);
        }
      }
      return out;
    },
  };
}

export const chowLiu: Synthesizer = {
  id: "chow-liu",
  label: "Bayesian network (Chow-Liu tree)",
  description: "The maximum-mutual-information tree over discretized columns, sampled ancestrally; numbers drawn from the real values of their bin.",
  benchOnly: false,
  fit: (train, rng) => fitNetwork(train, rng, null),
};

export const privBayes: Synthesizer = {
  id: "privbayes",
  label: "PrivBayes (ε-differentially private)",
  description: "A degree-1 Bayesian network with ε/2 for the structure (exponential mechanism) and ε/2 for Laplace-noised conditionals.",
  benchOnly: false,
  fit: (train, rng, options) => fitNetwork(train, rng, options.epsilon),
};
