/// <reference types="vite/client" />
// The lab end to end through the Worker: a shipped dataset (vega-datasets'
// weather.csv) and uploads, metadata review and edits, a run whose synthesizers
// go through the real SYNTH queue one job each, the report and the downloads.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { count } from "drizzle-orm";
import weatherCsv from "../node_modules/vega-datasets/data/weather.csv?raw";
import seattleCsv from "../node_modules/vega-datasets/data/seattle-weather.csv?raw";
import { synthDatasets } from "../worker/db/schema";
import { SHIPPED_PREFIX } from "../worker/synth/sources";
import { call, createUser, db, errorOf, tokenFor, until } from "./support/helpers";

let auth: Record<string, string>;
let otherAuth: Record<string, string>;

beforeAll(async () => {
  await env.FRAMES.put(`${SHIPPED_PREFIX}weather.csv`, weatherCsv);
  auth = { authorization: `Bearer ${await tokenFor(await createUser("lab@example.test", "correct horse battery"))}` };
  otherAuth = { authorization: `Bearer ${await tokenFor(await createUser("other-lab@example.test", "correct horse battery"))}` };
});

const post = (path: string, body: unknown, headers = auth) =>
  call(path, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
const upload = (name: string, csv: string) =>
  call(`/api/synth/datasets/upload?name=${encodeURIComponent(name)}`, { method: "POST", headers: { ...auth, "content-type": "text/csv" }, body: csv });
const storedDatasets = async () => (await db().select({ n: count() }).from(synthDatasets).get())!.n;
const uploadedObjects = async () => (await env.FRAMES.list({ prefix: "synth/datasets/" })).objects.length;

interface Dataset { id: string; rows: number; metadata: { columns: { name: string; sdtype: string; order?: string[] | null; format?: string }[]; primaryKey: string | null; target: string | null } }
interface Run { id: string; status: string; winner: string | null; jobs: { synthesizer: string; status: string; summary: { quality: number } | null }[] }

describe("synthetic-data lab API", () => {
  it("needs a token", async () => {
    expect((await call("/api/synth/datasets")).status).toBe(401);
  });

  it("detects weather.csv's metadata with SDV's rules and keeps edits that fit the table", async () => {
    const sources = (await (await call("/api/synth/sources", { headers: auth })).json()) as { sources: { id: string; datasets: { name: string }[] }[] };
    expect(sources.sources[0]!.datasets.map((d) => d.name)).toContain("weather.csv");
    const res = await post("/api/synth/datasets", { source: "vega-datasets", name: "weather.csv" });
    expect(res.status).toBe(201);
    const d = (await res.json()) as Dataset;
    expect(d.rows).toBe(2922);
    const sdtypes = Object.fromEntries(d.metadata.columns.map((c) => [c.name, c.sdtype]));
    // 2 locations and 5 weather kinds ≤ round(2922/5); dates repeat (two cities) so they are not an id
    expect(sdtypes).toEqual({ location: "categorical", date: "datetime", precipitation: "numerical", temp_max: "numerical", temp_min: "numerical", wind: "numerical", weather: "categorical" });
    expect(d.metadata.columns.find((c) => c.name === "date")!.format).toBe("%Y-%m-%d");
    expect(d.metadata.target).toBe("weather");

    // impossible: "weather" holds words, not numbers → 422, metadata unchanged
    const bad = structuredClone(d.metadata);
    bad.columns[6] = { name: "weather", sdtype: "numerical", representation: "Float" } as never;
    const refused = await call(`/api/synth/datasets/${d.id}/metadata`, { method: "PUT", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(bad) });
    expect(refused.status).toBe(422);
    expect((await errorOf(refused)).code).toBe("invalid_metadata");
    const still = (await (await call(`/api/synth/datasets/${d.id}`, { headers: auth })).json()) as Dataset;
    expect(still.metadata.columns[6]!.sdtype).toBe("categorical");

    // an edit that fits: weather as an ordinal scale of wetness
    const edited = structuredClone(d.metadata);
    edited.columns[6] = { name: "weather", sdtype: "categorical", order: ["sun", "fog", "drizzle", "rain", "snow"] };
    const ok = await call(`/api/synth/datasets/${d.id}/metadata`, { method: "PUT", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(edited) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Dataset).metadata.columns[6]!.order).toEqual(["sun", "fog", "drizzle", "rain", "snow"]);

    // another user cannot see it
    expect((await call(`/api/synth/datasets/${d.id}`, { headers: otherAuth })).status).toBe(404);
  });

  it("a bad CSV or impossible metadata gets a clear 4xx and stores nothing", async () => {
    const before = { rows: await storedDatasets(), objects: await uploadedObjects() };
    const lines = seattleCsv.trim().split("\n");
    // header + 39 rows, then a short line: file line 41
    const ragged = [...lines.slice(0, 40), "2015-12-31,0.0,5.6"].join("\n");
    const r1 = await upload("ragged.csv", ragged);
    expect(r1.status).toBe(400);
    expect(await errorOf(r1)).toEqual({ code: "invalid_csv", message: "line 41 has 3 fields; the header has 6" });
    // a column holding one value only: seattle-weather with its "weather" column overwritten by "rain"
    const constant = lines.slice(0, 60).map((l, i) => (i === 0 ? l : l.replace(/,[a-z]+$/, ",rain"))).join("\n");
    const r2 = await upload("constant.csv", constant);
    expect(r2.status).toBe(422);
    expect((await errorOf(r2)).message).toMatch(/"weather" is categorical with one value only/);
    // an empty column
    const empty = lines.slice(0, 60).map((l, i) => (i === 0 ? `${l},notes` : `${l},`)).join("\n");
    const r3 = await upload("empty.csv", empty);
    expect(r3.status).toBe(422);
    expect((await errorOf(r3)).message).toMatch(/"notes" is empty/);
    const r4 = await call("/api/synth/datasets/upload?name=x.csv", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{}" });
    expect(r4.status).toBe(415);
    expect({ rows: await storedDatasets(), objects: await uploadedObjects() }).toEqual(before);

    const good = await upload("seattle-head.csv", lines.slice(0, 201).join("\n"));
    expect(good.status).toBe(201);
    expect(((await good.json()) as Dataset).rows).toBe(200);
    expect(await uploadedObjects()).toBe(before.objects + 1);
  });

  it("runs synthesizers as queue jobs, picks a winner behind the privacy floor, and is reproducible from the seed", async () => {
    const d = (await (await post("/api/synth/datasets", { source: "vega-datasets", name: "weather.csv" })).json()) as Dataset;
    const res = await post("/api/synth/runs", { datasetId: d.id, synthesizers: ["uniform", "chow-liu", "cart"], seed: 7 });
    expect(res.status).toBe(202);
    const started = (await res.json()) as Run;
    // the Gaussian copula is the reference, so it always runs
    expect(started.jobs.map((j) => j.synthesizer).sort()).toEqual(["cart", "chow-liu", "gaussian-copula", "uniform"]);
    const done = await until(async () => {
      const r = (await (await call(`/api/synth/runs/${started.id}`, { headers: auth })).json()) as Run;
      return r.status !== "running" && r;
    }, "the run to finish", 120_000);
    expect(done.status).toBe("done");
    expect(done.jobs.every((j) => j.status === "done")).toBe(true);
    const quality = Object.fromEntries(done.jobs.map((j) => [j.synthesizer, j.summary!.quality]));
    expect(quality["uniform"]).toBeLessThan(quality["gaussian-copula"]!);
    expect(done.winner).not.toBeNull();
    expect(quality[done.winner!]).toBeGreaterThanOrEqual(quality["gaussian-copula"]!);

    const report = (await (await call(`/api/synth/runs/${started.id}/report`, { headers: auth })).json()) as { selection: { winner: string; verdicts: { synthesizer: string; won: boolean; reason: string }[] } };
    expect(report.selection.winner).toBe(done.winner);
    expect(report.selection.verdicts).toHaveLength(4);
    expect(report.selection.verdicts.find((v) => v.synthesizer === "uniform")!.reason).toMatch(/< the Gaussian copula's/);
    expect(report.selection.verdicts.find((v) => v.won)!.reason).toMatch(/^won:/);

    const result = (await (await call(`/api/synth/runs/${started.id}/results/chow-liu`, { headers: auth })).json()) as { quality: { pairs: unknown[]; columns: unknown[] }; histograms: { column: string }[] };
    expect(result.quality.columns).toHaveLength(7);
    expect(result.quality.pairs).toHaveLength(21); // all pairs of 7 columns
    expect(result.histograms.map((h) => h.column)).toContain("temp_max");

    const winner = await call(`/api/synth/runs/${started.id}/winner.csv`, { headers: auth });
    expect(winner.status).toBe(200);
    expect(winner.headers.get("content-disposition")).toMatch(/attachment/);
    const lines = (await winner.text()).trim().split("\n");
    expect(lines[0]).toBe("location,date,precipitation,temp_max,temp_min,wind,weather");
    expect(lines).toHaveLength(1 + 1461); // as many rows as the training half

    expect((await call(`/api/synth/runs/${started.id}`, { headers: otherAuth })).status).toBe(404);

    // the same seed again: the Gaussian copula's CSV is byte for byte the same
    const again = (await (await post("/api/synth/runs", { datasetId: d.id, synthesizers: ["gaussian-copula"], seed: 7 })).json()) as Run;
    await until(async () => ((await (await call(`/api/synth/runs/${again.id}`, { headers: auth })).json()) as Run).status !== "running", "the second run", 120_000);
    const first = await (await call(`/api/synth/runs/${started.id}/synthetic/gaussian-copula`, { headers: auth })).text();
    const second = await (await call(`/api/synth/runs/${again.id}/synthetic/gaussian-copula`, { headers: auth })).text();
    expect(second).toBe(first);
  }, 300_000);

  it("refuses a run of an unknown synthesizer or another user's dataset", async () => {
    const d = (await (await post("/api/synth/datasets", { source: "vega-datasets", name: "weather.csv" })).json()) as Dataset;
    const r1 = await post("/api/synth/runs", { datasetId: d.id, synthesizers: ["bootstrap"] });
    expect(r1.status).toBe(400);
    expect((await errorOf(r1)).code).toBe("invalid_request");
    expect((await post("/api/synth/runs", { datasetId: d.id, synthesizers: ["uniform"] }, otherAuth)).status).toBe(404);
    expect((await post("/api/synth/datasets", { source: "vega-datasets", name: "nope.csv" })).status).toBe(404);
  });
});
