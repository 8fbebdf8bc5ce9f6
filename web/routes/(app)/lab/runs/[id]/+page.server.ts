import { labGet, type LabRun } from "$lib/lab/api";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ platform, request, params }) => ({
  run: await labGet<LabRun>(platform, request, `/api/synth/runs/${encodeURIComponent(params.id)}`),
});
