// The offline basemap of the radar map, fetched by the browser after first paint: Natural
// Earth land and borders (world-atlas, cut to the radar domain by basemap/build.mjs) and the
// gazetteer's towns with their population, so the map labels as many as suit the zoom.
import { json } from "@sveltejs/kit";
import data from "$lib/server/basemap/fennoscandia.json";
import { gazetteer } from "../../../../worker/places/gazetteer";
import type { RequestHandler } from "./$types";

/** Enough towns for the closest zoom of the composite; the browser thins them by population. */
const TOWNS = 1500;

let body: unknown;

export const GET: RequestHandler = () => {
  const [west, south, east, north] = data.bbox as [number, number, number, number];
  body ??= {
    source: data.source,
    scale: data.scale,
    land: data.land,
    borders: data.borders,
    towns: gazetteer()
      .largestWithin(west, south, east, north, TOWNS)
      .map((p) => [p.name, Math.round(p.lat * 1000) / 1000, Math.round(p.lon * 1000) / 1000, p.population]),
  };
  // Public data that changes only with a new release.
  return json(body, { headers: { "cache-control": "public, max-age=86400" } });
};
