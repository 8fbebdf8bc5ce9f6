// Open-Meteo's current-weather API (https://open-meteo.com/en/docs), no key:
// GET /v1/forecast?latitude&longitude&current=...&timezone=auto
import { z } from "zod";
import type { Env } from "../../env";
import { toCanonical, UnitError } from "../units";
import { PayloadError, type CityRef, type ObservationRecord, type WeatherProvider } from "./types";

export const OPEN_METEO_CURRENT = ["temperature_2m", "relative_humidity_2m", "precipitation", "weather_code", "wind_speed_10m"] as const;

const finite = z.number().finite();

/** The response, as far as the normalizer relies on it; unknown extra fields are allowed. */
export const openMeteoResponseSchema = z.object({
  latitude: finite,
  longitude: finite,
  generationtime_ms: finite.optional(),
  utc_offset_seconds: z.number().int().min(-18 * 3600).max(18 * 3600),
  timezone: z.string(),
  timezone_abbreviation: z.string().optional(),
  elevation: finite.optional(),
  current_units: z.object({
    time: z.literal("iso8601"),
    interval: z.literal("seconds"),
    temperature_2m: z.string(),
    relative_humidity_2m: z.string(),
    precipitation: z.string(),
    weather_code: z.string(),
    wind_speed_10m: z.string(),
  }),
  current: z.object({
    time: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "local time as YYYY-MM-DDTHH:MM"),
    interval: z.number().int().positive().max(86400),
    temperature_2m: finite,
    relative_humidity_2m: finite.min(0).max(100).nullable(),
    precipitation: finite.min(0).nullable(),
    weather_code: z.number().int().min(0).max(99).nullable(),
    wind_speed_10m: finite.min(0).nullable(),
  }),
});
export type OpenMeteoResponse = z.infer<typeof openMeteoResponseSchema>;

export function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new PayloadError("malformed_json", `response is not JSON: ${(error as Error).message}`);
  }
}

/** Rejects converted values no weather station has reported. */
export function assertPlausible(r: ObservationRecord): ObservationRecord {
  for (const t of [r.temperature, r.temperatureMin, r.temperatureMax]) {
    if (t !== null && (t < -95 || t > 65)) throw new PayloadError("invalid_payload", `implausible temperature ${t} °C`);
  }
  if (r.windSpeed !== null && r.windSpeed > 120) throw new PayloadError("invalid_payload", `implausible wind speed ${r.windSpeed} m/s`);
  if (r.precipitation !== null && r.precipitation > 2000) throw new PayloadError("invalid_payload", `implausible precipitation ${r.precipitation} mm`);
  return r;
}

export function parseOpenMeteo(body: string, _city: CityRef): ObservationRecord[] {
  const parsed = openMeteoResponseSchema.safeParse(parseJson(body));
  if (!parsed.success) throw new PayloadError("invalid_payload", describeZodError(parsed.error));
  const { current, current_units: units, utc_offset_seconds: offset } = parsed.data;
  try {
    return [
      assertPlausible({
        // `time` is local wall-clock time in the response's time zone.
        observedAt: Date.parse(`${current.time}:00Z`) - offset * 1000,
        utcOffsetSeconds: offset,
        intervalSeconds: current.interval,
        temperature: toCanonical("temperature", units.temperature_2m, current.temperature_2m),
        temperatureMin: null,
        temperatureMax: null,
        precipitation: toCanonical("precipitation", units.precipitation, current.precipitation),
        windSpeed: toCanonical("windSpeed", units.wind_speed_10m, current.wind_speed_10m),
        relativeHumidity: toCanonical("relativeHumidity", units.relative_humidity_2m, current.relative_humidity_2m),
        weatherCode: current.weather_code,
      }),
    ];
  } catch (error) {
    if (error instanceof UnitError) throw new PayloadError("invalid_payload", error.message);
    throw error;
  }
}

export const openMeteo: WeatherProvider = {
  id: "open-meteo",
  rawExtension: "json",
  request(city: CityRef, env: Env): Request {
    // A base URL with a path (a proxy, the replay server's scenarios) keeps it.
    const url = new URL(`${env.OPEN_METEO_URL.replace(/\/$/, "")}/v1/forecast`);
    url.searchParams.set("latitude", String(city.latitude));
    url.searchParams.set("longitude", String(city.longitude));
    url.searchParams.set("current", OPEN_METEO_CURRENT.join(","));
    url.searchParams.set("timezone", "auto");
    return new Request(url, { headers: { accept: "application/json" } });
  },
  parse: parseOpenMeteo,
};
