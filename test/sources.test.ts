// Several radar sources at once: the real KNMI, MeteoSwiss and OPERA composites landed next to
// FMI's, and each place served by the best source covering it, named in the nowcast with its
// credit, its own time step and its coverage outline.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import { requests } from "../worker/db/schema";
import { sha256Hex } from "../worker/radar/checksum";
import { decodeFrame, storeRawFrame } from "../worker/radar/frame-store";
import { bearer, call, createUser, db, errorOf, tokenFor } from "./support/helpers";
import { bytesOf, pinNewestFrame } from "./support/radar";

// Workers tests cannot read files: Vite inlines the newest frames of each event (three or four).
const FILES = import.meta.glob<string>(
  [
    "../../shared/data/radar/knmi/20100826/RAD_NL25_RAP_5min_2010082607[12]*.h5",
    "../../shared/data/radar/mch/20160711/AQC16193235[05]V_00005.801.gif",
    "../../shared/data/radar/mch/20160711/AQC161932345V_00005.801.gif",
    "../../shared/data/radar/opera/20180824/T_PAAH21_C_EUOC_2018082423[134]*.hdf",
  ],
  { query: "?url&inline", import: "default", eager: true },
);
const SOURCE_OF = [
  [/RAD_NL25/, "knmi"],
  [/AQC/, "mch"],
  [/EUOC/, "opera"],
] as const;

interface Body {
  nowcast: {
    source: string;
    stepMinutes: number;
    neighbourhoodKm: number;
    radarTime: string;
    radar: { id: string; credit: string; stepMinutes: number; quantity: string; coverageOutline: [number, number][] };
    series: { minutes: number }[];
    frames: { observed: { time: string }[]; forecast: { time: string }[] };
  };
}

let auth: RequestInit;
beforeAll(async () => {
  auth = bearer(await tokenFor(await createUser("sources@example.com", "sources password")));
  await pinNewestFrame("201609281755");
  for (const [path, url] of Object.entries(FILES)) {
    const source = SOURCE_OF.find(([pattern]) => pattern.test(path))![1];
    const bytes = bytesOf(url);
    await storeRawFrame(env, await decodeFrame(source, bytes), bytes, await sha256Hex(bytes));
  }
}, 120_000);

async function nowcastOf(place: string): Promise<Body["nowcast"]> {
  const res = await call(`/api/nowcast?place=${encodeURIComponent(place)}`, auth);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as Body).nowcast;
}

/** Whether a [lon, lat] ring contains a point (even-odd rule). */
function inside(ring: [number, number][], lon: number, lat: number): boolean {
  let odd = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) odd = !odd;
  }
  return odd;
}

describe("a nowcast from the best source covering the place", () => {
  it("serves Amsterdam from KNMI's national composite, though OPERA covers it too", async () => {
    const nowcast = await nowcastOf("Amsterdam");
    expect(nowcast.source).toBe("knmi");
    expect(nowcast.radar).toMatchObject({ id: "knmi", credit: "KNMI", stepMinutes: 5, quantity: "accumulation" });
    expect(nowcast.radarTime).toBe("2010-08-26T07:25:00.000Z");
    expect(nowcast.frames.forecast).toHaveLength(12);
    expect(nowcast.neighbourhoodKm).toBe(5);
    expect(inside(nowcast.radar.coverageOutline, 4.9, 52.37)).toBe(true);
    expect(inside(nowcast.radar.coverageOutline, 24.94, 60.17)).toBe(false);
    const places = await (await call("/api/places?q=Amsterdam&limit=1", auth)).json<{ places: { radarSource: string | null }[] }>();
    expect(places.places[0]!.radarSource).toBe("knmi");
  }, 120_000);

  it("serves Zürich from MeteoSwiss", async () => {
    const nowcast = await nowcastOf("Zürich");
    expect(nowcast.radar).toMatchObject({ id: "mch", credit: "MeteoSwiss", stepMinutes: 5 });
    expect(nowcast.radarTime).toBe("2016-07-11T23:55:00.000Z");
  }, 120_000);

  it("serves Paris from OPERA at its own 15-minute step: 60 minutes in 4 leads", async () => {
    const nowcast = await nowcastOf("Paris");
    expect(nowcast.radar).toMatchObject({ id: "opera", credit: "EUMETNET OPERA", stepMinutes: 15, quantity: "rain rate" });
    expect(nowcast.stepMinutes).toBe(15);
    // The point square is the closest OPERA's 2 km pixels come to 5 x 5 km: 3 x 3 pixels.
    expect(nowcast.neighbourhoodKm).toBe(6);
    expect(nowcast.radarTime).toBe("2018-08-24T23:45:00.000Z");
    const forecastTimes = nowcast.frames.forecast.map((f) => Date.parse(f.time) - Date.parse(nowcast.radarTime));
    expect(forecastTimes).toEqual([15, 30, 45, 60].map((m) => m * 60_000));
    expect(Math.max(...nowcast.series.map((s) => s.minutes))).toBe(60);
    // The observed hour is the source's frames 15 minutes apart; the three landed here are in it.
    expect(nowcast.frames.observed.map((f) => f.time)).toEqual(["2018-08-24T23:15:00.000Z", "2018-08-24T23:30:00.000Z", "2018-08-24T23:45:00.000Z"]);
    expect(inside(nowcast.radar.coverageOutline, 2.35, 48.86)).toBe(true);
  }, 180_000);

  it("keeps Helsinki on FMI", async () => {
    expect((await nowcastOf("Helsinki")).radar).toMatchObject({ id: "fmi", credit: "Finnish Meteorological Institute", stepMinutes: 5 });
  }, 120_000);

  it("says /api/popular's sentences at each place's own source's clock, as the nowcast says them", async () => {
    // Replayed as live (the clock of `npm start`): now is the newest frame of the serving source,
    // and each archive has its own day (FMI 2016, KNMI 2010).
    const replayEnv = { ...env, NOWCAST_CLOCK: "latest-frame" };
    const app = createApp();
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
    const headers = (auth.headers ?? {}) as Record<string, string>;
    const said = new Map<number, string>();
    for (const place of ["Amsterdam", "Helsinki"]) {
      const res = await app.request(`/api/nowcast?place=${place}`, { headers }, replayEnv, ctx);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { summary: { text: string }; servedBy: { locationId: number } };
      said.set(body.servedBy.locationId, body.summary.text);
    }
    await db().insert(requests).values([...said.keys()].map((locationId) => ({ locationId, userId: "someone", requestedAt: new Date(), cacheStatus: "HIT" as const })));
    const res = await app.request("/api/popular?limit=50", { headers }, replayEnv, ctx);
    const { places } = (await res.json()) as { places: { locationId: number; summary: string | null }[] };
    for (const [locationId, text] of said) {
      expect(places.find((p) => p.locationId === locationId)?.summary).toBe(text);
      expect(text).not.toMatch(/Out of date|next 0 min/);
    }
  });

  it("refuses a place no source covers (422 outside_coverage)", async () => {
    const res = await call("/api/nowcast?lat=40.71&lon=-74.01", auth);
    expect(res.status).toBe(422);
    expect((await errorOf(res)).code).toBe("outside_coverage");
  });
});

describe("GET /api/radar/coverage", () => {
  it("outlines every source's newest composite, national ones before OPERA, for signed-in users", async () => {
    expect((await call("/api/radar/coverage")).status).toBe(401);
    const res = await call("/api/radar/coverage", auth);
    expect(res.status).toBe(200);
    const { sources } = await res.json<{ sources: { id: string; scope: string; credit: string; radarTime: string; outline: [number, number][] }[] }>();
    expect(sources.map((s) => s.id)).toEqual(["fmi", "knmi", "mch", "opera"]);
    expect(sources.find((s) => s.id === "opera")).toMatchObject({ scope: "continental", credit: "EUMETNET OPERA", radarTime: "2018-08-24T23:45:00.000Z" });
    const outline = (id: string) => sources.find((s) => s.id === id)!.outline;
    expect(inside(outline("knmi"), 4.9, 52.37)).toBe(true);
    expect(inside(outline("mch"), 8.54, 47.37)).toBe(true);
    expect(inside(outline("mch"), 4.9, 52.37)).toBe(false);
    expect(inside(outline("opera"), 2.35, 48.86)).toBe(true);
    for (const { outline: ring } of sources) expect(inside(ring, -74.01, 40.71)).toBe(false); // New York
  });
});
