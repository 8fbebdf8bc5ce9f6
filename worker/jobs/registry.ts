import type { z } from "zod";
import type { Env } from "../env";
import { warmJobSchema, warmLocations } from "../nowcast/warmup";
import { recordRequests, requestJobSchema } from "./request-counts";
import { collectWeatherJobs, weatherCollectJobSchema } from "../weather/collect";
import { writeRadarFrames } from "../ingest/consumer";
import { radarFrameJobSchema } from "../ingest/message";
import { runVerificationJobs, verificationJobSchema } from "../verification/job";
import type { WorkloadName } from "./queues";

/** A validated body with the queue message it came in, for per-message ack/retry. */
export interface Job<T> {
  body: T;
  message: Message<unknown>;
}

interface Consumer<S extends z.ZodType> {
  /** The one message shape the workload's queue carries. */
  schema: S;
  /** Handles a queue batch of valid messages at once (one batched D1 write, not one per message). */
  handle: (jobs: Job<z.infer<S>>[], env: Env) => Promise<void>;
}

const consumer = <S extends z.ZodType>(schema: S, handle: Consumer<S>["handle"]): Consumer<S> => ({ schema, handle });

/** Each workload's message schema and handler, by workload (queue names and retry policies: ./queues.ts). */
export const workloadConsumers = {
  requests: consumer(requestJobSchema, recordRequests),
  warmup: consumer(warmJobSchema, warmLocations),
  ingest: consumer(radarFrameJobSchema, writeRadarFrames),
  weather: consumer(weatherCollectJobSchema, collectWeatherJobs),
  verification: consumer(verificationJobSchema, runVerificationJobs),
} satisfies Record<WorkloadName, Consumer<z.ZodType>>;
