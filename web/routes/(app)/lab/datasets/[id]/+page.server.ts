import { fail, redirect } from "@sveltejs/kit";
import { labGet, labWrite, type ColumnMeta, type LabDataset, type LabRun, type Metadata, type Synthesizers } from "$lib/lab/api";
import { DATETIME_FORMATS, PII_KINDS } from "../../../../../../worker/synth/metadata";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ platform, request, params }) => {
  const [dataset, synthesizers] = await Promise.all([
    labGet<LabDataset>(platform, request, `/api/synth/datasets/${encodeURIComponent(params.id)}`),
    labGet<Synthesizers>(platform, request, "/api/synth/synthesizers"),
  ]);
  return { dataset, synthesizers, formats: [...DATETIME_FORMATS], piiKinds: [...PII_KINDS] };
};

/** The metadata the form describes (the API checks it against the table). */
function metadataFrom(form: FormData, names: string[]): Metadata {
  const columns = names.map((name, i): ColumnMeta => {
    const field = (k: string) => String(form.get(`${k}_${i}`) ?? "");
    switch (field("sdtype")) {
      case "numerical": return { name, sdtype: "numerical", representation: field("representation") === "Int" ? "Int" : "Float" };
      case "datetime": return { name, sdtype: "datetime", format: field("format") as (typeof DATETIME_FORMATS)[number] };
      case "boolean": return { name, sdtype: "boolean" };
      case "id": return { name, sdtype: "id" };
      case "pii": return { name, sdtype: "pii", kind: field("kind") as (typeof PII_KINDS)[number] };
      default: {
        const order = field("order").split(",").map((s) => s.trim()).filter(Boolean);
        return { name, sdtype: "categorical", order: order.length ? order : null };
      }
    }
  });
  const target = String(form.get("target") ?? "");
  const primaryKey = String(form.get("primaryKey") ?? "");
  return { columns, target: target || null, primaryKey: primaryKey || null };
}

export const actions: Actions = {
  metadata: async ({ platform, request, params }) => {
    const form = await request.formData();
    const names = form.getAll("column").map(String);
    const res = await labWrite<LabDataset>(platform, request, `/api/synth/datasets/${encodeURIComponent(params.id)}/metadata`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(metadataFrom(form, names)),
    });
    if (!res.ok) return res.failure;
    return { saved: true };
  },
  run: async ({ platform, request, params }) => {
    const form = await request.formData();
    const synthesizers = form.getAll("synthesizer").map(String);
    if (synthesizers.length === 0) return fail(400, { error: "Pick at least one synthesizer." });
    const seed = String(form.get("seed") ?? "").trim();
    const epsilon = Number(form.get("epsilon") ?? 1);
    const res = await labWrite<LabRun>(platform, request, "/api/synth/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ datasetId: params.id, synthesizers, ...(seed ? { seed: Number(seed) } : {}), epsilon }),
    });
    if (!res.ok) return res.failure;
    redirect(303, `/lab/runs/${res.data.id}`);
  },
};
