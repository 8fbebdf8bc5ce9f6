// SDMetrics' diagnostic report: Data Validity (BoundaryAdherence for numbers and
// datetimes, CategoryAdherence for categories) and Data Structure (TableStructure);
// the score is the mean of the two properties.
import type { RawTable } from "../csv";
import { isNumber } from "../metadata";
import type { Table } from "../table";

/** Share of present synthetic values inside [min, max] of the real ones. */
export function boundaryAdherence(real: ArrayLike<number>, synthetic: ArrayLike<number>): number {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < real.length; i++) { const x = real[i]!; if (!Number.isNaN(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); } }
  let n = 0, inside = 0;
  for (let i = 0; i < synthetic.length; i++) {
    const x = synthetic[i]!;
    if (Number.isNaN(x)) continue;
    n++;
    if (x >= lo && x <= hi) inside++;
  }
  return n ? inside / n : 1;
}

/** Share of synthetic cells whose value (missing included, as "") occurs among the real ones. */
export function categoryAdherence(real: readonly string[], synthetic: readonly string[]): number {
  const known = new Set(real);
  let inside = 0;
  for (const v of synthetic) if (known.has(v)) inside++;
  return synthetic.length ? inside / synthetic.length : 1;
}

/** The dtype a reader of the CSV would infer: a column of numbers (or blanks), or of strings. */
export function csvDtype(values: readonly string[]): "number" | "string" {
  return values.every((v) => v === "" || isNumber(v)) ? "number" : "string";
}

/** |columns with the same name and dtype in both| / |all (name, dtype) pairs of either|. */
export function tableStructure(real: { name: string; dtype: string }[], synthetic: { name: string; dtype: string }[]): number {
  const key = (c: { name: string; dtype: string }) => `${c.name}\u0000${c.dtype}`;
  const r = new Set(real.map(key)), s = new Set(synthetic.map(key));
  const union = new Set([...r, ...s]);
  let both = 0;
  for (const k of r) if (s.has(k)) both++;
  return union.size ? both / union.size : 1;
}

export interface DiagnosticReport {
  score: number;
  dataValidity: number;
  dataStructure: number;
  columns: { column: string; metric: "BoundaryAdherence" | "CategoryAdherence"; score: number }[];
}

export function diagnosticReport(real: Table, realCsv: RawTable, synthetic: Table, syntheticCsv: RawTable): DiagnosticReport {
  const columns = real.columns.map((r, j) => {
    if (r.kind === "numeric") {
      const s = synthetic.columns[j]! as typeof r;
      return { column: r.name, metric: "BoundaryAdherence" as const, score: boundaryAdherence(r.values, s.values) };
    }
    const at = (t: RawTable) => t.columns[t.header.indexOf(r.name)]!;
    return { column: r.name, metric: "CategoryAdherence" as const, score: categoryAdherence(at(realCsv), at(syntheticCsv)) };
  });
  const dataValidity = columns.reduce((a, c) => a + c.score, 0) / columns.length;
  const structure = (t: RawTable) => t.header.map((name, i) => ({ name, dtype: csvDtype(t.columns[i]!) }));
  const dataStructure = tableStructure(structure(realCsv), structure(syntheticCsv));
  return { score: (dataValidity + dataStructure) / 2, dataValidity, dataStructure, columns };
}
