import { fetchAdmin, type CacheStats, type WarmupRuns } from "$lib/server/admin";
import type { IngestStatus } from "$lib/types";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ platform, request, url }) => {
  const hours = Math.min(24 * 30, Math.max(1, Number(url.searchParams.get("hours")) || 24));
  const [ingest, cache, warmup] = await Promise.all([
    fetchAdmin<IngestStatus>(platform, request, "/api/admin/ingest/status"),
    fetchAdmin<CacheStats>(platform, request, `/api/admin/cache-stats?hours=${hours}`),
    fetchAdmin<WarmupRuns>(platform, request, "/api/admin/warmup-runs"),
  ]);
  return { hours, ingest, cache, warmup };
};
