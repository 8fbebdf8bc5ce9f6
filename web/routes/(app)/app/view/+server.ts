import { json } from "@sveltejs/kit";
import { loadNowcastView, readQuery } from "$lib/server/nowcast-view";
import type { RequestHandler } from "./$types";

/**
 * The nowcast view (API answer plus the crop's basemap) as JSON, for the page's
 * "Get the latest data" button: GET /app/view?place=…|lat=…&lon=…[&fresh=1].
 */
export const GET: RequestHandler = async ({ url, platform, request, locals }) => {
  if (!locals.user) return json({ ok: false, status: 401, code: "missing_token", message: "Your session has ended. Sign in again." }, { status: 401 });
  const { query, problem } = readQuery(url.searchParams);
  if (!query) return json({ ok: false, status: 400, code: "invalid_request", message: problem ?? "Give place, or lat and lon." }, { status: 400 });
  const fresh = url.searchParams.get("fresh") === "1";
  const result = await loadNowcastView(platform, request, query, { fresh });
  return json(result, { status: result.ok ? 200 : result.status, headers: { "cache-control": "private, no-store" } });
};
