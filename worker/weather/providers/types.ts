import type { WeatherProviderId, WeatherSource } from "../../db/schema";
import type { Env } from "../../env";

/** One normalized observation in canonical units (°C, mm, m/s, %), before it has a city id. */
export interface ObservationRecord {
  observedAt: number; // epoch ms
  utcOffsetSeconds: number;
  intervalSeconds: number;
  temperature: number | null;
  temperatureMin: number | null;
  temperatureMax: number | null;
  precipitation: number | null;
  windSpeed: number | null;
  relativeHumidity: number | null;
  weatherCode: number | null;
}

/** What a parser needs to know about the city a raw object belongs to. */
export interface CityRef {
  slug: string;
  name: string;
  latitude: number;
  longitude: number;
  timezone: string;
  station: string | null;
}

export type PayloadErrorKind = "malformed_json" | "invalid_payload";

/** A raw body that cannot be normalized: not JSON/CSV at all, or missing/implausible fields. */
export class PayloadError extends Error {
  constructor(
    readonly kind: PayloadErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Turns one landed raw object of a source into observation records (throws PayloadError). */
export type SourceParser = (body: string, city: CityRef) => ObservationRecord[];

/** A live provider the collector can ask for a city's current weather. */
export interface WeatherProvider {
  id: WeatherProviderId & WeatherSource;
  /** The request for one city's current conditions, built from configuration (the base URL is a var). */
  request(city: CityRef, env: Env): Request;
  /** File extension and content type of its raw responses in the landing. */
  rawExtension: "json";
  parse: SourceParser;
}
