// The type ladder's tests and casts, shared by sniffing (which type fits every sampled value) and
// transforming (each value cast to its column's type). Dates and timestamps keep the format they
// were detected with, strftime-style as DuckDB reports them.
import type { ColumnType } from "./contract";

export interface Tokens {
  nullTokens: ReadonlySet<string>;
  trueTokens: ReadonlySet<string>;
  falseTokens: ReadonlySet<string>;
}

export const DEFAULT_NULL_TOKENS = ["", "NA", "N/A", "NULL", "null", "NaN"];
export const DEFAULT_TRUE_TOKENS = ["true", "True", "TRUE", "t", "yes", "Yes", "YES"];
export const DEFAULT_FALSE_TOKENS = ["false", "False", "FALSE", "f", "no", "No", "NO"];

export function tokensOf(nulls: string[], trues: string[], falses: string[]): Tokens {
  return { nullTokens: new Set(nulls), trueTokens: new Set(trues), falseTokens: new Set(falses) };
}

const INTEGER = /^[+-]?\d{1,16}$/;
const REAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

interface DateFormat {
  format: string;
  pattern: RegExp;
  /** Group order of the pattern's captures: year, month, day, then hour, minute, second, fraction. */
  parts: readonly ("Y" | "m" | "b" | "d" | "H" | "M" | "S" | "f")[];
}

const df = (format: string, pattern: RegExp, parts: DateFormat["parts"]): DateFormat => ({ format, pattern, parts });
/** Tried in this order; the first one every sampled value fits is the column's format. */
export const DATE_FORMATS: readonly DateFormat[] = [
  df("%Y-%m-%d", /^(\d{4})-(\d{1,2})-(\d{1,2})$/, ["Y", "m", "d"]),
  df("%Y/%m/%d", /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, ["Y", "m", "d"]),
  df("%d.%m.%Y", /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, ["d", "m", "Y"]),
  df("%m/%d/%Y", /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, ["m", "d", "Y"]),
  df("%d/%m/%Y", /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, ["d", "m", "Y"]),
  df("%b %d %Y", /^([A-Za-z]{3}) (\d{1,2}),? (\d{4})$/, ["b", "d", "Y"]),
];
export const TIMESTAMP_FORMATS: readonly DateFormat[] = [
  df("%Y-%m-%dT%H:%M:%S", /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?Z?$/, ["Y", "m", "d", "H", "M", "S", "f"]),
  df("%Y-%m-%d %H:%M:%S", /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/, ["Y", "m", "d", "H", "M", "S", "f"]),
  df("%Y/%m/%d %H:%M", /^(\d{4})\/(\d{1,2})\/(\d{1,2}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/, ["Y", "m", "d", "H", "M", "S"]),
  df("%m/%d/%Y %H:%M", /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/, ["m", "d", "Y", "H", "M", "S"]),
];
const FORMAT_BY_NAME = new Map([...DATE_FORMATS, ...TIMESTAMP_FORMATS].map((f) => [f.format, f]));

/** Field slots of a date read by readInFormat: year, month, day, hour, minute, second, ms. */
const Y = 0, MO = 1, D = 2, H = 3, MI = 4, S = 5, MS = 6;
/** One reused buffer: casting runs once per cell, so it allocates no object per value. */
const FIELDS = new Int32Array(7);

/** Reads a value's fields into FIELDS; false when it does not fit the format's pattern or ranges. */
function readInFormat(value: string, format: string): boolean {
  const f = FORMAT_BY_NAME.get(format);
  const m = f?.pattern.exec(value);
  if (!f || !m) return false;
  FIELDS.fill(0);
  for (let i = 0; i < f.parts.length; i++) {
    const g = m[i + 1];
    if (g === undefined) continue;
    switch (f.parts[i]) {
      case "Y": FIELDS[Y] = Number(g); break;
      case "m": FIELDS[MO] = Number(g); break;
      case "b": FIELDS[MO] = MONTHS.indexOf(g.toLowerCase()) + 1; break;
      case "d": FIELDS[D] = Number(g); break;
      case "H": FIELDS[H] = Number(g); break;
      case "M": FIELDS[MI] = Number(g); break;
      case "S": FIELDS[S] = Number(g); break;
      case "f": FIELDS[MS] = Number(g.slice(0, 3).padEnd(3, "0")); break;
    }
  }
  const mo = FIELDS[MO]!, d = FIELDS[D]!;
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && FIELDS[H]! <= 23 && FIELDS[MI]! <= 59 && FIELDS[S]! <= 60;
}

/** Epoch ms (UTC) of the fields just read, or NaN for a day the month lacks (2015-02-30). */
function fieldsEpochMs(): number {
  const t = Date.UTC(FIELDS[Y]!, FIELDS[MO]! - 1, FIELDS[D]!, FIELDS[H]!, FIELDS[MI]!, FIELDS[S]!, FIELDS[MS]!);
  return new Date(t).getUTCDate() === FIELDS[D] ? t : NaN;
}

/** Epoch ms (UTC) of a value in a format, or NaN when it does not fit (including 2015-02-30). */
export function parseInFormat(value: string, format: string): number {
  return readInFormat(value, format) ? fieldsEpochMs() : NaN;
}

const daysInMonth = (year: number, month: number) =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
const pad4 = (n: number) => (n < 1000 ? `0${pad3(n)}` : `${n}`);

/**
 * The value's ISO text (YYYY-MM-DD, or YYYY-MM-DD HH:MM:SS.sss with time), or undefined when it does
 * not fit. Built from the fields, not through a Date and toISOString (several µs a cell). Years below
 * 100 (Date.UTC reads them as 19xx) and second 60 (rolls into the next minute) keep the Date path,
 * so every value casts as parseInFormat reads it.
 */
function isoInFormat(value: string, format: string, withTime: boolean): string | undefined {
  if (!readInFormat(value, format)) return undefined;
  const year = FIELDS[Y]!, month = FIELDS[MO]!, day = FIELDS[D]!;
  if (year < 100 || FIELDS[S] === 60) {
    const t = fieldsEpochMs();
    if (Number.isNaN(t)) return undefined;
    const iso = new Date(t).toISOString();
    return withTime ? iso.slice(0, 23).replace("T", " ") : iso.slice(0, 10);
  }
  if (day > daysInMonth(year, month)) return undefined;
  const date = `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
  return withTime ? `${date} ${pad2(FIELDS[H]!)}:${pad2(FIELDS[MI]!)}:${pad2(FIELDS[S]!)}.${pad3(FIELDS[MS]!)}` : date;
}

export function fitsType(value: string, type: ColumnType, format: string | null | undefined, tokens: Tokens): boolean {
  switch (type) {
    case "boolean": return tokens.trueTokens.has(value) || tokens.falseTokens.has(value);
    case "integer": return INTEGER.test(value) && Number.isSafeInteger(Number(value));
    case "real": return REAL.test(value);
    case "date":
    case "timestamp": return format ? !Number.isNaN(parseInFormat(value, format)) : false;
    case "text": return true;
  }
}

/** D1's value of a cast: numbers, 0/1 for booleans, ISO text for dates (YYYY-MM-DD) and timestamps (YYYY-MM-DD HH:MM:SS.sss). */
export type CellValue = string | number | null;

/** The value cast to its column's type, or undefined when it does not fit (a reject). */
export function castValue(value: string, type: ColumnType, format: string | null | undefined, tokens: Tokens): CellValue | undefined {
  if (tokens.nullTokens.has(value)) return null;
  switch (type) {
    case "boolean":
      return tokens.trueTokens.has(value) ? 1 : tokens.falseTokens.has(value) ? 0 : undefined;
    case "integer": {
      if (!INTEGER.test(value)) return undefined;
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : undefined;
    }
    case "real":
      return REAL.test(value) ? Number(value) : undefined;
    case "date":
      return format ? isoInFormat(value, format, false) : undefined;
    case "timestamp":
      return format ? isoInFormat(value, format, true) : undefined;
    case "text":
      return value;
  }
}

/** The SQLite column type of a ladder type (D1 tables). */
export function sqliteType(type: ColumnType): string {
  return type === "integer" || type === "boolean" ? "INTEGER" : type === "real" ? "REAL" : "TEXT";
}
