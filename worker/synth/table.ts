// The numeric form every synthesizer and metric works on: numbers and datetimes
// as Float64Array (NaN = missing; datetimes in epoch ms), categories and booleans
// as Int32Array codes into their category list (-1 = missing). Ids and PII are
// not modelled: synthetic ones are generated on decoding, so no real value leaks.
import type { RawTable } from "./csv";
import { formatDatetime, isNumber, parseDatetime, type ColumnMeta, type DatetimeFormat, type Metadata, type PiiKind } from "./metadata";
import type { Rng } from "./random";

export interface NumericColumn {
  kind: "numeric";
  name: string;
  values: Float64Array;
  /** Whole numbers: synthetic values are rounded. */
  integer: boolean;
  /** Decimal places written back (the most the real column shows). */
  decimals: number;
  datetimeFormat: DatetimeFormat | null;
}

export interface CategoricalColumn {
  kind: "categorical";
  name: string;
  codes: Int32Array;
  categories: string[];
  ordered: boolean;
}

export type ModelColumn = NumericColumn | CategoricalColumn;

export interface GeneratedColumn {
  name: string;
  sdtype: "id" | "pii";
  kind: PiiKind | "id";
  /** Whether the real ids are whole numbers (synthetic ids are then 1..n). */
  numeric: boolean;
}

export interface Table {
  rows: number;
  columns: ModelColumn[];
  generated: GeneratedColumn[];
  /** The CSV's column order. */
  header: string[];
}

/** Metadata that cannot describe the table (or cannot be modelled): a 422 at the routes. */
export class MetadataError extends Error {}

function decimalsOf(values: string[]): number {
  let most = 0;
  for (const v of values) {
    if (v.includes("e") || v.includes("E")) return 6;
    const dot = v.indexOf(".");
    if (dot >= 0) most = Math.max(most, v.length - dot - 1);
  }
  return Math.min(most, 10);
}

function encodeColumn(meta: ColumnMeta, values: string[]): ModelColumn | GeneratedColumn {
  const present = values.filter((v) => v !== "");
  if (present.length === 0) throw new MetadataError(`column "${meta.name}" is empty`);
  switch (meta.sdtype) {
    case "numerical": {
      const bad = present.find((v) => !isNumber(v));
      if (bad !== undefined) throw new MetadataError(`column "${meta.name}" is numerical but holds "${bad.slice(0, 40)}"`);
      const out = Float64Array.from(values, (v) => (v === "" ? NaN : Number(v)));
      const integer = meta.representation === "Int";
      if (integer && present.some((v) => !Number.isInteger(Number(v)))) {
        throw new MetadataError(`column "${meta.name}" is declared Int but holds fractions`);
      }
      return { kind: "numeric", name: meta.name, values: out, integer, decimals: integer ? 0 : decimalsOf(present), datetimeFormat: null };
    }
    case "datetime": {
      const out = Float64Array.from(values, (v) => (v === "" ? NaN : parseDatetime(v, meta.format)));
      const bad = values.findIndex((v, i) => v !== "" && Number.isNaN(out[i]!));
      if (bad >= 0) throw new MetadataError(`column "${meta.name}" is a datetime in ${meta.format} but holds "${values[bad]!.slice(0, 40)}"`);
      return { kind: "numeric", name: meta.name, values: out, integer: false, decimals: 0, datetimeFormat: meta.format };
    }
    case "categorical":
    case "boolean": {
      const distinct = [...new Set(present)];
      if (meta.sdtype === "boolean" && distinct.length > 2) throw new MetadataError(`column "${meta.name}" is boolean but holds ${distinct.length} values`);
      if (distinct.length < 2) {
        throw new MetadataError(`column "${meta.name}" is ${meta.sdtype} with one value only ("${distinct[0]!.slice(0, 40)}"); drop it or mark it as something else`);
      }
      let categories = distinct.sort();
      const order = meta.sdtype === "categorical" ? meta.order : null;
      if (order) {
        const outside = distinct.find((v) => !order.includes(v));
        if (outside !== undefined) throw new MetadataError(`column "${meta.name}" holds "${outside.slice(0, 40)}", which its order does not list`);
        if (new Set(order).size !== order.length) throw new MetadataError(`the order of column "${meta.name}" lists a category twice`);
        categories = [...order];
      }
      const index = new Map(categories.map((c, i) => [c, i]));
      const codes = Int32Array.from(values, (v) => (v === "" ? -1 : index.get(v)!));
      return { kind: "categorical", name: meta.name, codes, categories, ordered: order !== null };
    }
    case "id": {
      if (new Set(present).size !== values.length) throw new MetadataError(`column "${meta.name}" is an id but its values are not all present and distinct`);
      return { name: meta.name, sdtype: "id", kind: "id", numeric: present.every(isNumber) };
    }
    case "pii":
      return { name: meta.name, sdtype: "pii", kind: meta.kind, numeric: false };
  }
}

function isModelColumn(c: ModelColumn | GeneratedColumn): c is ModelColumn {
  return "kind" in c && (c.kind === "numeric" || c.kind === "categorical");
}

/** The table in numeric form, after checking that the metadata can describe it. */
export function encodeTable(raw: RawTable, metadata: Metadata): Table {
  const metaNames = metadata.columns.map((c) => c.name);
  const missing = raw.header.find((h) => !metaNames.includes(h));
  if (missing !== undefined) throw new MetadataError(`the metadata does not describe column "${missing}"`);
  const extra = metaNames.find((n) => !raw.header.includes(n));
  if (extra !== undefined) throw new MetadataError(`the metadata names column "${extra}", which the table does not have`);
  if (new Set(metaNames).size !== metaNames.length) throw new MetadataError("the metadata describes a column twice");
  const columns: ModelColumn[] = [];
  const generated: GeneratedColumn[] = [];
  for (const meta of metadata.columns) {
    const encoded = encodeColumn(meta, raw.columns[raw.header.indexOf(meta.name)]!);
    if (isModelColumn(encoded)) columns.push(encoded);
    else generated.push(encoded);
  }
  if (columns.length === 0) throw new MetadataError("no column can be modelled: every column is an id or PII");
  if (metadata.primaryKey !== null && !generated.some((g) => g.name === metadata.primaryKey && g.sdtype === "id")) {
    throw new MetadataError(`the primary key "${metadata.primaryKey}" must be a column of sdtype id`);
  }
  if (metadata.target !== null && !columns.some((c) => c.name === metadata.target)) {
    throw new MetadataError(`the target "${metadata.target}" must be a modelled (numerical, datetime, categorical or boolean) column`);
  }
  return { rows: raw.rows, columns, generated, header: raw.header };
}

/** A table of the same columns holding the given rows. */
export function takeRows(table: Table, rows: Int32Array): Table {
  const columns = table.columns.map((c): ModelColumn =>
    c.kind === "numeric"
      ? { ...c, values: Float64Array.from(rows, (r) => c.values[r]!) }
      : { ...c, codes: Int32Array.from(rows, (r) => c.codes[r]!) },
  );
  return { ...table, rows: rows.length, columns };
}

/** A seeded split into training rows and a holdout (the holdout is never shown to a synthesizer). */
export function splitHoldout(table: Table, rng: Rng, holdoutShare = 0.5): { train: Table; holdout: Table } {
  const order = Int32Array.from({ length: table.rows }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const cut = Math.round(table.rows * (1 - holdoutShare));
  return { train: takeRows(table, order.slice(0, cut).sort()), holdout: takeRows(table, order.slice(cut).sort()) };
}

/** An empty table of the same columns, for a synthesizer to fill. */
export function emptyLike(table: Table, rows: number): Table {
  const columns = table.columns.map((c): ModelColumn =>
    c.kind === "numeric" ? { ...c, values: new Float64Array(rows) } : { ...c, codes: new Int32Array(rows) },
  );
  return { ...table, rows, columns };
}

function formatNumber(c: NumericColumn, x: number): string {
  if (Number.isNaN(x)) return "";
  if (c.datetimeFormat) return formatDatetime(x, c.datetimeFormat);
  if (c.integer) return String(Math.round(x));
  return String(Number(x.toFixed(c.decimals)));
}

function generatedValue(g: GeneratedColumn, i: number): string {
  const k = String(i + 1).padStart(6, "0");
  switch (g.kind) {
    case "id": return g.numeric ? String(i + 1) : `id-${k}`;
    case "email": return `user${k}@example.com`;
    case "phone": return `555-${k.slice(0, 3)}-${k.slice(3)}`;
    case "name": return `Person ${k}`;
    case "address": return `${i + 1} Example Street`;
    case "text": return `text-${k}`;
  }
}

/** Back to cells: rounding, decimals and datetime formats as the real column had them; fresh ids and PII. */
export function decodeTable(table: Table): RawTable {
  const byName = new Map<string, string[]>();
  for (const c of table.columns) {
    const cells = new Array<string>(table.rows);
    if (c.kind === "numeric") for (let i = 0; i < table.rows; i++) cells[i] = formatNumber(c, c.values[i]!);
    else for (let i = 0; i < table.rows; i++) cells[i] = c.codes[i]! < 0 ? "" : c.categories[c.codes[i]!]!;
    byName.set(c.name, cells);
  }
  for (const g of table.generated) byName.set(g.name, Array.from({ length: table.rows }, (_, i) => generatedValue(g, i)));
  return { header: table.header, columns: table.header.map((h) => byName.get(h)!), rows: table.rows };
}

const DAY_MS = 86_400_000;
const RESOLUTION_MS: Record<DatetimeFormat, number> = {
  "%Y-%m-%d": DAY_MS, "%Y/%m/%d": DAY_MS, "%m/%d/%Y": DAY_MS, "%Y-%m-%dT%H:%M": 60_000, "%Y-%m-%dT%H:%M:%S": 1000, "%Y-%m-%d %H:%M:%S": 1000,
};

/** Rounds synthetic numbers in place to what the CSV will hold (whole numbers, decimals, the datetime format's resolution), so metrics score the file a person downloads. */
export function conformToCsv(table: Table): Table {
  for (const c of table.columns) {
    if (c.kind !== "numeric") continue;
    const v = c.values;
    if (c.datetimeFormat) {
      const step = RESOLUTION_MS[c.datetimeFormat];
      for (let i = 0; i < v.length; i++) v[i] = Math.round(v[i]! / step) * step;
    } else if (c.integer) {
      for (let i = 0; i < v.length; i++) v[i] = Math.round(v[i]!);
    } else {
      const scale = 10 ** c.decimals;
      for (let i = 0; i < v.length; i++) v[i] = Math.round(v[i]! * scale) / scale;
    }
  }
  return table;
}
