// Sniff step, after DuckDB's read_csv sniffer: on a sample from the file's start, the dialect
// (delimiter, quote, escape) whose rows have the most consistent field count, then each column's
// type as the first rung of the ladder (boolean, integer, real, date, timestamp, text) that every
// non-null sampled value fits, then the header (a first row that does not fit the types below it).
// Every setting the job's options name overrides the detected one; the result is the run's record.
import Papa from "papaparse";
import { DELIMITERS, type EtlOptions, type SniffColumn, type SniffRecord } from "./contract";
import { EtlInputError } from "./settings";
import {
  DATE_FORMATS, DEFAULT_FALSE_TOKENS, DEFAULT_NULL_TOKENS, DEFAULT_TRUE_TOKENS, fitsType, parseInFormat, TIMESTAMP_FORMATS, tokensOf, type Tokens,
} from "./types";

/** Bytes read from the file's start; rows sniffed at most. */
export const SNIFF_SAMPLE_BYTES = 256 * 1024;
export const SNIFF_SAMPLE_ROWS = 2048;
/** With mixed date formats, the most common one is kept when it covers this share; the others become rejects. */
const MAJORITY_FORMAT_SHARE = 0.5;

type Dialect = Pick<SniffRecord, "delimiter" | "quote" | "escape">;

function parseSample(text: string, d: Dialect, maxRows: number): string[][] | { error: string } {
  const parsed = Papa.parse<string[]>(text, { delimiter: d.delimiter, quoteChar: d.quote, escapeChar: d.escape, skipEmptyLines: true, preview: maxRows + 1 });
  const missing = parsed.errors.find((e) => e.code === "MissingQuotes");
  if (missing) {
    // The error's index is just past the quote that never closes: its line is where the trouble starts.
    const at = missing.index ?? 0;
    let line = 1;
    for (let i = text.indexOf("\n"); i >= 0 && i < at; i = text.indexOf("\n", i + 1)) line++;
    return { error: `line ${line}: a quoted field is never closed (an unbalanced quote)` };
  }
  return parsed.data;
}

function detectDialect(text: string, options: EtlOptions): { dialect: Dialect; rows: string[][] } {
  const delimiters = options.delimiter ? [options.delimiter] : DELIMITERS;
  // The single quote is tried only where one opens a field: a stray apostrophe is not a dialect.
  const quotes = options.quote ? [options.quote] : /(^|[,;\t|])'/m.test(text) ? (['"', "'"] as const) : (['"'] as const);
  let best: { dialect: Dialect; rows: string[][]; score: number; columns: number } | null = null;
  let failure: string | null = null;
  for (const delimiter of delimiters) {
    for (const quote of quotes) {
      const backslash = new RegExp(`\\\\${quote}`).test(text);
      const escape = options.escape ?? (backslash ? "\\" : quote);
      const rows = parseSample(text, { delimiter, quote, escape }, SNIFF_SAMPLE_ROWS);
      if (!Array.isArray(rows)) {
        failure ??= rows.error;
        continue;
      }
      if (rows.length === 0) continue;
      // The modal field count and how many rows have it: a dialect that splits every row the same way wins.
      const counts = new Map<number, number>();
      for (const r of rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
      let modal = 0, agree = 0;
      for (const [n, c] of counts) if (c > agree || (c === agree && n > modal)) [modal, agree] = [n, c];
      // Splitting into fields beats one column; then the most rows agreeing; then the most fields.
      const score = (modal > 1 ? 1e9 : 0) + agree;
      if (!best || score > best.score || (score === best.score && modal > best.columns)) best = { dialect: { delimiter, quote, escape }, rows, score, columns: modal };
    }
  }
  // Every delimiter failing the same way is the file's fault, not the dialect's.
  if (failure && (!best || best.columns <= 1)) throw new EtlInputError("unbalanced_quote", failure);
  if (!best) throw new EtlInputError("not_csv", "no delimiter splits the file into rows of fields; it is not a CSV");
  return { dialect: best.dialect, rows: best.rows };
}

/** The first rung of the ladder every value fits (values already trimmed and without nulls). */
export function detectType(values: string[], tokens: Tokens): Pick<SniffColumn, "type" | "format"> {
  if (values.length === 0) return { type: "text", format: null };
  if (values.every((v) => fitsType(v, "boolean", null, tokens))) return { type: "boolean", format: null };
  if (values.every((v) => fitsType(v, "integer", null, tokens))) return { type: "integer", format: null };
  if (values.every((v) => fitsType(v, "real", null, tokens))) return { type: "real", format: null };
  for (const [type, formats] of [["date", DATE_FORMATS], ["timestamp", TIMESTAMP_FORMATS]] as const) {
    const covered = formats.map((f) => values.filter((v) => !Number.isNaN(parseInFormat(v, f.format))).length);
    const all = covered.findIndex((n) => n === values.length);
    if (all >= 0) return { type, format: formats[all]!.format };
    // Mixed formats: when every value is a date in some format, the majority's format is kept.
    const anyFits = values.every((v) => formats.some((f) => !Number.isNaN(parseInFormat(v, f.format))));
    const top = Math.max(...covered);
    if (anyFits && top / values.length >= MAJORITY_FORMAT_SHARE) return { type, format: formats[covered.indexOf(top)]!.format };
  }
  return { type: "text", format: null };
}

/** Sniffs a sample (the file's first bytes, decoded) with the job's overrides. */
export function sniff(sampleText: string, options: EtlOptions, sampleIsWholeFile: boolean): SniffRecord {
  const bom = sampleText.charCodeAt(0) === 0xfeff;
  let text = bom ? sampleText.slice(1) : sampleText;
  // A sample cut mid-file ends at its last complete line.
  if (!sampleIsWholeFile) text = text.slice(0, Math.max(0, text.lastIndexOf("\n") + 1));
  if (text.trim() === "") throw new EtlInputError("empty", "the file is empty");
  const { dialect, rows } = detectDialect(text, options);
  const nullTokens = options.nullTokens ?? DEFAULT_NULL_TOKENS;
  const trueTokens = options.trueTokens ?? DEFAULT_TRUE_TOKENS;
  const falseTokens = options.falseTokens ?? DEFAULT_FALSE_TOKENS;
  const tokens = tokensOf(nullTokens, trueTokens, falseTokens);
  const width = rows[0]!.length;
  const cell = (r: string[], c: number) => (options.trim === false ? (r[c] ?? "") : (r[c] ?? "").trim());
  const body = rows.slice(1).filter((r) => r.length === width);
  const typeOf = (c: number) => detectType(body.map((r) => cell(r, c)).filter((v) => !tokens.nullTokens.has(v)), tokens);
  const detected = Array.from({ length: width }, (_, c) => typeOf(c));
  const first = rows[0]!.map((_, c) => cell(rows[0]!, c));
  let header: boolean;
  if (options.header !== undefined) header = options.header;
  else if (detected.some((t) => t.type !== "text")) {
    // A header row does not fit the types of the rows below it.
    header = first.some((v, c) => detected[c]!.type !== "text" && (tokens.nullTokens.has(v) || !fitsType(v, detected[c]!.type, detected[c]!.format, tokens)));
  } else {
    // All text: a first row of distinct, non-empty names is a header, as DuckDB assumes.
    header = new Set(first).size === first.length && first.every((v) => v !== "");
  }
  if (header && body.length === 0 && rows.length === 1) throw new EtlInputError("header_only", "the file has a header and no data rows");
  const names = header ? uniqueNames(first) : first.map((_, c) => `column_${c + 1}`);
  const overridden: string[] = [];
  for (const k of ["delimiter", "quote", "escape", "header", "nullTokens", "trueTokens", "falseTokens"] as const) if (options[k] !== undefined) overridden.push(k);
  const columns = names.map((name, c): SniffColumn => {
    const override = options.columns?.[name];
    if (override) {
      overridden.push(`columns.${name}`);
      return { name, type: override.type, format: override.format ?? (override.type === "date" || override.type === "timestamp" ? detected[c]!.format ?? null : null) };
    }
    // Without a header the first row is data: its values count for the type too.
    return header ? { name, ...detected[c]! } : { name, ...detectType(rows.filter((r) => r.length === width).map((r) => cell(r, c)).filter((v) => !tokens.nullTokens.has(v)), tokens) };
  });
  for (const name of Object.keys(options.columns ?? {})) {
    if (!names.includes(name)) throw new EtlInputError("unknown_column", `the options name column "${name}", which the file does not have`);
  }
  return { encoding: "utf-8", bom, ...dialect, header, columns, nullTokens, trueTokens, falseTokens, sampleRows: rows.length - (header ? 1 : 0), overridden };
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((raw, i) => {
    const base = raw === "" ? `column_${i + 1}` : raw;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}_${n + 1}`;
  });
}
