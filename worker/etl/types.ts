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

/** Epoch ms (UTC) of a value in a format, or NaN when it does not fit (including 2015-02-30). */
export function parseInFormat(value: string, format: string): number {
  const f = FORMAT_BY_NAME.get(format);
  const m = f?.pattern.exec(value);
  if (!f || !m) return NaN;
  let Y = 0, mo = 0, d = 0, H = 0, M = 0, S = 0, ms = 0;
  for (let i = 0; i < f.parts.length; i++) {
    const g = m[i + 1];
    if (g === undefined) continue;
    switch (f.parts[i]) {
      case "Y": Y = Number(g); break;
      case "m": mo = Number(g); break;
      case "b": mo = MONTHS.indexOf(g.toLowerCase()) + 1; break;
      case "d": d = Number(g); break;
      case "H": H = Number(g); break;
      case "M": M = Number(g); break;
      case "S": S = Number(g); break;
      case "f": ms = Number(g.slice(0, 3).padEnd(3, "0")); break;
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || H > 23 || M > 59 || S > 60) return NaN;
  const t = Date.UTC(Y, mo - 1, d, H, M, S, ms);
  return new Date(t).getUTCDate() === d ? t : NaN;
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
    case "date": {
      const t = format ? parseInFormat(value, format) : NaN;
      return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 10);
    }
    case "timestamp": {
      const t = format ? parseInFormat(value, format) : NaN;
      return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 23).replace("T", " ");
    }
    case "text":
      return value;
  }
}

/** The SQLite column type of a ladder type (D1 tables). */
export function sqliteType(type: ColumnType): string {
  return type === "integer" || type === "boolean" ? "INTEGER" : type === "real" ? "REAL" : "TEXT";
}
