import type { Env } from "../env";
import { log } from "../logging";
import type { RequestJob } from "../jobs/request-counts";

// Request records wait in the isolate and go to the queue in batches, so a
// request costs no queue call of its own; the consumer then writes each queue
// batch to D1 as one batched statement. A buffer is sent when it holds
// FLUSH_AT records or FLUSH_AFTER_MS after its first record, whichever is first.
const FLUSH_AT = 100;
const FLUSH_AFTER_MS = 1_000;

let buffer: RequestJob[] = [];
let timerArmed = false;

async function flush(env: Env): Promise<void> {
  const batch = buffer;
  buffer = [];
  timerArmed = false;
  if (!batch.length) return;
  try {
    await env.REQUEST_QUEUE.sendBatch(batch.map((body) => ({ body, contentType: "json" as const })));
  } catch (error) {
    log("error", "request counts not queued", { count: batch.length, error: error instanceof Error ? error.message : String(error) });
  }
}

/** Counts one served request for the location that served it. */
export function countRequest(env: Env, ctx: ExecutionContext, record: Omit<RequestJob, "kind">): void {
  buffer.push({ kind: "request", ...record });
  if (buffer.length >= FLUSH_AT) {
    ctx.waitUntil(flush(env));
  } else if (!timerArmed) {
    timerArmed = true;
    ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, FLUSH_AFTER_MS)).then(() => flush(env)));
  }
}
