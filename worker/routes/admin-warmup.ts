import { createRoute, z } from "@hono/zod-openapi";
import { desc } from "drizzle-orm";
import { deadLetters, warmupRuns } from "../db/schema";
import { createRouter, errorResponses, errorSchema } from "../openapi";

const runSchema = z.object({
  id: z.string(),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime().nullable(),
  planned: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  source: z.enum(["history", "defaults", "frame"]),
});

export const warmupRunsSchema = z
  .object({
    runs: z.array(runSchema),
    deadLetters: z.array(
      z.object({ id: z.string(), kind: z.string().nullable(), body: z.string(), attempts: z.number().int(), receivedAt: z.string().datetime() }),
    ),
  })
  .openapi("WarmupRuns");

const warmupRunsRoute = createRoute({
  method: "get",
  path: "/admin/warmup-runs",
  summary: "Recent hourly warm-up runs and dead-lettered jobs (admin)",
  responses: {
    200: {
      description: "Newest first",
      content: {
        "application/json": {
          schema: warmupRunsSchema,
        },
      },
    },
    ...errorResponses,
    403: { description: "Needs the admin role", content: { "application/json": { schema: errorSchema } } },
  },
});

export const adminWarmupRoutes = createRouter().openapi(warmupRunsRoute, async (c) => {
  const db = c.get("db");
  const [runs, dead] = await Promise.all([
    db.select().from(warmupRuns).orderBy(desc(warmupRuns.startedAt)).limit(24),
    db.select().from(deadLetters).orderBy(desc(deadLetters.receivedAt)).limit(50),
  ]);
  return c.json(
    {
      runs: runs.map((r) => ({ ...r, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null })),
      deadLetters: dead.map((d) => ({ id: d.id, kind: d.kind, body: d.body, attempts: d.attempts, receivedAt: d.receivedAt.toISOString() })),
    },
    200,
  );
});
