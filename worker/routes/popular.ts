import { createRoute, z } from "@hono/zod-openapi";
import { and, inArray, isNotNull } from "drizzle-orm";
import { locations } from "../db/schema";
import { createRouter, errorResponses } from "../openapi";
import { numberParam } from "../params";
import { readCachedNowcast } from "../nowcast/cache";
import type { NowcastPayload } from "../nowcast/payload";
import { mostRequested } from "../nowcast/warmup";
import { nowcastSettings, serviceNowMs, warmupSettings } from "../nowcast/settings";
import { sentenceOf } from "../nowcast/sentence";
import { isTimeZone } from "../weather/time";
import { latestRadars } from "../radar/frame-store";
import { inferenceConfig } from "../inference/config";

const popularRoute = createRoute({
  method: "get",
  path: "/popular",
  summary: "The most requested named places with their latest nowcast summary",
  request: {
    query: z.object({
      limit: numberParam(1, 50, "limit").optional(),
      tz: z.string().max(64).refine(isTimeZone, "tz must be an IANA time zone such as Europe/Helsinki").optional().openapi({
        description: "IANA zone for the clock times of each summary; without it the sentences count minutes from now",
      }),
    }),
  },
  responses: {
    200: {
      description: "Most requested first over the warm-up window",
      content: {
        "application/json": {
          schema: z
            .object({
              places: z.array(
                z.object({
                  locationId: z.number().int(),
                  name: z.string(),
                  country: z.string().nullable(),
                  lat: z.number(),
                  lon: z.number(),
                  radarTime: z.string().datetime().nullable(),
                  summary: z.string().nullable(),
                }),
              ),
            })
            .openapi("PopularPlaces"),
        },
      },
    },
    ...errorResponses,
  },
});

// The most requested locations looked at, named or not; the named among them fill the list.
const MAX_CANDIDATES = 90;

export const popularRoutes = createRouter().openapi(popularRoute, async (c) => {
  const { limit, tz } = c.req.valid("query");
  const db = c.get("db");
  const since = new Date(Date.now() - warmupSettings(c.env).windowHours * 3600_000);
  const model = inferenceConfig(c.env).defaultModel;
  // A public list: only named places, never a grid cell that stands for someone's shared position.
  const candidates = await mostRequested(db, since, MAX_CANDIDATES);
  const rows = candidates.length
    ? await db.select().from(locations).where(and(inArray(locations.id, candidates), isNotNull(locations.geonameId)))
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ids = candidates.filter((id) => byId.has(id)).slice(0, limit ?? 10);
  // Every sentence is said at the service's now, like the nowcast's own summary: on the replay's
  // clock, the newest frame of the place's own source (each archive has its own day).
  const settings = nowcastSettings(c.env);
  const newestFrameMs = new Map((await latestRadars(c.env)).map((l) => [l.source, l.obstime.getTime()]));
  const nowMsOf = (source: string) => serviceNowMs(settings, newestFrameMs.get(source));
  const places = await Promise.all(
    ids.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      return [
        readCachedNowcast(c.env, id, model).then((cached) => {
          const payload = cached ? (JSON.parse(cached.json) as NowcastPayload) : null;
          return {
            locationId: id,
            name: row.name,
            country: row.country,
            lat: row.lat,
            lon: row.lon,
            radarTime: payload?.radarTime ?? null,
            summary: payload ? sentenceOf(payload, nowMsOf(payload.source), tz ?? null) : null,
          };
        }),
      ];
    }),
  );
  return c.json({ places }, 200);
});
