import { apiFetch } from "../api";
import type { Legend } from "../types";

let legend: Legend | undefined;

/** The radar colour scale (GET /api/radar/legend), kept for the isolate's life: it never changes while it runs. */
export async function radarLegend(platform: App.Platform | undefined, request: Request, headers?: HeadersInit): Promise<Legend | null> {
  if (legend) return legend;
  try {
    const res = await apiFetch(platform, request, "/api/radar/legend", { headers });
    if (!res.ok) return null;
    legend = (await res.json()) as Legend;
    return legend;
  } catch {
    return null;
  }
}
