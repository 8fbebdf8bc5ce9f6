import { and, between, eq } from "drizzle-orm";
import { locations } from "../db/schema";
import type { Db } from "../env";
import { distanceKm, gazetteer } from "../places/gazetteer";
import { LocationIndex, type IndexedLocation } from "./location-index";

// An isolate rebuilds its index from D1 at most this often; a location another
// isolate created meanwhile is still found through the D1 check before creating one.
const INDEX_TTL_MS = 30_000;
let index: { value: LocationIndex; builtAt: number } | null = null;

async function loadIndex(db: Db): Promise<LocationIndex> {
  if (index && Date.now() - index.builtAt < INDEX_TTL_MS) return index.value;
  const rows = await db
    .select({ id: locations.id, name: locations.name, country: locations.country, lat: locations.lat, lon: locations.lon })
    .from(locations);
  index = { value: new LocationIndex(rows), builtAt: Date.now() };
  return index.value;
}

export function invalidateLocationIndex(): void {
  index = null;
}

export interface ServingLocation {
  location: IndexedLocation;
  distanceKm: number;
  created: boolean;
}

/** Nearest cached location within the radius, from the isolate's spatial index. */
export async function nearestLocation(db: Db, lat: number, lon: number, radiusKm: number) {
  return (await loadIndex(db)).nearest(lat, lon, radiusKm);
}

/** Bounding-box query on the (lat, lon) index, for the authoritative check before creating. */
async function nearestInDb(db: Db, lat: number, lon: number, radiusKm: number) {
  const dLat = radiusKm / 111.2;
  const dLon = radiusKm / (111.2 * Math.max(0.05, Math.cos((lat * Math.PI) / 180)));
  const rows = await db
    .select({ id: locations.id, name: locations.name, country: locations.country, lat: locations.lat, lon: locations.lon })
    .from(locations)
    .where(and(between(locations.lat, lat - dLat, lat + dLat), between(locations.lon, lon - dLon, lon + dLon)));
  return new LocationIndex(rows).nearest(lat, lon, radiusKm);
}

/** Size of the grid cells bare positions are snapped to (about 11 km north-south). */
export const GRID_CELL_DEGREES = 0.1;

/**
 * The centre of the grid cell holding a position. A location is never stored at a person's exact
 * position: with no named place near, the cell's centre stands for everyone in it.
 */
export function gridCell(lat: number, lon: number): { lat: number; lon: number } {
  const centre = (v: number) => Math.round((Math.floor(v / GRID_CELL_DEGREES) + 0.5) * GRID_CELL_DEGREES * 1e6) / 1e6;
  return { lat: Math.min(90, centre(lat)), lon: centre(lon) };
}

/**
 * The location that serves a position: the nearest cached one within the
 * radius, or a new one, placed on the nearest named place within the radius
 * (so that neighbours share it) or on the centre of its coarse grid cell.
 */
export async function servingLocation(db: Db, lat: number, lon: number, radiusKm: number): Promise<ServingLocation> {
  const cached = (await nearestLocation(db, lat, lon, radiusKm)) ?? (await nearestInDb(db, lat, lon, radiusKm));
  if (cached) return { ...cached, created: false };

  const place = gazetteer().nearest(lat, lon, radiusKm);
  const cell = gridCell(lat, lon);
  const values = place
    ? { name: place.name, country: place.country, lat: place.lat, lon: place.lon, geonameId: place.geonameId }
    : { name: `Area ${cell.lat.toFixed(2)}, ${cell.lon.toFixed(2)}`, country: null, lat: cell.lat, lon: cell.lon, geonameId: null };
  // The unique geoname id makes two concurrent creators agree on one row.
  await db.insert(locations).values(values).onConflictDoNothing();
  const [row] = place
    ? await db.select().from(locations).where(eq(locations.geonameId, place.geonameId))
    : await db.select().from(locations).where(and(eq(locations.lat, cell.lat), eq(locations.lon, cell.lon)));
  if (!row) throw new Error("location insert did not persist");
  invalidateLocationIndex();
  const location = { id: row.id, name: row.name, country: row.country, lat: row.lat, lon: row.lon };
  return { location, distanceKm: distanceKm(lat, lon, row.lat, row.lon), created: true };
}

/** Creates (or finds) the location of a gazetteer place, for the warm-up's default list. */
export async function locationForPlace(db: Db, geonameId: number): Promise<IndexedLocation> {
  const place = gazetteer().get(geonameId);
  if (!place) throw new Error(`no gazetteer place ${geonameId}`);
  await db
    .insert(locations)
    .values({ name: place.name, country: place.country, lat: place.lat, lon: place.lon, geonameId })
    .onConflictDoNothing();
  const [row] = await db.select().from(locations).where(eq(locations.geonameId, geonameId));
  if (!row) throw new Error("location insert did not persist");
  invalidateLocationIndex();
  return { id: row.id, name: row.name, country: row.country, lat: row.lat, lon: row.lon };
}
