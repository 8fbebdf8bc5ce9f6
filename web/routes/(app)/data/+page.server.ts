import { fail, redirect } from "@sveltejs/kit";
import { labGet, labWrite } from "$lib/lab/api";
import type { EtlDataset, EtlJob, EtlRun } from "$lib/data/types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ platform, request, url }) => {
  const [jobs, datasets] = await Promise.all([
    labGet<{ jobs: EtlJob[] }>(platform, request, "/api/etl/jobs"),
    labGet<{ datasets: EtlDataset[] }>(platform, request, "/api/etl/datasets"),
  ]);
  // The demo's replay server of real CSVs (npm start), offered as example sources.
  return { jobs: jobs.jobs, datasets: datasets.datasets, exampleBase: platform?.env?.CSV_REPLAY_URL ?? null, origin: url.origin };
};

export const actions: Actions = {
  create: async ({ platform, request }) => {
    const form = await request.formData();
    const url = String(form.get("url") ?? "").trim();
    const dataset = String(form.get("dataset") ?? "").trim();
    const schedule = String(form.get("schedule") ?? "").trim();
    const key = String(form.get("key") ?? "").split(",").map((k) => k.trim()).filter(Boolean);
    if (!url || !dataset) return fail(400, { error: "Give a CSV URL and a dataset name." });
    const options = { mode: String(form.get("mode") ?? "replace"), schemaPolicy: String(form.get("policy") ?? "evolve"), ...(key.length ? { key } : {}) };
    const job = await labWrite<EtlJob>(platform, request, "/api/etl/jobs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `load ${dataset}`, dataset, source: { kind: "url", url }, options, schedule: schedule || null }),
    });
    if (!job.ok) return job.failure;
    const run = await labWrite<EtlRun>(platform, request, `/api/etl/jobs/${job.data.id}/runs`, { method: "POST" });
    if (!run.ok) return run.failure;
    redirect(303, `/data/runs/${run.data.id}`);
  },
  run: async ({ platform, request }) => {
    const id = String((await request.formData()).get("job") ?? "");
    const run = await labWrite<EtlRun>(platform, request, `/api/etl/jobs/${encodeURIComponent(id)}/runs`, { method: "POST" });
    if (!run.ok) return run.failure;
    redirect(303, `/data/runs/${run.data.id}`);
  },
};
