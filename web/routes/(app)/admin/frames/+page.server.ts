import { fetchAdmin, frameSeries, newestFrameTime, type FrameParams, type FrameSeries } from "$lib/server/admin";
import type { IngestStatus } from "$lib/types";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ platform, request, url }) => {
  const hours = Math.min(24 * 14, Math.max(1, Number(url.searchParams.get("hours")) || 6));
  // The window ends at the newest frame the ingest status reports (archived data
  // replays an old day), or at the present when that is not known.
  const status = await fetchAdmin<IngestStatus>(platform, request, "/api/admin/ingest/status");
  const newest = status.state === "ok" ? newestFrameTime(status.data) : null;
  const since = new Date((newest ?? Date.now()) - hours * 3600_000).toISOString();
  const fetched = await fetchAdmin<FrameSeries>(platform, request, `/api/frames?since=${encodeURIComponent(since)}&limit=2000`);
  const frames: FrameParams[] = fetched.state === "ok" ? frameSeries(fetched.data) : [];
  return {
    hours,
    since,
    state: fetched.state,
    message: fetched.state === "error" ? fetched.message : null,
    frames,
  };
};
