// ML efficacy: a decision tree trained on synthetic rows and tested on the real
// holdout, beside the same tree trained on the real training rows. Categories:
// macro-F1 over the holdout's classes; numbers: R².
import { binnerFor, growTree, leafOf, type Target } from "../tree";
import type { Table } from "../table";

const OPTIONS = { minLeaf: 5, maxDepth: 10 };

export function macroF1(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const classes = [...new Set(Array.from(truth))];
  let sum = 0;
  for (const c of classes) {
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i] === c, p = predicted[i] === c;
      if (t && p) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return classes.length ? sum / classes.length : 0;
}

export function rSquared(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let n = 0, s = 0;
  for (let i = 0; i < truth.length; i++) if (!Number.isNaN(truth[i]!) && !Number.isNaN(predicted[i]!)) { n++; s += truth[i]!; }
  const m = s / n;
  let ssRes = 0, ssTot = 0;
  for (let i = 0; i < truth.length; i++) {
    if (Number.isNaN(truth[i]!) || Number.isNaN(predicted[i]!)) continue;
    ssRes += (truth[i]! - predicted[i]!) ** 2;
    ssTot += (truth[i]! - m) ** 2;
  }
  return ssTot > 0 ? 1 - ssRes / ssTot : 0;
}

/** The score of a tree trained on `training` predicting `target` on `test`. */
export function trainAndTest(training: Table, test: Table, target: string): number {
  const t = training.columns.findIndex((c) => c.name === target);
  const predictors = training.columns.filter((_, j) => j !== t);
  const testPredictors = test.columns.filter((_, j) => j !== t);
  const binners = predictors.map(binnerFor);
  const X = predictors.map((c, j) => binners[j]!.bin(c));
  const testX = testPredictors.map((c, j) => binners[j]!.bin(c));
  const y = training.columns[t]!;
  const spec: Target = y.kind === "numeric" ? { kind: "regression", values: y.values } : { kind: "classification", classes: y.codes, k: y.categories.length };
  const tree = growTree(X, binners, spec, OPTIONS);
  const predicted = Float64Array.from({ length: test.rows }, (_, i) => leafOf(tree, testX, i).prediction);
  const truth = test.columns[t]!;
  return truth.kind === "numeric" ? rSquared(truth.values, predicted) : macroF1(truth.codes, predicted);
}

export interface EfficacyReport {
  target: string;
  metric: "macro-F1" | "R2";
  synthetic: number;
  real: number;
  /** synthetic ÷ real (1 = as useful as the real data). */
  ratio: number;
}

export function efficacyReport(train: Table, holdout: Table, synthetic: Table, target: string): EfficacyReport {
  const col = train.columns.find((c) => c.name === target)!;
  const real = trainAndTest(train, holdout, target);
  const syn = trainAndTest(synthetic, holdout, target);
  return { target, metric: col.kind === "numeric" ? "R2" : "macro-F1", synthetic: syn, real, ratio: real > 0 ? syn / real : 0 };
}
