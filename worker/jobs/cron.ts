import type { Env } from "../env";
import { log } from "../logging";
import { startWarmup } from "../nowcast/warmup";
import { weatherCronJobs } from "../weather/cron";
import { runIngestFeeds } from "../ingest/run";
import { runRetention } from "../retention/run";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../db/schema";
import { startScheduledRuns } from "../etl/jobs";

/** Cron expressions from wrangler.toml [triggers], mapped to their jobs. */
export const CRON_WARMUP = "0 * * * *";
export const CRON_INGEST = "*/5 * * * *";
export const CRON_RETENTION = "15 4 * * *";

type CronJob = (scheduledAt: Date, env: Env) => Promise<void>;
const cronJobs: Record<string, CronJob> = {
  [CRON_WARMUP]: async (scheduledAt, env) => {
    await startWarmup(env, scheduledAt);
  },
  [CRON_INGEST]: async (scheduledAt, env) => {
    // ETL jobs' own cron schedules are checked on this 5-minute tick (worker/etl/jobs.ts).
    await Promise.all([runIngestFeeds(env, scheduledAt), startScheduledRuns(env, drizzle(env.DB, { schema }), scheduledAt)]);
  },
  [CRON_RETENTION]: async (scheduledAt, env) => {
    await runRetention(env, scheduledAt);
  },
  ...weatherCronJobs,
};

export async function runCron(cron: string, scheduledAt: Date, env: Env): Promise<void> {
  const job = cronJobs[cron];
  if (!job) {
    log("warn", "cron trigger has no job", { cron });
    return;
  }
  try {
    await job(scheduledAt, env);
  } catch (error) {
    // waitUntil would swallow it: log it, then let the platform record the failed run.
    log("error", "cron job failed", { cron, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    throw error;
  }
}
