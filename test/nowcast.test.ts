import { env } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { decode as decodePng } from "fast-png";
import { GifReader } from "omggif";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import { locations, nowcasts } from "../worker/db/schema";
import { bearer, call, createUser, db, errorOf, tokenFor, until } from "./support/helpers";
import { pinNewestFrame } from "./support/radar";

interface NowcastBody {
  cache: { status: "HIT" | "MISS" | "STALE"; reason: string; ageSeconds: number; radarTime: string; behindSeconds: number };
  clock: { mode: string; now: string };
  servedBy: { locationId: number; name: string; distanceKm: number };
  query: { lat: number; lon: number; place: string | null; matchedPlace: string | null };
  summary: { text: string; timeZone: string | null };
  nowcast: {
    chance: { method: string; thresholdMmPerHour: number; series: { minutes: number; chanceOfRain: number | null }[] };
    id: string;
    radarTime: string;
    model: string;
    backend: string;
    location: { id: number; name: string; lat: number; lon: number };
    series: { minutes: number; time: string; mmPerHour: number | null; dbz: number | null }[];
    events: { startsInMinutes: number | null; stopsInMinutes: number | null; peakMmPerHour: number | null; summary: string };
    frames: { observed: { time: string; url: string }[]; forecast: { time: string; url: string }[] };
    animation: { url: string; frames: number };
    legend: { url: string; imageUrl: string };
  };
}

let auth: RequestInit;
// Helsinki's first nowcast (a miss), made once before the tests; each test reads, none depends on another.
let first: { res: Response; body: NowcastBody | null };
beforeAll(async () => {
  auth = bearer(await tokenFor(await createUser("nowcast@example.com", "nowcast password")));
  // Every test here runs at the newest frame 17:55; one that moves it puts it back.
  await pinNewestFrame("201609281755");
  first = await nowcast("place=Helsinki");
}, 60_000);

async function nowcast(query: string, init: RequestInit = auth) {
  const res = await call(`/api/nowcast?${query}`, init);
  return { res, body: res.ok ? ((await res.json()) as NowcastBody) : null };
}

const nowcastCount = async (locationId: number) =>
  (await db().select({ n: count() }).from(nowcasts).where(eq(nowcasts.locationId, locationId)))[0]!.n;

describe("GET /api/nowcast", () => {
  let helsinki: NowcastBody;
  beforeAll(() => {
    helsinki = first.body!;
  });

  it("computes on a miss: the body has times, model, location, series, events and asset URLs", async () => {
    const { res, body } = first;
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("MISS");
    expect(res.headers.get("age")).toBe("0");
    expect(body!.cache).toEqual({ status: "MISS", reason: "miss", ageSeconds: 0, radarTime: "2016-09-28T17:55:00.000Z", behindSeconds: 0 });
    expect(helsinki.servedBy).toMatchObject({ name: "Helsinki", distanceKm: 0 });
    const n = helsinki.nowcast;
    expect(n.radarTime).toBe("2016-09-28T17:55:00.000Z");
    expect(n).toMatchObject({ model: "optical-flow", backend: "embedded", location: { name: "Helsinki" } });
    expect(n.series.map((p) => p.minutes)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
    expect(n.series[0]!.time).toBe(n.radarTime);
    for (const point of n.series) {
      // Helsinki is inside the composite: every lead has a value; a dry one has no finite dBZ.
      expect(point.mmPerHour).not.toBeNull();
      expect(point.dbz === null).toBe(point.mmPerHour === 0);
    }
    expect(n.frames.observed).toHaveLength(12);
    expect(n.frames.observed[0]!.time).toBe("2016-09-28T17:00:00.000Z");
    expect(n.frames.forecast).toHaveLength(12);
    expect(n.frames.forecast[11]!.time).toBe("2016-09-28T18:55:00.000Z");
    expect(n.animation.frames).toBe(24);
    expect(typeof n.events.summary).toBe("string");
    // The chance of rain per 5 minutes: the deterministic model's neighbourhood probability.
    expect(n.chance.method).toBe("neighbourhood");
    expect(n.chance.series.map((p) => p.minutes)).toEqual(n.series.map((p) => p.minutes));
    for (const p of n.chance.series) expect(p.chanceOfRain! >= 0 && p.chanceOfRain! <= 1).toBe(true);
    expect(await nowcastCount(n.location.id)).toBe(1);
  });

  it("says one sentence that agrees with the series, in the zone asked for", async () => {
    const n = helsinki.nowcast;
    const wet = n.series.some((p) => (p.mmPerHour ?? 0) >= 0.1);
    // Real radar of 28 Sep 2016: rain at Helsinki in the hour (the map's 0.1-1 mm/h blues).
    expect(wet).toBe(true);
    // On the live clock (this test config's) the 2016 nowcast's hour is long over, and it says so.
    expect(helsinki.summary.text).toBe("Out of date: the hour this forecast covered is over.");
    // On the replay clock (`npm start`'s), now is the newest frame: the hour ahead is forecast.
    const app = createApp();
    const replayEnv = { ...env, NOWCAST_CLOCK: "latest-frame" };
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
    const replayed = async (query: string) => {
      const res = await app.request(`/api/nowcast?${query}`, auth, replayEnv, ctx);
      return { res, body: res.ok ? ((await res.json()) as NowcastBody) : null };
    };
    const atRadarTime = (await replayed("place=Helsinki")).body!;
    expect(atRadarTime.summary.timeZone).toBeNull();
    expect(atRadarTime.summary.text).not.toMatch(/^No rain|Out of date|next 0 min/);
    expect(atRadarTime.summary.text).toMatch(/drizzle|rain/);
    const { res, body } = await replayed("place=Helsnki&tz=Europe%2FHelsinki");
    expect(res.status).toBe(200);
    expect(body!.query).toMatchObject({ place: "Helsnki", matchedPlace: "Helsinki" });
    expect(body!.summary.timeZone).toBe("Europe/Helsinki");
    // 17:55 UTC is 20:55 in Helsinki: clock times there, none in UTC.
    for (const time of body!.summary.text.match(/\d\d:\d\d/g) ?? []) expect(time).toMatch(/^2[01]:/);
    const bad = await call("/api/nowcast?place=Helsinki&tz=Mars%2FOlympus", auth);
    expect(bad.status).toBe(400);
    expect(await nowcastCount(n.location.id)).toBe(1);
    expect(await env.CACHE.get(`nowcast:location:${n.location.id}:optical-flow`)).toContain(n.id);
  });

  it("serves the cached nowcast on a hit, with Age", async () => {
    const { res, body } = await nowcast("place=Helsinki");
    expect(res.headers.get("x-cache")).toBe("HIT");
    // Age is there, a whole number of seconds, and the body says the same.
    expect(res.headers.get("age")).toMatch(/^\d+$/);
    expect(body!.cache.ageSeconds).toBe(Number(res.headers.get("age")));
    expect(res.headers.get("x-radar-time")).toBe(helsinki.nowcast.radarTime);
    expect(body!.cache.status).toBe("HIT");
    expect(body!.nowcast.id).toBe(helsinki.nowcast.id);
    expect(await nowcastCount(helsinki.nowcast.location.id)).toBe(1);
  });

  it("a position within the radius is served by the nearest cached location, naming it and its distance", async () => {
    // About 4.8 km north-east of Helsinki's centre.
    const { res, body } = await nowcast("lat=60.2057&lon=24.9985");
    expect(res.headers.get("x-cache")).toBe("HIT");
    expect(body!.servedBy.locationId).toBe(helsinki.nowcast.location.id);
    expect(body!.servedBy.distanceKm).toBeGreaterThan(4);
    expect(body!.servedBy.distanceKm).toBeLessThan(6);
    expect(body!.query).toEqual({ lat: 60.2057, lon: 24.9985, place: null, matchedPlace: null });
  });

  it("a position outside the radius gets a location of its own", async () => {
    // Porvoo, ~45 km east of Helsinki.
    const { res, body } = await nowcast("lat=60.3923&lon=25.6651");
    expect(res.headers.get("x-cache")).toBe("MISS");
    expect(body!.servedBy.locationId).not.toBe(helsinki.nowcast.location.id);
    expect(body!.servedBy.name).toBe("Porvoo");
  });

  it("the radius is configurable", async () => {
    const app = createApp();
    // Espoo is ~16 km from Helsinki: outside the default 10 km, inside a 20 km radius.
    const res = await app.request("/api/nowcast?lat=60.2052&lon=24.6522", auth, { ...env, NOWCAST_RADIUS_KM: "20" }, {
      waitUntil: () => {},
      passThroughOnException: () => {},
      props: {},
    } as unknown as ExecutionContext);
    expect(res.status).toBe(200);
    expect(((await res.json()) as NowcastBody).servedBy.locationId).toBe(helsinki.nowcast.location.id);
  });

  it("fresh=1 on a nowcast already made from the newest frame serves it: no model run, nothing rewritten", async () => {
    const { res, body } = await nowcast("place=Helsinki&fresh=1");
    expect(res.headers.get("x-cache")).toBe("HIT");
    expect(body!.cache.reason).toBe("current");
    expect(body!.nowcast.id).toBe(helsinki.nowcast.id);
    expect(await nowcastCount(helsinki.nowcast.location.id)).toBe(1);
  });

  it("a nowcast one frame older than the newest radar frame is served STALE while it is recomputed", async () => {
    // A place of its own, so Helsinki's nowcast stays the one the other tests read.
    await pinNewestFrame("201609281750");
    await nowcast("place=Oulu");
    await pinNewestFrame("201609281755");
    const stale = await nowcast("place=Oulu");
    expect(stale.res.headers.get("x-cache")).toBe("STALE");
    expect(stale.body!.cache.reason).toBe("revalidating");
    expect(stale.body!.nowcast.radarTime).toBe("2016-09-28T17:50:00.000Z");
    const hit = await until(async () => {
      const next = await nowcast("place=Oulu");
      return next.res.headers.get("x-cache") === "HIT" && next;
    }, "the recomputed nowcast");
    expect(hit.body!.nowcast.radarTime).toBe("2016-09-28T17:55:00.000Z");
    // fresh=1 now: current, the same nowcast.
    const fresh = await nowcast("place=Oulu&fresh=1");
    expect(fresh.body!.nowcast.id).toBe(hit.body!.nowcast.id);
  });
});

describe("nowcast images", () => {
  it("frames are 256 x 256 PNGs, the animation a GIF of the observed then the forecast hour", async () => {
    const { body } = await nowcast("place=Helsinki");
    const png = await call(body!.nowcast.frames.forecast[5]!.url, auth);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    const image = decodePng(new Uint8Array(await png.arrayBuffer()));
    expect([image.width, image.height]).toEqual([256, 256]);

    const gif = await call(body!.nowcast.animation.url, auth);
    expect(gif.headers.get("content-type")).toBe("image/gif");
    const reader = new GifReader(new Uint8Array(await gif.arrayBuffer()));
    expect([reader.width, reader.height, reader.numFrames()]).toEqual([256, 256, 24]);
    expect(reader.loopCount()).toBe(0);
  });

  it("the legend is there as data and as an image", async () => {
    const legend = (await (await call("/api/radar/legend", auth)).json()) as { unit: string; steps: { fromMmPerHour: number }[] };
    expect(legend.unit).toBe("mm/h");
    expect(legend.steps[0]!.fromMmPerHour).toBe(0.1);
    const image = await call("/api/radar/legend.png", auth);
    expect(decodePng(new Uint8Array(await image.arrayBuffer())).width).toBeGreaterThan(0);
  });

  it("404 for an image that does not exist, 400 for a malformed name", async () => {
    expect((await call(`/api/nowcasts/${crypto.randomUUID()}/animation.gif`, auth)).status).toBe(404);
    expect((await call(`/api/nowcasts/${crypto.randomUUID()}/secrets.txt`, auth)).status).toBe(400);
    expect((await call(`/api/nowcasts/not-a-uuid/animation.gif`, auth)).status).toBe(400);
  });
});

describe("bad input is refused and nothing is cached", () => {
  const cases: [string, number, string][] = [
    ["lat=91&lon=25", 400, "invalid_request"],
    ["lat=60&lon=-181", 400, "invalid_request"],
    ["lat=abc&lon=25", 400, "invalid_request"],
    ["lat=&lon=25", 400, "invalid_request"],
    ["lat=60.2", 400, "invalid_request"],
    ["lat=60.2&lon=25&place=Helsinki", 400, "invalid_request"],
    ["", 400, "invalid_request"],
    ["fresh=maybe&place=Helsinki", 400, "invalid_request"],
    ["place=Qqzzyxw", 404, "unknown_place"],
    ["place=London", 422, "outside_coverage"],
    ["lat=40.4&lon=-3.7", 422, "outside_coverage"],
  ];
  for (const [query, status, code] of cases) {
    it(`${query || "(no query)"} -> ${status} ${code}`, async () => {
      const locationsBefore = (await db().select({ n: count() }).from(locations))[0]!.n;
      const kvBefore = (await env.CACHE.list({ prefix: "nowcast:" })).keys.length;
      const res = await call(`/api/nowcast?${query}`, auth);
      expect(res.status).toBe(status);
      expect((await errorOf(res)).code).toBe(code);
      expect((await db().select({ n: count() }).from(locations))[0]!.n).toBe(locationsBefore);
      expect((await env.CACHE.list({ prefix: "nowcast:" })).keys.length).toBe(kvBefore);
    });
  }

  it("401 without a token", async () => {
    expect((await call("/api/nowcast?place=Helsinki")).status).toBe(401);
  });
});
