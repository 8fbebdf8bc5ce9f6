// The engine's Georeference (nowcast/src/geo) as a schema: one definition for the nowcast
// payload (API) and the inference contract (container), so a new projection is added once.
import { z } from "zod";

const ellipsoid = z.object({ semiMajorAxisM: z.number().positive(), semiMinorAxisM: z.number().positive() });

export const projectionSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("polar-stereographic"),
    centralLongitudeDeg: z.number(),
    trueLatitudeDeg: z.number(),
    ellipsoid,
  }),
  z.object({
    kind: z.literal("lambert-azimuthal-equal-area"),
    centralLatitudeDeg: z.number(),
    centralLongitudeDeg: z.number(),
    falseEastingM: z.number(),
    falseNorthingM: z.number(),
    ellipsoid,
  }),
  z.object({
    kind: z.literal("swiss-oblique-mercator"),
    centralLatitudeDeg: z.number(),
    centralLongitudeDeg: z.number(),
    scaleFactor: z.number().positive(),
    falseEastingM: z.number(),
    falseNorthingM: z.number(),
    ellipsoid,
    toWgs84M: z.tuple([z.number(), z.number(), z.number()]),
  }),
]);

export const georeferenceSchema = z.object({
  projection: projectionSchema,
  westM: z.number(),
  northM: z.number(),
  pixelWidthM: z.number().positive(),
  pixelHeightM: z.number().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
