import { z } from "zod";
import type { Env } from "../env";
import { warmJobSchema, warmLocations } from "../nowcast/warmup";
import { recordRequests, requestJobSchema } from "./request-counts";
import { collectWeatherJobs, weatherCollectJobSchema } from "../weather/collect";
import { writeRadarFrames } from "../ingest/consumer";
import { radarFrameJobSchema } from "../ingest/message";
import { runVerificationJobs, verificationJobSchema } from "../verification/job";

/** Every message the JOBS queue carries, told apart by `kind`. */
export const jobMessageSchema = z.discriminatedUnion("kind", [requestJobSchema, warmJobSchema, weatherCollectJobSchema, radarFrameJobSchema, verificationJobSchema]);
export type JobMessage = z.infer<typeof jobMessageSchema>;

/** A validated body with the queue message it came in, for per-message ack/retry. */
export interface Job<T> {
  body: T;
  message: Message<unknown>;
}

type Handlers = {
  [K in JobMessage["kind"]]: (jobs: Job<Extract<JobMessage, { kind: K }>>[], env: Env) => Promise<void>;
};

export const jobHandlers: Handlers = {
  request: recordRequests,
  warm: warmLocations,
  "weather.collect": collectWeatherJobs,
  "radar.frame": writeRadarFrames,
  "verification.run": runVerificationJobs,
};
