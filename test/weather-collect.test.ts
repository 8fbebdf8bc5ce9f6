// Collection against the local replay server (Open-Meteo's and the NWS's exact
// response shapes): fetch, raw landing in R2, normalization into D1, counters,
// and every failure path (provider errors, timeouts, malformed JSON, missing
// fields, implausible values, duplicates), through the queue consumer and the cron.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { weatherCities, weatherFetches, weatherObservations, type WeatherCity } from "../worker/db/schema";
import type { Env } from "../worker/env";
import { consumeJobs } from "../worker/jobs/queue";
import { runCron } from "../worker/jobs/cron";
import { ensureWeatherReferenceData } from "../worker/weather/cities";
import { retryDelaySeconds, workloads } from "../worker/jobs/queues";
import { collectCity } from "../worker/weather/collect";
import { CRON_WEATHER_COLLECT } from "../worker/weather/cron";
import { parseOpenMeteo } from "../worker/weather/providers/open-meteo";
import { bearer, call, createUser, db, errorOf, tokenFor } from "./support/helpers";

const REPLAY = env.OPEN_METEO_URL;
let unitSetId: number;
let seattle: WeatherCity;
let helsinki: WeatherCity;
let adminToken: string;

/** A replay scenario of its own: a fixed clock and failures to serve, in order. */
async function scenario(id: string, options: { now: string; fail?: string[] }): Promise<Env> {
  const res = await fetch(`${REPLAY}/__control/${id}`, { method: "POST", body: JSON.stringify(options) });
  if (!res.ok) throw new Error(`replay control: ${res.status} ${await res.text()}`);
  return { ...env, OPEN_METEO_URL: `${REPLAY}/s/${id}`, NWS_URL: `${REPLAY}/s/${id}` };
}

async function requestsSeen(id: string): Promise<number> {
  return ((await (await fetch(`${REPLAY}/__control/${id}`)).json()) as { requests: number }).requests;
}

async function observationsOf(city: WeatherCity) {
  return db().select().from(weatherObservations).where(eq(weatherObservations.cityId, city.id));
}

async function fetchesOf(city: WeatherCity) {
  return db().select().from(weatherFetches).where(eq(weatherFetches.cityId, city.id)).orderBy(weatherFetches.attemptedAt);
}

beforeAll(async () => {
  unitSetId = await ensureWeatherReferenceData(db());
  const cities = await db().select().from(weatherCities);
  seattle = cities.find((c) => c.slug === "seattle")!;
  helsinki = cities.find((c) => c.slug === "helsinki")!;
  adminToken = await tokenFor(await createUser("collect-admin@example.com", "collect admin pw", "admin"));
});

describe("collecting a city from Open-Meteo (replay)", () => {
  it("lands the raw response unchanged, stores one observation in canonical units, and counts it", async () => {
    const e = await scenario("stored", { now: "2026-07-14T21:07:00Z" });
    const outcome = await collectCity(e, db(), unitSetId, seattle);
    expect(outcome).toMatchObject({ city: "seattle", outcome: "stored", retry: false, httpStatus: 200, inserted: 1 });
    // Partitioned by source, date and city.
    expect(outcome.rawKey).toMatch(/^weather\/raw\/source=open-meteo\/date=\d{4}-\d{2}-\d{2}\/city=seattle\/\d{8}T\d{9}Z-[0-9a-f]{8}\.json$/);

    // The landing holds exactly the bytes the provider sent.
    const landed = await env.FRAMES.get(outcome.rawKey!);
    const direct = await (
      await fetch(`${REPLAY}/s/stored/v1/forecast?latitude=47.6062&longitude=-122.3321&current=temperature_2m,relative_humidity_2m,precipitation,weather_code,wind_speed_10m&timezone=auto`)
    ).text();
    expect(await landed!.text()).toBe(direct);
    expect(landed!.customMetadata).toMatchObject({ source: "open-meteo", city: "seattle" });

    const payload = JSON.parse(direct) as { utc_offset_seconds: number; current: Record<string, number | string> };
    expect(payload.current.time).toBe("2026-07-14T14:00"); // 21:00 UTC, PDT
    const [row] = await observationsOf(seattle);
    expect(row).toMatchObject({
      observedAt: new Date("2026-07-14T21:00:00Z"),
      utcOffsetSeconds: -7 * 3600,
      intervalSeconds: 900,
      source: "open-meteo",
      unitSetId,
      temperature: payload.current.temperature_2m,
      temperatureMin: null,
      relativeHumidity: payload.current.relative_humidity_2m,
      precipitation: payload.current.precipitation,
      weatherCode: payload.current.weather_code,
      rawKey: outcome.rawKey,
    });
    // km/h from the provider, m/s in the table.
    expect(row!.windSpeed).toBeCloseTo(Number(payload.current.wind_speed_10m) / 3.6, 3);
    // A July afternoon in Seattle, from the 2014 NOAA record of that day.
    expect(row!.temperature).toBeGreaterThan(15);
    expect(row!.temperature).toBeLessThan(35);

    const fetches = await fetchesOf(seattle);
    expect(fetches.map((f) => f.outcome)).toEqual(["stored"]);
    expect(fetches[0]!.rawKey).toBe(outcome.rawKey);
  });

  it("counts a second response for the same observation time as a duplicate, and writes nothing twice", async () => {
    const e = await scenario("dup", { now: "2026-07-15T10:05:00Z" });
    const before = (await observationsOf(seattle)).length;
    const first = await collectCity(e, db(), unitSetId, seattle);
    const second = await collectCity(e, db(), unitSetId, seattle);
    expect(first.outcome).toBe("stored");
    expect(second).toMatchObject({ outcome: "duplicate", retry: false, inserted: 0, message: "observation time already stored" });
    expect(second.rawKey).not.toBe(first.rawKey);
    expect(await env.FRAMES.head(second.rawKey!)).not.toBeNull(); // every response is landed
    expect((await observationsOf(seattle)).length).toBe(before + 1);
    const outcomes = (await fetchesOf(seattle)).map((f) => f.outcome);
    expect(outcomes.slice(-2)).toEqual(["stored", "duplicate"]);
  });

  it("converts other units the provider may answer in", async () => {
    const base = `${REPLAY}/s/units/v1/forecast?latitude=60.1699&longitude=24.9384&current=temperature_2m,relative_humidity_2m,precipitation,weather_code,wind_speed_10m&timezone=auto`;
    await scenario("units", { now: "2026-01-20T12:00:00Z" });
    const metric = parseOpenMeteo(await (await fetch(base)).text(), helsinki)[0]!;
    const imperial = parseOpenMeteo(
      await (await fetch(`${base}&temperature_unit=fahrenheit&wind_speed_unit=mph&precipitation_unit=inch`)).text(),
      helsinki,
    )[0]!;
    expect(imperial.observedAt).toBe(metric.observedAt);
    expect(imperial.temperature!).toBeCloseTo(metric.temperature!, 0);
    expect(imperial.windSpeed!).toBeCloseTo(metric.windSpeed!, 1);
    // A January noon in Helsinki is below freezing more often than not; the normals say about -1 °C.
    expect(metric.temperature!).toBeGreaterThan(-8);
    expect(metric.temperature!).toBeLessThan(4);
  });
});

describe("from collection to statistics", () => {
  it("turns a day of hourly collections into that local day's statistics", async () => {
    const madrid = (await db().select().from(weatherCities).where(eq(weatherCities.slug, "madrid")).get())!;
    // 00:05 to 23:05 local time in Madrid (UTC+2 in June) on 2026-06-10.
    for (let h = 0; h < 24; h++) {
      const e = await scenario("madrid-day", { now: new Date(Date.UTC(2026, 5, 9, 22 + h, 5)).toISOString() });
      expect((await collectCity(e, db(), unitSetId, madrid)).outcome).toBe("stored");
    }
    const rows = (await observationsOf(madrid)).filter((o) => o.rawKey.includes("source=open-meteo"));
    expect(rows).toHaveLength(24);
    const values = (key: "temperature" | "precipitation" | "windSpeed" | "relativeHumidity") => rows.map((r) => r[key]!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

    const res = await call("/api/weather/stats/daily?from=2026-06-10&to=2026-06-10&city=madrid");
    const { days } = (await res.json()) as { days: Record<string, number | string | null>[] };
    expect(days).toHaveLength(1);
    const day = days[0]!;
    expect(day).toMatchObject({ city: "madrid", date: "2026-06-10", observations: 24 });
    expect(day.temperatureMean).toBeCloseTo(mean(values("temperature")), 2);
    expect(day.temperatureMin).toBe(Math.min(...values("temperature")));
    expect(day.temperatureMax).toBe(Math.max(...values("temperature")));
    // Each sample is a 15-minute amount: the day's total is estimated from their mean rate.
    expect(day.precipitationSum).toBeCloseTo(mean(values("precipitation")) * 96, 2);
    expect(day.windSpeedMean).toBeCloseTo(mean(values("windSpeed")), 2);
    expect(day.relativeHumidityMean).toBeCloseTo(mean(values("relativeHumidity")), 2);
    // (The replay server's own climate is not checked here: that would test the fake, not the Worker.)
  });
});

describe("bad input from the provider: logged, counted, retried, nothing half-written", () => {
  const cases: { mode: string; outcome: string; httpStatus: number | null; retry: boolean; landed: boolean; message: RegExp }[] = [
    { mode: "http_500", outcome: "http_error", httpStatus: 500, retry: true, landed: false, message: /^HTTP 500: Internal Server Error$/ },
    { mode: "http_503", outcome: "http_error", httpStatus: 503, retry: true, landed: false, message: /^HTTP 503: <html>/ },
    { mode: "http_429", outcome: "http_error", httpStatus: 429, retry: true, landed: false, message: /request limit exceeded/ },
    { mode: "http_400", outcome: "http_error", httpStatus: 400, retry: false, landed: false, message: /^HTTP 400: / },
    { mode: "timeout", outcome: "timeout", httpStatus: null, retry: true, landed: false, message: /^no complete response within 1000 ms$/ },
    { mode: "malformed_json", outcome: "malformed_json", httpStatus: 200, retry: true, landed: true, message: /^response is not JSON/ },
    { mode: "missing_fields", outcome: "invalid_payload", httpStatus: 200, retry: true, landed: true, message: /^current\.temperature_2m: / },
    { mode: "implausible", outcome: "invalid_payload", httpStatus: 200, retry: true, landed: true, message: /^implausible temperature 412\.5 °C$/ },
  ];

  cases.forEach((c, i) => {
    it(`${c.mode}: ${c.outcome}, ${c.retry ? "retried" : "not retried"}`, async () => {
      const id = `fail-${c.mode}`;
      // A quarter hour of its own, so the good answer after the failure is new.
      const e = await scenario(id, { now: new Date(Date.UTC(2026, 2, 1, 6, 15 * i)).toISOString(), fail: [c.mode] });
      const before = (await observationsOf(helsinki)).length;
      const outcome = await collectCity(e, db(), unitSetId, helsinki);
      expect(outcome).toMatchObject({ outcome: c.outcome, retry: c.retry, httpStatus: c.httpStatus, inserted: 0 });
      expect(outcome.message).toMatch(c.message);
      expect((await observationsOf(helsinki)).length).toBe(before);
      if (c.landed) expect(await env.FRAMES.head(outcome.rawKey!)).not.toBeNull();
      else expect(outcome.rawKey).toBeNull();
      const last = (await fetchesOf(helsinki)).at(-1)!;
      expect(last).toMatchObject({ outcome: c.outcome, httpStatus: c.httpStatus, provider: "open-meteo" });
      expect(last.message).toMatch(c.message);

      // The retry gets the provider's next, good answer.
      const again = await collectCity(e, db(), unitSetId, helsinki, 2);
      expect(again.outcome).toBe("stored");
      expect(await requestsSeen(id)).toBe(2);
    }, 10_000);
  });

  it("a dropped connection is a network error, retried", async () => {
    const e = await scenario("reset", { now: "2026-03-02T06:00:00Z", fail: ["reset"] });
    const outcome = await collectCity(e, db(), unitSetId, helsinki);
    expect(outcome).toMatchObject({ outcome: "network_error", retry: true, httpStatus: null, rawKey: null });
    expect((await fetchesOf(helsinki)).at(-1)).toMatchObject({ outcome: "network_error" });
    expect((await collectCity(e, db(), unitSetId, helsinki, 2)).outcome).toBe("stored");
  });

  it("counts every outcome at /api/weather/collection, publicly", async () => {
    const res = await call("/api/weather/collection");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; outcomes: Record<string, number>; cities: { city: string; outcomes: Record<string, number> }[] };
    expect(body.outcomes).toMatchObject({ http_error: 4, timeout: 1, malformed_json: 1, invalid_payload: 2, network_error: 1, duplicate: 1 });
    expect(body.outcomes.stored).toBeGreaterThanOrEqual(34);
    expect(body.total).toBe(Object.values(body.outcomes).reduce((a, b) => a + b, 0));
    expect(body.cities.find((c) => c.city === "helsinki")?.outcomes.timeout).toBe(1);
    const none = await call("/api/weather/collection?from=2000-01-01&to=2000-01-02");
    expect(((await none.json()) as { total: number }).total).toBe(0);
  });
});

describe("the queue consumer and the 20-minute cron", () => {
  it("acks handled messages and retries failed ones, each on its own", async () => {
    const e = await scenario("queue", { now: "2026-08-01T12:10:00Z", fail: ["http_500"] });
    // Madrid's first attempt meets a 500 and is retried; the second is stored. An unknown city is acked, a body
    // that is no weather.collect job is refused by the shared consumer and retried.
    const madrid = (await db().select().from(weatherCities).where(eq(weatherCities.slug, "madrid")).get())!;
    const batch = createMessageBatch(workloads.weather.queue, [
      { id: "m-1", timestamp: new Date(), attempts: 1, body: { kind: "weather.collect", cityId: madrid.id, scheduledAt: Date.now() } },
    ]);
    const ctx = createExecutionContext();
    await consumeJobs(batch, e, ctx);
    const failed = await getQueueResult(batch, ctx);
    expect(failed.retryMessages.map((m) => m.msgId)).toEqual(["m-1"]);
    expect(failed.explicitAcks).toEqual([]);

    const retried = createMessageBatch(workloads.weather.queue, [
      { id: "m-2", timestamp: new Date(), attempts: 2, body: { kind: "weather.collect", cityId: madrid.id, scheduledAt: Date.now() } },
      { id: "m-3", timestamp: new Date(), attempts: 1, body: { kind: "weather.collect", cityId: 999_999, scheduledAt: Date.now() } },
      { id: "m-4", timestamp: new Date(), attempts: 1, body: { kind: "weather.collect", cityId: "madrid" } },
    ]);
    const ctx2 = createExecutionContext();
    await consumeJobs(retried, e, ctx2);
    const result = await getQueueResult(retried, ctx2);
    expect(result.explicitAcks.sort()).toEqual(["m-2", "m-3"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m-4"]);
    const fetches = (await fetchesOf(madrid)).slice(-2);
    expect(fetches.map((f) => [f.attempt, f.outcome])).toEqual([
      [1, "http_error"],
      [2, "stored"],
    ]);
  });

  it("retries a message whose raw response could not be landed, and writes no row", async () => {
    const e = await scenario("r2-down", { now: "2026-08-02T12:10:00Z" });
    const brokenR2 = {
      put: () => {
        throw new Error("R2 is unreachable");
      },
    } as unknown as R2Bucket;
    const before = (await observationsOf(helsinki)).length;
    const batch = createMessageBatch(workloads.weather.queue, [
      { id: "r-1", timestamp: new Date(), attempts: 3, body: { kind: "weather.collect", cityId: helsinki.id, scheduledAt: Date.now() } },
    ]);
    const ctx = createExecutionContext();
    await consumeJobs(batch, { ...e, FRAMES: brokenR2 }, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["r-1"]);
    expect(result.explicitAcks).toEqual([]);
    expect((await observationsOf(helsinki)).length).toBe(before);
  });

  it("backs off 30 s, 60 s, 120 s ... up to 15 minutes between attempts", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((attempts) => retryDelaySeconds(workloads.weather.retry, attempts))).toEqual([30, 60, 120, 240, 480, 900, 900]);
  });

  it("the cron queues one weather.collect job per active city", async () => {
    // The real queue, with the bodies it is given written down.
    const sent: unknown[] = [];
    const jobs = {
      send: (body: unknown, options?: QueueSendOptions) => env.WEATHER_QUEUE.send(body, options),
      sendBatch: (messages: Iterable<MessageSendRequest<unknown>>, options?: QueueSendBatchOptions) => {
        const list = [...messages];
        sent.push(...list.map((m) => m.body));
        return env.WEATHER_QUEUE.sendBatch(list, options);
      },
    } as unknown as Queue<unknown>;
    const at = new Date("2026-08-01T12:20:00Z");
    await runCron(CRON_WEATHER_COLLECT, at, { ...env, WEATHER_QUEUE: jobs });
    const active = await db().select({ id: weatherCities.id }).from(weatherCities).where(eq(weatherCities.active, true));
    expect(sent).toHaveLength(active.length);
    expect(sent).toEqual(expect.arrayContaining(active.map((c) => ({ kind: "weather.collect", cityId: c.id, scheduledAt: at.getTime() }))));
  });
});

describe("cities: admin adds and removes, everyone reads", () => {
  const post = (body: unknown, token = adminToken) =>
    call("/api/admin/weather/cities", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("documents the weather routes in the OpenAPI document: reads public, changes behind the token", async () => {
    const doc = (await (await call("/api/openapi.json")).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    for (const path of ["/api/weather/cities", "/api/weather/stats/daily", "/api/weather/stats/daily.csv", "/api/weather/stats/summary", "/api/weather/classifier"]) {
      expect(doc.paths[path]?.get?.security, path).toEqual([]);
    }
    expect(doc.paths["/api/admin/weather/cities"]?.post?.security).toBeUndefined();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/admin/weather/cities/{slug}", "/api/admin/weather/replay", "/api/admin/weather/collect"]));
  });

  it("lists the default cities without a token", async () => {
    const res = await call("/api/weather/cities");
    expect(res.status).toBe(200);
    const { cities } = (await res.json()) as { cities: { slug: string; provider: string }[] };
    expect(cities.map((c) => c.slug)).toEqual(["helsinki", "madrid", "new-york", "seattle"]);
  });

  it("adds a city collected from the NWS; values arrive converted from km/h", async () => {
    const res = await post({ name: "Seattle (NWS)", slug: "seattle-nws", country: "us", latitude: 47.4447, longitude: -122.3136, timezone: "America/Los_Angeles", provider: "nws", station: "KSEA" });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: "created", city: { slug: "seattle-nws", country: "US", provider: "nws", station: "KSEA", active: true } });
    const city = (await db().select().from(weatherCities).where(eq(weatherCities.slug, "seattle-nws")).get())!;
    const e = await scenario("nws", { now: "2026-02-02T18:30:00Z" });
    const outcome = await collectCity(e, db(), unitSetId, city);
    expect(outcome).toMatchObject({ outcome: "stored", httpStatus: 200 });
    expect(outcome.rawKey).toContain("source=nws/");
    const raw = JSON.parse(await (await env.FRAMES.get(outcome.rawKey!))!.text()) as { properties: { timestamp: string; windSpeed: { value: number } } };
    const [row] = await observationsOf(city);
    expect(row!.observedAt.toISOString()).toBe("2026-02-02T17:53:00.000Z");
    expect(raw.properties.timestamp).toBe("2026-02-02T17:53:00+00:00");
    expect(row!.windSpeed).toBeCloseTo(raw.properties.windSpeed.value / 3.6, 3);
    expect(row).toMatchObject({ intervalSeconds: 3600, utcOffsetSeconds: -8 * 3600, weatherCode: null, source: "nws" });

    const missing = await collectCity(await scenario("nws-missing", { now: "2026-02-02T18:30:00Z", fail: ["missing_fields"] }), db(), unitSetId, city);
    expect(missing).toMatchObject({ outcome: "invalid_payload", retry: true });
    expect(missing.message).toMatch(/^properties\.temperature: /);
  });

  it("400 for an invalid city, 409 for a slug in use, 401 without a token, 403 without the admin role", async () => {
    const bad = await post({ name: "Nowhere", latitude: 95, longitude: 0, timezone: "Mars/Olympus" });
    expect(bad.status).toBe(400);
    const error = await errorOf(bad);
    expect(error.code).toBe("invalid_request");
    expect(error.message).toContain("latitude");
    expect(error.message).toContain("timezone: not an IANA time zone");
    const noStation = await post({ name: "Boise", latitude: 43.6, longitude: -116.2, timezone: "America/Boise", provider: "nws" });
    expect(await errorOf(noStation)).toEqual({ code: "invalid_request", message: "station: the nws provider needs a station" });
    const taken = await post({ name: "Seattle", latitude: 47.6, longitude: -122.3, timezone: "America/Los_Angeles" });
    expect(taken.status).toBe(409);
    expect((await errorOf(taken)).code).toBe("city_exists");
    expect((await call("/api/admin/weather/cities", { method: "POST" })).status).toBe(401);
    const userToken = await tokenFor(await createUser("collect-user@example.com", "collect user pw"));
    expect((await post({ name: "Oslo", latitude: 59.9, longitude: 10.7, timezone: "Europe/Oslo" }, userToken)).status).toBe(403);
  });

  it("removes a city: it is no longer collected but keeps its history, and can come back", async () => {
    const added = await post({ name: "Oslo", latitude: 59.9139, longitude: 10.7522, timezone: "Europe/Oslo", country: "NO" });
    expect(added.status).toBe(201);
    const oslo = (await db().select().from(weatherCities).where(eq(weatherCities.slug, "oslo")).get())!;
    expect((await collectCity(await scenario("oslo", { now: "2026-04-04T04:04:00Z" }), db(), unitSetId, oslo)).outcome).toBe("stored");

    const removed = await call("/api/admin/weather/cities/oslo", { method: "DELETE", ...bearer(adminToken) });
    expect(removed.status).toBe(204);
    const again = await call("/api/admin/weather/cities/oslo", { method: "DELETE", ...bearer(adminToken) });
    expect(again.status).toBe(404);
    const list = (await (await call("/api/weather/cities")).json()) as { cities: { slug: string }[] };
    expect(list.cities.map((c) => c.slug)).not.toContain("oslo");
    const all = (await (await call("/api/weather/cities?all=true")).json()) as { cities: { slug: string; active: boolean }[] };
    expect(all.cities.find((c) => c.slug === "oslo")).toMatchObject({ active: false });
    // History stays in the statistics.
    const stats = (await (await call("/api/weather/stats/daily?city=oslo")).json()) as { days: { observations: number }[] };
    expect(stats.days).toEqual([expect.objectContaining({ city: "oslo", date: "2026-04-04", observations: 1 })]);
    // A queued job for a removed city is acked without fetching.
    const batch = createMessageBatch(workloads.weather.queue, [
      { id: "o-1", timestamp: new Date(), attempts: 1, body: { kind: "weather.collect", cityId: oslo.id, scheduledAt: Date.now() } },
    ]);
    const ctx = createExecutionContext();
    await consumeJobs(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["o-1"]);
    expect((await fetchesOf(oslo)).length).toBe(1);

    const back = await post({ name: "Oslo", latitude: 59.9139, longitude: 10.7522, timezone: "Europe/Oslo" });
    expect(await back.json()).toMatchObject({ status: "reactivated", city: { slug: "oslo", active: true, removedAt: null } });
  });

  it("collects every active city at once on the admin action, from the replay server's live clock", async () => {
    const res = await call("/api/admin/weather/collect", { method: "POST", ...bearer(adminToken) });
    expect(res.status).toBe(200);
    const { outcomes } = (await res.json()) as { outcomes: { city: string; outcome: string }[] };
    const active = await db().select({ slug: weatherCities.slug }).from(weatherCities).where(eq(weatherCities.active, true));
    expect(outcomes.map((o) => o.city).sort()).toEqual(active.map((c) => c.slug).sort());
    for (const o of outcomes) expect(["stored", "duplicate"]).toContain(o.outcome);
    const today = await db().get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM weather_observations WHERE observed_at > ${Date.now() - 3_600_000}`);
    expect(today!.n).toBeGreaterThanOrEqual(active.length);
  });
});
