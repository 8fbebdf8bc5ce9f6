// Transform step: the raw file streamed from R2 through csv-parse (never one string), each record
// trimmed and cast to its column's type. Bad rows go to the rejects (line, byte offset, column,
// expected type, raw line, reason); past the reject limit the run fails. Clean rows are staged in R2
// as JSON parts for the load step, so a retried load does not parse the file again.
import { Readable } from "node:stream";
import { parse, CsvError } from "csv-parse";
import type { DatasetColumn, EtlOptions, SchemaPolicy, SniffRecord } from "./contract";
import { EtlInputError } from "./settings";
import { castValue, tokensOf, type CellValue } from "./types";

export interface Reject {
  line: number;
  byteOffset: number;
  column: string | null;
  expected: string | null;
  raw: string;
  reason: string;
}

/** Where each target column's value comes from, and what happens to values that do not fit. */
export interface TransformPlan {
  columns: DatasetColumn[];
  /** Per target column: its field index in the file, or -1 (absent from the file: null). */
  sourceIndex: number[];
  /** File fields not in the target (discard_row: a row with a value there is refused). */
  extraIndex: number[];
  /** discard_value: a value that does not fit becomes null instead of refusing the row. */
  nullOnMismatch: boolean;
  policy: SchemaPolicy;
}

/** Past the reject limit: the run fails, and the rejects seen so far are kept for the rejects view. */
export class RejectLimitError extends EtlInputError {
  constructor(limit: number, readonly rejects: Reject[]) {
    const first = rejects[0];
    super("too_many_rejects", `more than ${limit} rows were refused (the reject limit)${first ? `; the first: line ${first.line}, ${first.reason}` : ""}`);
  }
}

export interface TransformResult {
  rowsRead: number;
  rowsStaged: number;
  rowsRejected: number;
  parts: number;
  rejects: Reject[];
}

/** Staged part size: JSON text of about this many characters. */
const PART_CHARS = 2_000_000;
const RAW_KEEP_CHARS = 1000;

export const stagingPrefix = (runId: string) => `etl/staging/${runId}/`;
export const stagingKey = (runId: string, part: number) => `${stagingPrefix(runId)}part-${String(part).padStart(5, "0")}.ndjson`;

/** A physical column name for D1 (lower snake case, not starting with a digit, distinct). */
export function columnNameFor(name: string, taken: Set<string>): string {
  let base = name.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 48) || "column";
  if (/^\d/.test(base) || base === "rowid") base = `c_${base}`;
  let candidate = base;
  for (let i = 2; taken.has(candidate); i++) candidate = `${base}_${i}`;
  taken.add(candidate);
  return candidate;
}

const widen = (a: DatasetColumn["type"], b: DatasetColumn["type"]): DatasetColumn["type"] =>
  a === b ? a : (a === "integer" && b === "real") || (a === "real" && b === "integer") ? "real" : "text";

/** Reconciles the file's columns with the dataset's registered ones under the job's policy. */
export function planColumns(record: SniffRecord, registered: DatasetColumn[] | null, policy: SchemaPolicy): TransformPlan & { changes: string[] } {
  const fileNames = record.columns.map((c) => c.name);
  if (!registered || registered.length === 0) {
    const taken = new Set<string>();
    const columns = record.columns.map((c) => ({ name: c.name, column: columnNameFor(c.name, taken), type: c.type, format: c.format ?? null }));
    return { columns, sourceIndex: columns.map((_, i) => i), extraIndex: [], nullOnMismatch: false, policy, changes: [] };
  }
  const changes: string[] = [];
  const added = record.columns.filter((c) => !registered.some((r) => r.name === c.name));
  const changed = record.columns.filter((c) => registered.some((r) => r.name === c.name && (r.type !== c.type || (r.format ?? null) !== (c.format ?? null))));
  const missing = registered.filter((r) => !fileNames.includes(r.name));
  for (const c of added) changes.push(`new column "${c.name}" (${c.type})`);
  for (const c of changed) changes.push(`column "${c.name}" is now ${c.type}${c.format ? ` ${c.format}` : ""}, registered as ${registered.find((r) => r.name === c.name)!.type}`);
  for (const r of missing) changes.push(`column "${r.name}" is missing (its values are null)`);
  if (policy === "freeze" && (added.length || changed.length || missing.length)) {
    throw new EtlInputError("schema_changed", `the file's columns differ from the dataset's and its policy is freeze: ${changes.join("; ")}`);
  }
  let columns: DatasetColumn[];
  if (policy === "evolve") {
    const taken = new Set(registered.map((r) => r.column));
    columns = registered.map((r) => {
      const now = record.columns.find((c) => c.name === r.name);
      if (!now || (now.type === r.type && (now.format ?? null) === (r.format ?? null))) return r;
      const type = widen(r.type, now.type);
      // A date read in a new format keeps its type; values are cast with the file's format.
      return type === now.type ? { ...r, type, format: now.format ?? null } : { ...r, type, format: null };
    });
    for (const c of added) columns.push({ name: c.name, column: columnNameFor(c.name, taken), type: c.type, format: c.format ?? null });
  } else {
    columns = registered;
  }
  const sourceIndex = columns.map((c) => fileNames.indexOf(c.name));
  const extraIndex = policy === "discard_row" ? added.map((c) => fileNames.indexOf(c.name)) : [];
  return { columns, sourceIndex, extraIndex, nullOnMismatch: policy === "discard_value", policy, changes };
}

function inputErrorOf(error: CsvError, line: number): EtlInputError {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return new EtlInputError("unbalanced_quote", `line ${line}: a quoted field is never closed (an unbalanced quote)`);
    case "CSV_MAX_RECORD_SIZE":
      return new EtlInputError("line_too_long", `line ${line}: a record is longer than the line limit (an unbalanced quote, or not a CSV)`);
    default:
      return new EtlInputError("invalid_csv", `line ${line}: ${error.message}`);
  }
}

export interface TransformInput {
  body: ReadableStream<Uint8Array>;
  record: SniffRecord;
  plan: TransformPlan;
  options: Pick<EtlOptions, "rejectLimit" | "trim">;
  maxLineBytes: number;
  /** Receives each staged part (one JSON array a line); the workflow writes it to R2. */
  stage: (part: number, json: string) => Promise<void>;
}

export async function transformCsv(input: TransformInput): Promise<TransformResult> {
  const { record, plan, options } = input;
  const tokens = tokensOf(record.nullTokens, record.trueTokens, record.falseTokens);
  const width = record.columns.length;
  const parser = parse({
    delimiter: record.delimiter, quote: record.quote, escape: record.escape, bom: true, relax_column_count: true, relax_quotes: true,
    skip_empty_lines: true, max_record_size: input.maxLineBytes, raw: true, info: true,
  });
  Readable.from(input.body as unknown as AsyncIterable<Uint8Array>).on("error", (e) => parser.destroy(e)).pipe(parser);
  const rejects: Reject[] = [];
  let rowsRead = 0, rowsStaged = 0, rowsRejected = 0, parts = 0;
  let line = 1, prevBytes = 0, first = true;
  let buffer: string[] = [];
  let bufferChars = 0;
  const ncols = plan.columns.length;
  const row = new Array<CellValue>(ncols);
  const flush = async () => {
    if (buffer.length === 0) return;
    await input.stage(parts++, buffer.join("\n"));
    buffer = [];
    bufferChars = 0;
  };
  const refuse = (r: Omit<Reject, "raw">, raw: string) => {
    rowsRejected++;
    if (rejects.length <= options.rejectLimit) rejects.push({ ...r, raw: raw.replace(/\r?\n$/, "").slice(0, RAW_KEEP_CHARS) });
    if (rowsRejected > options.rejectLimit) {
      throw new RejectLimitError(options.rejectLimit, rejects.slice(0, options.rejectLimit));
    }
  };
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; raw: string; info: { bytes: number } }>) {
      const { record: fields, raw } = item;
      // Skipped empty lines come before the record in raw: the record starts after them.
      let lead = 0;
      while (raw.charCodeAt(lead) === 10 || raw.charCodeAt(lead) === 13) lead++;
      const skippedLines = (raw.slice(0, lead).match(/\n/g) ?? []).length;
      line += skippedLines;
      const recordLine = line, byteOffset = prevBytes + lead;
      line += (raw.slice(lead).match(/\n/g) ?? []).length;
      prevBytes = item.info.bytes;
      if (first) {
        first = false;
        if (record.header) continue;
      }
      rowsRead++;
      if (fields.length !== width) {
        refuse({ line: recordLine, byteOffset, column: null, expected: `${width} fields`, reason: `the row has ${fields.length} fields; the header has ${width}` }, raw);
        continue;
      }
      let bad: Omit<Reject, "raw"> | null = null;
      for (const i of plan.extraIndex) {
        const v = options.trim === false ? fields[i]! : fields[i]!.trim();
        if (!tokens.nullTokens.has(v)) {
          bad = { line: recordLine, byteOffset, column: record.columns[i]!.name, expected: null, reason: `a value in column "${record.columns[i]!.name}", which the dataset does not have (policy discard_row)` };
          break;
        }
      }
      for (let c = 0; c < ncols && !bad; c++) {
        const at = plan.sourceIndex[c]!;
        if (at < 0) {
          row[c] = null;
          continue;
        }
        const col = plan.columns[c]!;
        const v = options.trim === false ? fields[at]! : fields[at]!.trim();
        const cast = castValue(v, col.type, col.format, tokens);
        if (cast === undefined) {
          if (plan.nullOnMismatch) row[c] = null;
          else {
            const expected = col.format ? `${col.type} ${col.format}` : col.type;
            bad = { line: recordLine, byteOffset, column: col.name, expected, reason: `"${v.slice(0, 60)}" is not ${/^[aeiou]/.test(col.type) ? "an" : "a"} ${expected}` };
          }
        } else row[c] = cast;
      }
      if (bad) {
        refuse(bad, raw);
        continue;
      }
      const json = JSON.stringify(row);
      buffer.push(json);
      bufferChars += json.length + 1;
      rowsStaged++;
      if (bufferChars >= PART_CHARS) await flush();
    }
  } catch (error) {
    if (error instanceof CsvError) throw inputErrorOf(error, line);
    throw error;
  }
  await flush();
  if (rowsRead === 0) throw new EtlInputError("header_only", "the file has a header and no data rows");
  return { rowsRead, rowsStaged, rowsRejected, parts, rejects: rejects.slice(0, options.rejectLimit) };
}
