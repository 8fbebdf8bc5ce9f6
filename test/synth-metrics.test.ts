// The lab's metrics, detection and selection against values worked out by hand
// on tables small enough to check with pencil and paper (the working is in the
// comments); none of the expected numbers comes from the code under test.
import { describe, expect, it } from "vitest";
import { CsvError, parseCsv } from "../worker/synth/csv";
import { boundaryAdherence, categoryAdherence, tableStructure } from "../worker/synth/metrics/diagnostic";
import { macroF1, rSquared } from "../worker/synth/metrics/efficacy";
import { dcr, dcrBaselineProtection, dcrOverfittingProtection, distanceSpace, newRowSynthesis, rowMatrix } from "../worker/synth/metrics/privacy";
import { contingencySimilarity, correlationSimilarity, discretize, ksComplement, qualityReport, tvComplement } from "../worker/synth/metrics/quality";
import { detectColumn, detectMetadata, parseDatetime } from "../worker/synth/metadata";
import { selectBest, type Candidate } from "../worker/synth/select";
import { encodeTable, MetadataError, type ModelColumn, type Table } from "../worker/synth/table";

const num = (name: string, values: number[]): ModelColumn => ({ kind: "numeric", name, values: Float64Array.from(values), integer: false, decimals: 2, datetimeFormat: null });
const cat = (name: string, codes: number[], categories: string[]): ModelColumn => ({ kind: "categorical", name, codes: Int32Array.from(codes), categories, ordered: false });
const table = (...columns: ModelColumn[]): Table => ({
  rows: columns[0]!.kind === "numeric" ? columns[0]!.values.length : columns[0]!.codes.length,
  columns,
  generated: [],
  header: columns.map((c) => c.name),
});

describe("column shapes", () => {
  it("KSComplement is 1 − D after dropping NaN", () => {
    // real {1,2,3,4}, synthetic {3,4,5,6}: at x=2 the ECDFs are 0.5 and 0 → D = 0.5
    expect(ksComplement([1, 2, NaN, 3, 4], [3, 4, 5, 6])).toBeCloseTo(0.5, 12);
    // real {0,0,1,1}, synthetic {0,1,1,1}: at x=0 the ECDFs are 0.5 and 0.25 → D = 0.25
    expect(ksComplement([0, 0, 1, 1], [0, 1, 1, 1])).toBeCloseTo(0.75, 12);
    expect(ksComplement([1, 2, 3], [3, 2, 1])).toBe(1);
  });

  it("TVComplement is 1 − ½ Σ|p_real − p_syn|, missing counted as a category", () => {
    // real a,a,b,c → .5,.25,.25; synthetic a,a,a,b → .75,.25,0; Σ|·| = .25+0+.25 = .5 → 1 − .25
    expect(tvComplement([0, 0, 1, 2], [0, 0, 0, 1], 3)).toBeCloseTo(0.75, 12);
    // real a,missing → .5/.5; synthetic a,a → 1/0; Σ|·| = 1 → 0.5
    expect(tvComplement([0, -1], [0, 0], 1)).toBeCloseTo(0.5, 12);
  });
});

describe("column pair trends", () => {
  it("CorrelationSimilarity is 1 − |r_real − r_syn| / 2 with Pearson r", () => {
    // real y = x → r = 1; synthetic x 1,2,3 y 1,3,2: deviations (−1,0,1)·(−1,1,0) = 1, variances 2 and 2 → r = 0.5
    const c = correlationSimilarity([1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 3, 2]);
    expect(c.real).toBeCloseTo(1, 12);
    expect(c.synthetic).toBeCloseTo(0.5, 12);
    expect(c.score).toBeCloseTo(0.75, 12);
    // opposite correlations: 1 − |1 − (−1)| / 2 = 0
    expect(correlationSimilarity([1, 2, 3], [1, 2, 3], [1, 2, 3], [3, 2, 1]).score).toBeCloseTo(0, 12);
  });

  it("ContingencySimilarity is 1 − ½ Σ|P_real(a,b) − P_syn(a,b)|", () => {
    // real (a,x)(a,y)(b,x)(b,x) → ax .25 ay .25 bx .5; synthetic (a,x)(a,x)(b,y)(b,x) → ax .5 bx .25 by .25
    // Σ|·| = .25 (ax) + .25 (ay) + .25 (bx) + .25 (by) = 1 → 1 − .5
    expect(contingencySimilarity([0, 0, 1, 1], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 0], 2, 2)).toBeCloseTo(0.5, 12);
    // real (a,x)(a,y)(b,x)(b,x) against synthetic (a,x)(a,y)(b,x)(b,y): Σ|·| = .25 (bx) + .25 (by) = .5 → .75
    expect(contingencySimilarity([0, 0, 1, 1], [0, 1, 0, 0], [0, 0, 1, 1], [0, 1, 0, 1], 2, 2)).toBeCloseTo(0.75, 12);
  });

  it("mixed pairs cut the number into 10 equal-width bins of the real range, open at both ends", () => {
    // real range 0..10 → width 1; 0.5 → bin 0, 9.5 → bin 9, 12 → end bin 9, −3 → end bin 0, 10 → bin 9
    expect(Array.from(discretize([0, 10, 5, 5], [0.5, 9.5, 12, -3, 10, NaN]))).toEqual([0, 9, 9, 0, 9, -1]);
    // real cells (0,a)(9,b)(5,a)(5,b) .25 each; synthetic (0,a)(9,b)(9,b)(0,a) → (0,a) .5 (9,b) .5
    // Σ|·| = .25 + .25 + .25 + .25 = 1 → 0.5
    const realBins = discretize([0, 10, 5, 5], [0, 10, 5, 5]);
    const synBins = discretize([0, 10, 5, 5], [0.5, 9.5, 12, -3]);
    expect(contingencySimilarity(realBins, [0, 1, 0, 1], synBins, [0, 1, 1, 0], 10, 2)).toBeCloseTo(0.5, 12);
  });

  it("the quality score is the mean of Column Shapes and Column Pair Trends over all pairs", () => {
    // x: real {1,2,3,4}, synthetic {1,2,3,5} → at 4 the ECDFs are 1 and .75 → KS complement .75
    // c: identical shares → TV complement 1; shapes = (.75 + 1) / 2 = .875
    // pair (x,c): real x bins (width .3) 1→0, 2→3, 3→6, 4→9; synthetic 5 → end bin 9: the same cells → 1
    // overall = (.875 + 1) / 2 = .9375
    const real = table(num("x", [1, 2, 3, 4]), cat("c", [0, 0, 1, 1], ["a", "b"]));
    const syn = table(num("x", [1, 2, 3, 5]), cat("c", [0, 0, 1, 1], ["a", "b"]));
    const q = qualityReport(real, syn);
    expect(q.columnShapes).toBeCloseTo(0.875, 12);
    expect(q.columnPairTrends).toBeCloseTo(1, 12);
    expect(q.score).toBeCloseTo(0.9375, 12);
    expect(q.pairConvention).toBe("all-pairs");
    expect(q.pairs.map((p) => p.metric)).toEqual(["ContingencySimilarity"]);
  });
});

describe("diagnostic", () => {
  it("BoundaryAdherence: share of synthetic values inside the real [min, max]", () => {
    // −1 and 11 are outside [0, 10]; NaN is not counted → 2 of 4
    expect(boundaryAdherence([0, 10], [-1, 5, 10, 11, NaN])).toBeCloseTo(0.5, 12);
  });
  it("CategoryAdherence: share of synthetic values that are real categories", () => {
    expect(categoryAdherence(["a", "b"], ["a", "b", "c", "c"])).toBeCloseTo(0.5, 12);
  });
  it("TableStructure: |same name and dtype| / |union|", () => {
    // {a:number, b:string} vs {a:number, c:string}: 1 shared of 3
    expect(tableStructure([{ name: "a", dtype: "number" }, { name: "b", dtype: "string" }], [{ name: "a", dtype: "number" }, { name: "c", dtype: "string" }])).toBeCloseTo(1 / 3, 12);
    expect(tableStructure([{ name: "a", dtype: "number" }], [{ name: "a", dtype: "number" }])).toBe(1);
  });
});

describe("privacy", () => {
  // training rows (x, c): (0,a), (10,b); x range 10
  const train = table(num("x", [0, 10]), cat("c", [0, 1], ["a", "b"]));
  const space = distanceSpace(train);

  it("DCR: mean over columns of min(|x−y|/range, 1) and 0/1 for categories, to the nearest real row", () => {
    // (2,a): to (0,a) (.2+0)/2 = .1, to (10,b) (.8+1)/2 = .9 → .1
    // (9,a): (.9+0)/2 = .45 vs (.1+1)/2 = .55 → .45
    // (20,b): (min(2,1)+1)/2 = 1 vs (min(1,1)+0)/2 = .5 → .5
    // (NaN,a): (1+0)/2 = .5 vs (1+1)/2 = 1 → .5
    const syn = table(num("x", [2, 9, 20, NaN]), cat("c", [0, 0, 1, 0], ["a", "b"]));
    const d = dcr(space, rowMatrix(syn), rowMatrix(train));
    expect(Array.from(d).map((x) => Number(x.toFixed(12)))).toEqual([0.1, 0.45, 0.5, 0.5]);
  });

  it("DCRBaselineProtection = min(median DCR synthetic / median DCR random, 1)", () => {
    // medians .45 and .6 → .75
    expect(dcrBaselineProtection(Float64Array.from([0.1, 0.45, 0.5]), Float64Array.from([0.9, 0.6, 0.3])).score).toBeCloseTo(0.75, 12);
    // .5 / .25 = 2 → capped at 1
    expect(dcrBaselineProtection(Float64Array.from([0.5]), Float64Array.from([0.25])).score).toBe(1);
  });

  it("DCROverfittingProtection = min(2(1 − p), 1), p = share strictly closer to training than to the holdout", () => {
    // .1<.2 yes, .2<.1 no, .3<.4 yes, .4<.4 no (a tie is not closer) → p = 2/4 → 2 × .5 = 1
    expect(dcrOverfittingProtection(Float64Array.from([0.1, 0.2, 0.3, 0.4]), Float64Array.from([0.2, 0.1, 0.4, 0.4])).score).toBeCloseTo(1, 12);
    // 2 of 3 closer → p = 2/3 → 2/3
    const o = dcrOverfittingProtection(Float64Array.from([0.1, 0.2, 0.3]), Float64Array.from([0.2, 0.1, 0.4]));
    expect(o.closerToTraining).toBeCloseTo(2 / 3, 12);
    expect(o.score).toBeCloseTo(2 / 3, 12);
  });

  it("NewRowSynthesis: a number matches within 1 % of the range, a category when equal", () => {
    // (0.05,a) matches (0,a) (|.05| ≤ .1); (0.2,a) matches nothing; (10,a) differs from (10,b) in c → 2 of 3 new
    const syn = table(num("x", [0.05, 0.2, 10]), cat("c", [0, 0, 0], ["a", "b"]));
    expect(newRowSynthesis(space, rowMatrix(syn), rowMatrix(train))).toBeCloseTo(2 / 3, 12);
  });
});

describe("ML efficacy scores", () => {
  it("macro-F1 averages the per-class F1", () => {
    // class 0: tp 1, fp 0, fn 1 → 2/3; class 1: tp 2, fp 1, fn 0 → 4/5; mean 11/15
    expect(macroF1([0, 0, 1, 1], [0, 1, 1, 1])).toBeCloseTo(11 / 15, 12);
  });
  it("R² = 1 − SS_res / SS_tot", () => {
    // truth 1,2,3 (mean 2, SS_tot 2), prediction 1,2,4 (SS_res 1) → .5
    expect(rSquared([1, 2, 3], [1, 2, 4])).toBeCloseTo(0.5, 12);
  });
});

describe("selection", () => {
  const c = (synthesizer: string, quality: number, seconds: number, newRowSynthesis = 1, dcrOverfittingProtection = 1): Candidate => ({
    synthesizer, label: synthesizer, quality, seconds, newRowSynthesis, dcrOverfittingProtection,
  });

  it("the winner passes the privacy floor, matches the copula's quality and is on the front; every loser has its reason", () => {
    const s = selectBest(
      [
        c("gaussian-copula", 0.95, 1.0),
        c("fast-good", 0.97, 0.5), // dominates the copula
        c("copier", 0.99, 0.1, 0.1, 0.0), // best quality and fastest, but copies rows
        c("slow", 0.96, 2.0), // dominated by fast-good
        c("uniform", 0.6, 0.01), // on the front, below the reference
      ],
      "gaussian-copula",
    );
    expect(s.winner).toBe("fast-good");
    const why = Object.fromEntries(s.verdicts.map((v) => [v.synthesizer, v.reason]));
    expect(why["copier"]).toMatch(/privacy floor: NewRowSynthesis 0.100 < 0.9, DCROverfittingProtection 0.000 < 0.5/);
    expect(why["slow"]).toMatch(/off the quality\/time front: fast-good/);
    expect(why["gaussian-copula"]).toMatch(/off the quality\/time front/);
    expect(why["uniform"]).toMatch(/quality 0.600 < the Gaussian copula's 0.950/);
    expect(why["fast-good"]).toMatch(/^won:/);
  });

  it("a row copier never wins, even when nothing else beats the copula", () => {
    const s = selectBest([c("gaussian-copula", 0.9, 1), c("copier", 1, 0.01, 0, 0)], "gaussian-copula");
    expect(s.winner).toBe("gaussian-copula");
  });
});

describe("metadata detection (SDV's rules)", () => {
  const n = 20;
  const rep = (values: string[]) => Array.from({ length: n }, (_, i) => values[i % values.length]!);
  it("numbers: whole, ≥ 0 and at most min(round(n/10), 10) distinct is categorical", () => {
    // n = 20 → at most 2 distinct
    expect(detectColumn("k", rep(["1", "0"]), n)).toEqual({ name: "k", sdtype: "categorical", order: ["0", "1"] });
    expect(detectColumn("k", rep(["1", "0", "2"]), n)).toEqual({ name: "k", sdtype: "numerical", representation: "Int" });
    expect(detectColumn("k", rep(["-1", "0"]), n)).toEqual({ name: "k", sdtype: "numerical", representation: "Int" });
    expect(detectColumn("k", rep(["1.5", "0"]), n)).toEqual({ name: "k", sdtype: "numerical", representation: "Float" });
  });
  it("all-unique columns are ids; strings with at most round(n/5) distinct are categorical", () => {
    expect(detectColumn("k", Array.from({ length: n }, (_, i) => String(i + 100)), n).sdtype).toBe("id");
    expect(detectColumn("k", Array.from({ length: n }, (_, i) => `u${i}`), n).sdtype).toBe("id");
    expect(detectColumn("k", rep(["a", "b", "c", "d"]), n)).toEqual({ name: "k", sdtype: "categorical", order: null }); // 4 = round(20/5)
    expect(detectColumn("k", rep(["a", "b", "c", "d", "e"]), n)).toEqual({ name: "k", sdtype: "pii", kind: "text" });
  });
  it("datetimes with their format, booleans, PII by name and content, ordinal order", () => {
    expect(detectColumn("d", Array.from({ length: n }, (_, i) => `2020-01-${String((i % 9) + 1).padStart(2, "0")}`), n)).toEqual({ name: "d", sdtype: "datetime", format: "%Y-%m-%d" });
    expect(detectColumn("t", rep(["05/31/2021", "12/01/2020"]), n)).toEqual({ name: "t", sdtype: "datetime", format: "%m/%d/%Y" });
    expect(detectColumn("b", rep(["true", "false"]), n)).toEqual({ name: "b", sdtype: "boolean" });
    expect(detectColumn("E-mail", rep(["x", "y"]), n)).toEqual({ name: "E-mail", sdtype: "pii", kind: "email" });
    expect(detectColumn("contact", rep(["ann@example.org", "bo@example.net"]), n)).toEqual({ name: "contact", sdtype: "pii", kind: "email" });
    expect(detectColumn("size", rep(["Large", "Small", "Medium"]), n)).toEqual({ name: "size", sdtype: "categorical", order: ["Small", "Medium", "Large"] });
    expect(Number.isNaN(parseDatetime("2015-02-30", "%Y-%m-%d"))).toBe(true);
  });
});

describe("impossible metadata and bad CSVs", () => {
  const csv = (rows: string[]) => parseCsv(["a,b", ...rows].join("\n"), { minRows: 1 });
  it("a categorical with one value only, an empty column, or text in a number is refused", () => {
    const one = csv(["x,1", "x,2", "x,3"]);
    expect(() => encodeTable(one, { columns: [{ name: "a", sdtype: "categorical", order: null }, { name: "b", sdtype: "numerical", representation: "Int" }], primaryKey: null, target: null })).toThrow(/one value only/);
    const empty = csv([",1", ",2"]);
    expect(() => encodeTable(empty, detectMetadata(empty))).toThrow(MetadataError);
    expect(() => encodeTable(empty, detectMetadata(empty))).toThrow(/"a" is empty/);
    const text = csv(["x,1", "y,z"]);
    expect(() => encodeTable(text, { columns: [{ name: "a", sdtype: "categorical", order: null }, { name: "b", sdtype: "numerical", representation: "Float" }], primaryKey: null, target: null })).toThrow(/numerical but holds "z"/);
  });
  it("ragged lines and repeated header names are refused with the line", () => {
    expect(() => parseCsv("a,b\n1,2\n3\n", { minRows: 1 })).toThrow(CsvError);
    expect(() => parseCsv("a,b\n1,2\n3\n", { minRows: 1 })).toThrow(/line 3/);
    expect(() => parseCsv("a,a\n1,2\n", { minRows: 1 })).toThrow(/twice/);
    expect(() => parseCsv("", { minRows: 1 })).toThrow(/empty/);
  });
});
