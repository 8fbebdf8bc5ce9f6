// Transform step: the raw file streamed from R2 through papaparse's parser (never one string), each record
// trimmed and cast to its column's type. Bad rows go to the rejects (line, byte offset, column,
// expected type, raw line, reason); past the reject limit the run fails. Clean rows are staged in R2
// as JSON parts for the load step, so a retried load does not parse the file again.
import Papa from "papaparse";
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

/**
 * Staged part size: about this many characters of JSON, staged as UTF-8 bytes. 1 MB, not 2: each part
 * is held twice while it is written (text and bytes), and bytes, not a string, because a string put
 * costs far more transient memory on the way to R2 (bench:etl: ~100 MB for a 2 MB string).
 */
const PART_CHARS = 1_000_000;
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

export interface TransformInput {
  body: ReadableStream<Uint8Array>;
  record: SniffRecord;
  plan: TransformPlan;
  options: Pick<EtlOptions, "rejectLimit" | "trim">;
  maxLineBytes: number;
  /** Receives each staged part (one JSON array a line, UTF-8); the workflow writes it to R2. */
  stage: (part: number, json: Uint8Array) => Promise<void>;
}

const NON_ASCII = /[^\x00-\x7f]/g;

/** UTF-8 length of a string's first `end` characters without encoding it (byte offsets of rejects). */
function utf8Length(text: string, end = text.length): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    // ASCII runs (most of a CSV) are found by the regex engine, not counted a character at a time.
    NON_ASCII.lastIndex = i;
    const found = NON_ASCII.exec(text);
    const at = found && found.index < end ? found.index : end;
    n += at - i;
    i = at;
    if (i >= end) break;
    const c = text.charCodeAt(i);
    if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const NEWLINE = 10;

/**
 * Papaparse's core parser (Papa.Parser), fed the decoded file chunk by chunk: each call parses the
 * text held so far up to its last complete row and keeps the rest for the next chunk, as papaparse's
 * own streamers do. It is several times faster than csv-parse here (npm run bench:etl), and its
 * per-row cursor gives each reject its raw line, line number and byte offset.
 */
export async function transformCsv(input: TransformInput): Promise<TransformResult> {
  const { record, plan, options } = input;
  const tokens = tokensOf(record.nullTokens, record.trueTokens, record.falseTokens);
  const width = record.columns.length;
  const trim = options.trim !== false;
  const rejects: Reject[] = [];
  let rowsRead = 0, rowsStaged = 0, rowsRejected = 0, parts = 0;
  let buffer: string[] = [];
  let bufferChars = 0;
  const ncols = plan.columns.length;
  const row = new Array<CellValue>(ncols);
  let skipHeader = record.header;
  // Where the current text starts in the file: its line and byte offset (after a BOM).
  let textLine = 1;
  let textBytes = record.bom ? 3 : 0;
  let text = "";
  let parser: InstanceType<typeof Papa.Parser> | null = null;
  let rowStart = 0;
  let lineAt = 1;
  let pendingError: Error | null = null;

  const refuse = (r: Omit<Reject, "raw" | "line" | "byteOffset">, raw: string, start: number, line: number) => {
    rowsRejected++;
    if (rejects.length < options.rejectLimit) {
      rejects.push({ ...r, line, byteOffset: textBytes + utf8Length(text, start), raw: raw.replace(/\r?\n$/, "").slice(0, RAW_KEEP_CHARS) });
    }
    if (rowsRejected > options.rejectLimit) throw new RejectLimitError(options.rejectLimit, rejects);
  };

  const onRow = (fields: string[], end: number) => {
    const start = rowStart;
    rowStart = end;
    const raw = text.slice(start, end);
    const line = lineAt;
    // A quoted field may hold line breaks: count them, so later rows keep their line numbers.
    let breaks = 0;
    if (raw.indexOf(record.quote) >= 0) for (let i = raw.indexOf("\n"); i >= 0 && i < raw.length - 1; i = raw.indexOf("\n", i + 1)) breaks++;
    lineAt += 1 + breaks;
    if (fields.length === 1 && fields[0] === "") return;
    if (skipHeader) {
      skipHeader = false;
      return;
    }
    rowsRead++;
    if (fields.length !== width) {
      refuse({ column: null, expected: `${width} fields`, reason: `the row has ${fields.length} fields; the header has ${width}` }, raw, start, line);
      return;
    }
    for (const i of plan.extraIndex) {
      const v = trim ? fields[i]!.trim() : fields[i]!;
      if (!tokens.nullTokens.has(v)) {
        const name = record.columns[i]!.name;
        refuse({ column: name, expected: null, reason: `a value in column "${name}", which the dataset does not have (policy discard_row)` }, raw, start, line);
        return;
      }
    }
    for (let c = 0; c < ncols; c++) {
      const at = plan.sourceIndex[c]!;
      if (at < 0) {
        row[c] = null;
        continue;
      }
      const col = plan.columns[c]!;
      const v = trim ? fields[at]!.trim() : fields[at]!;
      const cast = castValue(v, col.type, col.format, tokens);
      if (cast !== undefined) row[c] = cast;
      else if (plan.nullOnMismatch) row[c] = null;
      else {
        const expected = col.format ? `${col.type} ${col.format}` : col.type;
        refuse({ column: col.name, expected, reason: `"${v.slice(0, 60)}" is not ${/^[aeiou]/.test(col.type) ? "an" : "a"} ${expected}` }, raw, start, line);
        return;
      }
    }
    const json = JSON.stringify(row);
    buffer.push(json);
    bufferChars += json.length + 1;
    rowsStaged++;
  };

  const parseHeld = (last: boolean) => {
    rowStart = 0;
    lineAt = textLine;
    const result = parser!.parse(text, 0, !last);
    if (pendingError) throw pendingError;
    const missing = (result.errors as Papa.ParseError[]).find((e) => e.code === "MissingQuotes");
    if (missing) throw new EtlInputError("unbalanced_quote", `line ${lineAt}: a quoted field is never closed (an unbalanced quote)`);
    const cursor = result.meta.cursor;
    // What was parsed leaves the held text: its lines and bytes move the text's start on.
    textLine = lineAt;
    textBytes += utf8Length(text, cursor);
    text = text.slice(cursor);
    if (text.length > input.maxLineBytes) {
      throw new EtlInputError("line_too_long", `line ${textLine}: a record is longer than ${input.maxLineBytes} characters (an unbalanced quote, or not a CSV)`);
    }
  };

  const flush = async () => {
    if (buffer.length === 0) return;
    await input.stage(parts++, encoder.encode(buffer.join("\n")));
    buffer = [];
    bufferChars = 0;
  };

  const decoder = new TextDecoder("utf-8");
  const encoder = new TextEncoder();
  for await (const chunk of input.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    if (!parser) {
      const firstBreak = text.indexOf("\n");
      if (firstBreak < 0 && text.length < input.maxLineBytes) continue;
      const newline = firstBreak > 0 && text.charCodeAt(firstBreak - 1) === 13 ? "\r\n" : "\n";
      parser = new Papa.Parser({
        delimiter: record.delimiter, quoteChar: record.quote, escapeChar: record.escape, newline,
        step: (results: Papa.ParseStepResult<string[]>) => {
          if (pendingError) return;
          try {
            // The core parser hands each step a one-row batch.
            onRow((results.data as unknown as string[][])[0]!, results.meta.cursor);
          } catch (error) {
            pendingError = error as Error;
            parser!.abort();
          }
        },
      });
    }
    parseHeld(false);
    if (bufferChars >= PART_CHARS) await flush();
  }
  text += decoder.decode();
  if (text.length && text.charCodeAt(text.length - 1) !== NEWLINE) text += "\n";
  if (!parser) parser = new Papa.Parser({ delimiter: record.delimiter, quoteChar: record.quote, escapeChar: record.escape, newline: "\n", step: (r: Papa.ParseStepResult<string[]>) => onRow((r.data as unknown as string[][])[0]!, r.meta.cursor) });
  if (text.length) parseHeld(true);
  await flush();
  if (rowsRead === 0) throw new EtlInputError("header_only", "the file has a header and no data rows");
  return { rowsRead, rowsStaged, rowsRejected, parts, rejects };
}
