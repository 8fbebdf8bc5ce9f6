import type { DrizzleD1Database } from "drizzle-orm/d1";
import type * as schema from "./db/schema";
import type { Principal } from "./auth/principal";

/** Bindings declared in wrangler.toml, plus secrets from .dev.vars / `wrangler secret`. */
export interface Env {
  DB: D1Database;
  CACHE: KVNamespace;
  FRAMES: R2Bucket;
  // One queue per workload (worker/jobs/queues.ts): request counts, warm-up, radar ingest, city weather.
  REQUEST_QUEUE: Queue<unknown>;
  WARMUP_QUEUE: Queue<unknown>;
  INGEST_QUEUE: Queue<unknown>;
  WEATHER_QUEUE: Queue<unknown>;
  VERIFICATION_QUEUE: Queue<unknown>;
  /** Synthetic-data lab: one message per synthesizer of a run (worker/synth/jobs.ts). */
  SYNTH: Queue<unknown>;
  ASSETS: Fetcher;
  JWT_SECRET: string;
  /** Signs the landing page's public image links (web/lib/server/service-token.ts); not the token key. */
  IMAGE_LINK_SECRET: string;
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  TOKEN_TTL_SECONDS: string;
  CLOCK_TOLERANCE_SECONDS: string;
  JWKS_URL: string;
  JWKS_ISSUER: string;
  JWKS_AUDIENCE: string;
  JWKS_COOLDOWN_SECONDS: string;
  NOWCAST_RADIUS_KM: string;
  NOWCAST_MODEL: string;
  NOWCAST_CLOCK: string;
  WARMUP_TOP_N: string;
  WARMUP_WINDOW_HOURS: string;
  // Live-grade serving (worker/nowcast/settings.ts, worker/retention/settings.ts).
  NOWCAST_STALE_MAX_SECONDS: string;
  WARMUP_EVERY_FRAME: string;
  WARMUP_LEASE_SECONDS: string;
  NOWCAST_RETENTION_HOURS: string;
  REQUEST_RETENTION_DAYS: string;
  RADAR_RETENTION_DAYS: string;
  // City weather: provider base URLs (the local replay server under npm start and tests) and the fetch timeout.
  OPEN_METEO_URL: string;
  NWS_URL: string;
  WEATHER_FETCH_TIMEOUT_MS: string;
  // Radar ingest (worker/ingest): the source adapter, its URL template ({yyyymmdd}, {stamp}; empty = off),
  // the clock new frames are judged against (empty = real time; the replay server's /__clock locally), and bounds.
  RADAR_SOURCE: string;
  RADAR_URL_TEMPLATE: string;
  RADAR_CLOCK_URL: string;
  // Further sources, each with its own template and clock: JSON [{"source", "urlTemplate", "clockUrl"}] (empty = none).
  RADAR_FEEDS: string;
  INGEST_MAX_CATCHUP_FRAMES: string;
  INGEST_MAX_FRAME_BYTES: string;
  INGEST_CLOCK_SKEW_SECONDS: string;
  INGEST_FETCH_TIMEOUT_MS: string;
  INGEST_REPAIR_AFTER_SECONDS: string;
  // Inference backends (worker/inference): the local container server's URL (npm start, tests), where the
  // engine's own models run first ("embedded" or "container"), the models only the container runs, learned
  // models kept in R2 ("name=key,..."), and the timeout of one exchange with the container.
  CONTAINER_URL: string;
  INFERENCE_BACKEND: string;
  INFERENCE_CONTAINER_MODELS: string;
  INFERENCE_R2_MODELS: string;
  INFERENCE_TIMEOUT_MS: string;
  // Abuse limits (worker/security/rate-limit.ts): Workers rate-limiting bindings, limits in wrangler.toml.
  AUTH_IP_LIMITER: RateLimit;
  AUTH_ACCOUNT_LIMITER: RateLimit;
  SIGNUP_IP_LIMITER: RateLimit;
  API_LIMITER: RateLimit;
  MODEL_RUN_LIMITER: RateLimit;
  /** CSV ETL (worker/etl): runs started per user, one Workflow instance per run, and the fetch limits. */
  ETL_RUN_LIMITER: RateLimit;
  ETL_WORKFLOW: Workflow<import("./etl/workflow").EtlRunParams>;
  ETL_MAX_SOURCE_BYTES: string;
  ETL_MAX_LINE_BYTES: string;
  ETL_FETCH_TIMEOUT_MS: string;
  /** The demo's local replay server of real CSVs (npm start sets it; the data page offers its files). */
  CSV_REPLAY_URL?: string;
  /** The Cloudflare Container's Durable Object namespace; bound in [env.production] only. */
  INFERENCE_CONTAINER?: DurableObjectNamespace<import("./inference/container-class").InferenceContainer>;
}

export type Db = DrizzleD1Database<typeof schema>;

export interface AppEnv {
  Bindings: Env;
  Variables: {
    db: Db;
    requestId: string;
    principal: Principal;
  };
}
