import type { z } from "zod";
import type { Env } from "../env";
import { log } from "../logging";
import { recordDeadLetters } from "./dead-letters";
import { retryDelaySeconds, workloads, type WorkloadName } from "./queues";
import { consumeSynthJobs, SYNTH_DEAD_LETTER_QUEUE, SYNTH_QUEUE } from "../synth/jobs";
import { workloadConsumers, type Job } from "./registry";

const byQueue = new Map<string, WorkloadName>();
const byDeadLetterQueue = new Map<string, WorkloadName>();
for (const [name, w] of Object.entries(workloads) as [WorkloadName, (typeof workloads)[WorkloadName]][]) {
  byQueue.set(w.queue, name);
  byDeadLetterQueue.set(w.deadLetterQueue, name);
}

/**
 * The queue consumer: each batch comes from one workload's queue. It validates each message
 * against that workload's schema and hands the valid ones to its handler as one batch. A
 * message that fails validation, or whose handler fails, is retried alone with the workload's
 * backoff; its queue moves it to the workload's dead-letter queue after max_retries, so one bad
 * message never blocks the rest of its batch, nor (on its own queue) any other workload.
 */
export async function consumeJobs(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
  if (batch.queue === SYNTH_QUEUE) return consumeSynthJobs(batch, env);
  if (batch.queue === SYNTH_DEAD_LETTER_QUEUE) return recordDeadLetters(batch, env, "synth");
  const dead = byDeadLetterQueue.get(batch.queue);
  if (dead) return recordDeadLetters(batch, env, dead);
  const name = byQueue.get(batch.queue);
  // A queue wired to this consumer that no workload claims: a deployment error, not the messages' fault.
  if (!name) throw new Error(`no workload consumes queue ${batch.queue}`);
  const { schema, handle } = workloadConsumers[name] as { schema: z.ZodType; handle: (jobs: Job<unknown>[], env: Env) => Promise<void> };
  const policy = workloads[name].retry;
  const jobs: Job<unknown>[] = [];
  for (const message of batch.messages) {
    const parsed = schema.safeParse(message.body);
    if (parsed.success) {
      jobs.push({ body: parsed.data, message });
      continue;
    }
    log("warn", "queue message refused", { queue: batch.queue, id: message.id, attempts: message.attempts, reason: summarize(parsed.error) });
    message.retry({ delaySeconds: retryDelaySeconds(policy, message.attempts) });
  }
  if (!jobs.length) return;
  try {
    await handle(jobs, env);
  } catch (error) {
    log("error", "queue handler failed", { workload: name, count: jobs.length, error: error instanceof Error ? error.message : String(error) });
    for (const { message } of jobs) message.retry({ delaySeconds: retryDelaySeconds(policy, message.attempts) });
  }
}

function summarize(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
}
