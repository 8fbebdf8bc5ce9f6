// A user's saved places: at most MAX_SAVED_PLACES, names unique per user. Every query is
// scoped to the user: nobody reads or deletes another user's places.
import { and, asc, count, eq } from "drizzle-orm";
import { savedPlaces } from "../db/schema";
import type { Db } from "../env";

export const MAX_SAVED_PLACES = 20;

export interface SavedPlace {
  id: string;
  name: string;
  lat: number;
  lon: number;
  createdAt: Date;
}

export function listSavedPlaces(db: Db, userId: string): Promise<SavedPlace[]> {
  return db
    .select({ id: savedPlaces.id, name: savedPlaces.name, lat: savedPlaces.lat, lon: savedPlaces.lon, createdAt: savedPlaces.createdAt })
    .from(savedPlaces)
    .where(eq(savedPlaces.userId, userId))
    .orderBy(asc(savedPlaces.createdAt));
}

export type SaveOutcome = { ok: true; place: SavedPlace; created: boolean } | { ok: false; reason: "too_many" };

/** Saves a place; saving a name again returns the one already saved (idempotent). */
export async function savePlace(db: Db, userId: string, place: { name: string; lat: number; lon: number }): Promise<SaveOutcome> {
  const [existing] = await db
    .select({ id: savedPlaces.id, name: savedPlaces.name, lat: savedPlaces.lat, lon: savedPlaces.lon, createdAt: savedPlaces.createdAt })
    .from(savedPlaces)
    .where(and(eq(savedPlaces.userId, userId), eq(savedPlaces.name, place.name)));
  if (existing) return { ok: true, place: existing, created: false };
  const [{ n }] = (await db.select({ n: count() }).from(savedPlaces).where(eq(savedPlaces.userId, userId))) as [{ n: number }];
  if (n >= MAX_SAVED_PLACES) return { ok: false, reason: "too_many" };
  const row = { id: crypto.randomUUID(), userId, name: place.name, lat: place.lat, lon: place.lon, createdAt: new Date() };
  await db.insert(savedPlaces).values(row).onConflictDoNothing();
  return { ok: true, place: { id: row.id, name: row.name, lat: row.lat, lon: row.lon, createdAt: row.createdAt }, created: true };
}

export async function removeSavedPlace(db: Db, userId: string, id: string): Promise<boolean> {
  const deleted = await db.delete(savedPlaces).where(and(eq(savedPlaces.userId, userId), eq(savedPlaces.id, id))).returning({ id: savedPlaces.id });
  return deleted.length > 0;
}
