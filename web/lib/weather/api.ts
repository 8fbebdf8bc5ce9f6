import { error } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";

export interface City {
  slug: string;
  name: string;
  country: string | null;
  active: boolean;
}

// The API's own types: the site reads exactly what the routes return.
export type { Coverage, DailyStat, PeriodStat } from "../../../worker/weather/stats";

/** GETs a public weather endpoint in process; an API error becomes the page's error. */
export async function getJson<T>(platform: App.Platform | undefined, request: Request, path: string): Promise<T> {
  const res = await apiFetch(platform, request, path);
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    error(res.status === 400 ? 400 : 502, body?.error?.message ?? `the weather API answered ${res.status}`);
  }
  return (await res.json()) as T;
}

/** One colour per city, stable across pages: by the city's place in the full, alphabetical list. */
export const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];

export function colours(cities: City[]): Record<string, string> {
  return Object.fromEntries(cities.map((c, i) => [c.slug, PALETTE[i % PALETTE.length]!]));
}
