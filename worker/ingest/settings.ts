import type { Env } from "../env";

/** The radar ingest's configuration (wrangler.toml [vars]), with defaults for unset or bad values. */
export interface IngestSettings {
  source: string;
  /** URL template of the source's composites ({yyyymmdd}, {stamp}); null = ingest off. */
  urlTemplate: string | null;
  /** A URL answering {"now": iso}: the source's clock (the replay server's); null = real time. */
  clockUrl: string | null;
  /** Frames one run fetches at most: the catch-up bound after a gap, and the first run's reach. */
  maxCatchupFrames: number;
  maxFrameBytes: number;
  /** How far past the clock a frame's time may be before it counts as in the future. */
  clockSkewMs: number;
  fetchTimeoutMs: number;
  /** A raw frame without its D1 row this long after landing has its parameters sent again. */
  repairAfterMs: number;
}

function positiveInt(value: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}

function nonNegative(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value.trim() !== "" && Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function ingestSettings(env: Env): IngestSettings {
  return {
    source: env.RADAR_SOURCE?.trim() || "fmi",
    urlTemplate: env.RADAR_URL_TEMPLATE?.trim() || null,
    clockUrl: env.RADAR_CLOCK_URL?.trim() || null,
    // A day of 5-minute frames at most: one run must stay well inside the cron's CPU limit.
    maxCatchupFrames: positiveInt(env.INGEST_MAX_CATCHUP_FRAMES, 24, 288),
    maxFrameBytes: positiveInt(env.INGEST_MAX_FRAME_BYTES, 2_000_000),
    clockSkewMs: nonNegative(env.INGEST_CLOCK_SKEW_SECONDS, 60) * 1000,
    fetchTimeoutMs: positiveInt(env.INGEST_FETCH_TIMEOUT_MS, 10_000),
    repairAfterMs: nonNegative(env.INGEST_REPAIR_AFTER_SECONDS, 900) * 1000,
  };
}
