// The lab's service: datasets (from a source or an upload) with their metadata,
// runs that queue one job per synthesizer, and their results. Routes call this;
// it calls the library (parse, detect, encode) and the stores (D1, R2, the queue).
// Errors are LabError with a kind the routes map to a status.
import { and, desc, eq } from "drizzle-orm";
import { synthDatasets, synthJobs, synthRuns, type SynthJobSummary } from "../db/schema";
import type { Db, Env } from "../env";
import { CsvError, parseCsv, type RawTable } from "./csv";
import { detectMetadata, type Metadata } from "./metadata";
import { SYNTHESIZER_IDS, REFERENCE_SYNTHESIZER, synthesizer } from "./synthesizers";
import { datasetSource } from "./sources";
import { encodeTable, MetadataError } from "./table";
import type { SynthJobMessage } from "./jobs";

export type LabErrorKind = "invalid_csv" | "invalid_metadata" | "not_found" | "not_ready";
export class LabError extends Error {
  constructor(readonly kind: LabErrorKind, message: string) {
    super(message);
  }
}

export const keys = {
  upload: (id: string) => `synth/datasets/${id}.csv`,
  synthetic: (runId: string, synth: string) => `synth/runs/${runId}/${synth}.csv`,
  result: (runId: string, synth: string) => `synth/runs/${runId}/${synth}.json`,
  report: (runId: string) => `synth/runs/${runId}/report.json`,
};

/** Parses and validates a CSV (and, when given, metadata for it); throws LabError, stores nothing. */
export function checkTable(csv: string, metadata?: Metadata): { raw: RawTable; metadata: Metadata } {
  let raw: RawTable;
  try {
    raw = parseCsv(csv);
  } catch (error) {
    if (error instanceof CsvError) throw new LabError("invalid_csv", error.message);
    throw error;
  }
  const meta = metadata ?? detectMetadata(raw);
  try {
    encodeTable(raw, meta);
  } catch (error) {
    if (error instanceof MetadataError) throw new LabError("invalid_metadata", error.message);
    throw error;
  }
  return { raw, metadata: meta };
}

type DatasetRow = typeof synthDatasets.$inferSelect;

export function datasetJson(d: DatasetRow) {
  return {
    id: d.id,
    name: d.name,
    source: d.source,
    rows: d.rows,
    columns: d.columns,
    bytes: d.bytes,
    metadata: d.metadata,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

async function insertDataset(db: Db, env: Env, input: { ownerId: string; name: string; source: string; csv: string; csvKey: string | null }) {
  const { raw, metadata } = checkTable(input.csv);
  const id = crypto.randomUUID();
  const csvKey = input.csvKey ?? keys.upload(id);
  if (input.csvKey === null) await env.FRAMES.put(csvKey, input.csv, { httpMetadata: { contentType: "text/csv" } });
  const now = new Date();
  try {
    const [row] = await db
      .insert(synthDatasets)
      .values({ id, ownerId: input.ownerId, name: input.name, source: input.source, rows: raw.rows, columns: raw.header.length, bytes: input.csv.length, csvKey, metadata, updatedAt: now })
      .returning();
    return datasetJson(row!);
  } catch (error) {
    if (input.csvKey === null) await env.FRAMES.delete(csvKey);
    throw error;
  }
}

export function uploadDataset(db: Db, env: Env, ownerId: string, name: string, csv: string) {
  return insertDataset(db, env, { ownerId, name, source: "upload", csv, csvKey: null });
}

export async function datasetFromSource(db: Db, env: Env, ownerId: string, sourceId: string, name: string) {
  const source = datasetSource(sourceId);
  const found = source ? await source.read(env, ownerId, name) : null;
  if (!source || found === null) throw new LabError("not_found", `no dataset ${name} in source ${sourceId}`);
  // Shipped files are read where they are (only the metadata is the user's); other sources are copied.
  return insertDataset(db, env, { ownerId, name: found.title, source: `${sourceId}:${name}`, csv: found.csv, csvKey: source.storedAt(name) });
}

async function ownDataset(db: Db, ownerId: string, id: string): Promise<DatasetRow> {
  const row = await db.select().from(synthDatasets).where(and(eq(synthDatasets.id, id), eq(synthDatasets.ownerId, ownerId))).get();
  if (!row) throw new LabError("not_found", `no dataset ${id}`);
  return row;
}

async function datasetCsv(env: Env, d: DatasetRow): Promise<string> {
  const object = await env.FRAMES.get(d.csvKey);
  if (!object) throw new Error(`the CSV of dataset ${d.id} is missing from R2 (${d.csvKey})`);
  return object.text();
}

export async function listDatasets(db: Db, ownerId: string) {
  const rows = await db.select().from(synthDatasets).where(eq(synthDatasets.ownerId, ownerId)).orderBy(desc(synthDatasets.createdAt)).limit(100);
  return rows.map(datasetJson);
}

export async function getDataset(db: Db, env: Env, ownerId: string, id: string) {
  const d = await ownDataset(db, ownerId, id);
  const raw = parseCsv(await datasetCsv(env, d));
  const preview = Array.from({ length: Math.min(5, raw.rows) }, (_, r) => raw.columns.map((c) => c[r]!));
  return { ...datasetJson(d), header: raw.header, preview };
}

export async function updateMetadata(db: Db, env: Env, ownerId: string, id: string, metadata: Metadata) {
  const d = await ownDataset(db, ownerId, id);
  checkTable(await datasetCsv(env, d), metadata);
  const [row] = await db.update(synthDatasets).set({ metadata, updatedAt: new Date() }).where(eq(synthDatasets.id, id)).returning();
  return datasetJson(row!);
}

export interface RunRequest {
  datasetId: string;
  synthesizers: string[];
  seed?: number;
  epsilon?: number;
}

export async function startRun(db: Db, env: Env, ownerId: string, req: RunRequest) {
  const d = await ownDataset(db, ownerId, req.datasetId);
  checkTable(await datasetCsv(env, d), d.metadata);
  // The Gaussian copula is the selection's reference, so every run has it.
  const ids = [...new Set([REFERENCE_SYNTHESIZER, ...req.synthesizers])].filter((id) => (SYNTHESIZER_IDS as readonly string[]).includes(id));
  const id = crypto.randomUUID();
  const seed = req.seed ?? Math.floor(Math.random() * 2 ** 31);
  await db.batch([
    db.insert(synthRuns).values({ id, datasetId: d.id, ownerId, seed, epsilon: req.epsilon ?? 1, metadata: d.metadata, status: "running" }),
    db.insert(synthJobs).values(ids.map((s) => ({ runId: id, synthesizer: s, status: "queued" as const }))),
  ]);
  const messages: { body: SynthJobMessage }[] = ids.map((s) => ({ body: { kind: "synth.run", runId: id, synthesizer: s } }));
  await env.SYNTH.sendBatch(messages);
  return getRun(db, ownerId, id);
}

type JobRow = typeof synthJobs.$inferSelect;

function jobJson(j: JobRow) {
  return {
    synthesizer: j.synthesizer,
    label: synthesizer(j.synthesizer).label,
    status: j.status,
    attempts: j.attempts,
    summary: j.summary as SynthJobSummary | null,
    error: j.error,
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
  };
}

export async function getRun(db: Db, ownerId: string, id: string) {
  const run = await db.select().from(synthRuns).where(and(eq(synthRuns.id, id), eq(synthRuns.ownerId, ownerId))).get();
  if (!run) throw new LabError("not_found", `no run ${id}`);
  const jobs = await db.select().from(synthJobs).where(eq(synthJobs.runId, id)).all();
  const order = (s: string) => (SYNTHESIZER_IDS as readonly string[]).indexOf(s);
  jobs.sort((a, b) => order(a.synthesizer) - order(b.synthesizer));
  return {
    id: run.id,
    datasetId: run.datasetId,
    seed: run.seed,
    epsilon: run.epsilon,
    status: run.status,
    winner: run.winner,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    metadata: run.metadata,
    jobs: jobs.map(jobJson),
  };
}

export async function listRuns(db: Db, ownerId: string, datasetId?: string) {
  const where = datasetId ? and(eq(synthRuns.ownerId, ownerId), eq(synthRuns.datasetId, datasetId)) : eq(synthRuns.ownerId, ownerId);
  const rows = await db.select().from(synthRuns).where(where).orderBy(desc(synthRuns.createdAt)).limit(50);
  return rows.map((r) => ({ id: r.id, datasetId: r.datasetId, status: r.status, winner: r.winner, createdAt: r.createdAt.toISOString() }));
}

async function ownRun(db: Db, ownerId: string, id: string) {
  const run = await db.select().from(synthRuns).where(and(eq(synthRuns.id, id), eq(synthRuns.ownerId, ownerId))).get();
  if (!run) throw new LabError("not_found", `no run ${id}`);
  return run;
}

/** An R2 object of a run the owner may read: a synthesizer's result or CSV, or the report. */
export async function runObject(db: Db, env: Env, ownerId: string, runId: string, what: { result: string } | { csv: string } | { report: true } | { winnerCsv: true }) {
  const run = await ownRun(db, ownerId, runId);
  let key: string;
  if ("report" in what || "winnerCsv" in what) {
    if (run.status === "running") throw new LabError("not_ready", "the run has not finished");
    if ("report" in what) key = keys.report(runId);
    else if (!run.winner) throw new LabError("not_found", "the run has no winner: no synthesizer met the conditions (see the report)");
    else key = keys.synthetic(runId, run.winner);
  } else {
    const synth = "result" in what ? what.result : what.csv;
    const job = await db.select().from(synthJobs).where(and(eq(synthJobs.runId, runId), eq(synthJobs.synthesizer, synth))).get();
    if (!job) throw new LabError("not_found", `the run has no synthesizer ${synth}`);
    if (job.status !== "done") throw new LabError("not_ready", `${synth} is ${job.status}`);
    key = "result" in what ? keys.result(runId, synth) : keys.synthetic(runId, synth);
  }
  const object = await env.FRAMES.get(key);
  if (!object) throw new LabError("not_found", "the file is missing");
  return { object, run };
}
