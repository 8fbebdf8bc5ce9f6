// The queue job that runs the verification (run.ts): sent by ingest when it stores a newer
// frame, and by a run that left due nowcasts for the next one.
import { z } from "zod";
import type { Env } from "../env";
import { SOURCE_ID } from "../ingest/message";
import type { Job } from "../jobs/registry";
import { runVerification } from "./run";

export const verificationJobSchema = z.object({
  kind: z.literal("verification.run"),
  source: z.string().regex(SOURCE_ID),
});
export type VerificationJob = z.infer<typeof verificationJobSchema>;

/** Asks for a verification run of a source's due nowcasts. */
export async function requestVerification(env: Env, source: string): Promise<void> {
  await env.VERIFICATION_QUEUE.send({ kind: "verification.run", source } satisfies VerificationJob, { contentType: "json" });
}

/** Queue handler: one run per source named in the batch; a failure retries the batch (jobs/queue.ts). */
export async function runVerificationJobs(jobs: Job<VerificationJob>[], env: Env): Promise<void> {
  for (const source of new Set(jobs.map((j) => j.body.source))) {
    const report = await runVerification(env, source);
    if (report?.more) await requestVerification(env, source);
  }
  for (const { message } of jobs) message.ack();
}
