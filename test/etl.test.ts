/// <reference types="vite/client" />
// CSV ETL end to end through the Worker: a job over vega-datasets' weather.csv served by the local
// replay server runs as a real Workflow (fetch, sniff, transform, load, export); D1 holds the file's
// rows, R2 the raw file and a Parquet export that DuckDB reads back identical to D1, row for row; the
// same input again changes nothing; schema policies, keyed upserts, uploads, schedules, and the
// read-only query and aggregate routes with their protections.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import Papa from "papaparse";
import weatherCsv from "../node_modules/vega-datasets/data/weather.csv?raw";
import seattleCsv from "../node_modules/vega-datasets/data/seattle-weather.csv?raw";
import { startScheduledRuns } from "../worker/etl/jobs";
import { call, createUser, db, errorOf, tokenFor } from "./support/helpers";
import { etlClient, replay, type EtlRunBody } from "./support/etl";

let api: ReturnType<typeof etlClient>;
let other: ReturnType<typeof etlClient>;
let auth: Record<string, string>;

beforeAll(async () => {
  auth = { authorization: `Bearer ${await tokenFor(await createUser("etl@example.test", "correct horse battery"))}` };
  api = etlClient(auth);
  other = etlClient({ authorization: `Bearer ${await tokenFor(await createUser("other-etl@example.test", "correct horse battery"))}` });
});

const fileRows = (csv: string) => (Papa.parse<string[]>(csv.trim(), { skipEmptyLines: true }).data).slice(1);
const sha256 = async (text: string) => Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))), (b) => b.toString(16).padStart(2, "0")).join("");

interface DatasetBody { id: string; table: string; rowCount: number; lastRunId: string | null; parquetKey: string | null; columns: { name: string; column: string; type: string; format?: string | null }[]; sample: { columns: string[]; rows: unknown[][] }; rejects: unknown[] }

async function dataset(client: ReturnType<typeof etlClient>, id: string): Promise<DatasetBody> {
  return (await (await client.get(`/api/etl/datasets/${id}`)).json()) as DatasetBody;
}

async function d1Rows(table: string, columns: string[]): Promise<unknown[][]> {
  return (await env.DB.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM "${table}" ORDER BY rowid`).raw()) as unknown[][];
}

describe("an ETL job over weather.csv", () => {
  let job: { id: string; datasetId: string };
  let first: EtlRunBody;

  beforeAll(async () => {
    job = await api.urlJob("weather", "/vega/weather.csv");
    first = await api.run(job.id);
  }, 120_000);

  it("runs every step and records counts, ms per step, the hash, the ETag and the schema", async () => {
    expect(first.status, first.error ?? "").toBe("succeeded");
    expect(first.steps.map((s) => [s.name, s.state])).toEqual([["fetch", "done"], ["sniff", "done"], ["transform", "done"], ["load", "done"], ["export", "done"]]);
    for (const s of first.steps) expect(s.ms).toBeGreaterThanOrEqual(0);
    expect([first.rowsRead, first.rowsLoaded, first.rowsRejected]).toEqual([2922, 2922, 0]);
    expect(first.sourceHash).toBe(await sha256(weatherCsv));
    const served = await fetch(replay("/vega/weather.csv"));
    expect(first.etag).toBe(served.headers.get("etag"));
    expect(first.schema!.delimiter).toBe(",");
    expect(first.schema!.header).toBe(true);
    expect(first.schema!.columns.map((c) => `${c.name}:${c.type}${c.format ? ` ${c.format}` : ""}`)).toEqual([
      "location:text", "date:date %Y-%m-%d", "precipitation:real", "temp_max:real", "temp_min:real", "wind:real", "weather:text",
    ]);
  });

  it("loads the file's rows into the dataset's D1 table, keeps the raw file in R2, and registers the dataset", async () => {
    const d = await dataset(api, job.datasetId);
    expect(d.rowCount).toBe(2922);
    expect(d.lastRunId).toBe(first.id);
    const stored = await d1Rows(d.table, d.columns.map((c) => c.column));
    const expected = fileRows(weatherCsv).map((r) => r.map((v, i) => (i >= 2 && i <= 5 ? Number(v) : v)));
    expect(stored).toEqual(expected);
    const run = await db().query.etlRuns.findFirst({ where: (r, { eq }) => eq(r.id, first.id) });
    expect(await (await env.FRAMES.get(run!.rawKey!))!.text()).toBe(weatherCsv);
    expect(d.sample.rows.length).toBe(20);
  });

  it("exports Parquet to the warehouse layout that DuckDB reads back identical to D1, row for row", async () => {
    const d = await dataset(api, job.datasetId);
    expect(d.parquetKey).toBe(`etl/warehouse/etl/${d.table}/data/${first.id}.parquet`);
    const res = await api.get(`/api/etl/datasets/${d.id}/parquet`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    const read = await fetch(env.PARQUET_READER_URL, { method: "POST", body: await res.arrayBuffer() });
    expect(read.status).toBe(200);
    const duck = (await read.json()) as { columns: { name: string; type: string }[]; rows: unknown[][] };
    expect(duck.columns).toEqual([
      { name: "location", type: "VARCHAR" }, { name: "date", type: "DATE" }, { name: "precipitation", type: "DOUBLE" }, { name: "temp_max", type: "DOUBLE" },
      { name: "temp_min", type: "DOUBLE" }, { name: "wind", type: "DOUBLE" }, { name: "weather", type: "VARCHAR" },
    ]);
    expect(duck.rows).toEqual(await d1Rows(d.table, d.columns.map((c) => c.column)));
  });

  it("running the same input again changes nothing and says so", async () => {
    const again = await api.run(job.id);
    expect(again.status).toBe("unchanged");
    expect(again.runKey).toBe(first.runKey);
    expect(again.message).toContain(first.id);
    expect(again.steps.map((s) => s.state)).toEqual(["done", "skipped", "skipped", "skipped", "skipped"]);
    const d = await dataset(api, job.datasetId);
    expect([d.rowCount, d.lastRunId]).toEqual([2922, first.id]);
  });

  it("queries the dataset read-only, with parameters and limits, as JSON and CSV", async () => {
    const d = await dataset(api, job.datasetId);
    const seattleRainy = fileRows(weatherCsv).filter((r) => r[0] === "Seattle" && Number(r[2]) > 10).length;
    const q = await api.post("/api/etl/query", { sql: `SELECT count(*) AS n FROM ${d.table} WHERE location = ? AND precipitation > ?`, params: ["Seattle", 10] });
    expect(q.status).toBe(200);
    expect(await q.json()).toEqual({ columns: ["n"], rows: [[seattleRainy]], truncated: false });
    const limited = (await (await api.post("/api/etl/query", { sql: `SELECT date FROM ${d.table} ORDER BY date`, limit: 5 })).json()) as { rows: unknown[][]; truncated: boolean };
    expect(limited.rows.length).toBe(5);
    expect(limited.truncated).toBe(true);
    const csv = await api.post("/api/etl/query", { sql: `SELECT location, date, weather FROM ${d.table} ORDER BY rowid`, limit: 3, format: "csv" });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(await csv.text()).toBe(`location,date,weather\n${weatherCsv.split("\n").slice(1, 4).map((l) => { const f = l.split(","); return [f[0], f[1], f[6]].join(","); }).join("\n")}\n`);
  });

  it("refuses anything but one SELECT over the caller's own datasets", async () => {
    const d = await dataset(api, job.datasetId);
    const refused = async (sql: string, client = api) => {
      const res = await client.post("/api/etl/query", { sql });
      expect(res.status, sql).toBe(400);
      return (await errorOf(res)).message;
    };
    expect(await refused(`DELETE FROM ${d.table}`)).toMatch(/only SELECT/);
    expect(await refused(`SELECT 1; DROP TABLE ${d.table}`)).toMatch(/one statement/);
    expect(await refused("SELECT email, password_hash FROM users")).toMatch(/"users" is not one of your datasets/);
    expect(await refused(`SELECT * FROM ${d.table} WHERE location IN (SELECT email FROM users)`)).toMatch(/users/);
    expect(await refused("SELECT * FROM pragma_table_info('users')")).toMatch(/pragma_table_info/);
    expect(await refused("SELECT name FROM sqlite_master")).toMatch(/sqlite_master/);
    expect(await refused(`SELECT * FROM ${d.table}`, other)).toMatch(/not one of your datasets/);
    // Nothing was changed by any of them.
    expect((await env.DB.prepare(`SELECT count(*) AS n FROM ${d.table}`).first<{ n: number }>())!.n).toBe(2922);
  });

  it("the aggregate builder groups and averages without SQL", async () => {
    const res = await api.post("/api/etl/aggregate", { datasetId: job.datasetId, groupBy: ["location"], measures: [{ fn: "count" }, { fn: "avg", column: "temp_max" }] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { columns: string[]; rows: [string, number, number][] };
    expect(body.columns).toEqual(["location", "count", "avg_temp_max"]);
    const rows = fileRows(weatherCsv);
    for (const [location, n, avg] of body.rows) {
      const mine = rows.filter((r) => r[0] === location).map((r) => Number(r[3]));
      expect(n).toBe(mine.length);
      expect(avg).toBeCloseTo(mine.reduce((a, b) => a + b, 0) / mine.length, 9);
    }
    expect(body.rows.map((r) => r[0])).toEqual(["New York", "Seattle"]);
    const bad = await api.post("/api/etl/aggregate", { datasetId: job.datasetId, measures: [{ fn: "avg", column: "weather" }] });
    expect(bad.status).toBe(400);
  });

  it("another user sees none of it, and no token gets a 401", async () => {
    expect((await other.get(`/api/etl/jobs/${job.id}`)).status).toBe(404);
    expect((await other.get(`/api/etl/runs/${first.id}`)).status).toBe(404);
    expect((await other.get(`/api/etl/datasets/${job.datasetId}`)).status).toBe(404);
    expect((await other.post(`/api/etl/jobs/${job.id}/runs`, {})).status).toBe(404);
    expect((await other.post("/api/etl/aggregate", { datasetId: job.datasetId, groupBy: ["location"] })).status).toBe(404);
    expect((await call("/api/etl/datasets")).status).toBe(401);
  });
});

describe("schema policies and keyed appends", () => {
  it("freeze refuses a file with new columns; evolve adds them; discard_value drops them", async () => {
    const base = await api.urlJob("policy-base", "/vega/seattle-weather.csv");
    expect((await api.run(base.id)).status).toBe("succeeded");
    const source = { kind: "url", url: replay("/vega/weather.csv") };
    const frozen = await api.job("policy-base", source, { schemaPolicy: "freeze" });
    const f = await api.run(frozen.id);
    expect(f.status).toBe("failed");
    expect(f.error).toMatch(/schema_changed.*new column "location"/);
    const dropped = await api.job("policy-base", source, { schemaPolicy: "discard_value" });
    expect((await api.run(dropped.id)).status).toBe("succeeded");
    let d = await dataset(api, base.datasetId);
    expect(d.columns.map((c) => c.name)).toEqual(["date", "precipitation", "temp_max", "temp_min", "wind", "weather"]);
    expect(d.rowCount).toBe(2922);
    const evolved = await api.job("policy-base", source, { schemaPolicy: "evolve" });
    const e = await api.run(evolved.id);
    expect(e.status).toBe("succeeded");
    expect(e.message).toContain('new column "location"');
    d = await dataset(api, base.datasetId);
    expect(d.columns.map((c) => c.name)).toEqual(["date", "precipitation", "temp_max", "temp_min", "wind", "weather", "location"]);
    expect(d.sample.rows[0]).toEqual(["2012-01-01", 0, 12.8, 5, 4.7, "drizzle", "Seattle"]);
  }, 120_000);

  it("append with a key upserts: a second job loading the same rows leaves one copy of each", async () => {
    const options = { mode: "append", key: ["location", "date"] };
    const a = await api.urlJob("keyed", "/vega/weather.csv", options);
    const b = await api.urlJob("keyed", "/vega/weather.csv", options);
    expect((await api.run(a.id)).status).toBe("succeeded");
    const second = await api.run(b.id);
    expect(second.status).toBe("succeeded");
    expect(second.rowsLoaded).toBe(2922);
    expect((await dataset(api, a.datasetId)).rowCount).toBe(2922);
  }, 120_000);

  it("overrides win over detection and are recorded as such", async () => {
    const j = await api.urlJob("overridden", "/vega/seattle-weather.csv", { columns: { precipitation: { type: "text" } }, nullTokens: ["", "0.0"] });
    const r = await api.run(j.id);
    expect(r.status).toBe("succeeded");
    expect(r.schema!.columns.find((c) => c.name === "precipitation")!.type).toBe("text");
    expect(r.schema!.overridden).toEqual(["nullTokens", "columns.precipitation"]);
    const d = await dataset(api, j.datasetId);
    const zeros = fileRows(seattleCsv).filter((row) => row[1] === "0.0").length;
    const nulls = (await env.DB.prepare(`SELECT count(*) AS n FROM ${d.table} WHERE precipitation IS NULL`).first<{ n: number }>())!.n;
    expect(nulls).toBe(zeros);
  }, 120_000);
});

describe("uploads, retries and schedules", () => {
  it("an upload lands in R2 and is a job's source; a binary body is refused", async () => {
    const res = await call("/api/etl/uploads", { method: "POST", headers: { ...auth, "content-type": "text/csv" }, body: seattleCsv });
    expect(res.status).toBe(201);
    const { key, bytes } = (await res.json()) as { key: string; bytes: number };
    expect(bytes).toBe(new TextEncoder().encode(seattleCsv).length);
    const j = await api.job("uploaded", { kind: "upload", key });
    const r = await api.run(j.id);
    expect([r.status, r.rowsLoaded]).toEqual(["succeeded", 1461]);
    const png = await (await fetch(replay("/vega/7zip.png"))).arrayBuffer();
    const refused = await call("/api/etl/uploads", { method: "POST", headers: { ...auth, "content-type": "text/csv" }, body: png });
    expect(refused.status).toBe(422);
    expect((await errorOf(refused)).message).toMatch(/PNG/);
    expect((await call("/api/etl/uploads", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{}" })).status).toBe(415);
    // Another user's upload cannot be a source.
    expect((await other.post("/api/etl/jobs", { name: "x", dataset: "x", source: { kind: "upload", key } })).status).toBe(404);
  }, 120_000);

  it("a source answering 503 is retried with backoff and the run then succeeds", async () => {
    const j = await api.urlJob("flaky", `/flaky/seattle-weather.csv?attempt=${crypto.randomUUID()}`);
    const r = await api.run(j.id);
    expect(r.status, r.error ?? "").toBe("succeeded");
    expect(r.rowsLoaded).toBe(1461);
  }, 120_000);

  it("a scheduled job gets a cron run when its time comes, once", async () => {
    const j = await api.job("scheduled", { kind: "url", url: replay("/vega/seattle-weather.csv") }, {}, { schedule: "*/15 * * * *" });
    const row = await db().query.etlJobs.findFirst({ where: (t, { eq }) => eq(t.id, j.id) });
    const at = new Date(row!.createdAt.getTime() + 16 * 60_000);
    const started = await startScheduledRuns(env, db(), at);
    expect(started).toBeGreaterThanOrEqual(1);
    expect(await startScheduledRuns(env, db(), at)).toBe(0);
    const runs = (await (await api.get(`/api/etl/jobs/${j.id}`)).json()) as { runs: { trigger: string }[] };
    expect(runs.runs.map((r) => r.trigger)).toEqual(["cron"]);
    const badSchedule = await api.post("/api/etl/jobs", { name: "x", dataset: "y", source: { kind: "url", url: replay("/vega/weather.csv") }, schedule: "every day" });
    expect(badSchedule.status).toBe(400);
  });
});
