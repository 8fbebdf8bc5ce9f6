import type { z } from "zod";
import type { cacheStatsSchema } from "../../../worker/routes/admin-cache";
import type { warmupRunsSchema } from "../../../worker/routes/admin-warmup";
import type { frameSeriesSchema } from "../../../worker/routes/frames";
import { apiFetch } from "../api";
import type { IngestStatus } from "../types";

export type Fetched<T> = { state: "ok"; data: T } | { state: "missing" } | { state: "error"; message: string };

/**
 * GET an operator endpoint. A 404 for the route itself ("no route for GET …")
 * means the endpoint does not exist in this deployment yet: "missing", which the
 * pages show as "not available".
 */
export async function fetchAdmin<T>(platform: App.Platform | undefined, request: Request, path: string): Promise<Fetched<T>> {
  try {
    const res = await apiFetch(platform, request, path);
    if (res.status === 404) return { state: "missing" };
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      return { state: "error", message: `HTTP ${res.status}${body?.error?.message ? `: ${body.error.message}` : ""}` };
    }
    return { state: "ok", data: (await res.json()) as T };
  } catch (error) {
    return { state: "error", message: error instanceof Error ? error.message : String(error) };
  }
}

// The operator endpoints' own response types, from the schemas their routes validate with.
export type CacheStats = z.infer<typeof cacheStatsSchema>;
export type WarmupRuns = z.infer<typeof warmupRunsSchema>;
export type FrameSeries = z.infer<typeof frameSeriesSchema>;

/** One radar frame's parameters as the operator charts plot them (time in epoch ms). */
export interface FrameParams {
  time: number;
  fractionAbove05: number;
  fractionAbove5: number;
  meanDbz: number | null;
  maxDbz: number | null;
  motionU: number | null;
  motionV: number | null;
  sizeBytes: number;
}

export function frameSeries(series: FrameSeries): FrameParams[] {
  return series.frames.map((f) => ({
    time: Date.parse(f.obstime),
    fractionAbove05: f.fractionAbove05,
    fractionAbove5: f.fractionAbove5,
    meanDbz: f.meanDbz,
    maxDbz: f.maxDbz,
    motionU: f.motionUPx,
    motionV: f.motionVPx,
    sizeBytes: f.sizeBytes,
  }));
}

/** Observation time of the newest ingested frame, in epoch ms. */
export function newestFrameTime(status: IngestStatus): number | null {
  return status.newestFrame ? Date.parse(status.newestFrame.obstime) : null;
}
