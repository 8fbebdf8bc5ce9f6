// Table metadata: one sdtype per column, detected with SDV's rules and editable.
// The detection (detectMetadata) follows SDV's SingleTableMetadata.detect_from_dataframe:
//   - numbers: categorical when whole, >= 0 and at most min(round(n/10), 10) distinct values;
//     an all-unique whole column is an id; anything else numerical;
//   - strings: an all-unique column is an id, at most round(n/5) distinct values is categorical;
//     the rest is free text, treated as PII (never copied into synthetic data);
//   - datetimes by format, booleans directly, PII by column name and content;
//   - categories on a known ordinal scale, and whole-number categories, keep their order.
import { z } from "zod";
import type { RawTable } from "./csv";

/** Datetime formats the lab reads and writes (strftime notation, as SDV stores them). */
export const DATETIME_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y/%m/%d", "%m/%d/%Y"] as const;
export type DatetimeFormat = (typeof DATETIME_FORMATS)[number];

export const PII_KINDS = ["email", "phone", "name", "address", "text"] as const;
export type PiiKind = (typeof PII_KINDS)[number];

const name = z.string().min(1).max(200);
export const columnMetaSchema = z.discriminatedUnion("sdtype", [
  z.object({ name, sdtype: z.literal("numerical"), representation: z.enum(["Int", "Float"]) }),
  z.object({
    name,
    sdtype: z.literal("categorical"),
    order: z.array(z.string()).min(2).nullable().describe("the categories' order for an ordinal column; null when unordered"),
  }),
  z.object({ name, sdtype: z.literal("boolean") }),
  z.object({ name, sdtype: z.literal("datetime"), format: z.enum(DATETIME_FORMATS) }),
  z.object({ name, sdtype: z.literal("id") }),
  z.object({ name, sdtype: z.literal("pii"), kind: z.enum(PII_KINDS) }),
]);
export type ColumnMeta = z.infer<typeof columnMetaSchema>;

export const metadataSchema = z.object({
  columns: z.array(columnMetaSchema).min(1).max(100),
  primaryKey: z.string().nullable(),
  /** The column ML efficacy predicts; null: none. */
  target: z.string().nullable(),
});
export type Metadata = z.infer<typeof metadataSchema>;

/** Known ordinal scales (lower-case), in order. */
const ORDINAL_SCALES: string[][] = [
  ["none", "minor", "medium", "substantial", "destroyed"],
  ["very low", "low", "medium", "high", "very high"],
  ["low", "medium", "high"],
  ["small", "medium", "large"],
  ["xs", "s", "m", "l", "xl"],
  ["never", "rarely", "sometimes", "often", "always"],
  ["poor", "fair", "good", "very good", "excellent"],
];

const PII_NAMES: Record<string, PiiKind> = {
  email: "email", e_mail: "email", email_address: "email", mail: "email",
  phone: "phone", phone_number: "phone", telephone: "phone", mobile: "phone", cell: "phone",
  name: "name", first_name: "name", last_name: "name", full_name: "name", surname: "name", given_name: "name", firstname: "name", lastname: "name",
  address: "address", street: "address", street_address: "address", home_address: "address",
  ssn: "text", social_security_number: "text", passport: "text", credit_card: "text", credit_card_number: "text", iban: "text", ip_address: "text",
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]{7,20}$/;
const BOOLEAN_TOKENS = new Set(["true", "false", "yes", "no"]);

export function normalizeName(column: string): string {
  return column.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
}

export function isNumber(value: string): boolean {
  return value !== "" && Number.isFinite(Number(value));
}

const DATETIME_PATTERNS: Record<DatetimeFormat, RegExp> = {
  "%Y-%m-%d": /^(\d{4})-(\d{2})-(\d{2})$/,
  "%Y-%m-%dT%H:%M:%S": /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/,
  "%Y-%m-%d %H:%M:%S": /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/,
  "%Y-%m-%dT%H:%M": /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/,
  "%Y/%m/%d": /^(\d{4})\/(\d{2})\/(\d{2})$/,
  "%m/%d/%Y": /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/,
};

/** Epoch milliseconds (UTC) of a datetime in the format, or NaN when it does not match or is not a real date. */
export function parseDatetime(value: string, format: DatetimeFormat): number {
  const m = DATETIME_PATTERNS[format].exec(value);
  if (!m) return NaN;
  const f = m.slice(1).map(Number);
  const [y, mo, d] = format === "%m/%d/%Y" ? [f[2]!, f[0]!, f[1]!] : [f[0]!, f[1]!, f[2]!];
  const ms = Date.UTC(y, mo - 1, d, f[3] ?? 0, f[4] ?? 0, f[5] ?? 0);
  const back = new Date(ms);
  // Date.UTC rolls 2015-02-30 over into March; such a value is not a date.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return NaN;
  return ms;
}

export function formatDatetime(ms: number, format: DatetimeFormat): string {
  const iso = new Date(Math.round(ms / 1000) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const [date, time] = [iso.slice(0, 10), iso.slice(11, 19)];
  switch (format) {
    case "%Y-%m-%d": return date;
    case "%Y-%m-%dT%H:%M:%S": return `${date}T${time}`;
    case "%Y-%m-%d %H:%M:%S": return `${date} ${time}`;
    case "%Y-%m-%dT%H:%M": return `${date}T${time.slice(0, 5)}`;
    case "%Y/%m/%d": return date.replaceAll("-", "/");
    case "%m/%d/%Y": return `${date.slice(5, 7)}/${date.slice(8, 10)}/${date.slice(0, 4)}`;
  }
}

function ordinalOrder(distinct: string[]): string[] | null {
  const lower = new Map(distinct.map((v) => [v.toLowerCase(), v]));
  if (lower.size !== distinct.length) return null;
  for (const scale of ORDINAL_SCALES) {
    if ([...lower.keys()].every((v) => scale.includes(v))) {
      return scale.filter((v) => lower.has(v)).map((v) => lower.get(v)!);
    }
  }
  return null;
}

/** One column's sdtype by SDV's rules; n is the table's row count. */
export function detectColumn(column: string, values: string[], n: number): ColumnMeta {
  const present = values.filter((v) => v !== "");
  const distinct = [...new Set(present)];
  const allUnique = distinct.length === present.length && present.length === n;
  const piiByName = PII_NAMES[normalizeName(column)];
  if (piiByName) return { name: column, sdtype: "pii", kind: piiByName };
  if (present.length === 0) return { name: column, sdtype: "categorical", order: null };

  if (distinct.length <= 2 && distinct.every((v) => BOOLEAN_TOKENS.has(v.toLowerCase()))) {
    return { name: column, sdtype: "boolean" };
  }
  if (present.every(isNumber)) {
    const nums = present.map(Number);
    const whole = nums.every((x) => Number.isInteger(x));
    if (whole && allUnique) return { name: column, sdtype: "id" };
    if (whole && nums.every((x) => x >= 0) && distinct.length <= Math.min(Math.round(n / 10), 10)) {
      const order = [...distinct].sort((a, b) => Number(a) - Number(b));
      return { name: column, sdtype: "categorical", order: order.length >= 2 ? order : null };
    }
    return { name: column, sdtype: "numerical", representation: whole ? "Int" : "Float" };
  }
  for (const format of DATETIME_FORMATS) {
    if (present.every((v) => !Number.isNaN(parseDatetime(v, format)))) return { name: column, sdtype: "datetime", format };
  }
  if (present.every((v) => EMAIL.test(v))) return { name: column, sdtype: "pii", kind: "email" };
  if (present.every((v) => PHONE.test(v) && v.replace(/\D/g, "").length >= 7)) return { name: column, sdtype: "pii", kind: "phone" };
  if (allUnique) return { name: column, sdtype: "id" };
  if (distinct.length <= Math.round(n / 5)) {
    const order = ordinalOrder(distinct);
    return { name: column, sdtype: "categorical", order };
  }
  return { name: column, sdtype: "pii", kind: "text" };
}

export function detectMetadata(table: RawTable): Metadata {
  const columns = table.header.map((h, i) => detectColumn(h, table.columns[i]!, table.rows));
  const ids = columns.filter((c) => c.sdtype === "id");
  const target = [...columns].reverse().find((c) => c.sdtype === "categorical" || c.sdtype === "boolean")?.name ?? null;
  return { columns, primaryKey: ids.length === 1 ? ids[0]!.name : null, target };
}
