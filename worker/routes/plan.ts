// POST /api/plan: the day planner (worker/planner). Signed-in users; the body is JSON, at most 32 KB.
import { createRoute } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../errors";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { planErrorSchema, planRequestSchema, planResponseSchema } from "../planner/contract";
import { planDay, PlanImpossibleError, UnknownPlaceError } from "../planner/service";

const MAX_BODY_BYTES = 32 * 1024;
const errorContent = { content: { "application/json": { schema: errorSchema } } };

const planRoute = createRoute({
  method: "post",
  path: "/plan",
  summary: "A day plan that keeps outdoor tasks out of the rain",
  description:
    "Schedules the tasks one after another over the coming hours, each inside its bounds and in the order asked for, " +
    "putting outdoor tasks where the place's nowcast expects the least rain (its chance of rain when the model has one). " +
    "The schedule is optimal for that objective; ties go to the earliest plan.",
  request: { body: { content: { "application/json": { schema: planRequestSchema } }, required: true } },
  responses: {
    200: { description: "The plan", content: { "application/json": { schema: planResponseSchema } } },
    ...errorResponses,
    404: { description: "Unknown place", ...errorContent },
    413: { description: "Body too large", ...errorContent },
    422: { description: "Impossible plan (with the reasons), or a place outside radar coverage", content: { "application/json": { schema: planErrorSchema } } },
    503: { description: "No radar data yet", ...errorContent },
  },
});

export const planRoutes = createRouter();
planRoutes.use(
  "/plan",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, "body_too_large", `the body must be at most ${MAX_BODY_BYTES} bytes`);
    },
  }),
);
planRoutes.openapi(planRoute, async (c) => {
  try {
    const plan = await planDay(c.env, c.executionCtx as ExecutionContext, c.get("db"), c.req.valid("json"), c.get("principal").sub);
    c.header("Cache-Control", "private, no-store");
    return c.json(plan, 200);
  } catch (error) {
    if (error instanceof PlanImpossibleError) {
      return c.json({ error: { code: "impossible_plan", message: error.message, reasons: error.reasons } }, 422);
    }
    if (error instanceof UnknownPlaceError) throw new ApiError(404, "unknown_place", error.message);
    throw error;
  }
});
