// A local stand-in for the weather providers, so collection runs offline (the
// tests' globalSetup and `npm start` run it). It answers in Open-Meteo's exact
// current-weather JSON shape (GET /v1/forecast) and in the NWS latest-observation
// GeoJSON shape (GET /stations/{id}/observations/latest), with values derived
// deterministically from real climatology:
//   - Seattle and New York: the vega-datasets daily NOAA records (weather.csv)
//     of the same month and day (years 2012-2015, chosen by the year modulo 4),
//   - Helsinki and Madrid: published monthly climate normals (rounded),
//   - anywhere else: a zonal (latitude-based) climate,
// with a diurnal cycle (minimum near 03:00, maximum near 15:00 local solar time),
// humidity from monthly normals moving against temperature, and a day's
// precipitation falling over an eight-hour window.
//
// Failures for the bad-input tests are asked for per scenario: a request under
// /s/{scenario}/... takes the next mode queued by POST /__control/{scenario}
// {"fail": ["http_500", "timeout", "reset", "malformed_json", "missing_fields", ...],
// "now": "2026-06-15T12:00:00Z"}; GET /__control/{scenario} counts its requests.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export const FAILURE_MODES = ["http_500", "http_503", "http_429", "http_400", "timeout", "reset", "malformed_json", "missing_fields", "implausible"] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

const VEGA_CSV = new URL("../../node_modules/vega-datasets/data/weather.csv", import.meta.url);
const DAY_MS = 86_400_000;

interface DayClimate {
  tmin: number;
  tmax: number;
  precip: number; // mm over the day
  wind: number; // m/s, daily mean
  rh: number; // %, daily mean
  label: "sun" | "fog" | "drizzle" | "rain" | "snow";
}

type Monthly = readonly [number, number, number, number, number, number, number, number, number, number, number, number];

interface Normals {
  tmax: Monthly;
  tmin: Monthly;
  precip: Monthly; // mm per month
  wetDays: Monthly; // days with >= 1 mm
  rh: Monthly;
  wind: Monthly; // m/s
}

interface Site {
  slug: string;
  latitude: number;
  longitude: number;
  elevation: number;
  timezone: string;
  station?: string;
  // relative humidity normals (every site), full normals where there are no daily records
  rh: Monthly;
  normals?: Normals;
}

// Monthly normals, rounded, from the national services' published 1991-2020 (FMI Kaisaniemi,
// AEMET Retiro) and NOAA 1991-2020 (humidity for Seattle-Tacoma and Central Park) climate tables.
const SITES: Site[] = [
  {
    slug: "seattle",
    latitude: 47.6062,
    longitude: -122.3321,
    elevation: 56,
    timezone: "America/Los_Angeles",
    station: "KSEA",
    rh: [82, 79, 76, 72, 69, 67, 65, 67, 72, 79, 82, 83],
  },
  {
    slug: "new-york",
    latitude: 40.7128,
    longitude: -74.006,
    elevation: 10,
    timezone: "America/New_York",
    station: "KNYC",
    rh: [61, 60, 58, 56, 61, 64, 64, 66, 67, 65, 64, 63],
  },
  {
    slug: "helsinki",
    latitude: 60.1699,
    longitude: 24.9384,
    elevation: 15,
    timezone: "Europe/Helsinki",
    rh: [87, 85, 79, 71, 65, 68, 70, 74, 79, 83, 87, 88],
    normals: {
      tmax: [-1.1, -1.6, 2.0, 8.3, 14.9, 19.3, 22.3, 20.8, 15.6, 9.2, 4.2, 1.1],
      tmin: [-6.4, -7.0, -4.4, 0.6, 5.9, 10.6, 13.9, 12.9, 8.6, 3.9, 0.5, -3.0],
      precip: [53, 38, 35, 32, 37, 57, 63, 80, 56, 73, 70, 58],
      wetDays: [11, 8, 8, 7, 7, 8, 9, 11, 10, 12, 13, 12],
      rh: [87, 85, 79, 71, 65, 68, 70, 74, 79, 83, 87, 88],
      wind: [4.3, 4.1, 3.9, 3.6, 3.5, 3.4, 3.3, 3.3, 3.7, 4.1, 4.3, 4.4],
    },
  },
  {
    slug: "madrid",
    latitude: 40.4168,
    longitude: -3.7038,
    elevation: 667,
    timezone: "Europe/Madrid",
    rh: [71, 65, 56, 55, 50, 42, 36, 38, 48, 62, 70, 74],
    normals: {
      tmax: [10.2, 12.3, 16.1, 18.6, 22.9, 29.2, 32.9, 32.3, 26.8, 20.1, 13.8, 10.6],
      tmin: [3.0, 3.8, 6.3, 8.4, 12.1, 17.0, 19.8, 19.7, 15.9, 11.6, 6.6, 3.8],
      precip: [33, 35, 37, 41, 46, 21, 10, 11, 26, 60, 53, 49],
      wetDays: [5, 5, 5, 6, 6, 3, 1, 2, 3, 6, 6, 6],
      rh: [71, 65, 56, 55, 50, 42, 36, 38, 48, 62, 70, 74],
      wind: [2.4, 2.7, 2.8, 2.8, 2.6, 2.6, 2.6, 2.4, 2.2, 2.1, 2.2, 2.3],
    },
  },
];

const VEGA_LOCATION: Record<string, string> = { seattle: "Seattle", "new-york": "New York" };

function loadVega(): Map<string, DayClimate> {
  const days = new Map<string, DayClimate>();
  const [, ...lines] = readFileSync(VEGA_CSV, "utf8").trim().split(/\r?\n/);
  for (const line of lines) {
    const [location, date, precip, tmax, tmin, wind, label] = line.split(",");
    days.set(`${location}|${date}`, {
      tmin: Number(tmin),
      tmax: Number(tmax),
      precip: Number(precip),
      wind: Number(wind),
      rh: 0,
      label: label as DayClimate["label"],
    });
  }
  return days;
}

function haversineKm(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLon = (bLon - aLon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** A stable number in [0, 1) from a string (FNV-1a): the same day always gets the same answer. */
function unit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h / 4294967296;
}

/** Linear interpolation of monthly values (taken at mid-month) to a day of year. */
function daily(monthly: Monthly, date: Date): number {
  const mid = (m: number) => Date.UTC(date.getUTCFullYear(), m, 15);
  const t = date.getTime();
  let m = date.getUTCMonth();
  if (t < mid(m)) m -= 1;
  const a = ((m % 12) + 12) % 12;
  const b = (a + 1) % 12;
  const start = Date.UTC(date.getUTCFullYear(), m, 15);
  const end = Date.UTC(date.getUTCFullYear(), m + 1, 15);
  const f = (t - start) / (end - start);
  return monthly[a]! + (monthly[b]! - monthly[a]!) * f;
}

function offsetSeconds(timeZone: string, ms: number): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(new Date(ms))
    .find((p) => p.type === "timeZoneName")!.value;
  const m = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(name)!;
  return m[1] ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
}

function abbreviation(timeZone: string, ms: number): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" }).formatToParts(new Date(ms)).find((p) => p.type === "timeZoneName")!.value;
}

export interface Conditions {
  site: Site | null;
  timezone: string;
  utcOffsetSeconds: number;
  temperature: number; // °C
  humidity: number; // %
  precipitation15: number; // mm over the 15 minutes before
  precipitationHour: number; // mm over the hour before
  weatherCode: number;
  wind: number; // m/s
  elevation: number;
}

export function createClimate() {
  const vega = loadVega();

  function nearestSite(lat: number, lon: number, station?: string): Site | null {
    if (station) return SITES.find((s) => s.station === station) ?? null;
    let best: Site | null = null;
    let bestKm = 300;
    for (const s of SITES) {
      const km = haversineKm(lat, lon, s.latitude, s.longitude);
      if (km < bestKm) (best = s), (bestKm = km);
    }
    return best;
  }

  function dayClimate(site: Site | null, lat: number, localDay: Date): DayClimate {
    const key = localDay.toISOString().slice(0, 10);
    if (site && VEGA_LOCATION[site.slug]) {
      const year = 2012 + (localDay.getUTCFullYear() % 4);
      const record = vega.get(`${VEGA_LOCATION[site.slug]}|${year}${key.slice(4)}`) ?? vega.get(`${VEGA_LOCATION[site.slug]}|2012${key.slice(4)}`)!;
      return { ...record, rh: daily(site.rh, localDay) };
    }
    if (site?.normals) {
      const n = site.normals;
      const month = localDay.getUTCMonth();
      const daysInMonth = new Date(Date.UTC(localDay.getUTCFullYear(), month + 1, 0)).getUTCDate();
      const wet = unit(`${site.slug}|${key}`) < n.wetDays[month]! / daysInMonth;
      const tmin = daily(n.tmin, localDay);
      const tmax = daily(n.tmax, localDay);
      const precip = wet ? n.precip[month]! / n.wetDays[month]! : 0;
      const label: DayClimate["label"] = !wet ? "sun" : tmax < 1 ? "snow" : precip < 2 ? "drizzle" : "rain";
      return { tmin, tmax, precip, wind: daily(n.wind, localDay), rh: daily(n.rh, localDay), label };
    }
    // Zonal climate: warmer toward the equator, seasons opposite across it.
    const season = Math.cos((2 * Math.PI * (localDay.getTime() / DAY_MS - 196)) / 365.25) * Math.sign(lat || 1);
    const mean = 27 - 0.45 * Math.abs(lat) + 0.25 * Math.abs(lat) * season;
    const wet = unit(`zonal|${lat.toFixed(1)}|${key}`) < 0.3;
    return { tmin: mean - 4, tmax: mean + 4, precip: wet ? 6 : 0, wind: 3.5, rh: 70, label: wet ? (mean < 0 ? "snow" : "rain") : "sun" };
  }

  /** The weather at a place and instant (epoch ms), as the replay providers report it. */
  function at(lat: number, lon: number, instantMs: number, station?: string): Conditions {
    const site = nearestSite(lat, lon, station);
    const timezone = site?.timezone ?? (Math.round(lon / 15) === 0 ? "UTC" : `Etc/GMT${Math.round(lon / 15) > 0 ? "-" : "+"}${Math.abs(Math.round(lon / 15))}`);
    const utcOffset = offsetSeconds(timezone, instantMs);
    const local = new Date(instantMs + utcOffset * 1000);
    const localDay = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
    const day = dayClimate(site, lat, localDay);
    // Local solar hour drives the diurnal cycle.
    const solarHour = (((instantMs / 3_600_000 + lon / 15) % 24) + 24) % 24;
    const phase = Math.cos((2 * Math.PI * (solarHour - 15)) / 24); // 1 at 15:00, -1 at 03:00
    const temperature = day.tmin + ((day.tmax - day.tmin) * (1 + phase)) / 2;
    const wind = day.wind * (1 + 0.3 * phase);
    // Precipitation falls at an even rate over eight hours starting at a fixed hour of that day.
    const startHour = Math.floor(unit(`${site?.slug ?? "zonal"}|start|${localDay.toISOString()}`) * 16);
    const localHour = local.getUTCHours() + local.getUTCMinutes() / 60;
    const raining = day.precip > 0 && localHour >= startHour && localHour < startHour + 8;
    const hourly = day.precip / 8;
    const humidity = Math.max(15, Math.min(100, day.rh - 12 * phase + (raining ? 12 : 0)));
    let weatherCode: number;
    if (raining) {
      const level = hourly < 2.5 ? 0 : hourly < 7.6 ? 1 : 2;
      weatherCode = day.label === "snow" || temperature < 0 ? [71, 73, 75][level]! : day.label === "drizzle" ? [51, 53, 55][level]! : [61, 63, 65][level]!;
    } else if (day.label === "fog" && localHour < 10) weatherCode = 45;
    else if (day.label === "sun") weatherCode = solarHour > 9 && solarHour < 17 ? 0 : 1;
    else weatherCode = day.precip > 0 ? 3 : 2;
    return {
      site,
      timezone,
      utcOffsetSeconds: utcOffset,
      temperature,
      humidity,
      precipitation15: raining ? hourly / 4 : 0,
      precipitationHour: raining ? hourly : 0,
      weatherCode,
      wind,
      elevation: site?.elevation ?? 0,
    };
  }

  return { at, sites: SITES };
}

const OPEN_METEO_UNITS: Record<string, string> = {
  temperature_2m: "°C",
  relative_humidity_2m: "%",
  precipitation: "mm",
  weather_code: "wmo code",
  wind_speed_10m: "km/h",
};

const r1 = (v: number) => Math.round(v * 10) / 10;
const r2 = (v: number) => Math.round(v * 100) / 100;

interface Scenario {
  fail: FailureMode[];
  now?: number;
  requests: number;
}

export interface ReplayServer {
  url: string;
  close(): Promise<void>;
}

export async function startOpenMeteoReplay(port = 0): Promise<ReplayServer> {
  const climate = createClimate();
  const scenarios = new Map<string, Scenario>();

  function send(res: ServerResponse, status: number, body: unknown, type = "application/json; charset=utf-8") {
    res.writeHead(status, { "content-type": type });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  }

  async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
    let text = "";
    for await (const chunk of req) text += chunk;
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  function forecast(url: URL, now: number, mode: FailureMode | undefined): { status: number; body: unknown } {
    const lat = Number(url.searchParams.get("latitude"));
    const lon = Number(url.searchParams.get("longitude"));
    if (!url.searchParams.has("latitude") || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      return { status: 400, body: { error: true, reason: "Latitude must be in range of -90 to 90°. Given: " + url.searchParams.get("latitude") } };
    }
    const variables = (url.searchParams.get("current") ?? "").split(",").filter(Boolean);
    const unknown = variables.find((v) => !(v in OPEN_METEO_UNITS));
    if (unknown) return { status: 400, body: { error: true, reason: `Cannot initialize ForecastVariable from invalid String value ${unknown}.` } };
    // Current conditions are 15-minutely: the latest quarter hour.
    const slot = Math.floor(now / 900_000) * 900_000;
    const c = climate.at(lat, lon, slot);
    const tz = url.searchParams.get("timezone") === "auto" ? c.timezone : "GMT";
    const offset = tz === "GMT" ? 0 : c.utcOffsetSeconds;
    const fahrenheit = url.searchParams.get("temperature_unit") === "fahrenheit";
    const windUnit = url.searchParams.get("wind_speed_unit") ?? "kmh";
    const inch = url.searchParams.get("precipitation_unit") === "inch";
    const windFactor: Record<string, [number, string]> = { kmh: [3.6, "km/h"], ms: [1, "m/s"], mph: [2.236936, "mp/h"], kn: [1.943844, "kn"] };
    const [wf, wu] = windFactor[windUnit] ?? windFactor.kmh!;
    const values: Record<string, number> = {
      temperature_2m: r1(fahrenheit ? c.temperature * 1.8 + 32 : c.temperature),
      relative_humidity_2m: Math.round(c.humidity),
      precipitation: inch ? r2(c.precipitation15 / 25.4) : r2(c.precipitation15),
      weather_code: c.weatherCode,
      wind_speed_10m: r1(c.wind * wf),
    };
    const units: Record<string, string> = { ...OPEN_METEO_UNITS, wind_speed_10m: wu };
    if (fahrenheit) units.temperature_2m = "°F";
    if (inch) units.precipitation = "inch";
    if (mode === "implausible") values.temperature_2m = 412.5;
    const current: Record<string, unknown> = {
      time: new Date(slot + offset * 1000).toISOString().slice(0, 16),
      interval: 900,
      ...Object.fromEntries(variables.map((v) => [v, values[v]])),
    };
    if (mode === "missing_fields") delete current.temperature_2m;
    return {
      status: 200,
      body: {
        latitude: r2(lat),
        longitude: r2(lon),
        generationtime_ms: 0.0312,
        utc_offset_seconds: offset,
        timezone: tz,
        timezone_abbreviation: tz === "GMT" ? "GMT" : abbreviation(tz, slot),
        elevation: c.elevation,
        current_units: { time: "iso8601", interval: "seconds", ...Object.fromEntries(variables.map((v) => [v, units[v]])) },
        current,
      },
    };
  }

  function nwsLatest(station: string, now: number, mode: FailureMode | undefined): { status: number; body: unknown } {
    const site = climate.sites.find((s) => s.station === station);
    if (!site) {
      return {
        status: 404,
        body: { type: "https://api.weather.gov/problems/NotFound", title: "Not Found", status: 404, detail: `Station ${station} not found` },
      };
    }
    // METAR reports come at 53 minutes past the hour.
    let t = Math.floor(now / 3_600_000) * 3_600_000 + 53 * 60_000;
    if (t > now) t -= 3_600_000;
    const c = climate.at(site.latitude, site.longitude, t, station);
    const q = (unitCode: string, value: number | null) => ({ unitCode, value, qualityControl: value === null ? "Z" : "V" });
    const stamp = new Date(t).toISOString().replace(".000Z", "+00:00");
    const properties: Record<string, unknown> = {
      "@id": `https://api.weather.gov/stations/${station}/observations/${stamp}`,
      "@type": "wx:ObservationStation",
      elevation: { unitCode: "wmoUnit:m", value: site.elevation },
      station: `https://api.weather.gov/stations/${station}`,
      timestamp: stamp,
      textDescription: c.precipitationHour > 0 ? "Rain" : "Clear",
      presentWeather: [],
      temperature: q("wmoUnit:degC", mode === "implausible" ? 412.5 : r1(c.temperature)),
      relativeHumidity: q("wmoUnit:percent", r2(c.humidity)),
      windSpeed: q("wmoUnit:km_h-1", r2(c.wind * 3.6)),
      precipitationLastHour: q("wmoUnit:mm", c.precipitationHour > 0 ? r1(c.precipitationHour) : null),
    };
    if (mode === "missing_fields") delete properties.temperature;
    return {
      status: 200,
      body: {
        "@context": ["https://geojson.org/geojson-ld/geojson-context.jsonld", { "@version": "1.1" }],
        id: properties["@id"],
        type: "Feature",
        geometry: { type: "Point", coordinates: [site.longitude, site.latitude] },
        properties,
      },
    };
  }

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      const control = /^\/__control\/([\w-]+)$/.exec(url.pathname);
      if (control) {
        const id = control[1]!;
        const scenario = scenarios.get(id) ?? { fail: [], requests: 0 };
        scenarios.set(id, scenario);
        if (req.method === "POST") {
          const body = await readBody(req);
          const fail = (body.fail ?? []) as FailureMode[];
          if (fail.some((m) => !FAILURE_MODES.includes(m))) return send(res, 400, { error: `modes: ${FAILURE_MODES.join(", ")}` });
          scenario.fail.push(...fail);
          if (typeof body.now === "string") scenario.now = Date.parse(body.now);
        }
        return send(res, 200, { requests: scenario.requests, pending: scenario.fail });
      }
      const scoped = /^\/s\/([\w-]+)(\/.*)$/.exec(url.pathname);
      const scenario = scoped ? (scenarios.get(scoped[1]!) ?? { fail: [], requests: 0 }) : undefined;
      if (scoped && scenario) scenarios.set(scoped[1]!, scenario);
      const path = scoped ? scoped[2]! : url.pathname;
      if (scenario) scenario.requests += 1;
      const mode = scenario?.fail.shift();
      const now = scenario?.now ?? Date.now();
      if (mode === "timeout") {
        // Hold the request past any sensible client timeout; closing the server ends it.
        setTimeout(() => send(res, 200, {}), 60_000).unref();
        return;
      }
      // The connection drops before any answer.
      if (mode === "reset") return void req.socket.destroy();
      if (mode === "http_500") return send(res, 500, "Internal Server Error", "text/plain");
      if (mode === "http_503") return send(res, 503, "<html><body>Service Unavailable</body></html>", "text/html");
      if (mode === "http_429") return send(res, 429, { error: true, reason: "Minutely API request limit exceeded. Please try again in one minute." });
      if (mode === "http_400") return send(res, 400, { error: true, reason: "Parameter 'latitude' and 'longitude' must have the same number of elements" });
      let answer: { status: number; body: unknown } | undefined;
      if (req.method === "GET" && path === "/v1/forecast") answer = forecast(url, now, mode);
      const station = /^\/stations\/([A-Z0-9]+)\/observations\/latest$/.exec(path);
      if (req.method === "GET" && station) answer = nwsLatest(station[1]!, now, mode);
      if (!answer) return send(res, 404, { error: true, reason: `no route ${req.method} ${path}` });
      const text = JSON.stringify(answer.body);
      // Cut mid-document: the body a dropped connection or a broken proxy delivers.
      if (mode === "malformed_json") return send(res, 200, text.slice(0, Math.floor(text.length / 2)));
      return send(res, answer.status, text, path.startsWith("/stations/") ? "application/geo+json" : "application/json; charset=utf-8");
    } catch (error) {
      send(res, 500, { error: true, reason: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("replay server did not bind a port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
