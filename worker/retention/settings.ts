import { z } from "zod";
import { configSection, numberVar } from "../config";

/**
 * Retention (the daily cron, worker/retention/run.ts):
 *  - NOWCAST_RETENTION_HOURS: nowcasts (D1 rows, their R2 images) older than this go, except
 *    the ones KV still serves; observed-frame images go once no kept nowcast shows them;
 *  - REQUEST_RETENTION_DAYS: raw request records older than this are folded into daily counts
 *    per location (request_daily_counts), then deleted (never inside the warm-up's window);
 *  - RADAR_RETENTION_DAYS: raw radar composites in R2 older than this, counted back from the
 *    source's newest frame, are deleted.
 */
export const retentionSettings = configSection(
  "retention",
  z
    .object({
      NOWCAST_RETENTION_HOURS: numberVar(24, { greaterThan: 0, max: 24 * 365 }),
      REQUEST_RETENTION_DAYS: numberVar(7, { greaterThan: 0, max: 3650 }),
      RADAR_RETENTION_DAYS: numberVar(7, { greaterThan: 0, max: 3650 }),
    })
    .transform((v) => ({
      nowcastMs: v.NOWCAST_RETENTION_HOURS * 3_600_000,
      requestMs: v.REQUEST_RETENTION_DAYS * 86_400_000,
      radarMs: v.RADAR_RETENTION_DAYS * 86_400_000,
    })),
);
