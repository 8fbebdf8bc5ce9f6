// Classification and regression trees (CART) on binned predictors: numbers are
// cut into at most 32 quantile bins, categories are their own bins, missing is a
// bin of its own. A split sends a set of bins left: a prefix of the ordered bins
// for numbers, and for categories a prefix after ordering the bins by the
// target's mean (regression) or by the share of the node's majority class
// (classification), Breiman's ordering. Used by the CART synthesizer (as synthpop)
// and by ML efficacy.
import { quantileSorted, sortedPresent } from "./numeric";
import type { ModelColumn } from "./table";

const NUMERIC_BINS = 32;

/** Maps a column's values to bin numbers, with the same edges for real and synthetic rows. */
export interface Binner {
  count: number;
  ordered: boolean;
  bin(col: ModelColumn): Uint16Array;
}

export function binnerFor(train: ModelColumn): Binner {
  if (train.kind === "categorical") {
    const k = train.categories.length;
    return {
      count: k + 1,
      ordered: train.ordered,
      bin: (col) => Uint16Array.from((col as typeof train).codes, (c) => (c < 0 ? k : c)),
    };
  }
  const sorted = sortedPresent(train.values);
  const qs = new Set<number>();
  for (let b = 1; b <= NUMERIC_BINS; b++) qs.add(quantileSorted(sorted, b / NUMERIC_BINS));
  const edges = Float64Array.from([...qs].sort((a, b) => a - b));
  const nb = edges.length;
  return {
    count: nb + 1,
    ordered: true,
    bin(col) {
      const v = (col as typeof train).values;
      const out = new Uint16Array(v.length);
      for (let i = 0; i < v.length; i++) {
        const x = v[i]!;
        if (Number.isNaN(x)) { out[i] = nb; continue; }
        let l = 0, h = nb - 1;
        while (l < h) { const m = (l + h) >>> 1; if (edges[m]! >= x) h = m; else l = m + 1; }
        out[i] = l;
      }
      return out;
    },
  };
}

export type Target = { kind: "regression"; values: Float64Array } | { kind: "classification"; classes: Int32Array; k: number };

export interface TreeOptions {
  minLeaf: number;
  maxDepth: number;
}

export type TreeNode =
  | { leaf: true; rows: Int32Array; prediction: number }
  | { leaf: false; predictor: number; left: Uint8Array; yes: TreeNode; no: TreeNode };

interface Split { predictor: number; left: Uint8Array; gain: number }

function classIndex(t: Extract<Target, { kind: "classification" }>, i: number): number {
  const c = t.classes[i]!;
  return c < 0 ? t.k : c;
}

function prediction(target: Target, rows: Int32Array): number {
  if (target.kind === "regression") {
    let s = 0, n = 0;
    for (const r of rows) { const y = target.values[r]!; if (!Number.isNaN(y)) { s += y; n++; } }
    return n ? s / n : NaN;
  }
  const counts = new Float64Array(target.k + 1);
  for (const r of rows) counts[classIndex(target, r)]! += 1;
  let best = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c]! > counts[best]!) best = c;
  return best === target.k ? -1 : best;
}

function bestSplit(X: Uint16Array[], binners: Binner[], target: Target, rows: Int32Array, minLeaf: number, fill: number): Split | null {
  const n = rows.length;
  let best: Split | null = null;
  const classes = target.kind === "classification" ? target.k + 1 : 0;
  // parent impurity
  let parent = 0;
  const parentCounts = new Float64Array(Math.max(classes, 1));
  if (target.kind === "regression") {
    let s = 0, s2 = 0;
    for (const r of rows) { const y = Number.isNaN(target.values[r]!) ? fill : target.values[r]!; s += y; s2 += y * y; }
    parent = s2 - (s * s) / n;
  } else {
    for (const r of rows) parentCounts[classIndex(target, r)]! += 1;
    let g = 0;
    for (const c of parentCounts) g += c * c;
    parent = n - g / n; // n × Gini
  }
  if (parent <= 1e-12 * n) return null;
  let majority = 0;
  for (let c = 1; c < classes; c++) if (parentCounts[c]! > parentCounts[majority]!) majority = c;

  for (let p = 0; p < X.length; p++) {
    const nb = binners[p]!.count;
    const xp = X[p]!;
    const cnt = new Float64Array(nb);
    const sum = new Float64Array(nb);
    const sum2 = new Float64Array(nb);
    const cls = classes ? new Float64Array(nb * classes) : null;
    for (const r of rows) {
      const b = xp[r]!;
      cnt[b]! += 1;
      if (target.kind === "regression") {
        const y = Number.isNaN(target.values[r]!) ? fill : target.values[r]!;
        sum[b]! += y;
        sum2[b]! += y * y;
      } else cls![b * classes + classIndex(target, r)]! += 1;
    }
    const used: number[] = [];
    for (let b = 0; b < nb; b++) if (cnt[b]! > 0) used.push(b);
    if (used.length < 2) continue;
    if (!binners[p]!.ordered) {
      const key = (b: number) => (target.kind === "regression" ? sum[b]! / cnt[b]! : cls![b * classes + majority]! / cnt[b]!);
      used.sort((a, b) => key(a) - key(b));
    }
    let nL = 0, sL = 0, s2L = 0;
    const cL = classes ? new Float64Array(classes) : null;
    let totalS = 0, totalS2 = 0;
    if (target.kind === "regression") for (const b of used) { totalS += sum[b]!; totalS2 += sum2[b]!; }
    for (let u = 0; u < used.length - 1; u++) {
      const b = used[u]!;
      nL += cnt[b]!;
      const nR = n - nL;
      let impurity: number;
      if (target.kind === "regression") {
        sL += sum[b]!;
        s2L += sum2[b]!;
        if (nL < minLeaf || nR < minLeaf) continue;
        const sR = totalS - sL, s2R = totalS2 - s2L;
        impurity = s2L - (sL * sL) / nL + (s2R - (sR * sR) / nR);
      } else {
        let gL = 0, gR = 0;
        for (let c = 0; c < classes; c++) {
          cL![c]! += cls![b * classes + c]!;
          const r = parentCounts[c]! - cL![c]!;
          gL += cL![c]! * cL![c]!;
          gR += r * r;
        }
        if (nL < minLeaf || nR < minLeaf) continue;
        impurity = nL - gL / nL + (nR - gR / nR);
      }
      const gain = parent - impurity;
      if (gain > 1e-9 * Math.abs(parent) && (!best || gain > best.gain)) {
        const left = new Uint8Array(nb);
        for (let v = 0; v <= u; v++) left[used[v]!] = 1;
        best = { predictor: p, left, gain };
      }
    }
  }
  return best;
}

/** Grows a tree on binned predictors X (one Uint16Array per predictor) for the target. */
export function growTree(X: Uint16Array[], binners: Binner[], target: Target, options: TreeOptions): TreeNode {
  let fill = 0;
  if (target.kind === "regression") {
    let s = 0, n = 0;
    for (const y of target.values) if (!Number.isNaN(y)) { s += y; n++; }
    fill = n ? s / n : 0;
  }
  const all = Int32Array.from({ length: X.length ? X[0]!.length : target.kind === "regression" ? target.values.length : target.classes.length }, (_, i) => i);
  const grow = (rows: Int32Array, depth: number): TreeNode => {
    const split = rows.length >= 2 * options.minLeaf && depth < options.maxDepth ? bestSplit(X, binners, target, rows, options.minLeaf, fill) : null;
    if (!split) return { leaf: true, rows, prediction: prediction(target, rows) };
    const xp = X[split.predictor]!;
    let nYes = 0;
    for (const r of rows) if (split.left[xp[r]!]) nYes++;
    const yes = new Int32Array(nYes);
    const no = new Int32Array(rows.length - nYes);
    let a = 0, b = 0;
    for (const r of rows) if (split.left[xp[r]!]) yes[a++] = r; else no[b++] = r;
    return { leaf: false, predictor: split.predictor, left: split.left, yes: grow(yes, depth + 1), no: grow(no, depth + 1) };
  };
  return grow(all, 0);
}

/** The leaf row i of binned predictors X falls into. */
export function leafOf(tree: TreeNode, X: Uint16Array[], i: number): Extract<TreeNode, { leaf: true }> {
  let node = tree;
  while (!node.leaf) node = node.left[X[node.predictor]![i]!] ? node.yes : node.no;
  return node;
}
