import { z } from "zod";
import { configSection, enumVar, flagVar, numberVar, textVar } from "../config";

/**
 * The nowcast service's configuration (wrangler.toml [vars]):
 *  - NOWCAST_RADIUS_KM: a cached location within this distance serves a request;
 *  - NOWCAST_MODEL: the default model;
 *  - NOWCAST_CLOCK: "live", or "latest-frame" so that archived radar data behaves as live;
 *  - NOWCAST_STALE_MAX_SECONDS: how far (in radar time) a cached nowcast may lag the newest
 *    frame and still be served at once as STALE while it is recomputed in the background
 *    (stale-while-revalidate); 0 = never, every stale entry is recomputed while the request waits.
 */
export const nowcastSettings = configSection(
  "nowcast",
  z
    .object({
      NOWCAST_RADIUS_KM: numberVar(10, { greaterThan: 0, max: 200 }),
      NOWCAST_MODEL: textVar("optical-flow"),
      NOWCAST_CLOCK: enumVar(["live", "latest-frame"], "live"),
      NOWCAST_STALE_MAX_SECONDS: numberVar(300, { min: 0, max: 86_400 }),
    })
    .transform((v) => ({
      radiusKm: v.NOWCAST_RADIUS_KM,
      model: v.NOWCAST_MODEL,
      clock: v.NOWCAST_CLOCK,
      staleMaxMs: v.NOWCAST_STALE_MAX_SECONDS * 1000,
    })),
);
export type NowcastSettings = ReturnType<typeof nowcastSettings>;

/**
 * The service's now for a nowcast of a source whose newest frame is at newestFrameMs: that frame's
 * time on the replay clock (archived radar behaves as live), the wall clock otherwise.
 */
export function serviceNowMs(settings: NowcastSettings, newestFrameMs: number | undefined): number {
  return settings.clock === "latest-frame" && newestFrameMs !== undefined ? newestFrameMs : Date.now();
}

/**
 * The warm-up's configuration: the WARMUP_TOP_N most requested locations of the last
 * WARMUP_WINDOW_HOURS are the popular set (re-ranked hourly); with WARMUP_EVERY_FRAME they, and
 * up to WARMUP_TOP_N places asked for since the ranking, are recomputed whenever ingest stores a
 * newer frame (false: hourly only, the old behaviour).
 * WARMUP_LEASE_SECONDS bounds how long one warm-up holds its lease against overlapping crons.
 */
export const warmupSettings = configSection(
  "warmup",
  z
    .object({
      WARMUP_TOP_N: numberVar(50, { min: 1, max: 1000, integer: true }),
      WARMUP_WINDOW_HOURS: numberVar(24, { greaterThan: 0, max: 24 * 30 }),
      WARMUP_EVERY_FRAME: flagVar(true),
      WARMUP_LEASE_SECONDS: numberVar(600, { min: 1, max: 3600 }),
    })
    .transform((v) => ({
      topN: v.WARMUP_TOP_N,
      windowHours: v.WARMUP_WINDOW_HOURS,
      everyFrame: v.WARMUP_EVERY_FRAME,
      leaseMs: v.WARMUP_LEASE_SECONDS * 1000,
    })),
);
export type WarmupSettings = ReturnType<typeof warmupSettings>;
