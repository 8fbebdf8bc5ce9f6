// The signed-in user's saved places: list, save, remove. The app shows each one's
// next-hour sentence (GET /api/nowcast per place) and alerts on rain there.
import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../errors";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { listSavedPlaces, MAX_SAVED_PLACES, removeSavedPlace, savePlace, type SavedPlace } from "../places/saved";

const errorContent = { content: { "application/json": { schema: errorSchema } } };

const savedPlaceSchema = z
  .object({ id: z.string(), name: z.string(), lat: z.number(), lon: z.number(), createdAt: z.string().datetime() })
  .openapi("SavedPlace");

const json = (p: SavedPlace): z.infer<typeof savedPlaceSchema> => ({ id: p.id, name: p.name, lat: p.lat, lon: p.lon, createdAt: p.createdAt.toISOString() });

const listRoute = createRoute({
  method: "get",
  path: "/me/places",
  summary: "Your saved places, oldest first",
  responses: {
    200: { description: "Saved places", content: { "application/json": { schema: z.object({ places: z.array(savedPlaceSchema) }).openapi("SavedPlaces") } } },
    ...errorResponses,
  },
});

const saveRoute = createRoute({
  method: "post",
  path: "/me/places",
  summary: "Save a place (saving the same name again returns the saved one)",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ name: z.string().trim().min(1).max(120), lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) })
            .openapi("NewSavedPlace"),
        },
      },
    },
  },
  responses: {
    200: { description: "Already saved", content: { "application/json": { schema: savedPlaceSchema } } },
    201: { description: "Saved", content: { "application/json": { schema: savedPlaceSchema } } },
    ...errorResponses,
    409: { description: `Already ${MAX_SAVED_PLACES} saved places`, ...errorContent },
  },
});

const removeRoute = createRoute({
  method: "delete",
  path: "/me/places/{id}",
  summary: "Remove a saved place",
  request: { params: z.object({ id: z.string().uuid() }) },
  responses: { 204: { description: "Removed" }, ...errorResponses, 404: { description: "No such saved place of yours", ...errorContent } },
});

export const savedPlaceRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json({ places: (await listSavedPlaces(c.get("db"), c.get("principal").sub)).map(json) }, 200))
  .openapi(saveRoute, async (c) => {
    const outcome = await savePlace(c.get("db"), c.get("principal").sub, c.req.valid("json"));
    if (!outcome.ok) throw new ApiError(409, "too_many_places", `remove one of your ${MAX_SAVED_PLACES} saved places first`);
    return outcome.created ? c.json(json(outcome.place), 201) : c.json(json(outcome.place), 200);
  })
  .openapi(removeRoute, async (c) => {
    if (!(await removeSavedPlace(c.get("db"), c.get("principal").sub, c.req.valid("param").id))) {
      throw new ApiError(404, "not_found", "no such saved place of yours");
    }
    return c.body(null, 204);
  });
