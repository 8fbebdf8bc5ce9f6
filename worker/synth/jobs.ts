// The lab's queue consumer: one message per synthesizer of a run (the SYNTH
// queue delivers one per invocation, so a run's synthesizers fit in parallel).
// A job fits, samples and scores, writes its CSV and scores to R2 and its
// summary to D1; whichever job finishes last writes the run's report and winner.
import { drizzle } from "drizzle-orm/d1";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import * as schema from "../db/schema";
import { synthDatasets, synthJobs, synthRuns, type SynthJobStatus, type SynthJobSummary } from "../db/schema";
import type { Db, Env } from "../env";
import { log } from "../logging";
import { parseCsv } from "./csv";
import { prepare, runSynthesizer, type Host, type Outcome } from "./pipeline";
import { buildReport } from "./report";
import { keys } from "./service";

export const SYNTH_QUEUE = "nowcast-edge-synth";
export const SYNTH_DEAD_LETTER_QUEUE = "nowcast-edge-synth-dlq";
const MAX_ATTEMPTS = 3;

export const synthJobMessageSchema = z.object({ kind: z.literal("synth.run"), runId: z.uuid(), synthesizer: z.string().min(1).max(64) });
export type SynthJobMessage = z.infer<typeof synthJobMessageSchema>;

function summaryOf(o: Outcome): SynthJobSummary {
  const { quality: q, diagnostic: d, privacy: p, efficacy: e } = o.scores;
  return {
    quality: q.score,
    columnShapes: q.columnShapes,
    columnPairTrends: q.columnPairTrends,
    diagnostic: d.score,
    dcrBaselineProtection: p.dcrBaselineProtection,
    dcrOverfittingProtection: p.dcrOverfittingProtection,
    newRowSynthesis: p.newRowSynthesis,
    efficacy: e && { metric: e.metric, synthetic: e.synthetic, real: e.real },
    fitSeconds: o.timing.fitSeconds,
    sampleSeconds: o.timing.sampleSeconds,
    peakMemoryBytes: o.timing.peakMemoryBytes,
  };
}

/** workerd's clock moves only across I/O, so each phase boundary writes the job's phase first; workerd has no heap API. */
function workerHost(db: Db, runId: string, synth: string): Host & { phase(status: SynthJobStatus): Promise<void> } {
  return {
    now: () => Date.now(),
    memory: () => null,
    tick: async () => {},
    phase: async (status) => {
      await db.update(synthJobs).set({ status }).where(and(eq(synthJobs.runId, runId), eq(synthJobs.synthesizer, synth)));
    },
  };
}

async function runJob(env: Env, db: Db, body: SynthJobMessage, attempt: number): Promise<void> {
  const where = and(eq(synthJobs.runId, body.runId), eq(synthJobs.synthesizer, body.synthesizer));
  const job = await db.select().from(synthJobs).where(where).get();
  const run = await db.select().from(synthRuns).where(eq(synthRuns.id, body.runId)).get();
  if (!job || !run) return log("warn", "synth job for an unknown run", { ...body });
  if (job.status === "done" || job.status === "failed") return; // delivered again after it finished
  const dataset = await db.select().from(synthDatasets).where(eq(synthDatasets.id, run.datasetId)).get();
  const csv = dataset ? await env.FRAMES.get(dataset.csvKey) : null;
  if (!csv) throw new Error(`the dataset of run ${run.id} is missing`);
  await db.update(synthJobs).set({ status: "fitting", attempts: attempt, startedAt: new Date(), error: null }).where(where);
  const host = workerHost(db, body.runId, body.synthesizer);
  const prepared = prepare(parseCsv(await csv.text()), run.metadata, run.seed);
  const outcome = await runSynthesizer(prepared, body.synthesizer, run.seed, { epsilon: run.epsilon }, {
    ...host,
    // the phases in order: fitting → sampling → scoring
    tick: (() => {
      const phases: SynthJobStatus[] = ["fitting", "sampling", "scoring"];
      let i = 0;
      return () => host.phase(phases[Math.min(i++, phases.length - 1)]!);
    })(),
  });
  const { histograms, ...rest } = outcome.scores;
  await env.FRAMES.put(keys.synthetic(run.id, body.synthesizer), outcome.csv, { httpMetadata: { contentType: "text/csv" } });
  await env.FRAMES.put(keys.result(run.id, body.synthesizer), JSON.stringify({ synthesizer: body.synthesizer, timing: outcome.timing, ...rest, histograms }), {
    httpMetadata: { contentType: "application/json" },
  });
  await db
    .update(synthJobs)
    .set({ status: "done", summary: summaryOf(outcome), csvKey: keys.synthetic(run.id, body.synthesizer), resultKey: keys.result(run.id, body.synthesizer), finishedAt: new Date() })
    .where(where);
}

/** When no job of the run is still open: the selection, the report in R2, the run's winner and status. */
async function finishRunIfDone(env: Env, db: Db, runId: string): Promise<void> {
  const jobs = await db.select().from(synthJobs).where(eq(synthJobs.runId, runId)).all();
  if (jobs.some((j) => j.status !== "done" && j.status !== "failed")) return;
  const run = await db.select().from(synthRuns).where(eq(synthRuns.id, runId)).get();
  if (!run || run.status !== "running") return;
  const report = buildReport(run, jobs);
  await env.FRAMES.put(keys.report(runId), JSON.stringify(report, null, 2), { httpMetadata: { contentType: "application/json" } });
  const ok = jobs.some((j) => j.status === "done");
  await db
    .update(synthRuns)
    .set({ status: ok ? "done" : "failed", winner: report.selection.winner, reportKey: keys.report(runId), finishedAt: new Date(), error: ok ? null : "every synthesizer failed" })
    .where(and(eq(synthRuns.id, runId), inArray(synthRuns.status, ["running"])));
}

export async function consumeSynthJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = drizzle(env.DB, { schema });
  for (const message of batch.messages) {
    const parsed = synthJobMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      log("warn", "synth message refused", { id: message.id });
      message.ack();
      continue;
    }
    const body = parsed.data;
    try {
      await runJob(env, db, body, message.attempts);
      message.ack();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      log("error", "synth job failed", { ...body, attempts: message.attempts, error: text });
      if (message.attempts < MAX_ATTEMPTS) {
        message.retry({ delaySeconds: 2 });
        continue;
      }
      await db.update(synthJobs).set({ status: "failed", error: text, finishedAt: new Date() }).where(and(eq(synthJobs.runId, body.runId), eq(synthJobs.synthesizer, body.synthesizer)));
      message.ack();
    }
    await finishRunIfDone(env, db, body.runId);
  }
}
