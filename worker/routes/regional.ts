// The regional view's images: a source's whole composite, observed and forecast, at one radar time.
import { createRoute, z } from "@hono/zod-openapi";
import { RADAR_SOURCES } from "../../nowcast/src/index";
import { ApiError } from "../errors";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { regionalImage } from "../nowcast/regional";
import { latestRadar } from "../radar/frame-store";

const STAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/;

const regionalRoute = createRoute({
  method: "get",
  path: "/regional/{source}/{time}/{name}",
  summary: "A frame of a source's whole composite (PNG), observed or forecast, on the regional grid a nowcast's `regional` georef describes",
  request: {
    params: z.object({
      source: z.string().refine((s) => Object.hasOwn(RADAR_SOURCES, s), "source must be a radar source id such as fmi"),
      time: z.string().regex(STAMP, "time must be the radar time as YYYYMMDDHHMM (UTC)"),
      name: z.string().regex(/^(observed|forecast)-\d{2}\.png$/, "name must be observed-NN.png or forecast-NN.png"),
    }),
  },
  responses: {
    200: { description: "The image", content: { "image/png": { schema: z.any() } } },
    ...errorResponses,
    404: { description: "No such regional image", content: { "application/json": { schema: errorSchema } } },
  },
});

export const regionalRoutes = createRouter().openapi(regionalRoute, async (c) => {
  const { source, time, name } = c.req.valid("param");
  const [, y, mo, d, h, mi] = STAMP.exec(time)!;
  const radarTime = new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!));
  const latest = await latestRadar(c.env, source);
  const object = await regionalImage(c.env, source, radarTime, name, latest?.obstime ?? null);
  if (!object) throw new ApiError(404, "not_found", `no regional ${source} image ${name} for ${time}`);
  return new Response(object.body, {
    headers: {
      "content-type": "image/png",
      // A view's images never change once written.
      "Cache-Control": "private, max-age=86400, immutable",
      ETag: object.httpEtag,
    },
  }) as never;
});
