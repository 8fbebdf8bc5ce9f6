import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { locations, requests } from "../worker/db/schema";
import { gridCell } from "../worker/nowcast/locations";
import { bearer, call, createUser, db, tokenFor } from "./support/helpers";
import { seedRadar } from "./support/radar";

// Open water of the Bothnian Sea: inside FMI's composite, no named place within the 10 km radius.
const AT_SEA = { lat: 61.51234, lon: 20.04567 };

let alice: RequestInit;
let bob: RequestInit;
beforeAll(async () => {
  alice = bearer(await tokenFor(await createUser("privacy-alice@example.com", "alice long password")));
  bob = bearer(await tokenFor(await createUser("privacy-bob@example.com", "bob long password")));
  await seedRadar("201609281755");
});

describe("a bare position is never stored as it was given", () => {
  it("is snapped to the centre of a coarse grid cell, and the nowcast is served from there", async () => {
    const res = await call(`/api/nowcast?lat=${AT_SEA.lat}&lon=${AT_SEA.lon}`, alice);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { servedBy: { locationId: number; name: string; distanceKm: number } };
    const [row] = await db().select().from(locations).where(eq(locations.id, body.servedBy.locationId));
    const cell = gridCell(AT_SEA.lat, AT_SEA.lon);
    expect(row).toMatchObject({ lat: 61.55, lon: 20.05, geonameId: null });
    expect(cell).toEqual({ lat: 61.55, lon: 20.05 });
    expect(row!.name).toBe("Area 61.55, 20.05");
    expect(body.servedBy.distanceKm).toBeGreaterThan(1);
    // Nothing in the database keeps the exact position.
    const all = await db().select().from(locations);
    expect(all.some((l) => Math.abs(l.lat - AT_SEA.lat) < 1e-4 && Math.abs(l.lon - AT_SEA.lon) < 1e-4)).toBe(false);
  });

  it("public lists show only named places: the grid cell is not in /api/popular or on the landing page", async () => {
    const [cellRow] = await db().select().from(locations).where(eq(locations.name, "Area 61.55, 20.05"));
    expect(cellRow).toBeTruthy();
    const [named] = await db()
      .insert(locations)
      .values({ name: "Espoo", country: "FI", lat: 60.2052, lon: 24.6522, geonameId: 660129 })
      .onConflictDoNothing()
      .returning();
    const namedId = named?.id ?? (await db().select().from(locations).where(eq(locations.geonameId, 660129)))[0]!.id;
    // The cell is requested most, so only the filter keeps it out.
    const now = new Date();
    await db().insert(requests).values([
      ...Array.from({ length: 5 }, () => ({ locationId: cellRow!.id, userId: "someone", requestedAt: now, cacheStatus: "HIT" as const })),
      { locationId: namedId, userId: "someone", requestedAt: now, cacheStatus: "HIT" as const },
    ]);
    const popular = (await (await call("/api/popular?limit=10", bob)).json()) as { places: { locationId: number; name: string }[] };
    expect(popular.places.map((p) => p.locationId)).toContain(namedId);
    expect(popular.places.map((p) => p.locationId)).not.toContain(cellRow!.id);
    const landing = await (await call("/")).text();
    expect(landing).not.toContain("61.55");
    expect(landing).not.toContain("Area 61");
  });
});
