// The queues, one per workload, so a slow or failing workload never delays another (warm-up model
// runs used to hold up the request counters on one shared queue). Each has its own binding, retry
// policy and dead-letter queue. This file is the one place for these facts: the consumer's backoff,
// the dead-letter consumer and the test configuration (vitest.config.ts) read them here;
// wrangler.toml declares the same queues (a TOML file imports nothing: keep the two in step).

export interface RetryPolicy {
  /** Attempts after the first before the queue hands the message to its dead-letter queue (max_retries). */
  maxRetries: number;
  /** Backoff of the first retry; it doubles with each attempt up to maxDelaySeconds. */
  firstDelaySeconds: number;
  maxDelaySeconds: number;
}

export interface Workload {
  queue: string;
  deadLetterQueue: string;
  /** The producer binding in wrangler.toml (and Env). */
  binding: "REQUEST_QUEUE" | "WARMUP_QUEUE" | "INGEST_QUEUE" | "WEATHER_QUEUE" | "VERIFICATION_QUEUE";
  maxBatchSize: number;
  maxBatchTimeoutSeconds: number;
  retry: RetryPolicy;
}

export const workloads = {
  // Counters are cheap and must not be lost: many quick retries.
  requests: {
    queue: "nowcast-edge-requests",
    deadLetterQueue: "nowcast-edge-requests-dlq",
    binding: "REQUEST_QUEUE",
    maxBatchSize: 100,
    maxBatchTimeoutSeconds: 10,
    retry: { maxRetries: 10, firstDelaySeconds: 5, maxDelaySeconds: 300 },
  },
  // A warm nowcast is worth having only until the next frame (5 minutes): few, quick retries.
  warmup: {
    queue: "nowcast-edge-warmup",
    deadLetterQueue: "nowcast-edge-warmup-dlq",
    binding: "WARMUP_QUEUE",
    maxBatchSize: 10,
    maxBatchTimeoutSeconds: 2,
    retry: { maxRetries: 2, firstDelaySeconds: 5, maxDelaySeconds: 60 },
  },
  // A frame's parameters row: the raw file is in R2 already, so retry patiently.
  ingest: {
    queue: "nowcast-edge-ingest",
    deadLetterQueue: "nowcast-edge-ingest-dlq",
    binding: "INGEST_QUEUE",
    maxBatchSize: 100,
    maxBatchTimeoutSeconds: 10,
    retry: { maxRetries: 5, firstDelaySeconds: 10, maxDelaySeconds: 600 },
  },
  // A provider that failed is given time to recover: 30 s, 60 s ... up to 15 minutes.
  weather: {
    queue: "nowcast-edge-weather",
    deadLetterQueue: "nowcast-edge-weather-dlq",
    binding: "WEATHER_QUEUE",
    maxBatchSize: 100,
    maxBatchTimeoutSeconds: 10,
    retry: { maxRetries: 5, firstDelaySeconds: 30, maxDelaySeconds: 900 },
  },
  // Scoring issued nowcasts once their hour is observed: one run at a time per source (a lease), and
  // a run that failed is due again at the next frame anyway, so few, slow retries.
  verification: {
    queue: "nowcast-edge-verification",
    deadLetterQueue: "nowcast-edge-verification-dlq",
    binding: "VERIFICATION_QUEUE",
    maxBatchSize: 10,
    maxBatchTimeoutSeconds: 5,
    retry: { maxRetries: 2, firstDelaySeconds: 60, maxDelaySeconds: 300 },
  },
} as const satisfies Record<string, Workload>;

export type WorkloadName = keyof typeof workloads;

/** Backoff before the next attempt of a message that failed its `attempts`-th attempt. */
export function retryDelaySeconds(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.maxDelaySeconds, policy.firstDelaySeconds * 2 ** Math.max(0, attempts - 1));
}
