// Radar ingest status for the operators (admin).
import { createRoute, z } from "@hono/zod-openapi";
import { ingestStatus } from "../ingest/status";
import { createRouter, errorResponses, errorSchema } from "../openapi";

const sourceParam = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, "source must be a radar source id")
  .default("fmi")
  .openapi({ param: { name: "source", in: "query" }, example: "fmi" });

const iso = z.string().datetime();
const runSchema = z
  .object({
    source: z.string(),
    startedAt: iso,
    finishedAt: iso,
    durationMs: z.number(),
    clock: iso.nullable(),
    clockSource: z.enum(["source", "real-time"]),
    mode: z.enum(["catch-up", "probe"]).nullable(),
    candidates: z.array(iso),
    fetched: z.number().int(),
    stored: z.number().int(),
    notFound: z.number().int(),
    failed: z.number().int(),
    repaired: z.number().int(),
    refused: z.record(z.string(), z.number().int()),
    newest: iso.nullable(),
    error: z.string().nullable(),
  })
  .openapi("IngestRun");

export const ingestStatusSchema = z
  .object({
    source: z.string(),
    enabled: z.boolean(),
    settings: z.object({ maxCatchupFrames: z.number().int(), maxFrameBytes: z.number().int(), clockSkewSeconds: z.number() }),
    clock: z.object({ now: iso.nullable(), source: z.enum(["source", "real-time"]) }),
    newestFrame: z.object({ key: z.string(), obstime: iso, ingestedAt: iso }).nullable(),
    newestStored: iso.nullable().openapi({ description: "newest raw frame in R2 (the nowcasts' newest-frame pointer)" }),
    lagSeconds: z.number().nullable().openapi({ description: "clock minus the newest frame's observation time" }),
    frames: z.number().int(),
    framesPerHour: z.number().int().openapi({ description: "frames observed in the hour ending at the newest frame" }),
    expectedFramesPerHour: z.number().int(),
    runs: z.object({
      count: z.number().int(),
      fetched: z.number().int(),
      stored: z.number().int(),
      notFound: z.number().int(),
      fetchFailed: z.number().int(),
      repaired: z.number().int(),
      errors: z.number().int(),
      last: runSchema.nullable(),
    }),
    refused: z.object({
      total: z.number().int(),
      byReason: z.record(z.string(), z.number().int()),
      recent: z.array(
        z.object({
          obstime: iso,
          url: z.string(),
          reason: z.string(),
          message: z.string(),
          sizeBytes: z.number().int().nullable(),
          sha256: z.string().nullable(),
          refusedAt: iso,
        }),
      ),
    }),
    consumer: z.object({
      batches: z.number().int(),
      messages: z.number().int(),
      rowsUpserted: z.number().int(),
      batchSize: z.object({
        mean: z.number().nullable(),
        max: z.number().int().nullable(),
        last: z.number().int().nullable(),
        histogram: z.record(z.string(), z.number().int()),
      }),
    }),
    retries: z.number().int().openapi({ description: "frame messages delivered again (attempts > 1)" }),
    deadLetters: z.object({
      count: z.number().int(),
      recent: z.array(z.object({ id: z.string(), body: z.string(), attempts: z.number().int(), receivedAt: iso })),
    }),
  })
  .openapi("IngestStatus");

const statusRoute = createRoute({
  method: "get",
  path: "/admin/ingest/status",
  summary: "Radar ingest: newest frame, lag, frames per hour, batch sizes, retries, refusals, dead letters (admin)",
  request: { query: z.object({ source: sourceParam }) },
  responses: {
    200: { description: "Ingest status", content: { "application/json": { schema: ingestStatusSchema } } },
    ...errorResponses,
    403: { description: "Needs the admin role", content: { "application/json": { schema: errorSchema } } },
  },
});

export const ingestRoutes = createRouter().openapi(statusRoute, async (c) => {
  const { source } = c.req.valid("query");
  return c.json(await ingestStatus(c.env, c.get("db"), source), 200);
});
