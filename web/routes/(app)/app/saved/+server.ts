import { json } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";
import { loadNowcastView } from "$lib/server/nowcast-view";
import { RAIN_FROM_MM_PER_HOUR } from "../../../../../worker/nowcast/rain-categories";
import type { RequestHandler } from "./$types";

/**
 * The signed-in user's saved places, each with its next-hour sentence and the minutes until
 * rain reaches it (null: none in the hour), for the app's list and its rain alerts:
 * GET /app/saved.
 */
export const GET: RequestHandler = async ({ platform, request, locals }) => {
  if (!locals.user) return json({ places: [], problem: "Sign in to see your saved places." }, { status: 401 });
  const res = await apiFetch(platform, request, "/api/me/places");
  if (!res.ok) return json({ places: [], problem: `Your saved places could not be loaded (HTTP ${res.status}).` }, { status: 502 });
  const { places } = (await res.json()) as { places: { id: string; name: string; lat: number; lon: number }[] };
  const withNowcasts = await Promise.all(
    places.map(async (p) => {
      const result = await loadNowcastView(platform, request, { lat: p.lat, lon: p.lon });
      if (!result.ok) return { ...p, summary: null, rainInMinutes: null, radarTime: null, problem: result.message };
      const { response } = result.view;
      const nowMs = Date.parse(response.clock.now);
      const wet = response.nowcast.series.find((s) => Date.parse(s.time) >= nowMs - 5 * 60_000 && (s.mmPerHour ?? 0) >= RAIN_FROM_MM_PER_HOUR);
      return {
        ...p,
        summary: response.summary.text,
        rainInMinutes: wet ? Math.max(0, Math.round((Date.parse(wet.time) - nowMs) / 60_000)) : null,
        radarTime: response.nowcast.radarTime,
        problem: null,
      };
    }),
  );
  return json({ places: withNowcasts, problem: null }, { headers: { "cache-control": "private, no-store" } });
};
