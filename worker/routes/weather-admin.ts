// City weather, admin actions: add and remove cities, collect now, replay the
// raw landing into the tables, retrain the classifier.
import { createRoute, z } from "@hono/zod-openapi";
import { FETCH_OUTCOMES } from "../db/schema";
import { ApiError } from "../errors";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { NotEnoughDataError, trainClassifier } from "../weather/classifier";
import { addCity, cityJson, cityJsonSchema, newCitySchema, removeCity, slugSchema } from "../weather/cities";
import { collectAllNow } from "../weather/collect";
import { replayLanding } from "../weather/replay";
import { classifierResultSchema } from "./weather";

const adminErrors = {
  ...errorResponses,
  403: { description: "Needs the admin role", content: { "application/json": { schema: errorSchema } } },
} as const;

const addCityRoute = createRoute({
  method: "post",
  path: "/admin/weather/cities",
  summary: "Add a city to the collection (admin)",
  description: "A removed city with the same slug comes back with the new details and its history.",
  request: { body: { required: true, content: { "application/json": { schema: newCitySchema } } } },
  responses: {
    201: { description: "Added", content: { "application/json": { schema: z.object({ city: cityJsonSchema, status: z.enum(["created", "reactivated"]) }) } } },
    ...adminErrors,
    409: { description: "An active city has this slug", content: { "application/json": { schema: errorSchema } } },
  },
});

const removeCityRoute = createRoute({
  method: "delete",
  path: "/admin/weather/cities/{slug}",
  summary: "Stop collecting a city (admin); its observations stay",
  request: { params: z.object({ slug: slugSchema.openapi({ param: { name: "slug", in: "path" }, example: "madrid" }) }) },
  responses: {
    204: { description: "Removed" },
    ...adminErrors,
    404: { description: "No active city with this slug", content: { "application/json": { schema: errorSchema } } },
  },
});

const collectRoute = createRoute({
  method: "post",
  path: "/admin/weather/collect",
  summary: "Collect every active city now, one attempt each (admin)",
  responses: {
    200: {
      description: "One outcome per city",
      content: {
        "application/json": {
          schema: z.object({
            outcomes: z.array(
              z.object({
                city: z.string(),
                outcome: z.enum(FETCH_OUTCOMES),
                retry: z.boolean(),
                httpStatus: z.number().int().nullable(),
                rawKey: z.string().nullable(),
                message: z.string().nullable(),
                inserted: z.number().int(),
              }),
            ),
          }),
        },
      },
    },
    ...adminErrors,
  },
});

const replayBody = z
  .object({
    reset: z.boolean().optional().openapi({ description: "clear the observations first (first page only)" }),
    cursor: z.string().min(1).max(2048).optional().openapi({ description: "the cursor a previous page returned" }),
    limit: z.number().int().min(1).max(1000).optional().openapi({ description: "raw objects per page (default 100)" }),
  })
  .openapi("WeatherReplayRequest");

const replayRoute = createRoute({
  method: "post",
  path: "/admin/weather/replay",
  summary: "Rebuild the observation tables from the raw landing, one page per call (admin)",
  request: { body: { required: false, content: { "application/json": { schema: replayBody } } } },
  responses: {
    200: {
      description: "What the page did; call again with `cursor` until `done`",
      content: {
        "application/json": {
          schema: z
            .object({
              objects: z.number().int(),
              records: z.number().int(),
              inserted: z.number().int(),
              duplicates: z.number().int(),
              rejected: z.array(z.object({ key: z.string(), reason: z.string() })),
              cursor: z.string().nullable(),
              done: z.boolean(),
            })
            .openapi("WeatherReplayResult"),
        },
      },
    },
    ...adminErrors,
  },
});

const trainRoute = createRoute({
  method: "post",
  path: "/admin/weather/classifier",
  summary: "Retrain the city classifier now (admin)",
  responses: {
    200: { description: "The new run", content: { "application/json": { schema: classifierResultSchema } } },
    ...adminErrors,
    409: { description: "Not enough data to train", content: { "application/json": { schema: errorSchema } } },
  },
});

export const weatherAdminRoutes = createRouter()
  .openapi(addCityRoute, async (c) => {
    const result = await addCity(c.get("db"), c.req.valid("json"));
    if ("conflict" in result) throw new ApiError(409, "city_exists", `a city with the slug "${result.conflict.slug}" is already collected`);
    return c.json({ city: cityJson(result.city), status: result.status }, 201);
  })
  .openapi(removeCityRoute, async (c) => {
    const { slug } = c.req.valid("param");
    if (!(await removeCity(c.get("db"), slug))) throw new ApiError(404, "not_found", `no active city "${slug}"`);
    return c.body(null, 204);
  })
  .openapi(collectRoute, async (c) => c.json({ outcomes: await collectAllNow(c.env) }, 200))
  .openapi(replayRoute, async (c) => {
    const body = (c.req.valid("json") ?? {}) as z.infer<typeof replayBody>;
    return c.json(await replayLanding(c.env, body), 200);
  })
  .openapi(trainRoute, async (c) => {
    try {
      return c.json(await trainClassifier(c.env), 200);
    } catch (error) {
      if (error instanceof NotEnoughDataError) throw new ApiError(409, "not_enough_data", error.message);
      throw error;
    }
  });
