import { apiFetch } from "../api";
import type { PopularPlace } from "../types";
import { zoneParam } from "./reader-zone";

/** GET /api/popular; a failure is a message, never a broken page. */
export async function popularPlaces(
  platform: App.Platform | undefined,
  request: Request,
  limit: number,
): Promise<{ places: PopularPlace[]; problem: string | null }> {
  try {
    const res = await apiFetch(platform, request, `/api/popular?limit=${limit}${zoneParam(request)}`);
    if (!res.ok) return { places: [], problem: `The popular places could not be loaded (HTTP ${res.status}).` };
    return { places: ((await res.json()) as { places: PopularPlace[] }).places, problem: null };
  } catch (error) {
    return { places: [], problem: `The popular places could not be loaded (${error instanceof Error ? error.message : String(error)}).` };
  }
}

