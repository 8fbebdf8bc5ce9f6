import { drizzle } from "drizzle-orm/d1";
import { z } from "zod";
import { chunkRows } from "../db/batch";
import { requests } from "../db/schema";
import type { Env } from "../env";
import type { Job } from "./registry";

/** One served request, counted for the location that served it. */
export const requestJobSchema = z.object({
  kind: z.literal("request"),
  locationId: z.number().int().positive(),
  userId: z.string().nullable(),
  requestedAt: z.number().int().positive(),
  cacheStatus: z.enum(["HIT", "MISS", "STALE"]),
});
export type RequestJob = z.infer<typeof requestJobSchema>;

const COLUMNS_PER_ROW = 4;

/** Writes a queue batch of request records as one D1 batch of multi-row inserts. */
export async function recordRequests(jobs: Job<RequestJob>[], env: Env): Promise<void> {
  const db = drizzle(env.DB);
  const rows = jobs.map(({ body }) => ({
    locationId: body.locationId,
    userId: body.userId,
    requestedAt: new Date(body.requestedAt),
    cacheStatus: body.cacheStatus,
  }));
  const statements = chunkRows(rows, COLUMNS_PER_ROW).map((chunk) => db.insert(requests).values(chunk));
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}
