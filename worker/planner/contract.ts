// The day planner's request and response, as zod schemas (the route validates with
// them; the CLI and the site read the types derived from them).
import { z } from "@hono/zod-openapi";
import { MAX_HORIZON_MINUTES, MAX_TASKS } from "./schedule";

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A bound: an ISO date-time, or a clock time HH:MM in the request's time zone. */
const boundSchema = z
  .string()
  .trim()
  .refine((v) => CLOCK_TIME.test(v) || (/^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v))), {
    message: "must be a clock time HH:MM or an ISO date-time",
  })
  .openapi({ example: "19:00" });

export const planTaskSchema = z.object({
  name: z.string().trim().min(1, "a task needs a name").max(80),
  minutes: z.number().int("minutes must be a whole number").min(1, "minutes must be at least 1").max(MAX_HORIZON_MINUTES),
  outdoor: z.boolean().default(false),
  earliestStart: boundSchema.optional(),
  latestEnd: boundSchema.optional(),
  order: z.number().int().min(0).max(1000).optional().openapi({ description: "Tasks with an order are done in increasing order among themselves" }),
});

export const planRequestSchema = z
  .object({
    place: z.string().trim().min(1).max(200).optional(),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    tasks: z.array(planTaskSchema).min(1, "give at least one task").max(MAX_TASKS, `at most ${MAX_TASKS} tasks`),
    timeZone: z
      .string()
      .max(64)
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat("en", { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, "timeZone must be an IANA time zone such as Europe/Helsinki")
      .default("UTC")
      .openapi({ description: "Where clock times (HH:MM) in the bounds are read" }),
    windowMinutes: z
      .number()
      .int()
      .min(5)
      .max(MAX_HORIZON_MINUTES)
      .optional()
      .openapi({ description: "How far ahead the plan may reach; by default the tasks' total plus an hour, at least two hours" }),
    model: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
      .optional()
      .openapi({ description: "The nowcast model; ensemble gives a chance of rain per minute" }),
  })
  .superRefine((q, ctx) => {
    const hasPosition = q.lat !== undefined || q.lon !== undefined;
    if (hasPosition && q.place !== undefined) ctx.addIssue({ code: "custom", message: "give either lat and lon, or place, not both" });
    else if (!hasPosition && q.place === undefined) ctx.addIssue({ code: "custom", message: "give lat and lon, or place" });
    else if (hasPosition && (q.lat === undefined || q.lon === undefined)) ctx.addIssue({ code: "custom", message: "lat and lon go together" });
  })
  .openapi("PlanRequest");
export type PlanRequest = z.input<typeof planRequestSchema>;

const isoTime = z.string().datetime();

export const plannedTaskSchema = z.object({
  name: z.string(),
  minutes: z.number().int(),
  outdoor: z.boolean(),
  start: isoTime,
  end: isoTime,
  startMinute: z.number().int().openapi({ description: "Minutes after the plan's start" }),
  endMinute: z.number().int(),
  rain: z.object({
    expectedMm: z.number().openapi({ description: "Rain expected at the place while the task runs" }),
    maxChanceOfRain: z.number().openapi({ description: "The highest per-minute chance of rain during the task (0..1)" }),
    wetMinutes: z.number().int().openapi({ description: "Minutes at or above the nowcast's rain threshold" }),
    beyondNowcastMinutes: z.number().int().openapi({ description: "Minutes past the nowcast's last lead, where its last value is assumed" }),
    summary: z.string(),
  }),
});

export const planResponseSchema = z
  .object({
    place: z.object({ name: z.string(), lat: z.number(), lon: z.number() }),
    start: isoTime.openapi({ description: "The plan starts at the service's now, rounded up to the minute" }),
    end: isoTime,
    timeZone: z.string(),
    nowcast: z.object({
      id: z.string(),
      model: z.string(),
      radarTime: isoTime,
      lastLeadTime: isoTime,
      riskBasis: z.enum(["chance-of-rain", "rain-rate"]).openapi({
        description: "chance-of-rain: the ensemble's chance per lead; rain-rate: 1 where the deterministic nowcast reaches the rain threshold, else 0",
      }),
      thresholdMmPerHour: z.number(),
    }),
    tasks: z.array(plannedTaskSchema),
    totals: z.object({ outdoorExpectedMm: z.number(), outdoorRiskMinutes: z.number(), idleMinutes: z.number().int() }),
    series: z.array(z.object({ time: isoTime, mmPerHour: z.number().nullable(), chanceOfRain: z.number() })),
  })
  .openapi("Plan");
export type Plan = z.infer<typeof planResponseSchema>;

export const planErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), reasons: z.array(z.string()) }) })
  .openapi("PlanError");
