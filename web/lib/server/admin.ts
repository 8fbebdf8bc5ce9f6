import { apiFetch } from "../api";

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

export interface CacheStats {
  since: string;
  hours: number;
  requests: number;
  hits: number;
  misses: number;
  hitRate: number | null;
  hourly: { hour: string; requests: number; hits: number }[];
}

export interface WarmupRuns {
  runs: { id: string; startedAt: string; finishedAt: string | null; planned: number; done: number; failed: number; source: "history" | "defaults" }[];
  deadLetters: { id: string; kind: string | null; body: string; attempts: number; receivedAt: string }[];
}

/** One radar frame's parameters, whatever names GET /api/frames gives them. */
export interface FrameParams {
  time: number;
  fractionAbove05: number | null;
  fractionAbove5: number | null;
  meanDbz: number | null;
  maxDbz: number | null;
  motionU: number | null;
  motionV: number | null;
  sizeBytes: number | null;
}

function pick(row: Record<string, unknown>, names: string[]): unknown {
  for (const name of names) if (row[name] !== undefined && row[name] !== null) return row[name];
  return null;
}
function num(value: unknown): number | null {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}
function time(value: unknown): number | null {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const t = Date.parse(value);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

/** Reads GET /api/frames' answer: an array, or one under frames/items/series, of per-frame rows. */
export function frameSeries(body: unknown): FrameParams[] {
  const obj = body as Record<string, unknown> | unknown[] | null;
  const rows = (Array.isArray(obj) ? obj : (obj?.frames ?? obj?.items ?? obj?.series ?? [])) as Record<string, unknown>[];
  if (!Array.isArray(rows)) return [];
  return rows
    .map((row) => ({
      time: time(pick(row, ["obstime", "obsTime", "time", "observedAt"])) ?? NaN,
      fractionAbove05: num(pick(row, ["fractionAbove05", "fractionAbove0_5", "fraction_above_0_5", "fractionAbove0p5"])),
      fractionAbove5: num(pick(row, ["fractionAbove5", "fraction_above_5"])),
      meanDbz: num(pick(row, ["meanDbz", "mean_dbz", "meanDBZ"])),
      maxDbz: num(pick(row, ["maxDbz", "max_dbz", "maxDBZ"])),
      motionU: num(pick(row, ["motionUPx", "motionU", "motion_u_px"])),
      motionV: num(pick(row, ["motionVPx", "motionV", "motion_v_px"])),
      sizeBytes: num(pick(row, ["sizeBytes", "size_bytes", "bytes"])),
    }))
    .filter((r) => Number.isFinite(r.time))
    .sort((a, b) => a.time - b.time);
}

/** The newest frame time an ingest status reports, under any of the likely names. */
export function newestFrameTime(status: unknown): number | null {
  if (!status || typeof status !== "object") return null;
  const s = status as Record<string, unknown>;
  const nested = (s.newestFrame ?? s.latestFrame ?? s.latest) as Record<string, unknown> | string | undefined;
  const candidates = [s.newestFrameTime, s.newestObstime, s.latestObstime, s.newest, s.latestFrameTime, s.newestFrameAt];
  if (nested && typeof nested === "object") candidates.push(nested.obstime, nested.time);
  else candidates.push(nested);
  for (const c of candidates) {
    const t = time(c);
    if (t !== null) return t;
  }
  return null;
}
