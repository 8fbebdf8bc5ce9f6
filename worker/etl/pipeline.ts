// The bodies of a run's steps (fetch, sniff, transform, load, export), each reading what it needs from
// D1 and R2 and recording its outcome and milliseconds on the run, so a retried step starts clean and
// the live job view sees each step finish. The Workflow (workflow.ts) runs them with retries; the
// benchmark runs the same functions against local bindings.
import { createHash } from "node:crypto";
import { and, eq, ne, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../db/schema";
import { etlJobs, etlRejects, etlRuns } from "../db/schema";
import type { Db } from "../env";
import type { DatasetColumn, SniffRecord, StepName } from "./contract";
import { exportParquet } from "./export";
import { commitTable, prepareTable, rowsOfPart, TableWriter, type LoadTarget } from "./load";
import { datasetById, recordExport, recordLoad } from "./registry";
import { EtlInputError, etlSettings } from "./settings";
import { SNIFF_SAMPLE_BYTES, sniff } from "./sniff";
import { fetchSource, rawKeyOf } from "./source";
import { planColumns, RejectLimitError, stagingKey, stagingPrefix, transformCsv, type Reject } from "./transform";

export interface EtlEnv {
  DB: D1Database;
  FRAMES: R2Bucket;
  ETL_MAX_SOURCE_BYTES?: string;
  ETL_MAX_LINE_BYTES?: string;
  ETL_FETCH_TIMEOUT_MS?: string;
}

const dbOf = (env: EtlEnv): Db => drizzle(env.DB, { schema });

async function context(env: EtlEnv, runId: string) {
  const db = dbOf(env);
  const run = await db.select().from(etlRuns).where(eq(etlRuns.id, runId)).get();
  if (!run) throw new EtlInputError("run_missing", `run ${runId} is not recorded`);
  const job = await db.select().from(etlJobs).where(eq(etlJobs.id, run.jobId)).get();
  if (!job) throw new EtlInputError("job_missing", `the run's job ${run.jobId} was deleted`);
  return { db, run, job };
}

type RunUpdate = Partial<typeof etlRuns.$inferInsert>;

async function recordStep(db: Db, runId: string, step: StepName, ms: number, update: RunUpdate): Promise<void> {
  // ms per step merged into the run's JSON, so each step's figure survives the others' retries.
  await db.update(etlRuns).set({ ...update, stepMs: sql`json_set(${etlRuns.stepMs}, ${`$.${step}`}, ${Math.round(ms)})` }).where(eq(etlRuns.id, runId));
}

export async function markStep(env: EtlEnv, runId: string, step: StepName): Promise<void> {
  await dbOf(env).update(etlRuns).set({ status: "running", step }).where(eq(etlRuns.id, runId));
}

export async function markFailed(env: EtlEnv, runId: string, message: string): Promise<void> {
  await dbOf(env).update(etlRuns).set({ status: "failed", error: message.slice(0, 2000), finishedAt: new Date() }).where(eq(etlRuns.id, runId));
}

/** The run key: the source's content hash plus the options, so the same input twice is recognised. */
export function runKeyOf(sourceHash: string, options: unknown): string {
  return createHash("sha256").update(sourceHash).update("\n").update(stableJson(options)).digest("hex");
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export interface FetchOutcome {
  unchanged: boolean;
  bytes: number;
  sameAs?: string;
}

export async function stepFetch(env: EtlEnv, runId: string): Promise<FetchOutcome> {
  const started = performance.now();
  const { db, run, job } = await context(env, runId);
  await markStep(env, runId, "fetch");
  const fetched = await fetchSource(env.FRAMES, job.source, rawKeyOf(job.id, runId), etlSettings(env));
  const runKey = runKeyOf(fetched.sourceHash, job.options);
  const previous = await db
    .select({ id: etlRuns.id })
    .from(etlRuns)
    .where(and(eq(etlRuns.jobId, job.id), eq(etlRuns.runKey, runKey), eq(etlRuns.status, "succeeded"), ne(etlRuns.id, run.id)))
    .get();
  const dataset = await datasetById(db, job.datasetId);
  // The same bytes with the same options, already loaded into this dataset: nothing to do, and the run says so.
  const unchanged = Boolean(previous && dataset?.lastRunId === previous.id);
  if (unchanged && job.source.kind === "url") await env.FRAMES.delete(fetched.rawKey);
  await recordStep(db, runId, "fetch", performance.now() - started, {
    sourceHash: fetched.sourceHash, etag: fetched.etag, bytes: fetched.bytes, rawKey: unchanged ? null : fetched.rawKey, runKey,
    ...(unchanged
      ? { status: "unchanged", step: null, finishedAt: new Date(), message: `the same file with the same options was loaded by run ${previous!.id}; nothing changed` }
      : {}),
  });
  return { unchanged, bytes: fetched.bytes, ...(unchanged ? { sameAs: previous!.id } : {}) };
}

export async function stepSniff(env: EtlEnv, runId: string): Promise<SniffRecord> {
  const started = performance.now();
  const { db, run, job } = await context(env, runId);
  await markStep(env, runId, "sniff");
  const head = await env.FRAMES.get(run.rawKey!, { range: { offset: 0, length: SNIFF_SAMPLE_BYTES } });
  if (!head) throw new Error(`the raw file ${run.rawKey} is missing`);
  // Not fatal: a character cut at the sample's end lands in the partial last line, which is dropped.
  // ignoreBOM keeps a BOM in the text, so sniffing can record it.
  const text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(await head.arrayBuffer());
  const record = sniff(text, job.options, (run.bytes ?? 0) <= SNIFF_SAMPLE_BYTES);
  await recordStep(db, runId, "sniff", performance.now() - started, { schema: record });
  return record;
}

export interface TransformOutcome {
  columns: DatasetColumn[];
  parts: number;
  rowsRead: number;
  rowsStaged: number;
  rowsRejected: number;
  changes: string[];
}

async function storeRejects(db: Db, runId: string, rejects: Reject[]): Promise<void> {
  await db.delete(etlRejects).where(eq(etlRejects.runId, runId));
  // 7 values a row: 14 rows keep a statement under D1's 100 bound parameters.
  const rows = rejects.map((r) => ({ runId, ...r }));
  const statements = [];
  for (let i = 0; i < rows.length; i += 14) statements.push(db.insert(etlRejects).values(rows.slice(i, i + 14)));
  for (let i = 0; i < statements.length; i += 50) {
    const chunk = statements.slice(i, i + 50);
    await db.batch(chunk as [(typeof chunk)[0], ...typeof chunk]);
  }
}

async function clearStaging(bucket: R2Bucket, runId: string): Promise<void> {
  for (;;) {
    const listed = await bucket.list({ prefix: stagingPrefix(runId) });
    if (listed.objects.length === 0) return;
    await bucket.delete(listed.objects.map((o) => o.key));
  }
}

export async function stepTransform(env: EtlEnv, runId: string, record: SniffRecord): Promise<TransformOutcome> {
  const started = performance.now();
  const { db, run, job } = await context(env, runId);
  await markStep(env, runId, "transform");
  const dataset = await datasetById(db, job.datasetId);
  const plan = planColumns(record, dataset?.columns ?? null, job.options.schemaPolicy);
  for (const k of job.options.key ?? []) {
    if (!plan.columns.some((c) => c.name === k)) throw new EtlInputError("unknown_key", `the key column "${k}" is not in the file`);
  }
  await clearStaging(env.FRAMES, runId);
  const raw = await env.FRAMES.get(run.rawKey!);
  if (!raw) throw new Error(`the raw file ${run.rawKey} is missing`);
  const result = await transformCsv({
    body: raw.body, record, plan, options: job.options, maxLineBytes: etlSettings(env).maxLineBytes,
    stage: async (part, text) => {
      await env.FRAMES.put(stagingKey(runId, part), text);
    },
  }).catch(async (error: unknown) => {
    // Rejects up to the limit are kept for the rejects view even when the run fails on them.
    if (error instanceof RejectLimitError) {
      await clearStaging(env.FRAMES, runId);
      await storeRejects(db, runId, error.rejects);
      await db.update(etlRuns).set({ rowsRejected: error.rejects.length + 1 }).where(eq(etlRuns.id, runId));
    }
    throw error;
  });
  await storeRejects(db, runId, result.rejects);
  await recordStep(db, runId, "transform", performance.now() - started, {
    rowsRead: result.rowsRead, rowsRejected: result.rowsRejected, message: plan.changes.length ? `schema (${job.options.schemaPolicy}): ${plan.changes.join("; ")}` : null,
  });
  return { columns: plan.columns, parts: result.parts, rowsRead: result.rowsRead, rowsStaged: result.rowsStaged, rowsRejected: result.rowsRejected, changes: plan.changes };
}

export async function stepLoad(env: EtlEnv, runId: string, transformed: TransformOutcome): Promise<{ rowsLoaded: number; rowCount: number }> {
  const started = performance.now();
  const { db, job } = await context(env, runId);
  await markStep(env, runId, "load");
  const dataset = (await datasetById(db, job.datasetId))!;
  const key = (job.options.key ?? []).map((k) => transformed.columns.find((c) => c.name === k)!.column);
  const target: LoadTarget = { table: dataset.tableName, columns: transformed.columns, mode: job.options.mode, key };
  const into = await prepareTable(env.DB, target);
  const writer = new TableWriter(env.DB, into, target);
  for (let part = 0; part < transformed.parts; part++) {
    const staged = await env.FRAMES.get(stagingKey(runId, part));
    if (!staged) throw new Error(`staged part ${part} of run ${runId} is missing`);
    for (const row of rowsOfPart(await staged.text())) await writer.add(row);
  }
  await writer.finish();
  const rowCount = await commitTable(env.DB, target);
  const source = job.source.kind === "url" ? job.source.url : "upload";
  await recordLoad(db, dataset.id, { columns: transformed.columns, rowCount, lastRunId: runId, source });
  await clearStaging(env.FRAMES, runId);
  await recordStep(db, runId, "load", performance.now() - started, { rowsLoaded: writer.rows });
  return { rowsLoaded: writer.rows, rowCount };
}

export async function stepExport(env: EtlEnv, runId: string): Promise<{ key: string; rows: number; bytes: number }> {
  const started = performance.now();
  const { db, job } = await context(env, runId);
  await markStep(env, runId, "export");
  const dataset = (await datasetById(db, job.datasetId))!;
  const exported = await exportParquet(env.DB, env.FRAMES, dataset.tableName, dataset.columns, runId);
  await recordExport(db, dataset.id, exported.key);
  await recordStep(db, runId, "export", performance.now() - started, { parquetKey: exported.key, status: "succeeded", step: null, finishedAt: new Date() });
  return exported;
}
