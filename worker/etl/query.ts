// Read-only SQL over a user's loaded datasets. The statement is parsed (node-sql-parser, SQLite
// dialect): exactly one SELECT, reading only the caller's dataset tables (and its own CTEs), with no
// pragma or sqlite_ functions. It then runs wrapped as a subquery, `SELECT * FROM (...) LIMIT ?`, so
// even a statement the parser misread cannot be anything but a SELECT, with the row limit bound.
// The aggregate builder writes such a statement from a group-by and measures picked by name.
import sqliteParser from "node-sql-parser/build/sqlite";
import { DomainError } from "../domain-error";
import type { DatasetColumn } from "./contract";
import { quoteIdent } from "./load";

export const QUERY_LIMITS = { maxSqlChars: 8000, maxParams: 32, defaultRows: 1000, maxRows: 5000 } as const;

const parser = new sqliteParser.Parser();
const FORBIDDEN = /\b(pragma_\w+|sqlite_\w+|load_extension|readfile|writefile|fts3_tokenizer|zeroblob)\b/i;

export type Param = string | number | boolean | null;

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  truncated: boolean;
}

const refuse = (message: string) => new DomainError("invalid", "invalid_query", message);

/** Strips string literals and comments, so the word checks look at SQL only. */
function codeOnly(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'/g, "''").replace(/--[^\n]*/g, " ").replace(/\/\*[\s\S]*?\*\//g, " ");
}

export function checkSelect(sqlText: string, allowedTables: ReadonlySet<string>): string {
  const trimmed = sqlText.trim().replace(/;\s*$/, "");
  if (trimmed === "") throw refuse("the query is empty");
  if (trimmed.length > QUERY_LIMITS.maxSqlChars) throw refuse(`the query is longer than ${QUERY_LIMITS.maxSqlChars} characters`);
  const code = codeOnly(trimmed);
  if (code.includes(";")) throw refuse("one statement only");
  if (FORBIDDEN.test(code)) throw refuse(`"${FORBIDDEN.exec(code)![1]}" is not allowed in a query`);
  let ast: unknown;
  try {
    ast = parser.astify(trimmed, { database: "sqlite" });
  } catch (error) {
    throw refuse(`the query does not parse: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 200)}`);
  }
  const statements = Array.isArray(ast) ? ast : [ast];
  if (statements.length !== 1) throw refuse("one statement only");
  const statement = statements[0] as { type?: string; with?: { name?: { value?: string } }[] | null };
  if (statement.type !== "select") throw refuse("only SELECT is allowed");
  const ctes = new Set((statement.with ?? []).map((w) => String(w.name?.value ?? "").toLowerCase()));
  const tables = parser.tableList(trimmed, { database: "sqlite" }).map((t) => t.split("::"));
  for (const [kind, , table] of tables) {
    if (kind !== "select") throw refuse("only SELECT is allowed");
    const name = String(table).toLowerCase();
    if (ctes.has(name) && !/^(sqlite|etl_|ds_)/.test(name)) continue;
    if (!allowedTables.has(name)) throw refuse(`"${table}" is not one of your datasets' tables`);
  }
  return trimmed;
}

export async function runSelect(db: D1Database, sqlText: string, params: Param[], allowedTables: ReadonlySet<string>, limit: number = QUERY_LIMITS.defaultRows): Promise<QueryResult> {
  const checked = checkSelect(sqlText, allowedTables);
  if (params.length > QUERY_LIMITS.maxParams) throw refuse(`at most ${QUERY_LIMITS.maxParams} parameters`);
  const rowLimit = Math.min(Math.max(1, Math.floor(limit)), QUERY_LIMITS.maxRows);
  const bound = params.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p));
  // The limit is the last parameter, after the query's own ? placeholders.
  const wrapped = `SELECT * FROM (${checked}\n) LIMIT ?`;
  let raw: unknown[][];
  try {
    raw = (await db.prepare(wrapped).bind(...bound, rowLimit + 1).raw({ columnNames: true })) as unknown[][];
  } catch (error) {
    throw refuse(`the query failed: ${(error instanceof Error ? error.message : String(error)).replace(/^D1_ERROR: /, "").slice(0, 300)}`);
  }
  const [columns = [], ...rows] = raw;
  return { columns: columns as string[], rows: rows.slice(0, rowLimit), truncated: rows.length > rowLimit };
}

export const AGGREGATES = ["count", "sum", "avg", "min", "max"] as const;
export const FILTER_OPS = ["=", "!=", "<", "<=", ">", ">="] as const;

export interface AggregateSpec {
  groupBy: string[];
  measures: { fn: (typeof AGGREGATES)[number]; column?: string | undefined }[];
  filters?: { column: string; op: (typeof FILTER_OPS)[number]; value: Param }[] | undefined;
  orderBy?: { column: string; direction: "asc" | "desc" } | undefined;
}

/** The SQL and parameters of a group-by and aggregates over one dataset, columns picked by their file names. */
export function aggregateSql(table: string, columns: DatasetColumn[], spec: AggregateSpec): { sql: string; params: Param[] } {
  const physical = (name: string) => {
    const c = columns.find((x) => x.name === name || x.column === name);
    if (!c) throw refuse(`the dataset has no column "${name}"`);
    return c;
  };
  if (spec.measures.length === 0 && spec.groupBy.length === 0) throw refuse("pick a column to group by or a measure");
  const select: string[] = [];
  const outputs: string[] = [];
  for (const g of spec.groupBy) {
    const c = physical(g);
    select.push(quoteIdent(c.column));
    outputs.push(c.column);
  }
  for (const m of spec.measures) {
    if (m.fn === "count" && !m.column) {
      select.push(`count(*) AS "count"`);
      outputs.push("count");
      continue;
    }
    if (!m.column) throw refuse(`${m.fn} needs a column`);
    const c = physical(m.column);
    if (m.fn !== "count" && m.fn !== "min" && m.fn !== "max" && c.type !== "integer" && c.type !== "real") throw refuse(`${m.fn} needs a numeric column; "${m.column}" is ${c.type}`);
    const alias = `${m.fn}_${c.column}`;
    select.push(`${m.fn}(${quoteIdent(c.column)}) AS ${quoteIdent(alias)}`);
    outputs.push(alias);
  }
  const params: Param[] = [];
  const where = (spec.filters ?? []).map((f) => {
    params.push(f.value);
    return `${quoteIdent(physical(f.column).column)} ${f.op} ?`;
  });
  let sql = `SELECT ${select.join(", ")} FROM ${quoteIdent(table)}`;
  if (where.length) sql += ` WHERE ${where.join(" AND ")}`;
  if (spec.groupBy.length) sql += ` GROUP BY ${spec.groupBy.map((g) => quoteIdent(physical(g).column)).join(", ")}`;
  if (spec.orderBy) {
    const by = outputs.includes(spec.orderBy.column) ? spec.orderBy.column : physical(spec.orderBy.column).column;
    sql += ` ORDER BY ${quoteIdent(by)} ${spec.orderBy.direction === "desc" ? "DESC" : "ASC"}`;
  } else if (spec.groupBy.length) sql += ` ORDER BY ${spec.groupBy.map((g) => quoteIdent(physical(g).column)).join(", ")}`;
  return { sql, params };
}
