// Synthetic-data lab API: sources, datasets (pick or upload a CSV, read and edit
// the metadata), runs (one queue job per synthesizer), results, report, downloads.
// Every dataset and run belongs to the signed-in user; another user's id is a 404.
import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { CSV_LIMITS } from "../synth/csv";
import { metadataSchema } from "../synth/metadata";
import { PRIVACY_FLOOR } from "../synth/select";
import { DATASET_SOURCES } from "../synth/sources";
import { REFERENCE_SYNTHESIZER, SYNTHESIZER_IDS, SYNTHESIZERS } from "../synth/synthesizers";
import {
  datasetFromSource, getDataset, getRun, LabError, listDatasets, listRuns, runObject, startRun, updateMetadata, uploadDataset,
} from "../synth/service";

const STATUS = { invalid_csv: 400, invalid_metadata: 422, not_found: 404, not_ready: 409 } as const;

async function lab<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LabError) throw new ApiError(STATUS[error.kind], error.kind, error.message);
    throw error;
  }
}

const owner = (c: Context<AppEnv>) => c.get("principal").sub;
const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const err = (description: string) => ({ description, content: { "application/json": { schema: errorSchema } } });

const metadata = metadataSchema.openapi("SynthMetadata");
const datasetSchema = z
  .object({
    id: z.string(), name: z.string(), source: z.string(), rows: z.number().int(), columns: z.number().int(), bytes: z.number().int(),
    metadata, createdAt: z.string(), updatedAt: z.string(),
  })
  .openapi("SynthDataset");
const datasetDetail = datasetSchema.extend({ header: z.array(z.string()), preview: z.array(z.array(z.string())) }).openapi("SynthDatasetDetail");
const summarySchema = z.object({
  quality: z.number(), columnShapes: z.number(), columnPairTrends: z.number(), diagnostic: z.number(),
  dcrBaselineProtection: z.number(), dcrOverfittingProtection: z.number(), newRowSynthesis: z.number(),
  efficacy: z.object({ metric: z.string(), synthetic: z.number(), real: z.number() }).nullable(),
  fitSeconds: z.number(), sampleSeconds: z.number(), peakMemoryBytes: z.number().nullable(),
});
const runSchema = z
  .object({
    id: z.string(), datasetId: z.string(), seed: z.number().int(), epsilon: z.number(), status: z.enum(["running", "done", "failed"]),
    winner: z.string().nullable(), error: z.string().nullable(), createdAt: z.string(), finishedAt: z.string().nullable(), metadata,
    jobs: z.array(z.object({
      synthesizer: z.string(), label: z.string(), status: z.string(), attempts: z.number().int(), summary: summarySchema.nullable(),
      error: z.string().nullable(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(),
    })),
  })
  .openapi("SynthRun");
const id = z.uuid().openapi({ param: { name: "id", in: "path" } });
const synthParam = z.enum(SYNTHESIZER_IDS).openapi({ param: { name: "synthesizer", in: "path" } });
const common = { ...errorResponses, 404: err("No such dataset or run (or not yours)") };

const synthesizersRoute = createRoute({
  method: "get", path: "/synth/synthesizers", summary: "Synthesizers a run may use, the reference and the privacy floor",
  responses: {
    200: json(z.object({
      synthesizers: z.array(z.object({ id: z.string(), label: z.string(), description: z.string() })),
      reference: z.string(), privacyFloor: z.object({ newRowSynthesis: z.number(), dcrOverfittingProtection: z.number() }),
    }), "The registry"),
    ...errorResponses,
  },
});
const sourcesRoute = createRoute({
  method: "get", path: "/synth/sources", summary: "Dataset sources and their datasets",
  responses: { 200: json(z.object({ sources: z.array(z.object({ id: z.string(), label: z.string(), datasets: z.array(z.object({ name: z.string(), title: z.string(), description: z.string() })) })) }), "Sources"), ...errorResponses },
});
const listDatasetsRoute = createRoute({
  method: "get", path: "/synth/datasets", summary: "Your lab datasets",
  responses: { 200: json(z.object({ datasets: z.array(datasetSchema) }), "Datasets, newest first"), ...errorResponses },
});
const pickRoute = createRoute({
  method: "post", path: "/synth/datasets", summary: "Add a dataset from a source; its metadata is detected",
  request: { body: { content: { "application/json": { schema: z.object({ source: z.string().min(1).max(64), name: z.string().min(1).max(200) }) } }, required: true } },
  responses: { 201: json(datasetSchema, "The dataset with detected metadata"), ...common, 422: err("Metadata that cannot describe the table") },
});
const uploadRoute = createRoute({
  method: "post", path: "/synth/datasets/upload", summary: "Upload a CSV (text/csv body); its metadata is detected. A bad CSV stores nothing.",
  middleware: [
    bodyLimit({ maxSize: CSV_LIMITS.maxBytes, onError: () => { throw new ApiError(413, "too_large", `the CSV is larger than ${CSV_LIMITS.maxBytes / 1e6} MB`); } }),
  ] as const,
  request: {
    query: z.object({ name: z.string().min(1).max(200).regex(/^[^/\\\u0000-\u001f]+$/, "a file name without slashes").openapi({ example: "my-table.csv" }) }),
    body: { content: { "text/csv": { schema: z.string() } }, required: true },
  },
  responses: { 201: json(datasetSchema, "The dataset with detected metadata"), ...errorResponses, 413: err("Too large"), 415: err("Not text/csv"), 422: err("Metadata that cannot describe the table") },
});
const datasetRoute = createRoute({
  method: "get", path: "/synth/datasets/{id}", summary: "A dataset, its metadata and its first rows",
  request: { params: z.object({ id }) },
  responses: { 200: json(datasetDetail, "The dataset"), ...common },
});
const metadataRoute = createRoute({
  method: "put", path: "/synth/datasets/{id}/metadata", summary: "Replace a dataset's metadata (checked against the table first)",
  request: { params: z.object({ id }), body: { content: { "application/json": { schema: metadata } }, required: true } },
  responses: { 200: json(datasetSchema, "Updated"), ...common, 422: err("Metadata that cannot describe the table") },
});
const startRunRoute = createRoute({
  method: "post", path: "/synth/runs", summary: "Run synthesizers on a dataset, one queue job each (the Gaussian copula always runs: it is the reference)",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({
            datasetId: z.uuid(),
            synthesizers: z.array(z.enum(SYNTHESIZER_IDS)).min(1).max(SYNTHESIZER_IDS.length),
            seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
            epsilon: z.number().positive().max(100).optional().openapi({ description: "PrivBayes' privacy budget (default 1)" }),
          }),
        },
      },
      required: true,
    },
  },
  responses: { 202: json(runSchema, "Queued"), ...common, 422: err("Metadata that cannot describe the table") },
});
const listRunsRoute = createRoute({
  method: "get", path: "/synth/runs", summary: "Your runs",
  request: { query: z.object({ datasetId: z.uuid().optional() }) },
  responses: { 200: json(z.object({ runs: z.array(z.object({ id: z.string(), datasetId: z.string(), status: z.string(), winner: z.string().nullable(), createdAt: z.string() })) }), "Runs, newest first"), ...errorResponses },
});
const runRoute = createRoute({
  method: "get", path: "/synth/runs/{id}", summary: "A run's progress: each job's phase and headline scores",
  request: { params: z.object({ id }) },
  responses: { 200: json(runSchema, "The run"), ...common },
});
const resultRoute = createRoute({
  method: "get", path: "/synth/runs/{id}/results/{synthesizer}", summary: "One synthesizer's full scores: per column, per pair, histograms, privacy, ML efficacy",
  request: { params: z.object({ id, synthesizer: synthParam }) },
  responses: { 200: json(z.record(z.string(), z.unknown()), "Scores"), ...common, 409: err("Not finished") },
});
const reportRoute = createRoute({
  method: "get", path: "/synth/runs/{id}/report", summary: "The run's report: why the winner won and why each other lost",
  request: { params: z.object({ id }) },
  responses: { 200: json(z.record(z.string(), z.unknown()), "Report"), ...common, 409: err("Not finished") },
});
const csvOk = { description: "CSV", content: { "text/csv": { schema: z.string() } } };
const syntheticRoute = createRoute({
  method: "get", path: "/synth/runs/{id}/synthetic/{synthesizer}", summary: "One synthesizer's synthetic CSV",
  request: { params: z.object({ id, synthesizer: synthParam }) },
  responses: { 200: csvOk, ...common, 409: err("Not finished") },
});
const winnerRoute = createRoute({
  method: "get", path: "/synth/runs/{id}/winner.csv", summary: "The winner's synthetic CSV",
  request: { params: z.object({ id }) },
  responses: { 200: csvOk, ...common, 409: err("Not finished") },
});

function download(object: R2ObjectBody, filename: string, type: string): Response {
  return new Response(object.body, { headers: { "content-type": type, "content-disposition": `attachment; filename="${filename}"`, "cache-control": "private, no-store" } });
}

export const synthRoutes = createRouter()
  .openapi(synthesizersRoute, (c) =>
    c.json({ synthesizers: SYNTHESIZERS.filter((s) => !s.benchOnly).map(({ id, label, description }) => ({ id, label, description })), reference: REFERENCE_SYNTHESIZER, privacyFloor: { ...PRIVACY_FLOOR } }, 200),
  )
  .openapi(sourcesRoute, async (c) =>
    c.json({ sources: await Promise.all(DATASET_SOURCES.map(async (s) => ({ id: s.id, label: s.label, datasets: await s.list(c.env, owner(c)) }))) }, 200),
  )
  .openapi(listDatasetsRoute, async (c) => c.json({ datasets: await listDatasets(c.get("db"), owner(c)) }, 200))
  .openapi(pickRoute, async (c) => {
    const { source, name } = c.req.valid("json");
    return c.json(await lab(() => datasetFromSource(c.get("db"), c.env, owner(c), source, name)), 201);
  })
  .openapi(uploadRoute, async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!/^text\/csv\b/i.test(type)) throw new ApiError(415, "unsupported_media_type", "send the CSV as the body with content-type text/csv");
    const { name } = c.req.valid("query");
    const text = await c.req.text();
    return c.json(await lab(() => uploadDataset(c.get("db"), c.env, owner(c), name, text)), 201);
  })
  .openapi(datasetRoute, async (c) => c.json(await lab(() => getDataset(c.get("db"), c.env, owner(c), c.req.valid("param").id)), 200))
  .openapi(metadataRoute, async (c) =>
    c.json(await lab(() => updateMetadata(c.get("db"), c.env, owner(c), c.req.valid("param").id, c.req.valid("json"))), 200),
  )
  .openapi(startRunRoute, async (c) => c.json(await lab(() => startRun(c.get("db"), c.env, owner(c), c.req.valid("json"))), 202))
  .openapi(listRunsRoute, async (c) => c.json({ runs: await listRuns(c.get("db"), owner(c), c.req.valid("query").datasetId) }, 200))
  .openapi(runRoute, async (c) => c.json(await lab(() => getRun(c.get("db"), owner(c), c.req.valid("param").id)), 200))
  .openapi(resultRoute, async (c) => {
    const { id: runId, synthesizer } = c.req.valid("param");
    const { object } = await lab(() => runObject(c.get("db"), c.env, owner(c), runId, { result: synthesizer }));
    return c.json((await object.json()) as Record<string, unknown>, 200);
  })
  .openapi(reportRoute, async (c) => {
    const { object } = await lab(() => runObject(c.get("db"), c.env, owner(c), c.req.valid("param").id, { report: true }));
    return c.json((await object.json()) as Record<string, unknown>, 200);
  })
  .openapi(syntheticRoute, async (c) => {
    const { id: runId, synthesizer } = c.req.valid("param");
    const { object } = await lab(() => runObject(c.get("db"), c.env, owner(c), runId, { csv: synthesizer }));
    return download(object, `synthetic-${synthesizer}-${runId.slice(0, 8)}.csv`, "text/csv; charset=utf-8") as never;
  })
  .openapi(winnerRoute, async (c) => {
    const { object, run } = await lab(() => runObject(c.get("db"), c.env, owner(c), c.req.valid("param").id, { winnerCsv: true }));
    return download(object, `synthetic-${run.winner}-${run.id.slice(0, 8)}.csv`, "text/csv; charset=utf-8") as never;
  });
