import { fail, redirect } from "@sveltejs/kit";
import { labGet, labWrite, type LabDataset } from "$lib/lab/api";
import type { Actions, PageServerLoad } from "./$types";

interface Sources { sources: { id: string; label: string; datasets: { name: string; title: string; description: string }[] }[] }

export const load: PageServerLoad = async ({ platform, request }) => {
  const [sources, datasets, runs] = await Promise.all([
    labGet<Sources>(platform, request, "/api/synth/sources"),
    labGet<{ datasets: LabDataset[] }>(platform, request, "/api/synth/datasets"),
    labGet<{ runs: { id: string; datasetId: string; status: string; winner: string | null; createdAt: string }[] }>(platform, request, "/api/synth/runs"),
  ]);
  return { sources: sources.sources, datasets: datasets.datasets, runs: runs.runs };
};

export const actions: Actions = {
  pick: async ({ platform, request }) => {
    const form = await request.formData();
    const [source, name] = String(form.get("dataset") ?? "").split("|");
    if (!source || !name) return fail(400, { error: "Choose a dataset." });
    const res = await labWrite<LabDataset>(platform, request, "/api/synth/datasets", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ source, name }),
    });
    if (!res.ok) return res.failure;
    redirect(303, `/lab/datasets/${res.data.id}`);
  },
  upload: async ({ platform, request }) => {
    const form = await request.formData();
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return fail(400, { error: "Choose a CSV file to upload." });
    const res = await labWrite<LabDataset>(platform, request, `/api/synth/datasets/upload?name=${encodeURIComponent(file.name.replace(/[/\\]/g, "_"))}`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: await file.text(),
    });
    if (!res.ok) return res.failure;
    redirect(303, `/lab/datasets/${res.data.id}`);
  },
};
