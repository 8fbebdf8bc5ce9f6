// The service's live skill, public: how the nowcasts it issued verified, once their hour was observed.
import { createRoute, z } from "@hono/zod-openapi";
import { experimentalLabel } from "../nowcast/payload";
import { createRouter, errorResponses } from "../openapi";
import { numberParam, sourceParam } from "../params";
import { latestRadar } from "../radar/frame-store";
import { liveSkill } from "../verification/skill";

const ratio = z.number().nullable();
const categorical = z.object({
  hits: z.number().int(),
  misses: z.number().int(),
  falseAlarms: z.number().int(),
  correctNegatives: z.number().int(),
  csi: ratio.openapi({ description: "Critical success index; null when undefined (no event forecast or observed)" }),
  pod: ratio.openapi({ description: "Probability of detection" }),
  far: ratio.openapi({ description: "False alarm ratio" }),
  bias: ratio.openapi({ description: "Frequency bias, forecast events / observed events" }),
});
const thresholdScores = z.object({
  thresholdMmPerHour: z.number(),
  nowcasts: z.number().int(),
  crop: categorical.openapi({ description: "Over every pixel of each nowcast's 256 km crop with data in both the forecast and the observation" }),
  point: categorical.openapi({ description: "At each nowcast's place: the neighbourhood-mean rate of its point series" }),
  brier: ratio.openapi({ description: "Brier score at the place of the chance shown (an ensemble's probability, 0 or 1 otherwise)" }),
});
const outcomes = z.object({
  nowcasts: z.number().int(),
  rainWithinHour: categorical.extend({ accuracy: ratio }).openapi({ description: "The sentence said rain within the hour (or not) against what fell at the place" }),
  onsetCases: z.number().int(),
  onsetMaeMinutes: ratio.openapi({ description: "Mean |forecast - observed| minutes to the onset, where both had one" }),
  sentences: z.number().int().openapi({ description: 'Nowcasts that said "rain starting in about N min"' }),
  sentencesTrue: z.number().int(),
  sentenceHitRate: ratio.openapi({ description: "Share whose observed onset fell within N +- 10 min" }),
});
const liveSkillSchema = z
  .object({
    source: z.string(),
    from: z.iso.date(),
    to: z.iso.date(),
    thresholdsMmPerHour: z.array(z.number()),
    headlineLeadsMinutes: z.array(z.number().int()),
    models: z.array(
      z.object({
        model: z.string(),
        experimental: experimentalLabel.nullable().openapi({ description: "Set for an experimental learned model: why, its benchmark, the data it was trained on" }),
        byLead: z.array(z.object({ leadMinutes: z.number().int(), thresholds: z.array(thresholdScores) })),
        daily: z.array(z.object({ day: z.iso.date(), leads: z.array(z.object({ leadMinutes: z.number().int(), thresholds: z.array(thresholdScores) })), outcomes })),
        outcomes,
      }),
    ),
  })
  .openapi("LiveSkill");

const skillRoute = createRoute({
  method: "get",
  path: "/skill",
  summary: "Live skill of the nowcasts the service issued, verified against the radar frames of their hour",
  description:
    "Every nowcast is scored once the frames of its hour have arrived (rates strictly above each threshold are events; the source's Z-R relation). " +
    "Scores per model over the period, by lead and threshold; the daily trend at the headline leads; the sentence's outcomes. Days are UTC days of the radar time.",
  security: [],
  request: {
    query: z.object({
      source: sourceParam,
      days: numberParam(1, 90, "days")
        .pipe(z.number().int("days must be a whole number"))
        .optional()
        .openapi({ param: { name: "days", in: "query" }, description: "UTC days ending with the newest radar frame's (default 14)", type: "integer" }),
    }),
  },
  responses: {
    200: { description: "The period's scores per model", content: { "application/json": { schema: liveSkillSchema } } },
    400: errorResponses[400],
  },
});

export const skillRoutes = createRouter().openapi(skillRoute, async (c) => {
  const { source, days } = c.req.valid("query");
  const latest = await latestRadar(c.env, source);
  const body = await liveSkill(c.get("db"), source, days ?? 14, latest?.obstime ?? new Date());
  c.header("Cache-Control", "public, max-age=60");
  return c.json(body, 200);
});
