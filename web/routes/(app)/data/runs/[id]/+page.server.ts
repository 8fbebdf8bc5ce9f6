import { labGet } from "$lib/lab/api";
import type { EtlJob, EtlReject, EtlRun } from "$lib/data/types";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ platform, request, params }) => {
  const id = encodeURIComponent(params.id);
  const [run, rejects] = await Promise.all([
    labGet<EtlRun>(platform, request, `/api/etl/runs/${id}`),
    labGet<{ total: number | null; rejects: EtlReject[] }>(platform, request, `/api/etl/runs/${id}/rejects?limit=100`),
  ]);
  const job = await labGet<EtlJob>(platform, request, `/api/etl/jobs/${encodeURIComponent(run.jobId)}`);
  return { run, rejects: rejects.rejects, datasetId: job.datasetId };
};
