// Every score of one synthetic table against the real training rows and the holdout.
import type { RawTable } from "../csv";
import { Rng } from "../random";
import { uniform } from "../synthesizers/baselines";
import { decodeTable, type Table } from "../table";
import { diagnosticReport, type DiagnosticReport } from "./diagnostic";
import { efficacyReport, type EfficacyReport } from "./efficacy";
import { dcr, dcrBaselineProtection, dcrOverfittingProtection, distanceSpace, newRowSynthesis, rowMatrix } from "./privacy";
import { qualityReport, type QualityReport } from "./quality";

/** DCR is O(synthetic × real); beyond these sizes seeded subsamples are compared. */
export const PRIVACY_SAMPLE = { syntheticRows: 1000, realRows: 50_000 };

export interface PrivacyReport {
  dcrBaselineProtection: number;
  medianDcrSynthetic: number;
  medianDcrRandom: number;
  dcrOverfittingProtection: number;
  closerToTraining: number;
  newRowSynthesis: number;
  syntheticRowsCompared: number;
  realRowsCompared: number;
}

export interface Histogram {
  column: string;
  kind: "numeric" | "categorical";
  labels: string[];
  real: number[];
  synthetic: number[];
}

export interface Scores {
  quality: QualityReport;
  diagnostic: DiagnosticReport;
  privacy: PrivacyReport;
  efficacy: EfficacyReport | null;
  histograms: Histogram[];
}

function subsample(n: number, cap: number, rng: Rng): Int32Array | undefined {
  if (n <= cap) return undefined;
  const picked = new Set<number>();
  while (picked.size < cap) picked.add(rng.int(n));
  return Int32Array.from([...picked].sort((a, b) => a - b));
}

export function privacyReport(train: Table, holdout: Table, synthetic: Table, rng: Rng): PrivacyReport {
  const space = distanceSpace(train);
  const synRows = subsample(synthetic.rows, PRIVACY_SAMPLE.syntheticRows, rng);
  const syn = rowMatrix(synthetic, synRows);
  const ref = rowMatrix(train, subsample(train.rows, PRIVACY_SAMPLE.realRows, rng));
  const hold = rowMatrix(holdout, subsample(holdout.rows, PRIVACY_SAMPLE.realRows, rng));
  const nSyn = syn.length / space.d;
  const random = rowMatrix(uniform.fit(train, rng, { epsilon: 1 }).sample(nSyn, rng.fork(7)));
  const toTrain = dcr(space, syn, ref);
  const base = dcrBaselineProtection(toTrain, dcr(space, random, ref));
  const over = dcrOverfittingProtection(toTrain, dcr(space, syn, hold));
  return {
    dcrBaselineProtection: base.score,
    medianDcrSynthetic: base.medianSynthetic,
    medianDcrRandom: base.medianRandom,
    dcrOverfittingProtection: over.score,
    closerToTraining: over.closerToTraining,
    newRowSynthesis: newRowSynthesis(space, syn, ref),
    syntheticRowsCompared: nSyn,
    realRowsCompared: ref.length / space.d,
  };
}

const HISTOGRAM_BINS = 20;
const MAX_CATEGORIES_SHOWN = 30;

export function histograms(real: Table, synthetic: Table): Histogram[] {
  return real.columns.map((r, j) => {
    const s = synthetic.columns[j]!;
    if (r.kind === "categorical" && s.kind === "categorical") {
      const k = r.categories.length;
      const count = (codes: Int32Array) => {
        const c = new Float64Array(k + 1);
        for (const x of codes) c[x < 0 ? k : x]! += 1 / codes.length;
        return c;
      };
      const pr = count(r.codes), ps = count(s.codes);
      const slots = Array.from({ length: k + 1 }, (_, i) => i).filter((i) => pr[i]! > 0 || ps[i]! > 0);
      if (!r.ordered) slots.sort((a, b) => pr[b]! - pr[a]!);
      const shown = slots.slice(0, MAX_CATEGORIES_SHOWN);
      return {
        column: r.name,
        kind: "categorical",
        labels: shown.map((i) => (i === k ? "(missing)" : r.categories[i]!)),
        real: shown.map((i) => pr[i]!),
        synthetic: shown.map((i) => ps[i]!),
      };
    }
    const rv = (r as Extract<typeof r, { kind: "numeric" }>).values, sv = (s as typeof r & { values: Float64Array }).values;
    let lo = Infinity, hi = -Infinity;
    for (const x of rv) if (!Number.isNaN(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
    const w = (hi - lo) / HISTOGRAM_BINS || 1;
    const count = (v: Float64Array) => {
      const c = new Array<number>(HISTOGRAM_BINS).fill(0);
      let n = 0;
      for (const x of v) if (!Number.isNaN(x)) n++;
      for (const x of v) if (!Number.isNaN(x)) c[Math.min(Math.max(Math.floor((x - lo) / w), 0), HISTOGRAM_BINS - 1)]! += 1 / n;
      return c;
    };
    const isDate = r.kind === "numeric" && r.datetimeFormat !== null;
    const label = (x: number) => (isDate ? new Date(x).toISOString().slice(0, 10) : String(Number(x.toPrecision(4))));
    return { column: r.name, kind: "numeric", labels: Array.from({ length: HISTOGRAM_BINS }, (_, b) => label(lo + b * w)), real: count(rv), synthetic: count(sv) };
  });
}

export function evaluate(input: { train: Table; holdout: Table; synthetic: Table; syntheticCsv: RawTable; target: string | null; seed: number }): Scores {
  const { train, holdout, synthetic } = input;
  const rng = new Rng(input.seed ^ 0x5eed);
  return {
    quality: qualityReport(train, synthetic),
    diagnostic: diagnosticReport(train, decodeTable(train), synthetic, input.syntheticCsv),
    privacy: privacyReport(train, holdout, synthetic, rng),
    efficacy: input.target ? efficacyReport(train, holdout, synthetic, input.target) : null,
    histograms: histograms(train, synthetic),
  };
}
