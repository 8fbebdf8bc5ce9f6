import { z } from "zod";
import { configSection, numberVar, textVar } from "../config";
import type { Env } from "../env";

/** The radar ingest's configuration (wrangler.toml [vars]): unset or empty = the default, a bad value a ConfigError. */
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

const ingestSection = configSection(
  "ingest",
  z.object({
    RADAR_SOURCE: textVar("fmi"),
    RADAR_URL_TEMPLATE: textVar(null),
    RADAR_CLOCK_URL: textVar(null),
    // A day of 5-minute frames at most: one run must stay well inside the cron's CPU limit.
    INGEST_MAX_CATCHUP_FRAMES: numberVar(24, { min: 1, max: 288, integer: true }),
    INGEST_MAX_FRAME_BYTES: numberVar(2_000_000, { min: 1, integer: true }),
    INGEST_CLOCK_SKEW_SECONDS: numberVar(60, { min: 0 }),
    INGEST_FETCH_TIMEOUT_MS: numberVar(10_000, { min: 1, integer: true }),
    INGEST_REPAIR_AFTER_SECONDS: numberVar(900, { min: 0 }),
  }),
);

export function ingestSettings(env: Env): IngestSettings {
  const v = ingestSection(env);
  return {
    source: v.RADAR_SOURCE,
    urlTemplate: v.RADAR_URL_TEMPLATE,
    clockUrl: v.RADAR_CLOCK_URL,
    maxCatchupFrames: v.INGEST_MAX_CATCHUP_FRAMES,
    maxFrameBytes: v.INGEST_MAX_FRAME_BYTES,
    clockSkewMs: v.INGEST_CLOCK_SKEW_SECONDS * 1000,
    fetchTimeoutMs: v.INGEST_FETCH_TIMEOUT_MS,
    repairAfterMs: v.INGEST_REPAIR_AFTER_SECONDS * 1000,
  };
}
