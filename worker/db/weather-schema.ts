// Tables of the city weather observations, in third normal form: cities, the
// WMO weather-code lookup, the unit sets observations are stored in, the
// observations themselves (one row per city and observation time), the
// collection log that counts every fetch and its outcome, and the classifier's
// training runs. Raw provider responses live unchanged in R2 (weather/raw/...);
// every observation row names the object it came from, so the tables can be
// rebuilt from the landing.
import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

/** Providers the collector can ask, plus the shipped history's source. */
export const WEATHER_PROVIDERS = ["open-meteo", "nws"] as const;
export const WEATHER_SOURCES = ["open-meteo", "nws", "vega-datasets"] as const;
export type WeatherProviderId = (typeof WEATHER_PROVIDERS)[number];
export type WeatherSource = (typeof WEATHER_SOURCES)[number];

/** A city whose weather is collected (active) or was collected (removed by an admin, history kept). */
export const weatherCities = sqliteTable(
  "weather_cities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    country: text("country"),
    latitude: real("latitude").notNull(),
    longitude: real("longitude").notNull(),
    // IANA time zone; observations are grouped into days in it
    timezone: text("timezone").notNull(),
    provider: text("provider", { enum: WEATHER_PROVIDERS }).notNull().default("open-meteo"),
    // observation station, for providers that need one (NWS: an ICAO id such as KSEA)
    station: text("station"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    removedAt: integer("removed_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("weather_cities_slug_unique").on(t.slug)],
);

/** WMO 4677 present-weather codes as Open-Meteo uses them. */
export const weatherCodes = sqliteTable("weather_codes", {
  code: integer("code").primaryKey(),
  description: text("description").notNull(),
});

/** The units an observation's values are stored in (one row per distinct combination). */
export const weatherUnitSets = sqliteTable(
  "weather_unit_sets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    temperature: text("temperature").notNull(),
    precipitation: text("precipitation").notNull(),
    windSpeed: text("wind_speed").notNull(),
    relativeHumidity: text("relative_humidity").notNull(),
  },
  (t) => [uniqueIndex("weather_unit_sets_unique").on(t.temperature, t.precipitation, t.windSpeed, t.relativeHumidity)],
);

/**
 * One observation of a city at one time. Current conditions carry `temperature`;
 * daily records (the shipped history) carry `temperature_min`/`temperature_max`.
 * `precipitation` is the amount over the `interval_seconds` before `observed_at`
 * (900 s for Open-Meteo's current block, 3600 s for NWS, 86400 s for a daily
 * record); `utc_offset_seconds` is the city's offset at that time, so days are
 * local days. Unique on (city, observation time): collecting twice is harmless.
 */
export const weatherObservations = sqliteTable(
  "weather_observations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    cityId: integer("city_id")
      .notNull()
      .references(() => weatherCities.id),
    observedAt: integer("observed_at", { mode: "timestamp_ms" }).notNull(),
    utcOffsetSeconds: integer("utc_offset_seconds").notNull(),
    intervalSeconds: integer("interval_seconds").notNull(),
    source: text("source", { enum: WEATHER_SOURCES }).notNull(),
    unitSetId: integer("unit_set_id")
      .notNull()
      .references(() => weatherUnitSets.id),
    temperature: real("temperature"),
    temperatureMin: real("temperature_min"),
    temperatureMax: real("temperature_max"),
    precipitation: real("precipitation"),
    windSpeed: real("wind_speed"),
    relativeHumidity: real("relative_humidity"),
    weatherCode: integer("weather_code").references(() => weatherCodes.code),
    // R2 key of the raw response (or raw file) this row was normalized from
    rawKey: text("raw_key").notNull(),
  },
  (t) => [
    uniqueIndex("weather_observations_city_time_unique").on(t.cityId, t.observedAt),
    index("weather_observations_observed").on(t.observedAt),
  ],
);

export const FETCH_OUTCOMES = [
  "stored",
  "duplicate",
  "http_error",
  "timeout",
  "network_error",
  "malformed_json",
  "invalid_payload",
] as const;
export type FetchOutcome = (typeof FETCH_OUTCOMES)[number];

/** Every collection attempt and how it went: the counters behind /api/weather/collection. */
export const weatherFetches = sqliteTable(
  "weather_fetches",
  {
    id: text("id").primaryKey(),
    cityId: integer("city_id")
      .notNull()
      .references(() => weatherCities.id),
    provider: text("provider", { enum: WEATHER_PROVIDERS }).notNull(),
    attemptedAt: integer("attempted_at", { mode: "timestamp_ms" }).notNull(),
    attempt: integer("attempt").notNull(),
    outcome: text("outcome", { enum: FETCH_OUTCOMES }).notNull(),
    httpStatus: integer("http_status"),
    durationMs: integer("duration_ms").notNull(),
    rawKey: text("raw_key"),
    message: text("message"),
  },
  (t) => [index("weather_fetches_attempted").on(t.attemptedAt), index("weather_fetches_outcome").on(t.outcome)],
);

/** One training of the city classifier: cross-validated accuracy, baseline and the PCA projection shown on the site. */
export const weatherClassifierRuns = sqliteTable(
  "weather_classifier_runs",
  {
    id: text("id").primaryKey(),
    trainedAt: integer("trained_at", { mode: "timestamp_ms" }).notNull(),
    model: text("model").notNull(),
    samples: integer("samples").notNull(),
    folds: integer("folds").notNull(),
    accuracy: real("accuracy").notNull(),
    baseline: real("baseline").notNull(),
    // the result document: classes, features, per-fold accuracies, confusion matrix, PCA points
    result: text("result", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index("weather_classifier_runs_trained").on(t.trainedAt)],
);

export type WeatherCity = typeof weatherCities.$inferSelect;
export type WeatherObservation = typeof weatherObservations.$inferSelect;
