// npm run bench:etl — a 150,000-row CSV (vega-datasets' weather.csv, its rows repeated: one real file
// concatenated) through a whole ETL job locally, beside a plain in-memory parse of the same file in the
// same run (papaparse over the whole string), twice:
// - in this process: the same step functions the Workflow runs (fetch from the local replay server into
//   R2, sniff, transform, load into D1, export Parquet into R2) against the local D1 and R2 that
//   wrangler dev uses (a fresh state folder, migrations applied), so memory can be measured: the peak
//   JS heap + array buffers above the baseline, sampled every 2 ms, for the whole job and each step (it
//   includes garbage not yet collected, so it overstates what is live; the Worker's 128 MB isolate
//   limit counts the same kinds of memory). Every D1 and R2 call crosses getPlatformProxy's bridge
//   into workerd here, which the product never pays, so these speeds understate the product's.
// - through the real Workflow on wrangler dev (the product's path; BENCH_BASE_URL reuses a running
//   product, otherwise one is started as npm start does): the run's own ms per step.
// Reports rows/s per step and for the whole job, and their ratios to the plain parse. Targets (issue 13):
// the load step of the Workflow at least 0.5 of the plain parse's rows/s, and peak memory under 128 MB.
// The whole job's ratio is printed beside them: the job parses the file as the baseline does and then
// also loads it and writes Parquet, so it cannot reach the parse's own speed.
// Prints one JSON object on stdout; progress on stderr. BENCH_SHORT=1: 20,000 rows and no Workflow run
// (BENCH_WORKFLOW=1 asks for it; BENCH_WORKFLOW=0 skips it in a full run).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { drizzle } from "drizzle-orm/d1";
import { getPlatformProxy } from "wrangler";
import * as schema from "../db/schema";
import { etlRuns } from "../db/schema";
import { startCsvReplay } from "../dev/csv-replay-server";
import { DEMO_USER } from "../cli/demo-user";
import { startLocalStack, type LocalStack } from "../../test/e2e/local-stack";
import type { Env } from "../env";
import { optionsSchema } from "./contract";
import { createJob } from "./jobs";
import { stepExport, stepFetch, stepLoad, stepSniff, stepTransform } from "./pipeline";

const SHORT = process.env.BENCH_SHORT === "1";
const ROWS = Number(process.env.BENCH_ROWS ?? (SHORT ? 20_000 : 150_000));
const MEMORY_LIMIT_MB = 128;
const LOAD_RATIO_TARGET = 0.5;
const progress = (msg: string) => process.stderr.write(`${msg}\n`);
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const state = mkdtempSync(join(tmpdir(), "bench-etl-"));
const replay = await startCsvReplay();
const url = `${replay.url}/big/weather.csv?rows=${ROWS}`;
process.env.WRANGLER_LOG ??= "error";
try {
  progress(`# bench:etl — ${ROWS} rows of weather.csv, Node ${process.version}${gc ? "" : " (run with --expose-gc for memory after a collection)"}`);
  const migrated = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { encoding: "utf8", env: { ...process.env, CI: "1" } });
  if (migrated.status !== 0) throw new Error(`migrations: ${migrated.stderr}`);
  const proxy = await getPlatformProxy<Env>({ configPath: "wrangler.toml", persist: { path: join(state, "v3") } });
  const env = proxy.env;
  const db = drizzle(env.DB, { schema });

  // The baseline: the same bytes parsed in memory, whole.
  const { bytes, parseSeconds, plainRows } = await (async () => {
    // Scoped, so the parsed copy is garbage before the job's memory is measured.
    const text = await (await fetch(url)).text();
    const t0 = performance.now();
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
    return { bytes: Buffer.byteLength(text), parseSeconds: (performance.now() - t0) / 1000, plainRows: parsed.data.length - 1 };
  })();
  if (plainRows !== ROWS) throw new Error(`the plain parse read ${plainRows} rows, not ${ROWS}`);
  const plainRowsPerSecond = plainRows / parseSeconds;
  progress(`plain parse: ${Math.round(plainRowsPerSecond)} rows/s (${mb(bytes)} MB in ${parseSeconds.toFixed(3)} s)`);

  const job = await createJob(db, "bench-user", { name: "bench", dataset: "bench-weather", source: { kind: "url", url }, options: optionsSchema.parse({}) });
  const runId = crypto.randomUUID();
  await db.insert(etlRuns).values({ id: runId, jobId: job.id, ownerId: "bench-user", trigger: "manual", status: "queued", stepMs: {}, startedAt: new Date() });

  gc?.();
  const baseline = used();
  let peak = baseline;
  // The running step's own peak, so the figure says which step holds the memory.
  let stepPeak = baseline;
  const sample = () => {
    const now = used();
    peak = Math.max(peak, now);
    stepPeak = Math.max(stepPeak, now);
  };
  const sampler = setInterval(sample, 2);
  const stepSeconds: Record<string, number> = {};
  const stepPeakMb: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    stepPeak = used();
    const result = await work();
    stepSeconds[name] = (performance.now() - started) / 1000;
    sample();
    stepPeakMb[name] = mb(stepPeak - baseline);
    progress(`${name}: ${stepSeconds[name]!.toFixed(2)} s`);
    return result;
  };
  await timed("fetch", () => stepFetch(env, runId));
  const record = await timed("sniff", () => stepSniff(env, runId));
  const transformed = await timed("transform", () => stepTransform(env, runId, record));
  const loaded = await timed("load", () => stepLoad(env, runId, transformed));
  const exported = await timed("export", () => stepExport(env, runId));
  clearInterval(sampler);
  if (loaded.rowCount !== ROWS || exported.rows !== ROWS) throw new Error(`loaded ${loaded.rowCount} and exported ${exported.rows} rows, not ${ROWS}`);
  await proxy.dispose();

  const wantWorkflow = process.env.BENCH_BASE_URL || process.env.BENCH_WORKFLOW === "1" || (!SHORT && process.env.BENCH_WORKFLOW !== "0");
  const workflow = wantWorkflow ? await throughWorkflow(url, plainRowsPerSecond) : null;
  const jobSeconds = Object.values(stepSeconds).reduce((a, b) => a + b, 0);
  const rowsPerSecond = Object.fromEntries(Object.entries(stepSeconds).map(([k, s]) => [k, Math.round(ROWS / s)]));
  const jobRowsPerSecond = ROWS / jobSeconds;
  const peakMb = mb(peak - baseline);
  const result = {
    bench: "etl",
    short: SHORT,
    rows: ROWS,
    bytes,
    plainParse: { rowsPerSecond: Math.round(plainRowsPerSecond), seconds: Math.round(parseSeconds * 1000) / 1000 },
    stepSeconds: Object.fromEntries(Object.entries(stepSeconds).map(([k, s]) => [k, Math.round(s * 1000) / 1000])),
    rowsPerSecond,
    ratioToPlainParse: Object.fromEntries(Object.entries(rowsPerSecond).map(([k, r]) => [k, Math.round((r / plainRowsPerSecond) * 1000) / 1000])),
    job: { seconds: Math.round(jobSeconds * 1000) / 1000, rowsPerSecond: Math.round(jobRowsPerSecond), ratioToPlainParse: Math.round((jobRowsPerSecond / plainRowsPerSecond) * 1000) / 1000 },
    parquetBytes: exported.bytes,
    peakMemoryMb: peakMb,
    stepPeakMemoryMb: stepPeakMb,
    memoryMeasuredAfterGc: Boolean(gc),
    workflow,
    targets: {
      workflowLoadRatioAtLeast: LOAD_RATIO_TARGET,
      workflowLoadRatio: workflow?.ratioToPlainParse.load ?? null,
      workflowLoadRatioMet: workflow ? (workflow.ratioToPlainParse.load ?? 0) >= LOAD_RATIO_TARGET : null,
      peakMemoryMbUnder: MEMORY_LIMIT_MB,
      peakMemoryMet: peakMb < MEMORY_LIMIT_MB,
    },
  };
  console.log(JSON.stringify(result));
} finally {
  await replay.close();
  rmSync(state, { recursive: true, force: true });
}

/** The file through POST /api/etl/jobs and a run on the local product: the Workflow's own ms per step. */
async function throughWorkflow(sourceUrl: string, plainRowsPerSecond: number) {
  let stack: LocalStack | null = null;
  let base = process.env.BENCH_BASE_URL ?? "";
  if (!base) {
    progress("starting the local product ...");
    stack = await startLocalStack(".wrangler/bench-etl-state");
    base = stack.baseUrl;
  }
  try {
    const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: DEMO_USER.email, password: DEMO_USER.password }) });
    if (!login.ok) throw new Error(`demo sign-in: ${login.status}`);
    const auth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}`, "content-type": "application/json" };
    const job = await fetch(`${base}/api/etl/jobs`, { method: "POST", headers: auth, body: JSON.stringify({ name: "bench", dataset: `bench-${Date.now()}`, source: { kind: "url", url: sourceUrl } }) });
    if (job.status !== 201) throw new Error(`job: ${job.status} ${await job.text()}`);
    const { id } = (await job.json()) as { id: string };
    const started = performance.now();
    const run = (await (await fetch(`${base}/api/etl/jobs/${id}/runs`, { method: "POST", headers: auth })).json()) as { id: string };
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      const now = (await (await fetch(`${base}/api/etl/runs/${run.id}`, { headers: auth })).json()) as { status: string; stepMs: Record<string, number>; rowsLoaded: number | null; error: string | null };
      if (now.status === "failed") throw new Error(`the workflow run failed: ${now.error}`);
      if (now.status !== "succeeded") {
        if (performance.now() - started > 15 * 60_000) throw new Error("the workflow run did not finish in 15 minutes");
        continue;
      }
      if (now.rowsLoaded !== ROWS) throw new Error(`the workflow loaded ${now.rowsLoaded} rows, not ${ROWS}`);
      const wallSeconds = (performance.now() - started) / 1000;
      const rowsPerSecond = Object.fromEntries(Object.entries(now.stepMs).map(([k, ms]) => [k, Math.round(ROWS / (ms / 1000))]));
      const stepsSeconds = Object.values(now.stepMs).reduce((a, b) => a + b, 0) / 1000;
      progress(`workflow: ${JSON.stringify(now.stepMs)} ms, ${wallSeconds.toFixed(1)} s from the request to done`);
      return {
        stepMs: now.stepMs, rowsPerSecond,
        ratioToPlainParse: Object.fromEntries(Object.entries(rowsPerSecond).map(([k, r]) => [k, Math.round((r / plainRowsPerSecond) * 1000) / 1000])),
        job: { stepsSeconds: Math.round(stepsSeconds * 1000) / 1000, wallSeconds: Math.round(wallSeconds * 1000) / 1000, rowsPerSecond: Math.round(ROWS / stepsSeconds), ratioToPlainParse: Math.round((ROWS / stepsSeconds / plainRowsPerSecond) * 1000) / 1000 },
      };
    }
  } finally {
    await stack?.stop();
  }
}
