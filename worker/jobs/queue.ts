import type { z } from "zod";
import type { Env } from "../env";
import { log } from "../logging";
import { DEAD_LETTER_QUEUE, recordDeadLetters } from "./dead-letters";
import { retryDelaySeconds } from "./retry";
import { consumeSynthJobs, SYNTH_QUEUE } from "../synth/jobs";
import { jobHandlers, jobMessageSchema, type Job, type JobMessage } from "./registry";


type Kind = JobMessage["kind"];

/**
 * Validates each message, groups the valid ones by kind and hands each group to
 * its handler as one batch (so D1 sees one batched write per kind, not one per
 * message). A message that fails validation or whose handler fails is retried
 * alone with backoff; the queue moves it to the dead-letter queue after
 * max_retries, so one bad message never blocks the rest of its batch.
 */
export async function consumeJobs(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) return recordDeadLetters(batch, env);
  if (batch.queue === SYNTH_QUEUE) return consumeSynthJobs(batch, env);
  const groups = new Map<Kind, Job<JobMessage>[]>();
  for (const message of batch.messages) {
    const parsed = jobMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      log("warn", "queue message refused", { queue: batch.queue, id: message.id, attempts: message.attempts, reason: summarize(parsed.error) });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      continue;
    }
    const group = groups.get(parsed.data.kind) ?? [];
    group.push({ body: parsed.data, message });
    groups.set(parsed.data.kind, group);
  }
  for (const [kind, jobs] of groups) {
    const handler = jobHandlers[kind] as (jobs: Job<JobMessage>[], env: Env) => Promise<void>;
    try {
      await handler(jobs, env);
    } catch (error) {
      log("error", "queue handler failed", { kind, count: jobs.length, error: error instanceof Error ? error.message : String(error) });
      for (const { message } of jobs) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

function summarize(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
}
