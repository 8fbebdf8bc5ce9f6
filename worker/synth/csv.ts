// CSV in and out of the lab, through papaparse (RFC 4180 quoting, BOMs, CRLF).
// A file either parses whole, with one header of distinct names and the same
// number of fields on every line, or is refused with the line that broke it.
import Papa from "papaparse";

/** A table as the file has it: one array of cell strings per column ("" = missing). */
export interface RawTable {
  header: string[];
  columns: string[][];
  rows: number;
}

export class CsvError extends Error {}

export const CSV_LIMITS = { maxBytes: 20_000_000, maxRows: 200_000, maxColumns: 100, minRows: 20 } as const;

export function parseCsv(text: string, limits: { maxRows?: number; maxColumns?: number; minRows?: number } = {}): RawTable {
  const maxRows = limits.maxRows ?? CSV_LIMITS.maxRows;
  const maxColumns = limits.maxColumns ?? CSV_LIMITS.maxColumns;
  const minRows = limits.minRows ?? CSV_LIMITS.minRows;
  if (text.trim() === "") throw new CsvError("the file is empty");
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: true, header: false });
  const broken = parsed.errors.find((e) => e.type !== "Delimiter");
  if (broken) throw new CsvError(`line ${(broken.row ?? 0) + 1}: ${broken.message}`);
  const [header, ...lines] = parsed.data;
  if (!header || header.length === 0) throw new CsvError("the file has no header line");
  const names = header.map((h) => h.trim());
  if (names.length > maxColumns) throw new CsvError(`the file has ${names.length} columns; at most ${maxColumns} are accepted`);
  const empty = names.findIndex((n) => n === "");
  if (empty >= 0) throw new CsvError(`column ${empty + 1} has no name in the header`);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new CsvError(`the header names column "${n}" twice`);
    seen.add(n);
  }
  if (lines.length < minRows) throw new CsvError(`the file has ${lines.length} data rows; at least ${minRows} are needed`);
  if (lines.length > maxRows) throw new CsvError(`the file has ${lines.length} data rows; at most ${maxRows} are accepted`);
  const columns = names.map(() => new Array<string>(lines.length));
  for (let r = 0; r < lines.length; r++) {
    const line = lines[r]!;
    if (line.length !== names.length) {
      throw new CsvError(`line ${r + 2} has ${line.length} fields; the header has ${names.length}`);
    }
    for (let c = 0; c < names.length; c++) columns[c]![r] = line[c]!.trim();
  }
  return { header: names, columns, rows: lines.length };
}

export function writeCsv(table: RawTable): string {
  const data = new Array<string[]>(table.rows);
  for (let r = 0; r < table.rows; r++) data[r] = table.columns.map((col) => col[r]!);
  return `${Papa.unparse({ fields: table.header, data }, { newline: "\n" })}\n`;
}
