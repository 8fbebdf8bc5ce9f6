/// <reference types="vite/client" />
// The lab on a dataset the caller's ETL job loaded: the ETL run (a real Workflow over the replayed
// seattle-weather.csv) fills a D1 table; the lab lists it for its owner only, and picking it gives a
// lab dataset whose rows are the file's, snapshotted, with SDV's metadata detected on them.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import Papa from "papaparse";
import seattleCsv from "../node_modules/vega-datasets/data/seattle-weather.csv?raw";
import { synthDatasets } from "../worker/db/schema";
import { call, createUser, db, tokenFor } from "./support/helpers";
import { etlClient } from "./support/etl";

let auth: Record<string, string>;
let otherAuth: Record<string, string>;
let datasetId: string;

const sources = async (headers: Record<string, string>) =>
  ((await (await call("/api/synth/sources", { headers })).json()) as { sources: { id: string; datasets: { name: string; title: string; description: string }[] }[] }).sources;

beforeAll(async () => {
  auth = { authorization: `Bearer ${await tokenFor(await createUser("lab-etl@example.test", "correct horse battery"))}` };
  otherAuth = { authorization: `Bearer ${await tokenFor(await createUser("lab-etl-other@example.test", "correct horse battery"))}` };
  const api = etlClient(auth);
  const job = await api.urlJob("seattle", "/vega/seattle-weather.csv");
  const run = await api.run(job.id);
  if (run.status !== "succeeded") throw new Error(`ETL run ${run.status}: ${run.error}`);
  datasetId = job.datasetId;
}, 180_000);

describe("ETL datasets as a lab source", () => {
  it("lists the loaded table to its owner, and to nobody else", async () => {
    const mine = (await sources(auth)).find((s) => s.id === "etl")!;
    expect(mine.datasets).toEqual([{ name: datasetId, title: "seattle", description: "1,461 rows × 6 columns, loaded from " + mine.datasets[0]!.description.split("loaded from ")[1] }]);
    expect(mine.datasets[0]!.description).toMatch(/seattle-weather\.csv/);
    expect((await sources(otherAuth)).find((s) => s.id === "etl")!.datasets).toEqual([]);
  });

  it("picks it into the lab as a snapshot of the file's rows, with metadata detected on them", async () => {
    const res = await call("/api/synth/datasets", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ source: "etl", name: datasetId }) });
    expect(res.status).toBe(201);
    const picked = (await res.json()) as { id: string; name: string; rows: number; columns: number; metadata: { columns: { name: string; sdtype: string }[] } };
    expect([picked.name, picked.rows, picked.columns]).toEqual(["seattle", 1461, 6]);
    const types = Object.fromEntries(picked.metadata.columns.map((c) => [c.name, c.sdtype]));
    expect(types).toMatchObject({ date: "datetime", precipitation: "numerical", weather: "categorical" });
    // A copy stored with the lab dataset: a later ETL run that reloads the table leaves it as it is.
    const row = await db().select().from(synthDatasets).where(eq(synthDatasets.id, picked.id)).get();
    expect(row!.csvKey.startsWith("synth/datasets/")).toBe(true);
    const csv = await (await env.FRAMES.get(row!.csvKey))!.text();
    const file = Papa.parse<string[]>(seattleCsv.trim()).data;
    const copy = Papa.parse<string[]>(csv.trim()).data;
    expect(copy[0]).toEqual(file[0]);
    // Numbers come back from D1's REAL columns: the same values, written without the file's trailing zeros.
    expect(copy.slice(1).map((r) => r.map((v, i) => (i >= 1 && i <= 4 ? Number(v) : v)))).toEqual(file.slice(1).map((r) => r.map((v, i) => (i >= 1 && i <= 4 ? Number(v) : v))));
  });

  it("refuses another user's ETL dataset as not found, and stores nothing", async () => {
    const res = await call("/api/synth/datasets", { method: "POST", headers: { ...otherAuth, "content-type": "application/json" }, body: JSON.stringify({ source: "etl", name: datasetId }) });
    expect(res.status).toBe(404);
    const listed = (await (await call("/api/synth/datasets", { headers: otherAuth })).json()) as { datasets: unknown[] };
    expect(listed.datasets).toEqual([]);
  });
});
