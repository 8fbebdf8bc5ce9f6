import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../errors";
import type { Db } from "../env";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { flagParam, numberParam } from "../params";
import { gazetteer, normalizeName } from "../places/gazetteer";
import { latestRadars, type LatestRadar, stepMinutesOf } from "../radar/frame-store";
import { coverageBoost } from "../places/coverage-boost";
import { eq } from "drizzle-orm";
import { nowcasts } from "../db/schema";
import { assetKey, observedImageKey } from "../nowcast/assets";
import { OBSERVED_NAME, observedFramesAt } from "../nowcast/build";
import { nowcastResponseSchema } from "../nowcast/payload";
import { serveNowcast } from "../nowcast/service";
import { inferenceConfig } from "../inference/config";
import { isTimeZone } from "../weather/time";
import { enforceLimit } from "../security/rate-limit";
import { SITE_INTERNAL_HEADER } from "../site-internal";

const nowcastQuery = z
  .object({
    lat: numberParam(-90, 90, "lat").optional(),
    lon: numberParam(-180, 180, "lon").optional(),
    place: z.string().trim().min(1, "place must not be empty").max(200).optional(),
    fresh: flagParam.optional().openapi({ description: "1 to run the model now instead of serving the cache" }),
    model: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "model must be lower-case letters, digits and dashes")
      .optional()
      .openapi({ description: "optical-flow (default, embedded), persistence, ensemble (probabilistic), or a learned model; see inference in the response" }),
    tz: z
      .string()
      .max(64)
      .refine(isTimeZone, "tz must be an IANA time zone such as Europe/Helsinki")
      .optional()
      .openapi({ description: "IANA zone for the clock times of summary.text; without it the sentence counts minutes from now" }),
  })
  .superRefine((q, ctx) => {
    const hasPosition = q.lat !== undefined || q.lon !== undefined;
    if (hasPosition && q.place !== undefined) ctx.addIssue({ code: "custom", message: "give either lat and lon, or place, not both" });
    else if (!hasPosition && q.place === undefined) ctx.addIssue({ code: "custom", message: "give lat and lon, or place" });
    else if (hasPosition && (q.lat === undefined || q.lon === undefined)) ctx.addIssue({ code: "custom", message: "lat and lon go together" });
  });

const errorContent = { content: { "application/json": { schema: errorSchema } } };

const nowcastRoute = createRoute({
  method: "get",
  path: "/nowcast",
  summary: "The next hour of radar at a place",
  description:
    "Served from the nearest cached location within the configured radius (X-Cache: HIT, with Age); when that nowcast is at most " +
    "NOWCAST_STALE_MAX_SECONDS behind the newest radar frame it is served at once (X-Cache: STALE, X-Radar-Time) while it is " +
    "recomputed in the background; otherwise, or with fresh=1 when it is not current, it is computed (X-Cache: MISS).",
  request: { query: nowcastQuery },
  responses: {
    200: {
      description: "The nowcast",
      headers: z.object({
        "X-Cache": z.enum(["HIT", "MISS", "STALE"]),
        Age: z.string(),
        "X-Radar-Time": z.string().openapi({ description: "Radar time the served nowcast starts from" }),
        "X-Inference-Fallback": z.string().optional().openapi({ description: "Set when the model's backend failed: embedded or stale-cache, and why" }),
      }),
      content: { "application/json": { schema: nowcastResponseSchema } },
    },
    ...errorResponses,
    404: { description: "Unknown place", ...errorContent },
    429: { description: "Too many requests, or model runs on demand (fresh=1, another model), for this user (Retry-After)", ...errorContent },
    422: { description: "Outside radar coverage", ...errorContent },
    503: { description: "No radar data yet", ...errorContent },
  },
});

// Place names resolved recently in this isolate: a search scans the whole gazetteer.
const PLACE_CACHE_CAPACITY = 1_000;
const placeCache = new Map<string, { lat: number; lon: number; name: string } | null>();

async function resolvePlace(name: string, latests: readonly LatestRadar[]) {
  const key = `${normalizeName(name)}|${latests.map((l) => `${l.source}:${l.obstime.getTime()}`).join(",")}`;
  if (placeCache.has(key)) return placeCache.get(key)!;
  const [match] = gazetteer().search(name, 1, coverageBoost(latests));
  const value = match ? { lat: match.lat, lon: match.lon, name: match.name } : null;
  placeCache.set(key, value);
  while (placeCache.size > PLACE_CACHE_CAPACITY) placeCache.delete(placeCache.keys().next().value!);
  return value;
}

const ASSET_NAME = /^(observed-\d{2}\.png|forecast-\d{2}\.png|animation\.gif)$/;

const assetRoute = createRoute({
  method: "get",
  path: "/nowcasts/{id}/{name}",
  summary: "A nowcast's frame (PNG) or animation (GIF)",
  request: {
    params: z.object({
      id: z.string().uuid(),
      name: z.string().regex(ASSET_NAME, "name must be observed-NN.png, forecast-NN.png or animation.gif"),
    }),
  },
  responses: {
    200: { description: "The image", content: { "image/png": { schema: z.any() }, "image/gif": { schema: z.any() } } },
    ...errorResponses,
    404: { description: "No such nowcast image", ...errorContent },
  },
});

/**
 * Where a nowcast's image lies: its own forecast leads and animation under its prefix; an
 * observed frame (observed-NN, NN = slot of the observed hour) in the shared image of that
 * frame for the nowcast's location.
 */
async function imageKey(db: Db, id: string, name: string): Promise<string> {
  const observed = OBSERVED_NAME.exec(name);
  if (!observed) return assetKey(id, name);
  const slot = Number(observed[1]);
  const [row] = await db.select({ locationId: nowcasts.locationId, radarTime: nowcasts.radarTime, source: nowcasts.source }).from(nowcasts).where(eq(nowcasts.id, id));
  const stepMinutes = row ? stepMinutesOf(row.source) : 0;
  const slots = row ? observedFramesAt(stepMinutes) : 0;
  if (!row || slot >= slots) throw new ApiError(404, "not_found", `nowcast ${id} has no ${name}`);
  const obstime = new Date(row.radarTime.getTime() - (slots - 1 - slot) * stepMinutes * 60_000);
  return observedImageKey(row.source, obstime, row.locationId);
}

export const nowcastRoutes = createRouter()
  .openapi(nowcastRoute, async (c) => {
    const q = c.req.valid("query");
    // A model run on demand costs seconds of CPU: fresh=1 and models other than the default are limited per user.
    if (q.fresh || (q.model !== undefined && q.model !== inferenceConfig(c.env).defaultModel)) {
      await enforceLimit(c.env, "MODEL_RUN_LIMITER", `user:${c.get("principal").sub}`, "model runs on demand");
    }
    let lat = q.lat;
    let lon = q.lon;
    let matchedPlace: string | null = null;
    if (q.place !== undefined) {
      const match = await resolvePlace(q.place, await latestRadars(c.env));
      if (!match) throw new ApiError(404, "unknown_place", `no place matches "${q.place}"`);
      lat = match.lat;
      lon = match.lon;
      matchedPlace = match.name;
    }
    const served = await serveNowcast(c.env, c.executionCtx as ExecutionContext, c.get("db"), {
      lat: lat!,
      lon: lon!,
      place: q.place ?? null,
      matchedPlace,
      timeZone: q.tz ?? null,
      fresh: q.fresh ?? false,
      userId: c.get("principal").sub,
      siteInternal: c.req.header(SITE_INTERNAL_HEADER) !== undefined,
      model: q.model ?? null,
    });
    // The body is pre-serialized JSON (the cached payload spliced in), so it is
    // sent as a plain Response; the typed route schema still documents it.
    return new Response(served.body, {
      status: 200,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "X-Cache": served.cacheStatus,
        Age: String(served.ageSeconds),
        "X-Radar-Time": served.radarTime,
        "Cache-Control": "private, no-store",
        "X-Request-Id": c.get("requestId"),
        ...(served.fallback ? { "X-Inference-Fallback": served.fallback } : {}),
      },
    }) as never;
  })
  .openapi(assetRoute, async (c) => {
    const { id, name } = c.req.valid("param");
    const object = await c.env.FRAMES.get(await imageKey(c.get("db"), id, name));
    if (!object) throw new ApiError(404, "not_found", `nowcast ${id} has no ${name}`);
    return new Response(object.body, {
      headers: {
        "content-type": object.httpMetadata?.contentType ?? "application/octet-stream",
        // A nowcast's images never change once written.
        "Cache-Control": "private, max-age=86400, immutable",
        ETag: object.httpEtag,
      },
    }) as never;
  });
