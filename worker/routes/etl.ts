// CSV ETL API (worker/etl): uploads into R2, jobs (a source, options, a trigger), runs (one Workflow
// each) with their steps and rejects, the dataset registry with schema, sample rows and Parquet
// export, and read-only queries (SQL or the aggregate builder) as JSON or CSV. Every job, run and
// dataset belongs to the signed-in user; another user's id is a 404.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import Papa from "papaparse";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { optionsSchema, sourceSchema } from "../etl/contract";
import { createJob, listJobs, listRuns, ownedJob, ownedRun, runRejects, startRun, stepsOf, type Job, type Run } from "../etl/jobs";
import { aggregateSql, AGGREGATES, FILTER_OPS, QUERY_LIMITS, runSelect, type QueryResult } from "../etl/query";
import { listDatasets, ownedDataset, type Dataset } from "../etl/registry";
import { etlSettings, EtlInputError } from "../etl/settings";
import { storeUpload, uploadKeyOf } from "../etl/source";
import { quoteIdent } from "../etl/load";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { enforceLimit } from "../security/rate-limit";

const owner = (c: Context<AppEnv>) => c.get("principal").sub;
const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const err = (description: string) => ({ description, content: { "application/json": { schema: errorSchema } } });
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const common = { ...errorResponses, 404: err("No such job, run or dataset (or not yours)") };

const columnOut = z.object({ name: z.string(), column: z.string(), type: z.string(), format: z.string().nullable().optional() });
const jobSchema = z
  .object({
    id: z.string(), name: z.string(), source: sourceSchema, options: optionsSchema, schedule: z.string().nullable(), datasetId: z.string(), createdAt: z.string(),
  })
  .openapi("EtlJob");
const stepSchema = z.object({ name: z.string(), state: z.enum(["done", "running", "failed", "skipped", "pending"]), ms: z.number().nullable() });
const runSchema = z
  .object({
    id: z.string(), jobId: z.string(), trigger: z.string(), status: z.enum(["queued", "running", "succeeded", "unchanged", "failed"]), step: z.string().nullable(),
    steps: z.array(stepSchema), runKey: z.string().nullable(), sourceHash: z.string().nullable(), etag: z.string().nullable(), bytes: z.number().nullable(),
    rowsRead: z.number().nullable(), rowsLoaded: z.number().nullable(), rowsRejected: z.number().nullable(), stepMs: z.record(z.string(), z.number()),
    schema: z.record(z.string(), z.unknown()).nullable(), parquetKey: z.string().nullable(), message: z.string().nullable(), error: z.string().nullable(),
    startedAt: z.string(), finishedAt: z.string().nullable(),
  })
  .openapi("EtlRun");
const datasetSchema = z
  .object({
    id: z.string(), name: z.string(), table: z.string(), columns: z.array(columnOut), rowCount: z.number().int(), source: z.string(),
    lastRunId: z.string().nullable(), parquetKey: z.string().nullable(), createdAt: z.string(), updatedAt: z.string().nullable(),
  })
  .openapi("EtlDataset");
const rejectSchema = z.object({ line: z.number(), byteOffset: z.number(), column: z.string().nullable(), expected: z.string().nullable(), raw: z.string(), reason: z.string() });
const queryResultSchema = z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.unknown())), truncated: z.boolean() }).openapi("EtlQueryResult");
const paramValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);
const format = z.enum(["json", "csv"]).default("json");
const id = (name: string) => z.string().min(1).max(64).openapi({ param: { name, in: "path" } });

const jobOut = (j: Job) => ({ id: j.id, name: j.name, source: j.source, options: j.options, schedule: j.schedule, datasetId: j.datasetId, createdAt: j.createdAt.toISOString() });
const runOut = (r: Run) => ({
  id: r.id, jobId: r.jobId, trigger: r.trigger, status: r.status, step: r.step, steps: stepsOf(r), runKey: r.runKey, sourceHash: r.sourceHash, etag: r.etag, bytes: r.bytes,
  rowsRead: r.rowsRead, rowsLoaded: r.rowsLoaded, rowsRejected: r.rowsRejected, stepMs: r.stepMs, schema: (r.schema as Record<string, unknown> | null) ?? null,
  parquetKey: r.parquetKey, message: r.message, error: r.error, startedAt: r.startedAt.toISOString(), finishedAt: iso(r.finishedAt),
});
const datasetOut = (d: Dataset) => ({
  id: d.id, name: d.name, table: d.tableName, columns: d.columns, rowCount: d.rowCount, source: d.source, lastRunId: d.lastRunId, parquetKey: d.parquetKey,
  createdAt: d.createdAt.toISOString(), updatedAt: iso(d.updatedAt),
});

const uploadRoute = createRoute({
  method: "post", path: "/etl/uploads", summary: "Upload a CSV (text/csv body, streamed into R2); the key it returns is a job's source",
  request: { body: { content: { "text/csv": { schema: z.string() } }, required: true } },
  responses: { 201: json(z.object({ key: z.string(), bytes: z.number(), sourceHash: z.string() }), "Stored"), ...errorResponses, 413: err("Too large"), 415: err("Not text/csv"), 422: err("Not a CSV (binary, HTML, gzip) or not UTF-8") },
});
const createJobRoute = createRoute({
  method: "post", path: "/etl/jobs", summary: "Create a job: a source (an http(s) URL or an upload), options, and a cron schedule or manual runs only",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({
            name: z.string().min(1).max(200),
            dataset: z.string().min(1).max(100).regex(/^[\w .-]+$/, "letters, digits, spaces, dots, dashes and underscores").openapi({ description: "The dataset it loads (created if new)" }),
            source: sourceSchema,
            options: optionsSchema.default({ mode: "replace", rejectLimit: 1000, schemaPolicy: "evolve", trim: true }),
            schedule: z.string().max(100).nullable().optional().openapi({ description: "A cron expression in UTC (checked every 5 minutes), e.g. 0 6 * * *" }),
          }),
        },
      },
      required: true,
    },
  },
  responses: { 201: json(jobSchema, "The job"), ...common },
});
const listJobsRoute = createRoute({ method: "get", path: "/etl/jobs", summary: "Your ETL jobs", responses: { 200: json(z.object({ jobs: z.array(jobSchema) }), "Jobs, newest first"), ...errorResponses } });
const jobRoute = createRoute({
  method: "get", path: "/etl/jobs/{id}", summary: "A job and its recent runs", request: { params: z.object({ id: id("id") }) },
  responses: { 200: json(jobSchema.extend({ runs: z.array(runSchema) }), "The job"), ...common },
});
const startRunRoute = createRoute({
  method: "post", path: "/etl/jobs/{id}/runs", summary: "Run a job now (a Workflow instance); the same file with the same options again changes nothing and says so",
  request: { params: z.object({ id: id("id") }) },
  responses: { 202: json(runSchema, "Started"), ...common, 429: err("Too many runs") },
});
const runRoute = createRoute({
  method: "get", path: "/etl/runs/{id}", summary: "A run: status, steps with their ms, counts, hash, ETag and the inferred schema",
  request: { params: z.object({ id: id("id") }) }, responses: { 200: json(runSchema, "The run"), ...common },
});
const rejectsRoute = createRoute({
  method: "get", path: "/etl/runs/{id}/rejects", summary: "The rows a run refused, by line",
  request: { params: z.object({ id: id("id") }), query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) }) },
  responses: { 200: json(z.object({ total: z.number().nullable(), rejects: z.array(rejectSchema) }), "Rejects"), ...common },
});
const listDatasetsRoute = createRoute({ method: "get", path: "/etl/datasets", summary: "Your loaded datasets (the registry)", responses: { 200: json(z.object({ datasets: z.array(datasetSchema) }), "Datasets"), ...errorResponses } });
const datasetRoute = createRoute({
  method: "get", path: "/etl/datasets/{id}", summary: "A dataset: schema, sample rows, and the last run's rejects",
  request: { params: z.object({ id: id("id") }), query: z.object({ sample: z.coerce.number().int().min(0).max(200).default(20) }) },
  responses: { 200: json(datasetSchema.extend({ sample: queryResultSchema, lastRun: runSchema.nullable(), rejects: z.array(rejectSchema) }), "The dataset"), ...common },
});
const parquetRoute = createRoute({
  method: "get", path: "/etl/datasets/{id}/parquet", summary: "The dataset's Parquet export (the file in the R2 warehouse)",
  request: { params: z.object({ id: id("id") }) },
  responses: { 200: { description: "Parquet", content: { "application/vnd.apache.parquet": { schema: z.string() } } }, ...common, 409: err("Not exported yet") },
});
const queryRoute = createRoute({
  method: "post", path: "/etl/query", summary: "Read-only SQL over your datasets' tables: one SELECT, ? parameters, a row limit; JSON or CSV",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({
            sql: z.string().min(1).max(QUERY_LIMITS.maxSqlChars), params: z.array(paramValue).max(QUERY_LIMITS.maxParams).default([]),
            limit: z.number().int().min(1).max(QUERY_LIMITS.maxRows).default(QUERY_LIMITS.defaultRows), format,
          }),
        },
      },
      required: true,
    },
  },
  responses: { 200: { description: "Rows (JSON, or CSV with format=csv)", content: { "application/json": { schema: queryResultSchema }, "text/csv": { schema: z.string() } } }, ...errorResponses },
});
const aggregateRoute = createRoute({
  method: "post", path: "/etl/aggregate", summary: "Group-by and aggregates over one dataset, without writing SQL; JSON or CSV",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({
            datasetId: z.string().min(1).max(64),
            groupBy: z.array(z.string().max(200)).max(4).default([]),
            measures: z.array(z.object({ fn: z.enum(AGGREGATES), column: z.string().max(200).optional() })).max(8).default([]),
            filters: z.array(z.object({ column: z.string().max(200), op: z.enum(FILTER_OPS), value: paramValue })).max(8).optional(),
            orderBy: z.object({ column: z.string().max(200), direction: z.enum(["asc", "desc"]).default("asc") }).optional(),
            limit: z.number().int().min(1).max(QUERY_LIMITS.maxRows).default(QUERY_LIMITS.defaultRows), format,
          }),
        },
      },
      required: true,
    },
  },
  responses: { 200: { description: "Rows", content: { "application/json": { schema: queryResultSchema.extend({ sql: z.string() }) }, "text/csv": { schema: z.string() } } }, ...common, 409: err("Not loaded yet") },
});

function csvOf(result: QueryResult): Response {
  const text = `${Papa.unparse({ fields: result.columns, data: result.rows as unknown[][] }, { newline: "\n" })}\n`;
  return new Response(text, { headers: { "content-type": "text/csv; charset=utf-8", "cache-control": "private, no-store", ...(result.truncated ? { "x-truncated": "true" } : {}) } });
}

async function ownedTables(c: Context<AppEnv>): Promise<Set<string>> {
  return new Set((await listDatasets(c.get("db"), owner(c))).filter((d) => d.columns.length > 0).map((d) => d.tableName));
}

async function datasetOr404(c: Context<AppEnv>, datasetId: string): Promise<Dataset> {
  const d = await ownedDataset(c.get("db"), owner(c), datasetId);
  if (!d) throw new ApiError(404, "not_found", "no such dataset");
  return d;
}

export const etlRoutes = createRouter()
  .openapi(uploadRoute, async (c) => {
    if (!/^text\/csv\b/i.test(c.req.header("content-type") ?? "")) throw new ApiError(415, "unsupported_media_type", "send the CSV as the body with content-type text/csv");
    const body = c.req.raw.body;
    if (!body) throw new ApiError(400, "invalid_request", "the body is empty");
    const key = uploadKeyOf(owner(c), crypto.randomUUID());
    try {
      const stored = await storeUpload(c.env.FRAMES, body, key, etlSettings(c.env));
      return c.json({ key, ...stored }, 201);
    } catch (error) {
      if (error instanceof EtlInputError) throw new ApiError(error.code === "too_large" ? 413 : 422, error.code, error.message);
      throw error;
    }
  })
  .openapi(createJobRoute, async (c) => c.json(jobOut(await createJob(c.get("db"), owner(c), c.req.valid("json"))), 201))
  .openapi(listJobsRoute, async (c) => c.json({ jobs: (await listJobs(c.get("db"), owner(c))).map(jobOut) }, 200))
  .openapi(jobRoute, async (c) => {
    const job = await ownedJob(c.get("db"), owner(c), c.req.valid("param").id);
    return c.json({ ...jobOut(job), runs: (await listRuns(c.get("db"), job.id)).map(runOut) }, 200);
  })
  .openapi(startRunRoute, async (c) => {
    const job = await ownedJob(c.get("db"), owner(c), c.req.valid("param").id);
    await enforceLimit(c.env, "ETL_RUN_LIMITER", `user:${owner(c)}`, "ETL runs");
    return c.json(runOut(await startRun(c.env, c.get("db"), job, "manual")), 202);
  })
  .openapi(runRoute, async (c) => {
    c.header("cache-control", "private, no-store");
    return c.json(runOut(await ownedRun(c.get("db"), owner(c), c.req.valid("param").id)), 200);
  })
  .openapi(rejectsRoute, async (c) => {
    const run = await ownedRun(c.get("db"), owner(c), c.req.valid("param").id);
    const { limit, offset } = c.req.valid("query");
    return c.json({ total: run.rowsRejected, rejects: (await runRejects(c.get("db"), run.id, limit, offset)).map(({ id: _, runId: __, ...r }) => r) }, 200);
  })
  .openapi(listDatasetsRoute, async (c) => c.json({ datasets: (await listDatasets(c.get("db"), owner(c))).map(datasetOut) }, 200))
  .openapi(datasetRoute, async (c) => {
    const d = await datasetOr404(c, c.req.valid("param").id);
    const n = c.req.valid("query").sample;
    const sample = d.columns.length && n > 0
      ? await runSelect(c.env.DB, `SELECT ${d.columns.map((col) => quoteIdent(col.column)).join(", ")} FROM ${d.tableName}`, [], new Set([d.tableName]), n)
      : { columns: d.columns.map((col) => col.column), rows: [], truncated: false };
    const lastRun = d.lastRunId ? await ownedRun(c.get("db"), owner(c), d.lastRunId).catch(() => null) : null;
    const rejects = lastRun ? (await runRejects(c.get("db"), lastRun.id, 50, 0)).map(({ id: _, runId: __, ...r }) => r) : [];
    return c.json({ ...datasetOut(d), sample, lastRun: lastRun ? runOut(lastRun) : null, rejects }, 200);
  })
  .openapi(parquetRoute, async (c) => {
    const d = await datasetOr404(c, c.req.valid("param").id);
    const object = d.parquetKey ? await c.env.FRAMES.get(d.parquetKey) : null;
    if (!object) throw new ApiError(409, "not_exported", "the dataset has no Parquet export yet; run its job");
    return new Response(object.body, {
      headers: { "content-type": "application/vnd.apache.parquet", "content-disposition": `attachment; filename="${d.name.replace(/[^\w.-]+/g, "_")}.parquet"`, "cache-control": "private, no-store" },
    }) as never;
  })
  .openapi(queryRoute, async (c) => {
    const body = c.req.valid("json");
    const result = await runSelect(c.env.DB, body.sql, body.params, await ownedTables(c), body.limit);
    return (body.format === "csv" ? csvOf(result) : c.json(result, 200)) as never;
  })
  .openapi(aggregateRoute, async (c) => {
    const body = c.req.valid("json");
    const d = await datasetOr404(c, body.datasetId);
    if (d.columns.length === 0) throw new ApiError(409, "not_loaded", "the dataset has no rows yet; run its job");
    const { sql, params } = aggregateSql(d.tableName, d.columns, body);
    const result = await runSelect(c.env.DB, sql, params, new Set([d.tableName]), body.limit);
    return (body.format === "csv" ? csvOf(result) : c.json({ ...result, sql }, 200)) as never;
  });
