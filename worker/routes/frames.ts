// Per-frame radar parameters as a time series, for the operators' charts.
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, gte, lte } from "drizzle-orm";
import { radarFrames } from "../db/schema";
import { ApiError } from "../errors";
import { createRouter, errorResponses } from "../openapi";
import { numberParam, sourceParam } from "../params";

const iso = z.string().datetime();
const timeParam = (name: string, description: string) =>
  z.iso
    .datetime({ offset: true, message: `${name} must be an ISO 8601 time, e.g. 2016-09-28T16:00:00Z` })
    .openapi({ param: { name, in: "query" }, description, example: "2016-09-28T16:00:00Z" });

const querySchema = z.object({
  since: timeParam("since", "first observation time (inclusive)"),
  until: timeParam("until", "last observation time (inclusive); default: no end").optional(),
  source: sourceParam,
  limit: numberParam(1, 2000, "limit")
    .pipe(z.number().int("limit must be a whole number"))
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, description: "frames per page (default 500)", type: "integer" }),
});

const frameSchema = z
  .object({
    key: z.string(),
    obstime: iso,
    r2Key: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    fractionAbove05: z.number(),
    fractionAbove5: z.number(),
    meanDbz: z.number().nullable(),
    maxDbz: z.number().nullable(),
    centroidLat: z.number().nullable(),
    centroidLon: z.number().nullable(),
    motionUPx: z.number().nullable(),
    motionVPx: z.number().nullable(),
    ingestedAt: iso,
  })
  .openapi("FrameParameters");

export const frameSeriesSchema = z
  .object({ source: z.string(), since: iso, until: iso.nullable(), frames: z.array(frameSchema), next: iso.nullable() })
  .openapi("FrameSeries");

const framesRoute = createRoute({
  method: "get",
  path: "/frames",
  summary: "Radar frame parameters since a time, oldest first (a time series for charts)",
  request: { query: querySchema },
  responses: {
    200: {
      description: "Frames, oldest first; `next` is the `since` of the following page, null on the last",
      content: {
        "application/json": {
          schema: frameSeriesSchema,
        },
      },
    },
    ...errorResponses,
  },
});

const DEFAULT_LIMIT = 500;

export const frameRoutes = createRouter().openapi(framesRoute, async (c) => {
  const query = c.req.valid("query");
  const since = new Date(query.since);
  const until = query.until ? new Date(query.until) : null;
  if (until && until < since) throw new ApiError(400, "invalid_request", "until must not be before since");
  const limit = query.limit ?? DEFAULT_LIMIT;
  const rows = await c
    .get("db")
    .select()
    .from(radarFrames)
    .where(and(eq(radarFrames.source, query.source), gte(radarFrames.obstime, since), until ? lte(radarFrames.obstime, until) : undefined))
    .orderBy(asc(radarFrames.obstime))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const next = rows.length > limit ? rows[limit]!.obstime.toISOString() : null;
  return c.json(
    {
      source: query.source,
      since: since.toISOString(),
      until: until?.toISOString() ?? null,
      frames: page.map(({ source: _source, ...r }) => ({ ...r, obstime: r.obstime.toISOString(), ingestedAt: r.ingestedAt.toISOString() })),
      next,
    },
    200,
  );
});
