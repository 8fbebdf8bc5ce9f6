import { drizzle } from "drizzle-orm/d1";
import { deadLetters } from "../db/schema";
import type { Env } from "../env";
import { log } from "../logging";
import { chunkRows } from "../db/batch";
import { warmJobDeadLettered, warmJobSchema } from "../nowcast/warmup";
import type { WorkloadName } from "./queues";

/**
 * Consumer of a workload's dead-letter queue: every message that exhausted its retries
 * is kept in D1 (with the dead-letter queue it came from) and logged as an error (the
 * report), and a dead warm-up job counts as failed in its run.
 */
export async function recordDeadLetters(batch: MessageBatch<unknown>, env: Env, workload: WorkloadName | "synth"): Promise<void> {
  const db = drizzle(env.DB);
  const rows = batch.messages.map((m) => {
    const kind = typeof m.body === "object" && m.body && "kind" in m.body ? String((m.body as { kind: unknown }).kind) : null;
    return { id: m.id, queue: batch.queue, kind, body: JSON.stringify(m.body) ?? "null", attempts: m.attempts, receivedAt: new Date() };
  });
  const inserts = chunkRows(rows, 6).map((chunk) => db.insert(deadLetters).values(chunk).onConflictDoNothing());
  const [first, ...rest] = inserts;
  if (first) await db.batch([first, ...rest]);
  for (const row of rows) log("error", "dead letter", { workload, queue: row.queue, id: row.id, kind: row.kind, attempts: row.attempts, body: row.body });
  if (workload !== "warmup") return;
  for (const m of batch.messages) {
    const warm = warmJobSchema.safeParse(m.body);
    if (warm.success) await warmJobDeadLettered(warm.data, env);
  }
}
