import { labGet } from "$lib/lab/api";
import type { EtlDataset, EtlReject, EtlRun, QueryResult } from "$lib/data/types";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ platform, request, params }) => ({
  dataset: await labGet<EtlDataset & { sample: QueryResult; lastRun: EtlRun | null; rejects: EtlReject[] }>(platform, request, `/api/etl/datasets/${encodeURIComponent(params.id)}`),
});
