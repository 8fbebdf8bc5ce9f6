// The nowcast as the site shows it: the API's answer (called in process) plus what the map
// draws around the frames (the radar's coverage outline and credit). The basemap itself is
// fetched by the browser from /map/basemap.json after first paint.
import { apiFetch } from "../api";
import type { CoverageView, MapExtras, NowcastResponse, ViewResult } from "../types";

import { zoneParam } from "./reader-zone";

/** What a URL asks for: a place name, or a position. */
export type NowcastQuery = { place: string } | { lat: number; lon: number };

/** Reads ?place= or ?lat=&lon= (null when neither is there); a malformed position is an error message. */
export function readQuery(params: URLSearchParams): { query: NowcastQuery | null; problem: string | null } {
  const place = params.get("place")?.trim();
  if (place) return { query: { place }, problem: null };
  const latText = params.get("lat"), lonText = params.get("lon");
  if (latText === null && lonText === null) return { query: null, problem: null };
  const lat = Number(latText), lon = Number(lonText);
  if (!latText || !lonText || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    return { query: null, problem: "The link's position is not valid: it needs lat between -90 and 90 and lon between -180 and 180." };
  }
  return { query: { lat, lon }, problem: null };
}

export function queryString(query: NowcastQuery): string {
  return "place" in query
    ? `place=${encodeURIComponent(query.place)}`
    : `lat=${encodeURIComponent(String(query.lat))}&lon=${encodeURIComponent(String(query.lon))}`;
}

/** The API's error, in words a reader can act on. */
export function explainError(status: number, code: string, message: string, query: NowcastQuery): string {
  const what = "place" in query ? `"${query.place}"` : `${query.lat.toFixed(3)}, ${query.lon.toFixed(3)}`;
  switch (code) {
    case "unknown_place":
      return `No place called ${what} is known. Check the spelling, or pick a place from the suggestions.`;
    case "outside_coverage":
      return `${what} is outside the radar composites' coverage (Finland, the Netherlands, Switzerland and the rest of Europe that OPERA covers), so there is no nowcast for it.`;
    case "no_radar_data":
      return "No radar data has arrived yet. Try again in a minute.";
    case "insufficient_radar_data":
      return "The newest radar frames are not all there yet, so the model cannot run. Try again in a minute.";
    case "invalid_request":
      return `That request could not be read: ${message}`;
  }
  if (status === 401) return "Your session has ended. Sign in again to see nowcasts.";
  return `The nowcast could not be loaded (HTTP ${status}${message ? `: ${message}` : ""}). Try again in a moment.`;
}

/** What the map draws besides the frames: the serving source's coverage outline and its credit line. */
function mapExtras(response: NowcastResponse): MapExtras {
  const { radar } = response.nowcast;
  return { coverage: radar.coverageOutline.map(([lon, lat]) => [lat, lon] as [number, number]), credit: `Radar data: ${radar.credit}, ${radar.licence}` };
}

/** Calls GET /api/nowcast for the query (fresh: run the model now) and adds the crop's basemap. */
export async function loadNowcastView(
  platform: App.Platform | undefined,
  request: Request,
  query: NowcastQuery,
  options: { fresh?: boolean; headers?: HeadersInit } = {},
): Promise<ViewResult> {
  const path = `/api/nowcast?${queryString(query)}${options.fresh ? "&fresh=1" : ""}${zoneParam(request)}`;
  let res: Response;
  try {
    res = await apiFetch(platform, request, path, { headers: options.headers });
  } catch (error) {
    return { ok: false, status: 503, code: "unavailable", message: `The nowcast service did not answer (${error instanceof Error ? error.message : String(error)}).` };
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    const code = body?.error?.code ?? "http_error";
    const failure = { ok: false as const, status: res.status, code, message: explainError(res.status, code, body?.error?.message ?? "", query) };
    return code === "outside_coverage" ? { ...failure, coverage: await coverageView(platform, request, query) } : failure;
  }
  const response = (await res.json()) as NowcastResponse;
  return { ok: true, view: { response, map: mapExtras(response) } };
}

/** Every source's coverage and the asked-for place, for the map beside "outside coverage"; undefined if the coverage call fails. */
async function coverageView(platform: App.Platform | undefined, request: Request, query: NowcastQuery): Promise<CoverageView | undefined> {
  const json = async <T>(path: string): Promise<T | null> => {
    const res = await apiFetch(platform, request, path);
    return res.ok ? ((await res.json()) as T) : null;
  };
  try {
    const [coverage, position] = await Promise.all([
      json<{ sources: { id: string; name: string; outline: [number, number][] }[] }>("/api/radar/coverage"),
      "place" in query
        ? json<{ places: { name: string; lat: number; lon: number }[] }>(`/api/places?q=${encodeURIComponent(query.place)}&limit=1`).then((r) => r?.places[0] ?? null)
        : { name: `${query.lat.toFixed(2)}, ${query.lon.toFixed(2)}`, lat: query.lat, lon: query.lon },
    ]);
    if (!coverage) return undefined;
    return {
      sources: coverage.sources.map(({ id, name, outline }) => ({ id, name, outline: outline.map(([lon, lat]) => [lat, lon] as [number, number]) })),
      position: position && { lat: position.lat, lon: position.lon, name: position.name },
    };
  } catch {
    return undefined;
  }
}
