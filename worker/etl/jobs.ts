// ETL jobs and their runs: create a job (its dataset is registered at once), start a run (one Workflow
// instance), follow it step by step, read its rejects; and the cron tick that starts the runs whose
// schedule is due. Everything belongs to the signed-in user; another user's id is not found.
import { Cron } from "croner";
import { and, desc, eq, isNotNull } from "drizzle-orm";
import { etlJobs, etlRejects, etlRuns } from "../db/schema";
import { DomainError } from "../domain-error";
import type { Db, Env } from "../env";
import { log } from "../logging";
import { STEPS, type EtlOptions, type EtlSource } from "./contract";
import { findOrCreateDataset } from "./registry";

export type Job = typeof etlJobs.$inferSelect;
export type Run = typeof etlRuns.$inferSelect;

const notFound = (what: string) => new DomainError("not_found", "not_found", `no such ${what}`);

export function validSchedule(expression: string): string | null {
  try {
    new Cron(expression, { timezone: "UTC", paused: true });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export async function createJob(db: Db, ownerId: string, input: { name: string; dataset: string; source: EtlSource; options: EtlOptions; schedule?: string | null }): Promise<Job> {
  if (input.source.kind === "upload" && !input.source.key.startsWith(`etl/uploads/${ownerId}/`)) throw notFound("upload");
  if (input.schedule) {
    const problem = validSchedule(input.schedule);
    if (problem) throw new DomainError("invalid", "invalid_schedule", `the schedule is not a cron expression: ${problem}`);
  }
  const dataset = await findOrCreateDataset(db, ownerId, input.dataset, input.source.kind === "url" ? input.source.url : "upload");
  const job = { id: crypto.randomUUID(), ownerId, name: input.name, source: input.source, options: input.options, schedule: input.schedule ?? null, datasetId: dataset.id };
  await db.insert(etlJobs).values(job);
  return (await db.select().from(etlJobs).where(eq(etlJobs.id, job.id)).get())!;
}

export async function ownedJob(db: Db, ownerId: string, id: string): Promise<Job> {
  const job = await db.select().from(etlJobs).where(and(eq(etlJobs.id, id), eq(etlJobs.ownerId, ownerId))).get();
  if (!job) throw notFound("job");
  return job;
}

export async function listJobs(db: Db, ownerId: string): Promise<Job[]> {
  return db.select().from(etlJobs).where(eq(etlJobs.ownerId, ownerId)).orderBy(desc(etlJobs.createdAt)).all();
}

export async function startRun(env: Env, db: Db, job: Job, trigger: "manual" | "cron"): Promise<Run> {
  const id = crypto.randomUUID();
  await db.insert(etlRuns).values({ id, jobId: job.id, ownerId: job.ownerId, trigger, status: "queued", stepMs: {}, startedAt: new Date() });
  await env.ETL_WORKFLOW.create({ id, params: { runId: id } });
  return (await db.select().from(etlRuns).where(eq(etlRuns.id, id)).get())!;
}

export async function ownedRun(db: Db, ownerId: string, id: string): Promise<Run> {
  const run = await db.select().from(etlRuns).where(and(eq(etlRuns.id, id), eq(etlRuns.ownerId, ownerId))).get();
  if (!run) throw notFound("run");
  return run;
}

export async function listRuns(db: Db, jobId: string, limit = 50): Promise<Run[]> {
  return db.select().from(etlRuns).where(eq(etlRuns.jobId, jobId)).orderBy(desc(etlRuns.startedAt)).limit(limit).all();
}

export async function runRejects(db: Db, runId: string, limit: number, offset: number) {
  return db.select().from(etlRejects).where(eq(etlRejects.runId, runId)).orderBy(etlRejects.line).limit(limit).offset(offset).all();
}

/** Each step's state for the live view: done (with its ms), running, failed, skipped or pending. */
export function stepsOf(run: Run) {
  return STEPS.map((name) => {
    const ms = run.stepMs[name];
    let state: "done" | "running" | "failed" | "skipped" | "pending";
    if (ms !== undefined) state = "done";
    else if (run.step === name) state = run.status === "failed" ? "failed" : "running";
    else state = run.status === "unchanged" || run.status === "failed" ? "skipped" : "pending";
    return { name, state, ms: ms ?? null };
  });
}

/** Cron tick (every 5 minutes): each scheduled job whose next time since its last run has come gets a run. */
export async function startScheduledRuns(env: Env, db: Db, now: Date): Promise<number> {
  const jobs = await db.select().from(etlJobs).where(isNotNull(etlJobs.schedule)).all();
  let started = 0;
  for (const job of jobs) {
    const since = job.lastScheduledAt ?? job.createdAt;
    const next = new Cron(job.schedule!, { timezone: "UTC", paused: true }).nextRun(since);
    if (!next || next > now) continue;
    // Claimed first, so two overlapping ticks do not both start it.
    const claimed = await db.update(etlJobs).set({ lastScheduledAt: now }).where(and(eq(etlJobs.id, job.id), job.lastScheduledAt ? eq(etlJobs.lastScheduledAt, job.lastScheduledAt) : isNotNull(etlJobs.id))).returning({ id: etlJobs.id });
    if (claimed.length === 0) continue;
    try {
      await startRun(env, db, job, "cron");
      started++;
    } catch (error) {
      log("error", "etl scheduled run failed to start", { jobId: job.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return started;
}
