// Retention on real nowcasts of real frames: old data goes, what is in use stays.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { nowcasts, requestDailyCounts, requests } from "../worker/db/schema";
import worker from "../worker/index";
import { CRON_RETENTION } from "../worker/jobs/cron";
import { locationForPlace } from "../worker/nowcast/locations";
import { gazetteer } from "../worker/places/gazetteer";
import { decodeFrame, writeLatest } from "../worker/radar/frame-store";
import { runRetention } from "../worker/retention/run";
import { bearer, call, createUser, db, r2Keys } from "./support/helpers";
import { tokenFor } from "./support/helpers";
import { bytesOf, pinNewestFrame, RADAR_FILES } from "./support/radar";

let auth: RequestInit;
beforeAll(async () => {
  auth = bearer(await tokenFor(await createUser("retention@example.com", "retention password")));
});

const DAY_MS = 86_400_000;

// A second source whose archive has its own clock: KNMI's newest frame is in 2010.
const KNMI_FRAME = Object.values(
  import.meta.glob<string>("../../shared/data/radar/knmi/20100826/RAD_NL25_RAP_5min_201008260000.h5", { query: "?url&inline", import: "default", eager: true }),
)[0]!;

const keysUnder = r2Keys;

async function nowcastOf(place: string): Promise<{ id: string; locationId: number }> {
  const res = await call(`/api/nowcast?place=${place}&fresh=1`, auth);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { nowcast: { id: string }; servedBy: { locationId: number } };
  return { id: body.nowcast.id, locationId: body.servedBy.locationId };
}

const ageRow = (id: string, hours: number) =>
  db().update(nowcasts).set({ issuedAt: new Date(Date.now() - hours * 3_600_000) }).where(eq(nowcasts.id, id));

describe("retention", () => {
  it("deletes old nowcasts (row and images) but keeps the ones KV serves, and observed images only no kept nowcast shows", async () => {
    await pinNewestFrame("201609281755");
    const served = await nowcastOf("Oulu"); // stays in use
    const replaced = await nowcastOf("Vaasa"); // replaced below, then no longer in use
    await pinNewestFrame("201609281800");
    const current = await nowcastOf("Vaasa");
    await ageRow(served.id, 48);
    await ageRow(replaced.id, 48);
    // An observed image of a frame no kept nowcast shows (16:00, far before every observed hour kept).
    await env.FRAMES.put(`observed/fmi/201609281600/${replaced.locationId}.png`, new Uint8Array([1, 2, 3]));
    // A regional view of that frame, which no kept nowcast links to either.
    await env.FRAMES.put("regional/fmi/201609281600/forecast-01.png", new Uint8Array([1, 2, 3]));
    // KNMI's newest frame (2010-08-26 00:00) is years before FMI's: it holds back only its own
    // source's images. Its observed image of 22:55 the day before is out of its hour, 23:30 in it.
    await writeLatest(env, await decodeFrame("knmi", bytesOf(KNMI_FRAME)));
    await env.FRAMES.put("observed/knmi/201008252255/1.png", new Uint8Array([1, 2, 3]));
    await env.FRAMES.put("observed/knmi/201008252330/1.png", new Uint8Array([1, 2, 3]));
    // 12 forecast PNGs, the animation and the forecast record the verification reads.
    expect(await keysUnder(`nowcasts/${replaced.id}/`)).toHaveLength(14);

    const report = await runRetention(env);
    expect(report).toMatchObject({ nowcastsDeleted: 1, nowcastObjectsDeleted: 14 });
    const left = await db().select({ id: nowcasts.id }).from(nowcasts).where(inArray(nowcasts.id, [served.id, replaced.id, current.id]));
    expect(left.map((r) => r.id).sort()).toEqual([served.id, current.id].sort());
    expect(await keysUnder(`nowcasts/${replaced.id}/`)).toEqual([]);
    expect(await keysUnder(`nowcasts/${served.id}/`)).toHaveLength(14);
    expect(await keysUnder(`nowcasts/${current.id}/`)).toHaveLength(14);
    expect(await keysUnder("observed/fmi/201609281600/")).toEqual([]);
    expect(await keysUnder("regional/fmi/201609281600/")).toEqual([]);
    expect(await keysUnder("observed/knmi/")).toEqual(["observed/knmi/201008252330/1.png"]);
    expect(report!.regionalImagesDeleted).toBeGreaterThanOrEqual(1);

    // Everything still served answers: the old but in-use nowcast's oldest observed frame (17:00) too, and its regional view.
    const stillServed = (await (await call(`/api/nowcast?place=Oulu`, auth)).json()) as {
      nowcast: { id: string; frames: { observed: { url: string }[] }; regional: { frames: { observed: { url: string }[]; forecast: { url: string }[] } } };
    };
    expect(stillServed.nowcast.id).toBe(served.id);
    for (const link of stillServed.nowcast.frames.observed) expect((await call(link.url, auth)).status).toBe(200);
    const { regional } = stillServed.nowcast;
    for (const link of [...regional.frames.observed, ...regional.frames.forecast]) expect((await call(link.url, auth)).status, link.url).toBe(200);
    await env.CACHE.delete("radar:knmi:latest");
  }, 60_000); // three model runs with their images: seconds each on a loaded machine

  it("folds old request records into daily counts per location, then deletes them; the warm-up's window is never pruned", async () => {
    const place = gazetteer().search("Kotka", 1)[0]!;
    const { id: locationId } = await locationForPlace(db(), place.geonameId);
    const now = Date.UTC(2026, 11, 2, 4, 15);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const old = now - 10 * DAY_MS;
    const rows = [
      { at: old, status: "HIT" },
      { at: old + 60_000, status: "HIT" },
      { at: old + 120_000, status: "MISS" },
      { at: old + DAY_MS, status: "STALE" },
      { at: now - 3_600_000, status: "HIT" }, // inside the 24 h warm-up window
    ] as const;
    await db()
      .insert(requests)
      .values(rows.map((r) => ({ locationId, userId: null, requestedAt: new Date(r.at), cacheStatus: r.status })));

    // A retention of minutes would reach into the window: the window wins.
    const report = await runRetention({ ...env, REQUEST_RETENTION_DAYS: "0.001" }, new Date(now));
    expect(report!.requestsAggregated).toBeGreaterThanOrEqual(4);
    const counts = await db().select().from(requestDailyCounts).where(eq(requestDailyCounts.locationId, locationId)).orderBy(requestDailyCounts.day);
    expect(counts).toEqual([
      { day: day(old), locationId, requests: 3, hits: 2, stale: 0, misses: 1 },
      { day: day(old + DAY_MS), locationId, requests: 1, hits: 0, stale: 1, misses: 0 },
    ]);
    const raw = await db().select().from(requests).where(eq(requests.locationId, locationId));
    expect(raw.map((r) => r.requestedAt.getTime())).toEqual([now - 3_600_000]);

    // Run again: nothing is counted twice.
    await runRetention({ ...env, REQUEST_RETENTION_DAYS: "0.001" }, new Date(now));
    expect((await db().select().from(requestDailyCounts).where(eq(requestDailyCounts.locationId, locationId)))[0]!.requests).toBe(3);
  });

  it("deletes raw composites older than RADAR_RETENTION_DAYS before the newest frame, through the daily cron", async () => {
    await pinNewestFrame("201609281800");
    const bytes = RADAR_FILES[0]!.bytes;
    const ancient = "radar/fmi/2016/09/20/201609201200.pgm.gz";
    await env.FRAMES.put(ancient, bytes);
    const recent = (await keysUnder("radar/fmi/2016/09/28/")).length;
    expect(recent).toBeGreaterThanOrEqual(12);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: CRON_RETENTION, scheduledTime: new Date() }), { ...env, RADAR_RETENTION_DAYS: "7" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(await env.FRAMES.head(ancient)).toBeNull();
    expect(await keysUnder("radar/fmi/2016/09/28/")).toHaveLength(recent);
  });

  it("overlapping runs: one holds the lease, the other does nothing", async () => {
    const [a, b] = await Promise.all([runRetention(env), runRetention(env)]);
    expect([a, b].filter((r) => r === null)).toHaveLength(1);
    // The lease is given back: the next run runs.
    expect(await runRetention(env)).not.toBeNull();
  });
});
