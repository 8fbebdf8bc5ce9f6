// What the product keeps, for operators (and npm run bench:live): D1 rows and R2 objects
// per kind, and model runs per radar time, so storage can be watched staying bounded.
import { createRoute, z } from "@hono/zod-openapi";
import { count, desc, sql } from "drizzle-orm";
import { requireRole } from "../auth/middleware";
import { nowcasts, radarFrames, requestDailyCounts, requests } from "../db/schema";
import type { Env } from "../env";
import { OBSERVED_PREFIX } from "../nowcast/assets";
import { createRouter, errorResponses, errorSchema } from "../openapi";

export const storageSchema = z
  .object({
    d1Rows: z.object({ nowcasts: z.number().int(), requests: z.number().int(), requestDailyCounts: z.number().int(), radarFrames: z.number().int() }),
    r2Objects: z.object({ nowcastImages: z.number().int(), observedImages: z.number().int(), rawFrames: z.number().int() }),
    modelRuns: z.array(z.object({ radarTime: z.string().datetime(), runs: z.number().int() })).openapi({ description: "Nowcasts kept per radar time, newest first (24 at most)" }),
  })
  .openapi("Storage");

const storageRoute = createRoute({
  method: "get",
  path: "/admin/storage",
  summary: "Rows and objects kept, and model runs per radar time (admin)",
  middleware: [requireRole("admin")] as const,
  responses: {
    200: { description: "Counts", content: { "application/json": { schema: storageSchema } } },
    ...errorResponses,
    403: { description: "Needs the admin role", content: { "application/json": { schema: errorSchema } } },
  },
});

async function objectsUnder(env: Env, prefix: string): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await env.FRAMES.list({ prefix, cursor });
    n += page.objects.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return n;
}

export const adminStorageRoutes = createRouter().openapi(storageRoute, async (c) => {
  const db = c.get("db");
  const rows = (table: typeof nowcasts | typeof requests | typeof requestDailyCounts | typeof radarFrames) =>
    db.select({ n: count() }).from(table).then((r) => r[0]!.n);
  const [n, r, daily, frames, nowcastImages, observedImages, rawFrames, runs] = await Promise.all([
    rows(nowcasts),
    rows(requests),
    rows(requestDailyCounts),
    rows(radarFrames),
    objectsUnder(c.env, "nowcasts/"),
    objectsUnder(c.env, OBSERVED_PREFIX),
    objectsUnder(c.env, "radar/"),
    db
      .select({ radarTime: nowcasts.radarTime, runs: sql<number>`count(*)` })
      .from(nowcasts)
      .groupBy(nowcasts.radarTime)
      .orderBy(desc(nowcasts.radarTime))
      .limit(24),
  ]);
  return c.json(
    {
      d1Rows: { nowcasts: n, requests: r, requestDailyCounts: daily, radarFrames: frames },
      r2Objects: { nowcastImages, observedImages, rawFrames },
      modelRuns: runs.map((x) => ({ radarTime: x.radarTime.toISOString(), runs: x.runs })),
    },
    200,
  );
});
