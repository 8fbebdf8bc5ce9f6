/// <reference types="vite/client" />
// The shipped real data set (vega-datasets' weather.csv: daily NOAA records of
// Seattle and New York, 2012-2015) through the same landing and normalization
// path as collection, then statistics, CSV, replay and the classifier on it.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import weatherCsv from "../node_modules/vega-datasets/data/weather.csv?raw";
import { weatherObservations } from "../worker/db/schema";
import { runCron } from "../worker/jobs/cron";
import { evaluateClassifier } from "../worker/weather/classifier";
import { CRON_WEATHER_CLASSIFIER } from "../worker/weather/cron";
import { importVegaHistory } from "../worker/weather/history";
import { RAW_PREFIX } from "../worker/weather/landing";
import { PayloadError } from "../worker/weather/providers";
import { bearer, call, createUser, db, errorOf, tokenFor } from "./support/helpers";

interface CsvRow {
  location: string;
  date: string;
  precipitation: number;
  temp_max: number;
  temp_min: number;
  wind: number;
  weather: string;
}

// An independent reading of the file, to check the tables against.
const csvRows: CsvRow[] = weatherCsv
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [location, date, precipitation, temp_max, temp_min, wind, weather] = line.split(",");
    return { location: location!, date: date!, precipitation: +precipitation!, temp_max: +temp_max!, temp_min: +temp_min!, wind: +wind!, weather: weather! };
  });

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const slugOf = (location: string) => (location === "New York" ? "new-york" : "seattle");

let adminToken: string;
let userToken: string;

beforeAll(async () => {
  const result = await importVegaHistory(env, weatherCsv);
  expect(result).toMatchObject({ skipped: false, records: 2922, inserted: 2922, duplicates: 0 });
  adminToken = await tokenFor(await createUser("weather-admin@example.com", "weather admin pw", "admin"));
  userToken = await tokenFor(await createUser("weather-user@example.com", "weather user pw"));
}, 60_000);

describe("the real data set through the normalization path", () => {
  it("lands the file's lines unchanged in R2, one slice per city and month", async () => {
    const listed = await env.FRAMES.list({ prefix: `${RAW_PREFIX}source=vega-datasets/` });
    expect(listed.objects).toHaveLength(96); // 2 cities x 48 months
    const key = `${RAW_PREFIX}source=vega-datasets/date=2012-01-01/city=seattle/weather.csv`;
    const object = await env.FRAMES.get(key);
    expect(object?.customMetadata).toMatchObject({ source: "vega-datasets", city: "seattle" });
    const lines = (await object!.text()).trim().split("\n");
    const source = weatherCsv.split("\n");
    expect(lines[0]).toBe(source[0]);
    expect(lines.slice(1)).toEqual(source.filter((l) => l.startsWith("Seattle,2012-01-")));
  });

  it("stores one daily record per city and day, in canonical units, with the weather-code lookup", async () => {
    const rows = await db().all<{ slug: string; n: number; code: number | null; description: string | null }>(sql`
      SELECT c.slug, COUNT(*) AS n FROM weather_observations o JOIN weather_cities c ON c.id = o.city_id GROUP BY c.slug ORDER BY c.slug`);
    expect(rows).toEqual([
      { slug: "new-york", n: 1461 },
      { slug: "seattle", n: 1461 },
    ]);
    const first = await db().get<Record<string, unknown>>(sql`
      SELECT o.observed_at, o.utc_offset_seconds, o.interval_seconds, o.temperature, o.temperature_min, o.temperature_max,
             o.precipitation, o.wind_speed, o.relative_humidity, o.weather_code, k.description, u.temperature AS t_unit, u.wind_speed AS w_unit
      FROM weather_observations o JOIN weather_cities c ON c.id = o.city_id
      JOIN weather_codes k ON k.code = o.weather_code JOIN weather_unit_sets u ON u.id = o.unit_set_id
      WHERE c.slug = 'seattle' ORDER BY o.observed_at LIMIT 1`);
    // Seattle,2012-01-01,0.0,12.8,5.0,4.7,drizzle — local midnight in Los Angeles is 08:00 UTC.
    expect(first).toEqual({
      observed_at: Date.parse("2012-01-01T08:00:00Z"),
      utc_offset_seconds: -8 * 3600,
      interval_seconds: 86400,
      temperature: null,
      temperature_min: 5,
      temperature_max: 12.8,
      precipitation: 0,
      wind_speed: 4.7,
      relative_humidity: null,
      weather_code: 51,
      description: "Drizzle: light",
      t_unit: "°C",
      w_unit: "m/s",
    });
  });

  it("is idempotent: importing again is skipped, and forcing it only finds duplicates", async () => {
    expect(await importVegaHistory(env, weatherCsv)).toMatchObject({ skipped: true });
    expect(await importVegaHistory(env, weatherCsv, { force: true })).toMatchObject({ skipped: false, records: 2922, inserted: 0, duplicates: 2922 });
    const count = await db().select({ n: sql<number>`count(*)` }).from(weatherObservations).get();
    expect(count?.n).toBe(2922);
  });

  it("refuses a broken file whole: nothing is landed or written", async () => {
    const broken = weatherCsv
      .replace("Seattle,2012-01-03,0.8,11.7,7.2,2.3,rain", "Seattle,2012-01-03,0.8,11.7,7.2,2.3,rain\nSeattle,2016-01-01,0.0,12.0,5.0,2.0,sun")
      .replace("New York,2015-12-31,1.5,11.1,6.1,5.5,rain", "New York,2015-12-31,1.5,eleven,6.1,5.5,rain");
    const landed = `${RAW_PREFIX}source=vega-datasets/date=2016-01-01/city=seattle/weather.csv`;
    const error = await importVegaHistory(env, broken, { force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadError);
    expect((error as PayloadError).message).toMatch(/^line 2924: temp_max/);
    expect(await env.FRAMES.head(landed)).toBeNull();
    expect((await db().select({ n: sql<number>`count(*)` }).from(weatherObservations).get())?.n).toBe(2922);
  });
});

describe("statistics on the real data", () => {
  it("daily statistics match the file, day by day", async () => {
    const res = await call("/api/weather/stats/daily?from=2012-01-01&to=2012-01-31&city=seattle");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { units: Record<string, string>; days: Record<string, unknown>[] };
    expect(body.units).toEqual({ temperature: "°C", precipitation: "mm", windSpeed: "m/s", relativeHumidity: "%" });
    const expected = csvRows.filter((r) => r.location === "Seattle" && r.date.startsWith("2012-01-"));
    expect(body.days).toHaveLength(31);
    body.days.forEach((d, i) => {
      const r = expected[i]!;
      expect(d).toEqual({
        city: "seattle",
        cityName: "Seattle",
        date: r.date,
        temperatureMean: Math.round(((r.temp_min + r.temp_max) / 2) * 100) / 100,
        temperatureMin: r.temp_min,
        temperatureMax: r.temp_max,
        precipitationSum: r.precipitation,
        windSpeedMean: r.wind,
        relativeHumidityMean: null,
        observations: 1,
      });
    });
  });

  it("period averages per city match an independent computation over the file", async () => {
    const res = await call("/api/weather/stats/summary?from=2013-01-01&to=2013-12-31");
    expect(res.status).toBe(200);
    const { cities } = (await res.json()) as { cities: Record<string, number | string | null>[] };
    expect(cities.map((c) => c.city)).toEqual(["new-york", "seattle"]);
    for (const c of cities) {
      const rows = csvRows.filter((r) => slugOf(r.location) === c.city && r.date.startsWith("2013-"));
      expect(c.days).toBe(365);
      expect(c.firstDate).toBe("2013-01-01");
      expect(c.lastDate).toBe("2013-12-31");
      expect(c.temperatureMax).toBeCloseTo(mean(rows.map((r) => r.temp_max)), 2);
      expect(c.temperatureMin).toBeCloseTo(mean(rows.map((r) => r.temp_min)), 2);
      expect(c.temperatureMean).toBeCloseTo(mean(rows.map((r) => (r.temp_max + r.temp_min) / 2)), 2);
      expect(c.precipitationTotal).toBeCloseTo(rows.reduce((a, r) => a + r.precipitation, 0), 1);
      expect(c.windSpeedMean).toBeCloseTo(mean(rows.map((r) => r.wind)), 2);
      expect(c.relativeHumidityMean).toBeNull();
    }
    // Seattle is the wetter city in days with rain, New York the one with the hotter summers.
    const [ny, sea] = cities;
    expect(Number(ny!.temperatureMax)).toBeGreaterThan(Number(sea!.temperatureMax));
  });

  it("serves the same numbers as CSV downloads", async () => {
    const res = await call("/api/weather/stats/daily.csv?from=2015-12-30&to=2015-12-31");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="weather-daily-2015-12-30_2015-12-31.csv"');
    expect((await res.text()).split("\r\n")).toEqual([
      "city,city_name,date,temperature_mean_c,temperature_min_c,temperature_max_c,precipitation_sum_mm,wind_speed_mean_m_s,relative_humidity_mean_pct,observations",
      "new-york,New York,2015-12-30,7.8,5,10.6,9.4,3,,1",
      "seattle,Seattle,2015-12-30,2.3,-1,5.6,0,3.4,,1",
      "new-york,New York,2015-12-31,8.6,6.1,11.1,1.5,5.5,,1",
      "seattle,Seattle,2015-12-31,1.75,-2.1,5.6,0,3.5,,1",
      "",
    ]);
    const summary = await call("/api/weather/stats/summary.csv?city=seattle");
    const lines = (await summary.text()).trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^seattle,Seattle,2012-01-01,2015-12-31,1461,/);
  });

  it("reports coverage per year", async () => {
    const res = await call("/api/weather/coverage");
    expect(await res.json()).toEqual({
      firstDate: "2012-01-01",
      lastDate: "2015-12-31",
      years: [
        { year: 2012, days: 366, firstDate: "2012-01-01", lastDate: "2012-12-31" },
        { year: 2013, days: 365, firstDate: "2013-01-01", lastDate: "2013-12-31" },
        { year: 2014, days: 365, firstDate: "2014-01-01", lastDate: "2014-12-31" },
        { year: 2015, days: 365, firstDate: "2015-01-01", lastDate: "2015-12-31" },
      ],
    });
  });

  it("400 for invalid filters, in the error shape", async () => {
    for (const query of ["from=2015-13-01", "from=2015-02-01&to=2015-01-01", "city=Seattle", "to=yesterday"]) {
      const res = await call(`/api/weather/stats/daily?${query}`);
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).code).toBe("invalid_request");
    }
  });
});

describe("replaying the raw landing", () => {
  it("rebuilds the tables from R2 alone, page by page, to the same statistics", async () => {
    const before = await (await call("/api/weather/stats/summary")).json();
    let page = await call("/api/admin/weather/replay", {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ reset: true, limit: 60 }),
    });
    expect(page.status).toBe(200);
    let result = (await page.json()) as { objects: number; inserted: number; cursor: string | null; done: boolean };
    expect(result).toMatchObject({ objects: 60, done: false });
    expect((await db().select({ n: sql<number>`count(*)` }).from(weatherObservations).get())?.n).toBe(result.inserted);
    const total = result.inserted;
    page = await call("/api/admin/weather/replay", {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ cursor: result.cursor, limit: 60 }),
    });
    result = (await page.json()) as typeof result;
    expect(result).toMatchObject({ objects: 36, done: true, cursor: null });
    expect(total + result.inserted).toBe(2922);
    expect(await (await call("/api/weather/stats/summary")).json()).toEqual(before);
  });

  it("is admin-only", async () => {
    expect((await call("/api/admin/weather/replay", { method: "POST" })).status).toBe(401);
    const res = await call("/api/admin/weather/replay", { method: "POST", ...bearer(userToken) });
    expect(res.status).toBe(403);
  });
});

describe("the city classifier on the real data", () => {
  let cronRunAt: Date;
  it("beats the majority-class baseline under cross-validation", async () => {
    const result = await evaluateClassifier(db());
    expect(result.classes).toEqual([
      { city: "new-york", name: "New York", samples: 1461 },
      { city: "seattle", name: "Seattle", samples: 1461 },
    ]);
    expect(result.samples).toBe(2922);
    expect(result.baseline).toBeCloseTo(0.5, 1);
    expect(result.accuracy).toBeGreaterThan(result.baseline + 0.15);
    expect(result.foldAccuracies).toHaveLength(5);
    for (const a of result.foldAccuracies) expect(a).toBeGreaterThan(result.baseline);
    expect(result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(2922);
    expect(result.pca.explainedVariance[0]).toBeGreaterThan(result.pca.explainedVariance[1]!);
    expect(result.pca.points.length).toBeGreaterThan(1000);
    expect(result.pca.points.filter((p) => p.c === 0).length).toBe(result.pca.points.filter((p) => p.c === 1).length);
    console.log(`classifier accuracy ${result.accuracy} vs baseline ${result.baseline}; folds ${result.foldAccuracies.join(", ")}`);
  }, 60_000);

  it("RBF SVM (SMO, in workerd) with seasonality: trained on 2012-2014, at least 0.85 on the 2015 hold-out, above logistic regression and the baseline", async () => {
    const result = await evaluateClassifier(db());
    expect(result.model).toMatch(/RBF SVM/);
    expect(result.holdout).toMatchObject({ year: 2015, trainFrom: "2012-01-01", trainTo: "2014-12-31", trainSamples: 2192, testSamples: 730 });
    const [svm, logistic, baseline] = result.models;
    expect(svm!.name).toBe(result.model);
    expect(logistic!.name).toMatch(/logistic regression/);
    expect(baseline!.name).toBe("majority class");
    expect(result.holdout!.accuracy).toBe(svm!.holdoutAccuracy);
    expect(svm!.holdoutAccuracy!).toBeGreaterThanOrEqual(0.85);
    expect(svm!.holdoutAccuracy!).toBeGreaterThan(logistic!.holdoutAccuracy!);
    expect(svm!.cvAccuracy).toBeGreaterThan(logistic!.cvAccuracy);
    expect(baseline!.holdoutAccuracy!).toBeCloseTo(0.5, 1);
    expect(result.accuracy).toBe(svm!.cvAccuracy);
    for (const m of result.models) expect(m.foldAccuracies).toHaveLength(5);
    console.log(result.models.map((m) => `${m.name}: CV ${m.cvAccuracy}, 2015 hold-out ${m.holdoutAccuracy}`).join("; "));
  }, 120_000);

  it("is retrained by the admin action (and the daily cron), stored and served publicly", async () => {
    const none = await call("/api/weather/classifier");
    expect(none.status).toBe(404);
    expect((await errorOf(none)).code).toBe("no_model");
    const trained = await call("/api/admin/weather/classifier", { method: "POST", ...bearer(adminToken) });
    expect(trained.status).toBe(200);
    const run = (await trained.json()) as { id: string; accuracy: number; baseline: number };
    const served = await call("/api/weather/classifier");
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ id: run.id, accuracy: run.accuracy, baseline: run.baseline });
  }, 60_000);

  it("the daily cron retrains it", async () => {
    // After the admin action's run (trained at the real now), so that it is the latest.
    const at = new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 3.5 * 3_600_000);
    cronRunAt = at;
    await runCron(CRON_WEATHER_CLASSIFIER, at, env);
    const served = (await (await call("/api/weather/classifier")).json()) as { trainedAt: string; samples: number };
    expect(served).toMatchObject({ trainedAt: at.toISOString(), samples: 2922 });
  }, 60_000);

  it("409 when there is too little data to train (the cron logs it and stores nothing); the landing brings the data back", async () => {
    await db().delete(weatherObservations);
    const res = await call("/api/admin/weather/classifier", { method: "POST", ...bearer(adminToken) });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe("not_enough_data");
    await runCron(CRON_WEATHER_CLASSIFIER, new Date(cronRunAt.getTime() + 86_400_000), env);
    expect(((await (await call("/api/weather/classifier")).json()) as { trainedAt: string }).trainedAt).toBe(cronRunAt.toISOString());
    const replayed = await call("/api/admin/weather/replay", { method: "POST", ...bearer(adminToken) });
    expect(await replayed.json()).toMatchObject({ objects: 96, inserted: 2922, duplicates: 0, rejected: [], done: true });
  });
});
