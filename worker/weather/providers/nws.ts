// The US National Weather Service API (https://www.weather.gov/documentation/services-web-api),
// no key but a User-Agent: the latest observation of a city's station,
// GET /stations/{id}/observations/latest (GeoJSON, values with WMO unit codes).
import { z } from "zod";
import type { Env } from "../../env";
import { utcOffsetSeconds } from "../time";
import { toCanonical, UnitError } from "../units";
import { assertPlausible, describeZodError, parseJson } from "./open-meteo";
import { PayloadError, type CityRef, type ObservationRecord, type WeatherProvider } from "./types";

const quantity = z.object({ unitCode: z.string(), value: z.number().finite().nullable() });

export const nwsObservationSchema = z.object({
  type: z.literal("Feature"),
  properties: z.object({
    timestamp: z.iso.datetime({ offset: true }),
    temperature: quantity,
    relativeHumidity: quantity,
    windSpeed: quantity,
    precipitationLastHour: quantity,
  }),
});

export function parseNws(body: string, city: CityRef): ObservationRecord[] {
  const parsed = nwsObservationSchema.safeParse(parseJson(body));
  if (!parsed.success) throw new PayloadError("invalid_payload", describeZodError(parsed.error));
  const p = parsed.data.properties;
  if (p.temperature.value === null) throw new PayloadError("invalid_payload", "properties.temperature.value: missing (null)");
  const observedAt = Date.parse(p.timestamp);
  try {
    return [
      assertPlausible({
        observedAt,
        utcOffsetSeconds: utcOffsetSeconds(city.timezone, observedAt),
        intervalSeconds: 3600,
        temperature: toCanonical("temperature", p.temperature.unitCode, p.temperature.value),
        temperatureMin: null,
        temperatureMax: null,
        precipitation: toCanonical("precipitation", p.precipitationLastHour.unitCode, p.precipitationLastHour.value),
        windSpeed: toCanonical("windSpeed", p.windSpeed.unitCode, p.windSpeed.value),
        relativeHumidity: toCanonical("relativeHumidity", p.relativeHumidity.unitCode, p.relativeHumidity.value),
        // NWS describes the weather in words, not WMO codes; none is invented.
        weatherCode: null,
      }),
    ];
  } catch (error) {
    if (error instanceof UnitError) throw new PayloadError("invalid_payload", error.message);
    throw error;
  }
}

export const nws: WeatherProvider = {
  id: "nws",
  rawExtension: "json",
  request(city: CityRef, env: Env): Request {
    if (!city.station) throw new PayloadError("invalid_payload", `city ${city.slug} has no NWS station`);
    const base = env.NWS_URL.replace(/\/$/, "");
    return new Request(`${base}/stations/${encodeURIComponent(city.station)}/observations/latest`, {
      headers: { accept: "application/geo+json", "user-agent": "nowcast-edge (city weather collector)" },
    });
  },
  parse: parseNws,
};
