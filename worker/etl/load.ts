// Load step: the staged rows written into the dataset's own D1 table. Each statement binds one
// parameter, a JSON array of rows unpacked by json_each, and stays under D1's 100 KB per statement
// (so far fewer statements than 100-parameter VALUES lists would need). Replace loads a fresh table
// and swaps it in atomically; append with a key upserts, so a re-run does not duplicate rows.
import type { DatasetColumn } from "./contract";
import { sqliteType } from "./types";

/** JSON characters of rows per statement: under D1's 100 KB statement limit with room for the SQL. */
export const STATEMENT_JSON_CHARS = 90_000;
/** Statements per D1 batch (one round trip, one transaction). */
const STATEMENTS_PER_BATCH = 20;

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface LoadTarget {
  table: string;
  columns: DatasetColumn[];
  mode: "replace" | "append";
  /** Physical names of the key columns (append: upsert on them). */
  key: string[];
}

const loadingTable = (table: string) => `${table}__loading`;

function columnDefs(columns: DatasetColumn[]): string {
  return columns.map((c) => `${quoteIdent(c.column)} ${sqliteType(c.type)}`).join(", ");
}

/** Prepares the table the rows go into; returns its name. */
export async function prepareTable(db: D1Database, target: LoadTarget): Promise<string> {
  if (target.mode === "replace") {
    const into = loadingTable(target.table);
    await db.batch([db.prepare(`DROP TABLE IF EXISTS ${quoteIdent(into)}`), db.prepare(`CREATE TABLE ${quoteIdent(into)} (${columnDefs(target.columns)})`)]);
    if (target.key.length) await db.prepare(`CREATE UNIQUE INDEX ${quoteIdent(`${into}_key`)} ON ${quoteIdent(into)} (${target.key.map(quoteIdent).join(", ")})`).run();
    return into;
  }
  await db.prepare(`CREATE TABLE IF NOT EXISTS ${quoteIdent(target.table)} (${columnDefs(target.columns)})`).run();
  // Schema evolution: columns the table does not have yet are added (existing rows read null).
  const existing = new Set(((await db.prepare(`SELECT name FROM pragma_table_info(?)`).bind(target.table).all<{ name: string }>()).results).map((r) => r.name));
  for (const c of target.columns) {
    if (!existing.has(c.column)) await db.prepare(`ALTER TABLE ${quoteIdent(target.table)} ADD COLUMN ${quoteIdent(c.column)} ${sqliteType(c.type)}`).run();
  }
  if (target.key.length) {
    await db.prepare(`CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(`${target.table}_key`)} ON ${quoteIdent(target.table)} (${target.key.map(quoteIdent).join(", ")})`).run();
  }
  return target.table;
}

function insertSql(into: string, target: LoadTarget): string {
  const cols = target.columns.map((c) => quoteIdent(c.column));
  const select = target.columns.map((_, i) => `value ->> ${i}`).join(", ");
  let sql = `INSERT INTO ${quoteIdent(into)} (${cols.join(", ")}) SELECT ${select} FROM json_each(?1)`;
  if (target.key.length) {
    const rest = target.columns.filter((c) => !target.key.includes(c.column)).map((c) => `${quoteIdent(c.column)} = excluded.${quoteIdent(c.column)}`);
    // "WHERE true" keeps SQLite from reading ON CONFLICT as a join constraint of the SELECT.
    sql += ` WHERE true ON CONFLICT (${target.key.map(quoteIdent).join(", ")}) DO ${rest.length ? `UPDATE SET ${rest.join(", ")}` : "NOTHING"}`;
  }
  return sql;
}

/** Writes rows (each a JSON array text, in column order) into the prepared table. */
export class TableWriter {
  /** Prepared once and bound per chunk: a D1 statement can be bound many times. */
  private readonly insert: D1PreparedStatement;
  private pending: D1PreparedStatement[] = [];
  private chunk: string[] = [];
  private chunkChars = 2;
  rows = 0;

  constructor(private readonly db: D1Database, into: string, target: LoadTarget) {
    this.insert = db.prepare(insertSql(into, target));
  }

  async add(rowJson: string): Promise<void> {
    if (this.chunkChars + rowJson.length + 1 > STATEMENT_JSON_CHARS && this.chunk.length) await this.cut();
    this.chunk.push(rowJson);
    this.chunkChars += rowJson.length + 1;
    this.rows++;
  }

  private async cut(): Promise<void> {
    this.pending.push(this.insert.bind(`[${this.chunk.join(",")}]`));
    this.chunk = [];
    this.chunkChars = 2;
    if (this.pending.length >= STATEMENTS_PER_BATCH) await this.send();
  }

  private async send(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    await this.db.batch(batch);
  }

  async finish(): Promise<void> {
    if (this.chunk.length) await this.cut();
    await this.send();
  }
}

/** Replace: the loaded table takes the dataset table's place in one transaction. */
export async function commitTable(db: D1Database, target: LoadTarget): Promise<number> {
  if (target.mode === "replace") {
    const from = loadingTable(target.table);
    const steps = [db.prepare(`DROP TABLE IF EXISTS ${quoteIdent(target.table)}`), db.prepare(`ALTER TABLE ${quoteIdent(from)} RENAME TO ${quoteIdent(target.table)}`)];
    if (target.key.length) {
      steps.push(db.prepare(`DROP INDEX IF EXISTS ${quoteIdent(`${from}_key`)}`));
      steps.push(db.prepare(`CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(`${target.table}_key`)} ON ${quoteIdent(target.table)} (${target.key.map(quoteIdent).join(", ")})`));
    }
    await db.batch(steps);
  }
  const counted = await db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(target.table)}`).first<{ n: number }>();
  return counted?.n ?? 0;
}

/** A staged part's rows: one JSON array a line (JSON text never holds a raw newline), not parsed here. */
export function rowsOfPart(part: string): string[] {
  return part === "" ? [] : part.split("\n");
}
