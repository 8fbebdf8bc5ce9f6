import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../errors";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { numberParam } from "../params";
import { gazetteer } from "../places/gazetteer";
import { coverageBoost } from "../places/coverage-boost";
import { latestRadars, servingRadar } from "../radar/frame-store";

const placeSchema = z
  .object({
    geonameId: z.number().int(),
    name: z.string(),
    country: z.string(),
    lat: z.number(),
    lon: z.number(),
    population: z.number().int(),
    inCoverage: z.boolean().nullable().openapi({ description: "Inside some radar source's coverage; null before any radar frame exists" }),
    radarSource: z.string().nullable().openapi({ description: "The radar source that serves the place (national composite before OPERA); null outside coverage", example: "knmi" }),
  })
  .openapi("Place");

const searchRoute = createRoute({
  method: "get",
  path: "/places",
  summary: "Search places by name (prefix and typo tolerant, weighted by population)",
  request: {
    query: z.object({
      q: z.string().trim().min(1, "q must not be empty").max(100),
      limit: numberParam(1, 50, "limit").optional(),
    }),
  },
  responses: {
    200: {
      description: "Best matches first",
      content: { "application/json": { schema: z.object({ places: z.array(placeSchema.extend({ score: z.number() })) }) } },
    },
    ...errorResponses,
  },
});

const reverseRoute = createRoute({
  method: "get",
  path: "/places/reverse",
  summary: "Name a position: the nearest place",
  request: { query: z.object({ lat: numberParam(-90, 90, "lat"), lon: numberParam(-180, 180, "lon") }) },
  responses: {
    200: {
      description: "The nearest place and its distance",
      content: { "application/json": { schema: z.object({ place: placeSchema.extend({ distanceKm: z.number() }) }) } },
    },
    ...errorResponses,
    404: { description: "No place within 200 km", content: { "application/json": { schema: errorSchema } } },
  },
});

function coverageOf(latests: Awaited<ReturnType<typeof latestRadars>>, lat: number, lon: number) {
  if (!latests.length) return { inCoverage: null, radarSource: null };
  const serving = servingRadar(latests, lat, lon);
  return { inCoverage: serving !== null, radarSource: serving?.source ?? null };
}

export const placeRoutes = createRouter()
  .openapi(searchRoute, async (c) => {
    const { q, limit } = c.req.valid("query");
    const latests = await latestRadars(c.env);
    const places = gazetteer()
      .search(q, limit ?? 10, coverageBoost(latests))
      .map((p) => ({ ...p, ...coverageOf(latests, p.lat, p.lon) }));
    return c.json({ places }, 200);
  })
  .openapi(reverseRoute, async (c) => {
    const { lat, lon } = c.req.valid("query");
    const place = gazetteer().nearest(lat, lon);
    if (!place) throw new ApiError(404, "no_place_nearby", `no known place within 200 km of ${lat}, ${lon}`);
    const latests = await latestRadars(c.env);
    const distanceKm = Math.round(place.distanceKm * 100) / 100;
    return c.json({ place: { ...place, distanceKm, ...coverageOf(latests, place.lat, place.lon) } }, 200);
  });
