// Radar ingest end to end: the product's replay server serves the real FMI
// frames under FMI's archive layout with its own clock; the 5-minute cron
// fetches, lands raw frames in R2 and queues their parameters; the real queue
// delivers them to the consumer, which writes D1 in micro-batches.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFmiPgm } from "../nowcast/src/index";
import { radarFrames } from "../worker/db/schema";
import { frameParameters } from "../worker/ingest/parameters";
import { radarSources } from "../worker/ingest/sources";
import { radarFrameKey, latestRadar } from "../worker/radar/frame-store";
import { bearer, call, createUser, db, errorOf, tokenFor, until } from "./support/helpers";
import { close, directParameters, productReplay, runIngestCron } from "./support/radar-replay-client";

const STEP = 5 * 60_000;
const at = (hhmm: string) => new Date(`2016-09-28T${hhmm}:00Z`);
const hhmm = (t: Date | string) => new Date(t).toISOString().slice(11, 16);
const range = (from: string, to: string) => {
  const times: string[] = [];
  for (let t = at(from).getTime(); t <= at(to).getTime(); t += STEP) times.push(hhmm(new Date(t)));
  return times;
};

async function rows() {
  return db().select().from(radarFrames).where(eq(radarFrames.source, "fmi")).orderBy(radarFrames.obstime);
}
const rowsReach = (n: number) => until(async () => ((await rows()).length >= n ? rows() : null), `${n} radar_frames rows`);

async function rawKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.FRAMES.list({ prefix: "radar/fmi/", cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys.sort();
}

let adminAuth: RequestInit;
let userAuth: RequestInit;
beforeAll(async () => {
  adminAuth = bearer(await tokenFor(await createUser("ingest-admin@example.com", "ingest password 1", "admin")));
  userAuth = bearer(await tokenFor(await createUser("ingest-user@example.com", "ingest password 2")));
});
afterAll(() => productReplay.setNow("2016-09-28T18:00:00Z"));

// What each run is expected to store, in order.
const FIRST = range("15:25", "16:00"); // probe from the clock 16:00, 8 frames (bound 8)
const NEXT = ["16:05"];
const CATCH_UP = range("16:10", "17:00"); // after a 55 minute gap, within the bound of 24
const BEYOND = range("17:35", "18:00"); // a gap longer than the bound of 6: the newest 6 only
const ALL = [...FIRST, ...NEXT, ...CATCH_UP, ...BEYOND];

/**
 * The displacement from the frame 5 minutes before to each frame, image pixels per step (u east,
 * v south), measured independently of the engine's motion estimator by test/support/measure-frame-shift.ts
 * (brute-force overlap of the pixels above 20 dBZ over integer shifts, sub-pixel by a parabola
 * through the peak). The ingest's mean of a dense field over the whole composite agrees within
 * MOTION_TOLERANCE_PX: a wrong sign, swapped axes, another unit or the wrong frame pair would not.
 */
const FRAME_SHIFT_PX: Record<string, [number, number]> = {
  "14:50": [1.91, -4.75], "14:55": [1.94, -4.47], "15:00": [1.84, -4.37], "15:05": [1.82, -4.65], "15:10": [1.82, -4.49], "15:15": [1.78, -4.28],
  "15:20": [1.74, -4.52], "15:25": [1.80, -4.21], "15:30": [1.76, -4.03], "15:35": [1.89, -4.33], "15:40": [1.84, -4.16], "15:45": [1.78, -4.00],
  "15:50": [1.82, -4.25], "15:55": [1.82, -4.01], "16:00": [1.76, -3.92], "16:05": [1.78, -4.17], "16:10": [1.73, -3.95], "16:15": [1.73, -3.89],
  "16:20": [1.86, -4.16], "16:25": [1.76, -3.90], "16:30": [1.67, -3.89], "16:35": [1.83, -4.09], "16:40": [1.72, -3.90], "16:45": [1.66, -3.80],
  "16:50": [1.79, -4.10], "16:55": [1.70, -3.80], "17:00": [1.67, -3.73], "17:05": [1.73, -3.93], "17:10": [1.67, -3.52], "17:15": [1.67, -3.57],
  "17:20": [1.67, -3.67], "17:25": [1.64, -3.56], "17:30": [1.83, -3.48], "17:35": [1.65, -3.57], "17:40": [1.84, -3.39], "17:45": [1.71, -3.23],
  "17:50": [1.83, -3.49], "17:55": [1.81, -3.12], "18:00": [1.71, -3.04],
};
const MOTION_TOLERANCE_PX = 0.75;

describe("radar ingest against the replay server", () => {
  it("the first run probes back from the source's clock and takes the newest frame and the catch-up bound before it", async () => {
    await productReplay.setNow("2016-09-28T16:02:30Z");
    const report = await runIngestCron({ ...env, INGEST_MAX_CATCHUP_FRAMES: "8" });
    expect(report).toMatchObject({ mode: "probe", clock: "2016-09-28T16:02:30.000Z", clockSource: "source", stored: 8, notFound: 0, failed: 0, refused: {}, error: null });
    expect(report!.candidates.map(hhmm)).toEqual(FIRST);
    expect(report!.newest).toBe(at("16:00").toISOString());
    expect(await rawKeys()).toEqual(FIRST.map((t) => radarFrameKey("fmi", at(t))));
    expect((await rowsReach(8)).map((r) => hhmm(r.obstime))).toEqual(FIRST);
    // The nowcasts' newest-frame pointer follows.
    expect((await latestRadar(env, "fmi"))?.obstime.toISOString()).toBe(at("16:00").toISOString());
  }, 60_000);

  it("every 5 minutes fetches only what is new since the newest stored frame", async () => {
    await productReplay.setNow("2016-09-28T16:05:00Z");
    const report = await runIngestCron(env);
    expect(report).toMatchObject({ mode: "catch-up", stored: 1, fetched: 1 });
    expect(report!.candidates.map(hhmm)).toEqual(NEXT);
    // Nothing new: nothing fetched, nothing stored twice.
    const idle = await runIngestCron(env);
    expect(idle).toMatchObject({ mode: "catch-up", candidates: [], fetched: 0, stored: 0 });
  }, 60_000);

  it("catches up after a gap; a gap longer than the bound takes the newest frames of the bound", async () => {
    await productReplay.setNow("2016-09-28T17:00:00Z");
    const caughtUp = await runIngestCron(env);
    expect(caughtUp).toMatchObject({ mode: "catch-up", stored: CATCH_UP.length });
    expect(caughtUp!.candidates.map(hhmm)).toEqual(CATCH_UP);

    await productReplay.setNow("2016-09-28T18:03:00Z");
    const bounded = await runIngestCron({ ...env, INGEST_MAX_CATCHUP_FRAMES: "6" });
    expect(bounded).toMatchObject({ mode: "probe", stored: 6 });
    expect(bounded!.candidates.map(hhmm)).toEqual(BEYOND);
  }, 60_000);

  it("N frames in: N raw objects and N rows out, each raw object the source's bytes and each row a direct computation", async () => {
    const all = await rowsReach(ALL.length);
    expect(all.map((r) => hhmm(r.obstime))).toEqual(ALL);
    expect(await rawKeys()).toEqual(ALL.map((t) => radarFrameKey("fmi", at(t))));

    const served = new Map<string, Uint8Array<ArrayBuffer>>();
    for (const t of ALL) served.set(t, await productReplay.frame(at(t)));
    for (const row of all) {
      const t = hhmm(row.obstime);
      const bytes = served.get(t)!;
      const stored = await env.FRAMES.get(row.r2Key);
      expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(bytes);
      const expected = await directParameters(bytes);
      expect(row).toMatchObject({ key: `fmi:20160928${t.replace(":", "")}`, source: "fmi", sha256: expected.sha256, sizeBytes: expected.sizeBytes, width: 760, height: 1226 });
      for (const name of ["fractionAbove05", "fractionAbove5", "meanDbz", "maxDbz", "centroidLat", "centroidLon"] as const) {
        close(row[name], expected[name], `${t} ${name}`);
      }
      // Motion against the frame 5 minutes before, where that frame was ingested: the measured shift.
      if (row.motionUPx === null) continue;
      const [u, v] = FRAME_SHIFT_PX[t]!;
      expect(Math.abs(row.motionUPx - u), `${t} u ${row.motionUPx} against ${u}`).toBeLessThanOrEqual(MOTION_TOLERANCE_PX);
      expect(Math.abs(row.motionVPx! - v), `${t} v ${row.motionVPx} against ${v}`).toBeLessThanOrEqual(MOTION_TOLERANCE_PX);
    }
    // Motion is missing exactly where the frame before was not ingested.
    expect(all.filter((r) => r.motionUPx === null).map((r) => hhmm(r.obstime))).toEqual(["15:25", "17:35"]);
    // It rained over Finland that afternoon: the parameters are not trivial.
    expect(all.every((r) => r.fractionAbove05 > 0.01 && r.fractionAbove5 > 0 && r.centroidLat! > 59 && r.centroidLat! < 70)).toBe(true);
  }, 120_000);

  it("GET /api/admin/ingest/status reports the newest frame, lag, frames per hour, batch sizes, retries and dead letters (admin only)", async () => {
    const res = await call("/api/admin/ingest/status", adminAuth);
    expect(res.status).toBe(200);
    const status = (await res.json()) as Record<string, any>;
    expect(status).toMatchObject({
      source: "fmi",
      enabled: true,
      clock: { now: "2016-09-28T18:03:00.000Z", source: "source" },
      newestFrame: { key: "fmi:201609281800", obstime: "2016-09-28T18:00:00.000Z" },
      newestStored: "2016-09-28T18:00:00.000Z",
      lagSeconds: 180,
      frames: ALL.length,
      // 17:05-17:30 were beyond the last run's bound.
      framesPerHour: BEYOND.length,
      expectedFramesPerHour: 12,
      runs: { count: 5, stored: ALL.length, fetchFailed: 0, errors: 0 },
      refused: { total: 0 },
      retries: 0,
      deadLetters: { count: 0, recent: [] },
    });
    expect(status.runs.last).toMatchObject({ mode: "probe", stored: 6 });
    expect(status.consumer.messages).toBe(ALL.length);
    expect(status.consumer.rowsUpserted).toBe(ALL.length);
    // Micro-batches: the consumer wrote the frames of 5 runs in fewer D1 batches than frames.
    expect(status.consumer.batches).toBeGreaterThanOrEqual(1);
    expect(status.consumer.batches).toBeLessThan(ALL.length);
    expect(status.consumer.batchSize.max).toBeGreaterThan(1);
    expect(Object.values(status.consumer.batchSize.histogram as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(status.consumer.batches);
    expect(status.consumer.batchSize.mean).toBeCloseTo(ALL.length / status.consumer.batches, 9);

    expect((await call("/api/admin/ingest/status", userAuth)).status).toBe(403);
    expect((await call("/api/admin/ingest/status")).status).toBe(401);
    const bad = await call("/api/admin/ingest/status?source=Not%20a%20source", adminAuth);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe("invalid_request");
  });

  it("GET /api/frames?since= gives the parameters as a time series, oldest first, in pages", async () => {
    const res = await call("/api/frames?since=2016-09-28T16:30:00Z", userAuth);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { since: string; until: null; next: null; frames: Record<string, unknown>[] };
    const expected = ALL.filter((t) => t >= "16:30");
    expect(body.frames.map((f) => hhmm(f.obstime as string))).toEqual(expected);
    const row = (await rows()).find((r) => hhmm(r.obstime) === "16:30")!;
    expect(body.frames[0]).toEqual({
      key: row.key,
      obstime: row.obstime.toISOString(),
      r2Key: row.r2Key,
      sizeBytes: row.sizeBytes,
      sha256: row.sha256,
      width: row.width,
      height: row.height,
      fractionAbove05: row.fractionAbove05,
      fractionAbove5: row.fractionAbove5,
      meanDbz: row.meanDbz,
      maxDbz: row.maxDbz,
      centroidLat: row.centroidLat,
      centroidLon: row.centroidLon,
      motionUPx: row.motionUPx,
      motionVPx: row.motionVPx,
      ingestedAt: row.ingestedAt.toISOString(),
    });
    expect(body.next).toBeNull();

    // Pages: limit and next, and an end time.
    const page = (await (await call("/api/frames?since=2016-09-28T15:00:00Z&until=2016-09-28T16:05:00Z&limit=5", userAuth)).json()) as typeof body;
    expect(page.frames.map((f) => hhmm(f.obstime as string))).toEqual(FIRST.slice(0, 5));
    expect(page.next).toBe(at(FIRST[5]!).toISOString());
    const rest = (await (await call(`/api/frames?since=${page.next}&until=2016-09-28T16:05:00Z&limit=5`, userAuth)).json()) as typeof body;
    expect(rest.frames.map((f) => hhmm(f.obstime as string))).toEqual([...FIRST.slice(5), ...NEXT]);
    expect(rest.next).toBeNull();

    for (const query of ["", "?since=yesterday", "?since=2016-09-28T16:00:00Z&limit=0", "?since=2016-09-28T16:00:00Z&limit=1.5", "?since=2016-09-28T16:00:00Z&until=2016-09-28T15:00:00Z", "?since=2016-09-28T16:00:00Z&source=FMI!"]) {
      const bad = await call(`/api/frames${query}`, userAuth);
      expect(bad.status, query).toBe(400);
      expect((await errorOf(bad)).code).toBe("invalid_request");
    }
    expect((await call("/api/frames?since=2016-09-28T16:30:00Z")).status).toBe(401);
  });

  it("both routes are in the OpenAPI document", async () => {
    const doc = (await (await call("/api/openapi.json")).json()) as { paths: Record<string, { get?: { parameters?: { name: string }[] } }> };
    expect(doc.paths["/api/admin/ingest/status"]?.get).toBeDefined();
    expect(doc.paths["/api/frames"]?.get?.parameters?.map((p) => p.name).sort()).toEqual(["limit", "since", "source", "until"]);
  });
});

describe("the ingest's motion", () => {
  it("finds a known shift applied to a real frame, for each direction", async () => {
    const frame = await readFmiPgm(await productReplay.frame(at("16:00")));
    for (const [dx, dy] of [
      [3, -2],
      [-4, 1],
      [2, 2],
    ] as const) {
      // The frame's content moved by (dx, dy) pixels, as the next composite 5 minutes later; what moved in from outside has no data.
      const moved = new Float32Array(frame.dbz.length).fill(Number.NaN);
      for (let y = Math.max(0, dy); y < Math.min(frame.height, frame.height + dy); y++) {
        moved.set(frame.dbz.subarray((y - dy) * frame.width + Math.max(0, -dx), (y - dy + 1) * frame.width - Math.max(0, dx)), y * frame.width + Math.max(0, dx));
      }
      const next = { ...frame, obstime: new Date(frame.obstime.getTime() + STEP), dbz: moved };
      const { motionUPx, motionVPx } = frameParameters(next, frame, radarSources.fmi!.zr);
      expect(Math.abs(motionUPx! - dx), `u ${motionUPx} for a shift of ${dx}`).toBeLessThanOrEqual(0.35);
      expect(Math.abs(motionVPx! - dy), `v ${motionVPx} for a shift of ${dy}`).toBeLessThanOrEqual(0.35);
    }
  }, 60_000);
});
