// A run of an ETL job as a Cloudflare Workflow: fetch, sniff, transform, load and export as durable
// steps, each retried with exponential backoff on a transient failure (a source's 5xx, a D1 hiccup);
// a permanent one (not CSV, too large, too many rejects, a schema change the policy refuses) is a
// NonRetryableError, recorded on the run, and ends the instance.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import type { Env } from "../env";
import type { SniffRecord } from "./contract";
import { markFailed, stepExport, stepFetch, stepLoad, stepSniff, stepTransform, type TransformOutcome } from "./pipeline";
import { EtlInputError } from "./settings";

export interface EtlRunParams {
  runId: string;
}

const RETRY: WorkflowStepConfig = { retries: { limit: 3, delay: "2 seconds", backoff: "exponential" }, timeout: "15 minutes" };

/** Input errors cannot succeed on a retry: recorded on the run, they stop the instance at once. */
async function permanent<T>(env: Env, runId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof EtlInputError)) throw error;
    const message = `${error.code}: ${error.message}`;
    await markFailed(env, runId, message);
    throw new NonRetryableError(message);
  }
}

export class EtlWorkflow extends WorkflowEntrypoint<Env, EtlRunParams> {
  override async run(event: Readonly<WorkflowEvent<EtlRunParams>>, step: WorkflowStep): Promise<unknown> {
    const { runId } = event.payload;
    const env = this.env;
    try {
      const fetched = await step.do("fetch", RETRY, () => permanent(env, runId, () => stepFetch(env, runId)));
      if (fetched.unchanged) return { runId, status: "unchanged", sameAs: fetched.sameAs };
      const record: SniffRecord = await step.do("sniff", RETRY, () => permanent(env, runId, () => stepSniff(env, runId)));
      const transformed: TransformOutcome = await step.do("transform", RETRY, () => permanent(env, runId, () => stepTransform(env, runId, record)));
      const loaded = await step.do("load", RETRY, () => permanent(env, runId, () => stepLoad(env, runId, transformed)));
      const exported = await step.do("export", RETRY, () => permanent(env, runId, () => stepExport(env, runId)));
      return { runId, status: "succeeded", rowsLoaded: loaded.rowsLoaded, parquet: exported.key };
    } catch (error) {
      const message = error instanceof Error ? error.message.replace(/^[A-Za-z]*Error: /, "") : String(error);
      await step.do("record failure", { retries: { limit: 5, delay: "1 second", backoff: "exponential" } }, () => markFailed(env, runId, message));
      throw error;
    }
  }
}
