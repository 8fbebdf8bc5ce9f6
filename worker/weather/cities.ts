import { z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import { chunkRows } from "../db/batch";
import { WEATHER_PROVIDERS, weatherCities, weatherCodes, weatherUnitSets, type WeatherCity } from "../db/schema";
import type { Db } from "../env";
import { WMO_CODES } from "./codes";
import { isTimeZone } from "./time";
import { CANONICAL_UNITS } from "./units";

/** The cities collected out of the box; the shipped history covers the first two. */
export const DEFAULT_CITIES = [
  { slug: "seattle", name: "Seattle", country: "US", latitude: 47.6062, longitude: -122.3321, timezone: "America/Los_Angeles" },
  { slug: "new-york", name: "New York", country: "US", latitude: 40.7128, longitude: -74.006, timezone: "America/New_York" },
  { slug: "helsinki", name: "Helsinki", country: "FI", latitude: 60.1699, longitude: 24.9384, timezone: "Europe/Helsinki" },
  { slug: "madrid", name: "Madrid", country: "ES", latitude: 40.4168, longitude: -3.7038, timezone: "Europe/Madrid" },
] as const;

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "lowercase letters, digits and single dashes")
  .max(64);

export const newCitySchema = z
  .object({
    slug: slugSchema.optional(),
    name: z.string().trim().min(1).max(100),
    country: z.string().trim().length(2).toUpperCase().optional(),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    timezone: z.string().refine(isTimeZone, "not an IANA time zone (e.g. Europe/Helsinki)"),
    provider: z.enum(WEATHER_PROVIDERS).default("open-meteo"),
    station: z
      .string()
      .regex(/^[A-Z0-9]{3,8}$/, "an observation station id such as KSEA")
      .optional(),
  })
  .refine((c) => c.provider !== "nws" || c.station !== undefined, { message: "the nws provider needs a station", path: ["station"] })
  .openapi("NewWeatherCity");
export type NewCity = z.infer<typeof newCitySchema>;

export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
  return slug || "city";
}

/**
 * Makes sure the lookup rows and the default cities exist (insert-or-ignore, so
 * a default city an admin removed stays removed) and returns the id of the
 * canonical unit set observations are stored in.
 */
export async function ensureWeatherReferenceData(db: Db): Promise<number> {
  const codeRows = Object.entries(WMO_CODES).map(([code, description]) => ({ code: Number(code), description }));
  const cityRows = DEFAULT_CITIES.map((c) => ({ ...c }));
  await db.batch([
    db.insert(weatherUnitSets).values(CANONICAL_UNITS).onConflictDoNothing(),
    ...chunkRows(codeRows, 2).map((rows) => db.insert(weatherCodes).values(rows).onConflictDoNothing()),
    ...chunkRows(cityRows, 6).map((rows) => db.insert(weatherCities).values(rows).onConflictDoNothing()),
  ]);
  const unitSet = await db
    .select({ id: weatherUnitSets.id })
    .from(weatherUnitSets)
    .where(
      and(
        eq(weatherUnitSets.temperature, CANONICAL_UNITS.temperature),
        eq(weatherUnitSets.precipitation, CANONICAL_UNITS.precipitation),
        eq(weatherUnitSets.windSpeed, CANONICAL_UNITS.windSpeed),
        eq(weatherUnitSets.relativeHumidity, CANONICAL_UNITS.relativeHumidity),
      ),
    )
    .get();
  if (!unitSet) throw new Error("canonical unit set missing after insert");
  return unitSet.id;
}

export function listCities(db: Db, includeRemoved = false): Promise<WeatherCity[]> {
  const query = db.select().from(weatherCities);
  return (includeRemoved ? query : query.where(eq(weatherCities.active, true))).orderBy(asc(weatherCities.name));
}

export async function cityBySlug(db: Db, slug: string): Promise<WeatherCity | undefined> {
  return db.select().from(weatherCities).where(eq(weatherCities.slug, slug)).get();
}

export type AddCityResult = { city: WeatherCity; status: "created" | "reactivated" } | { conflict: WeatherCity };

/** Adds a city, or brings back a removed one under the same slug with the new details. */
export async function addCity(db: Db, input: NewCity): Promise<AddCityResult> {
  const slug = input.slug ?? slugify(input.name);
  const values = {
    slug,
    name: input.name,
    country: input.country ?? null,
    latitude: input.latitude,
    longitude: input.longitude,
    timezone: input.timezone,
    provider: input.provider,
    station: input.station ?? null,
  };
  const existing = await cityBySlug(db, slug);
  if (existing?.active) return { conflict: existing };
  if (existing) {
    const city = await db
      .update(weatherCities)
      .set({ ...values, active: true, removedAt: null })
      .where(eq(weatherCities.id, existing.id))
      .returning()
      .get();
    return { city, status: "reactivated" };
  }
  const city = await db.insert(weatherCities).values(values).returning().get();
  return { city, status: "created" };
}

/** Stops collecting a city; its observations stay in the statistics. */
export async function removeCity(db: Db, slug: string, now = new Date()): Promise<boolean> {
  const removed = await db
    .update(weatherCities)
    .set({ active: false, removedAt: now })
    .where(and(eq(weatherCities.slug, slug), eq(weatherCities.active, true)))
    .returning({ id: weatherCities.id });
  return removed.length > 0;
}

export function cityJson(c: WeatherCity) {
  return {
    slug: c.slug,
    name: c.name,
    country: c.country,
    latitude: c.latitude,
    longitude: c.longitude,
    timezone: c.timezone,
    provider: c.provider,
    station: c.station,
    active: c.active,
    removedAt: c.removedAt ? c.removedAt.toISOString() : null,
  };
}

export const cityJsonSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    country: z.string().nullable(),
    latitude: z.number(),
    longitude: z.number(),
    timezone: z.string(),
    provider: z.enum(WEATHER_PROVIDERS),
    station: z.string().nullable(),
    active: z.boolean(),
    removedAt: z.string().nullable(),
  })
  .openapi("WeatherCity");

