// Helpers for the ETL tests: jobs and runs through the API, waiting for a run's Workflow to finish.
import { env } from "cloudflare:workers";
import { call, until } from "./helpers";

export interface EtlRunBody {
  id: string; status: string; step: string | null; steps: { name: string; state: string; ms: number | null }[]; rowsRead: number | null; rowsLoaded: number | null;
  rowsRejected: number | null; stepMs: Record<string, number>; sourceHash: string | null; etag: string | null; runKey: string | null; message: string | null; error: string | null;
  schema: { delimiter: string; bom: boolean; header: boolean; columns: { name: string; type: string; format?: string | null }[]; overridden: string[] } | null;
}

export const replay = (path: string) => `${env.CSV_REPLAY_URL}${path}`;

export function etlClient(auth: Record<string, string>) {
  const post = (path: string, body: unknown) => call(path, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
  const get = (path: string) => call(path, { headers: auth });
  async function job(dataset: string, source: unknown, options: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
    const res = await post("/api/etl/jobs", { name: `load ${dataset}`, dataset, source, options, ...extra });
    if (res.status !== 201) throw new Error(`job: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string; datasetId: string };
  }
  async function run(jobId: string): Promise<EtlRunBody> {
    const res = await post(`/api/etl/jobs/${jobId}/runs`, {});
    if (res.status !== 202) throw new Error(`run: ${res.status} ${await res.text()}`);
    const started = (await res.json()) as EtlRunBody;
    return until(async () => {
      const r = (await (await get(`/api/etl/runs/${started.id}`)).json()) as EtlRunBody;
      return ["succeeded", "unchanged", "failed"].includes(r.status) ? r : null;
    }, `run ${started.id}`, 120_000);
  }
  const urlJob = (dataset: string, path: string, options: Record<string, unknown> = {}) => job(dataset, { kind: "url", url: replay(path) }, options);
  return { post, get, job, urlJob, run };
}
