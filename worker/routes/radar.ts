import { createRoute, z } from "@hono/zod-openapi";
import { RADAR_SOURCES } from "../../nowcast/src/index";
import { createRouter, errorResponses } from "../openapi";
import { latestRadars } from "../radar/frame-store";
import { encodeLegendPng, legend } from "../render/index";

const legendSchema = z
  .object({
    unit: z.literal("mm/h"),
    steps: z.array(
      z.object({ fromMmPerHour: z.number(), toMmPerHour: z.number().nullable(), color: z.string(), label: z.string(), category: z.string(), categoryWords: z.string() }),
    ),
    noData: z.object({ color: z.string(), label: z.string() }).passthrough(),
  })
  .passthrough()
  .openapi("Legend");

const legendRoute = createRoute({
  method: "get",
  path: "/radar/legend",
  summary: "The radar colour scale of the frames and animations",
  responses: { 200: { description: "Colour steps in mm/h", content: { "application/json": { schema: legendSchema } } }, ...errorResponses },
});

const legendPngRoute = createRoute({
  method: "get",
  path: "/radar/legend.png",
  summary: "The radar colour scale as an image",
  responses: { 200: { description: "PNG", content: { "image/png": { schema: z.any() } } }, ...errorResponses },
});

const coverageSchema = z
  .object({
    sources: z.array(
      z.object({
        id: z.string().openapi({ example: "knmi" }),
        name: z.string(),
        credit: z.string(),
        licence: z.string(),
        scope: z.enum(["national", "continental"]),
        radarTime: z.string().openapi({ description: "The newest composite's time, ISO 8601" }),
        outline: z.array(z.tuple([z.number(), z.number()])).openapi({ description: "A closed [lon, lat] ring around where the newest composite has data" }),
      }),
    ).openapi({ description: "Every source with a composite, national ones before OPERA (the order places are served in)" }),
  })
  .openapi("RadarCoverage");

const coverageRoute = createRoute({
  method: "get",
  path: "/radar/coverage",
  summary: "Where each radar source has data: the outline of its newest composite",
  responses: { 200: { description: "Coverage per source", content: { "application/json": { schema: coverageSchema } } }, ...errorResponses },
});

let legendPng: Promise<Uint8Array> | undefined;

export const radarRoutes = createRouter()
  .openapi(legendRoute, (c) => c.json(legend() as z.infer<typeof legendSchema>, 200))
  .openapi(coverageRoute, async (c) => {
    const sources = (await latestRadars(c.env)).map((latest) => {
      const { id, name, credit, licence, scope } = RADAR_SOURCES[latest.source]!;
      return { id, name, credit, licence, scope, radarTime: latest.obstime.toISOString(), outline: latest.outline };
    });
    return c.json({ sources }, 200);
  })
  .openapi(legendPngRoute, async (c) => {
    legendPng ??= encodeLegendPng();
    return new Response(await legendPng, { headers: { "content-type": "image/png", "Cache-Control": "public, max-age=86400" } }) as never;
  });
