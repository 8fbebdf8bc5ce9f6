import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createUser, errorOf, tokenFor } from "./support/helpers";
import { seedRadar } from "./support/radar";

let auth: RequestInit;
beforeAll(async () => {
  auth = bearer(await tokenFor(await createUser("places@example.com", "places password")));
  await seedRadar("201609281800");
});

type PlaceList = { places: { name: string; country: string; population: number; inCoverage: boolean | null; score: number }[] };

describe("place search", () => {
  it("finds exact names first, weighted by population", async () => {
    const res = await call("/api/places?q=Helsinki", auth);
    expect(res.status).toBe(200);
    const { places } = (await res.json()) as PlaceList;
    expect(places[0]).toMatchObject({ name: "Helsinki", country: "FI", inCoverage: true });
    expect(places[0]!.population).toBeGreaterThan(500_000);
  });

  it("tolerates typos and missing accents", async () => {
    const typo = (await (await call("/api/places?q=helsnki", auth)).json()) as PlaceList;
    expect(typo.places[0]?.name).toBe("Helsinki");
    const accents = (await (await call("/api/places?q=Jyvaskyla", auth)).json()) as PlaceList;
    expect(accents.places[0]?.name).toBe("Jyväskylä");
  });

  it("matches prefixes, larger places first", async () => {
    const { places } = (await (await call("/api/places?q=tamp&limit=3", auth)).json()) as PlaceList;
    expect(places).toHaveLength(3);
    expect(places[0]?.name).toBe("Tampere");
    expect(places.map((p) => p.score)).toEqual([...places.map((p) => p.score)].sort((a, b) => b - a));
  });

  it("says whether a place is inside radar coverage", async () => {
    const { places } = (await (await call("/api/places?q=London&limit=1", auth)).json()) as PlaceList;
    expect(places[0]).toMatchObject({ name: "London", country: "GB", inCoverage: false });
  });

  it("400 for an empty query or a bad limit, 401 without a token", async () => {
    expect((await call("/api/places?q=", auth)).status).toBe(400);
    expect((await call("/api/places", auth)).status).toBe(400);
    expect((await call("/api/places?q=oulu&limit=0", auth)).status).toBe(400);
    expect((await call("/api/places?q=oulu&limit=x", auth)).status).toBe(400);
    expect((await call("/api/places?q=oulu")).status).toBe(401);
  });
});

describe("reverse place lookup", () => {
  it("names a position by its nearest place", async () => {
    const res = await call("/api/places/reverse?lat=60.17&lon=24.94", auth);
    expect(res.status).toBe(200);
    const { place } = (await res.json()) as { place: { name: string; distanceKm: number } };
    expect(place.name).toBe("Helsinki");
    expect(place.distanceKm).toBeLessThan(1);
  });

  it("404 far from any place, 400 for positions out of range", async () => {
    const ocean = await call("/api/places/reverse?lat=-50&lon=-140", auth);
    expect(ocean.status).toBe(404);
    expect((await errorOf(ocean)).code).toBe("no_place_nearby");
    expect((await call("/api/places/reverse?lat=91&lon=0", auth)).status).toBe(400);
    expect((await call("/api/places/reverse?lat=0&lon=181", auth)).status).toBe(400);
    expect((await call("/api/places/reverse?lat=&lon=1", auth)).status).toBe(400);
  });
});
