import { z } from "zod";
import { configSection, numberVar, textVar } from "../config";
import type { Env } from "../env";

/** One source the ingest fetches: where its composites are and, optionally, its clock. */
export interface RadarFeed {
  source: string;
  /** URL template of the source's composites ({yyyymmdd}, {stamp}, ...). */
  urlTemplate: string;
  /** A URL answering {"now": iso}: the source's clock (its replay server's); null = real time. */
  clockUrl: string | null;
}

const feedsVar = z.unknown().transform((raw, ctx): RadarFeed[] => {
  if (raw === undefined || raw === null || String(raw).trim() === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch {
    ctx.addIssue({ code: "custom", message: "is not JSON" });
    return z.NEVER;
  }
  const result = z
    .array(z.object({ source: z.string().min(1), urlTemplate: z.string().min(1), clockUrl: z.string().min(1).nullable().default(null) }))
    .safeParse(parsed);
  if (!result.success) {
    ctx.addIssue({ code: "custom", message: `must be [{"source", "urlTemplate", "clockUrl"?}]: ${result.error.issues[0]?.message}` });
    return z.NEVER;
  }
  return result.data;
});

/** The radar ingest's configuration (wrangler.toml [vars]): unset or empty = the default, a bad value a ConfigError. */
export interface IngestSettings {
  /** The primary feed (RADAR_SOURCE, RADAR_URL_TEMPLATE, RADAR_CLOCK_URL). */
  source: string;
  /** URL template of the source's composites ({yyyymmdd}, {stamp}); null = ingest off. */
  urlTemplate: string | null;
  /** A URL answering {"now": iso}: the source's clock (the replay server's); null = real time. */
  clockUrl: string | null;
  /**
   * Every feed the ingest cron runs, one schedule each (the source's own step): the primary,
   * when its template is set, then RADAR_FEEDS (JSON [{source, urlTemplate, clockUrl}]).
   */
  feeds: RadarFeed[];
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
    RADAR_FEEDS: feedsVar,
    // A day of 5-minute frames at most: one run must stay well inside the cron's CPU limit.
    INGEST_MAX_CATCHUP_FRAMES: numberVar(24, { min: 1, max: 288, integer: true }),
    INGEST_MAX_FRAME_BYTES: numberVar(2_000_000, { min: 1, integer: true }),
    INGEST_CLOCK_SKEW_SECONDS: numberVar(60, { min: 0 }),
    INGEST_FETCH_TIMEOUT_MS: numberVar(10_000, { min: 1, integer: true }),
    INGEST_REPAIR_AFTER_SECONDS: numberVar(900, { min: 0 }),
  }),
);

/** The feed of a source, or null when the ingest does not fetch it. */
export function feedOf(settings: IngestSettings, source: string): RadarFeed | null {
  return settings.feeds.find((feed) => feed.source === source) ?? null;
}

export function ingestSettings(env: Env): IngestSettings {
  const v = ingestSection(env);
  return {
    source: v.RADAR_SOURCE,
    urlTemplate: v.RADAR_URL_TEMPLATE,
    clockUrl: v.RADAR_CLOCK_URL,
    feeds: [
      ...(v.RADAR_URL_TEMPLATE ? [{ source: v.RADAR_SOURCE, urlTemplate: v.RADAR_URL_TEMPLATE, clockUrl: v.RADAR_CLOCK_URL }] : []),
      ...v.RADAR_FEEDS.filter((feed) => !(v.RADAR_URL_TEMPLATE && feed.source === v.RADAR_SOURCE)),
    ],
    maxCatchupFrames: v.INGEST_MAX_CATCHUP_FRAMES,
    maxFrameBytes: v.INGEST_MAX_FRAME_BYTES,
    clockSkewMs: v.INGEST_CLOCK_SKEW_SECONDS * 1000,
    fetchTimeoutMs: v.INGEST_FETCH_TIMEOUT_MS,
    repairAfterMs: v.INGEST_REPAIR_AFTER_SECONDS * 1000,
  };
}
