import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, errorResponses } from "../openapi";
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

let legendPng: Promise<Uint8Array> | undefined;

export const radarRoutes = createRouter()
  .openapi(legendRoute, (c) => c.json(legend() as z.infer<typeof legendSchema>, 200))
  .openapi(legendPngRoute, async (c) => {
    legendPng ??= encodeLegendPng();
    return new Response(await legendPng, { headers: { "content-type": "image/png", "Cache-Control": "public, max-age=86400" } }) as never;
  });
