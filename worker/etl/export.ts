// Export step: the loaded table read back from D1 page by page and written as Parquet (hyparquet-writer,
// which runs in the Worker) into R2, one row group a page. The layout is an Iceberg table's
// (<warehouse>/<namespace>/<table>/data/*.parquet), so R2 Data Catalog can register the files for
// Spark, DuckDB or Trino; each export is the table's whole current state, replacing the previous file.
import { ByteWriter, ParquetWriter, type SchemaElement } from "hyparquet-writer";
import type { DatasetColumn } from "./contract";
import { quoteIdent } from "./load";

/** R2 prefix of the warehouse; the namespace is "etl" and each dataset's table is its D1 table. */
export const WAREHOUSE_PREFIX = "etl/warehouse/";
export const ICEBERG_NAMESPACE = "etl";
const PAGE_ROWS = 20_000;

export const tablePrefix = (table: string) => `${WAREHOUSE_PREFIX}${ICEBERG_NAMESPACE}/${table}/`;
export const parquetKeyOf = (table: string, runId: string) => `${tablePrefix(table)}data/${runId}.parquet`;

function schemaElement(c: DatasetColumn): SchemaElement {
  const base = { name: c.column, repetition_type: "OPTIONAL" } as const;
  switch (c.type) {
    case "boolean": return { ...base, type: "BOOLEAN" };
    case "integer": return { ...base, type: "INT64" };
    case "real": return { ...base, type: "DOUBLE" };
    case "date": return { ...base, type: "INT32", converted_type: "DATE" };
    case "timestamp": return { ...base, type: "INT64", converted_type: "TIMESTAMP_MILLIS" };
    case "text": return { ...base, type: "BYTE_ARRAY", converted_type: "UTF8" };
  }
}

const DAY_MS = 86_400_000;

/** D1's value (integer, real, 0/1, ISO text) as the Parquet column wants it. */
function parquetValue(c: DatasetColumn, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (c.type) {
    case "boolean": return v === 1 || v === true;
    case "integer": return BigInt(v as number);
    case "real": return Number(v);
    case "date": return Math.round(Date.parse(`${String(v)}T00:00:00Z`) / DAY_MS);
    case "timestamp": return BigInt(Date.parse(`${String(v).replace(" ", "T")}Z`));
    case "text": return String(v);
  }
}

export interface ExportResult {
  key: string;
  rows: number;
  bytes: number;
}

export async function exportParquet(db: D1Database, bucket: R2Bucket, table: string, columns: DatasetColumn[], runId: string): Promise<ExportResult> {
  const writer = new ByteWriter();
  const schema: SchemaElement[] = [{ name: "schema", num_children: columns.length }, ...columns.map(schemaElement)];
  const parquet = new ParquetWriter({ writer, schema, kvMetadata: [{ key: "nowcast-edge.run", value: runId }], createdBy: "nowcast-edge etl" });
  const select = `SELECT rowid AS __rowid, ${columns.map((c) => quoteIdent(c.column)).join(", ")} FROM ${quoteIdent(table)} WHERE rowid > ?1 ORDER BY rowid LIMIT ${PAGE_ROWS}`;
  let after = 0;
  let rows = 0;
  for (;;) {
    const page = (await db.prepare(select).bind(after).raw()) as unknown[][];
    if (page.length === 0) break;
    const columnData = columns.map((c, j) => ({ name: c.column, data: page.map((r) => parquetValue(c, r[j + 1])) }));
    await parquet.write({ columnData: columnData as never, rowGroupSize: PAGE_ROWS });
    rows += page.length;
    after = page[page.length - 1]![0] as number;
    if (page.length < PAGE_ROWS) break;
  }
  parquet.finish();
  const bytes = new Uint8Array(writer.getBuffer());
  const key = parquetKeyOf(table, runId);
  await bucket.put(key, bytes, { httpMetadata: { contentType: "application/vnd.apache.parquet" } });
  // The table's state is this one file: earlier exports are removed.
  const listed = await bucket.list({ prefix: `${tablePrefix(table)}data/` });
  const stale = listed.objects.map((o) => o.key).filter((k) => k !== key);
  if (stale.length) await bucket.delete(stale);
  return { key, rows, bytes: bytes.length };
}
