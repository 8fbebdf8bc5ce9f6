import { createRoute, z } from "@hono/zod-openapi";
import { gte, sql } from "drizzle-orm";
import { requests } from "../db/schema";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { numberParam } from "../params";

const HOUR_MS = 3_600_000;

const bucketSchema = z.object({
  hour: z.string().datetime().openapi({ description: "Start of the hour (UTC)" }),
  requests: z.number().int(),
  hits: z.number().int(),
});

export const cacheStatsSchema = z
  .object({
    since: z.string().datetime(),
    hours: z.number(),
    requests: z.number().int(),
    hits: z.number().int(),
    misses: z.number().int(),
    hitRate: z.number().nullable().openapi({ description: "hits / requests; null without requests" }),
    hourly: z.array(bucketSchema),
  })
  .openapi("CacheStats");

const cacheStatsRoute = createRoute({
  method: "get",
  path: "/admin/cache-stats",
  summary: "Nowcast cache hit rate over recent hours, from the request log (admin)",
  request: { query: z.object({ hours: numberParam(1, 24 * 30, "hours").optional() }) },
  responses: {
    200: {
      description: "Counts of served nowcast requests by cache status, overall and per hour (oldest first)",
      content: {
        "application/json": {
          schema: cacheStatsSchema,
        },
      },
    },
    ...errorResponses,
    403: { description: "Needs the admin role", content: { "application/json": { schema: errorSchema } } },
  },
});

export const adminCacheRoutes = createRouter().openapi(cacheStatsRoute, async (c) => {
  const hours = c.req.valid("query").hours ?? 24;
  const since = new Date(Date.now() - hours * HOUR_MS);
  // Whole hours: integer division in SQL (a bound parameter would make it a REAL division).
  const hour = sql<number>`(${requests.requestedAt} / ${sql.raw(String(HOUR_MS))}) * ${sql.raw(String(HOUR_MS))}`;
  const rows = await c
    .get("db")
    .select({
      hour: hour.as("hour"),
      requests: sql<number>`count(*)`,
      hits: sql<number>`sum(case when ${requests.cacheStatus} = 'HIT' then 1 else 0 end)`,
    })
    .from(requests)
    .where(gte(requests.requestedAt, since))
    .groupBy(sql`hour`)
    .orderBy(sql`hour`);
  const hourly = rows.map((r) => ({ hour: new Date(Number(r.hour)).toISOString(), requests: Number(r.requests), hits: Number(r.hits) }));
  const total = hourly.reduce((n, b) => n + b.requests, 0);
  const hits = hourly.reduce((n, b) => n + b.hits, 0);
  return c.json(
    { since: since.toISOString(), hours, requests: total, hits, misses: total - hits, hitRate: total ? hits / total : null, hourly },
    200,
  );
});
