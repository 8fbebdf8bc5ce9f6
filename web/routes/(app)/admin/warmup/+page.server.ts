import { fetchAdmin, type WarmupRuns } from "$lib/server/admin";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ platform, request }) => ({
  warmup: await fetchAdmin<WarmupRuns>(platform, request, "/api/admin/warmup-runs"),
});
