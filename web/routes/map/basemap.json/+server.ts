// The offline basemap of the radar map, fetched by the browser after first paint: Natural Earth
// land and borders (world-atlas, cut to Europe by basemap/build.ts) and the gazetteer's towns with
// their population, so the map labels as many as suit the zoom.
// GET /map/basemap.json?bbox=west,south,east,north (whole degrees) cuts it to the box a map shows
// around its radar's coverage; with no bbox, the whole of Europe.
import { error, json } from "@sveltejs/kit";
import { z } from "zod";
import data from "$lib/server/basemap/europe.json";
import type { Basemap, BasemapGeometry, Box } from "$lib/basemap";
import { cutBasemap } from "$lib/server/basemap/clip";
import { gazetteer } from "../../../../worker/places/gazetteer";
import type { RequestHandler } from "./$types";

/** Enough towns for the closest zoom of a national composite; the browser thins them by population. */
const TOWNS = 1500;
const europe = data as unknown as BasemapGeometry;
const [fullWest, fullSouth, fullEast, fullNorth] = europe.bbox.map((v) => v / europe.scale) as [number, number, number, number];

const degrees = (min: number, max: number) => z.number().int().min(min).max(max);
const bboxSchema = z
  .string()
  .regex(/^-?\d{1,3}(,-?\d{1,3}){3}$/, "bbox is four whole degrees: west,south,east,north")
  .transform((text) => text.split(",").map(Number))
  .pipe(z.tuple([degrees(-180, 180), degrees(-90, 90), degrees(-180, 180), degrees(-90, 90)]))
  .refine(([w, s, e, n]) => w < e && s < n, "bbox is west,south,east,north with west < east and south < north");

/** Bodies by box: a few distinct boxes (one per radar source's coverage) are asked for again and again. */
const cache = new Map<string, Basemap>();
const CACHED_BOXES = 8;

function bodyFor(west: number, south: number, east: number, north: number): Basemap {
  const key = `${west},${south},${east},${north}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const whole = west <= fullWest && south <= fullSouth && east >= fullEast && north >= fullNorth;
  const box: Box = [west * europe.scale, south * europe.scale, east * europe.scale, north * europe.scale];
  const geometry = whole ? europe : cutBasemap(europe, box);
  const body: Basemap = {
    ...geometry,
    towns: gazetteer()
      .largestWithin(west, south, east, north, TOWNS)
      .map((p): Basemap["towns"][number] => [p.name, Math.round(p.lat * 1000) / 1000, Math.round(p.lon * 1000) / 1000, p.population]),
  };
  if (cache.size >= CACHED_BOXES) cache.delete(cache.keys().next().value!);
  cache.set(key, body);
  return body;
}

export const GET: RequestHandler = ({ url }) => {
  const asked = url.searchParams.get("bbox");
  let box: [number, number, number, number] = [fullWest, fullSouth, fullEast, fullNorth];
  if (asked !== null) {
    const parsed = bboxSchema.safeParse(asked);
    if (!parsed.success) error(400, `bbox: ${parsed.error.issues[0]?.message ?? "not west,south,east,north in whole degrees"}`);
    const [w, s, e, n] = parsed.data;
    // Nothing lies outside Europe's box: a larger box is the same map.
    box = [Math.max(w, fullWest), Math.max(s, fullSouth), Math.min(e, fullEast), Math.min(n, fullNorth)];
    if (box[0] >= box[2] || box[1] >= box[3]) error(400, "bbox does not overlap the basemap (Europe)");
  }
  // Public data that changes only with a new release.
  return json(bodyFor(...box), { headers: { "cache-control": "public, max-age=86400" } });
};
