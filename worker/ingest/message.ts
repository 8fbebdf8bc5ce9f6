// The queue message the ingest cron sends for each stored frame: its key, where
// its raw bytes are and its parameters. The consumer writes it to radar_frames.
import { z } from "zod";
import { radarFrameKey, stamp } from "../radar/frame-store";

/** The frame key (D1 primary key): source and observation time, e.g. "fmi:201609281800". */
export function frameKey(source: string, obstime: Date): string {
  return `${source}:${stamp(obstime)}`;
}

/** A radar source id, e.g. "fmi". */
export const SOURCE_ID = /^[a-z][a-z0-9-]{0,31}$/;
const nullableFinite = z.number().nullable();

/**
 * Every field checked here, so that a message passing it cannot fail its row's insert:
 * a body that does not pass is retried alone and dead-lettered, never blocking its batch.
 */
export const radarFrameJobSchema = z
  .object({
    kind: z.literal("radar.frame"),
    key: z.string().max(64),
    source: z.string().regex(SOURCE_ID),
    obstime: z.number().int().min(0).max(8.64e15),
    r2Key: z.string().max(200),
    sizeBytes: z.number().int().positive(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    fractionAbove05: z.number().min(0).max(1),
    fractionAbove5: z.number().min(0).max(1),
    meanDbz: nullableFinite,
    maxDbz: nullableFinite,
    centroidLat: z.number().min(-90).max(90).nullable(),
    centroidLon: z.number().min(-180).max(180).nullable(),
    motionUPx: nullableFinite,
    motionVPx: nullableFinite,
    ingestedAt: z.number().int().positive(),
  })
  .superRefine((body, ctx) => {
    const obstime = new Date(body.obstime);
    if (body.key !== frameKey(body.source, obstime)) ctx.addIssue({ code: "custom", path: ["key"], message: "does not match source and obstime" });
    if (body.r2Key !== radarFrameKey(body.source, obstime)) ctx.addIssue({ code: "custom", path: ["r2Key"], message: "does not match source and obstime" });
    if (body.fractionAbove5 > body.fractionAbove05) ctx.addIssue({ code: "custom", path: ["fractionAbove5"], message: "exceeds fractionAbove05" });
    if ((body.centroidLat === null) !== (body.centroidLon === null)) ctx.addIssue({ code: "custom", path: ["centroidLat"], message: "centroid needs both coordinates" });
    if ((body.motionUPx === null) !== (body.motionVPx === null)) ctx.addIssue({ code: "custom", path: ["motionUPx"], message: "motion needs both components" });
  });
export type RadarFrameJob = z.infer<typeof radarFrameJobSchema>;
