import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { ExperimentalLabel } from "../../nowcast/src/models/learned";

/**
 * Continuous self-verification (worker/verification): every issued nowcast is scored once the
 * frames of its hour have arrived. One row per nowcast says it was scored (or why it was not),
 * so nothing is counted twice; the scores themselves are kept only as sums per day.
 */
export const nowcastVerifications = sqliteTable(
  "nowcast_verifications",
  {
    nowcastId: text("nowcast_id").primaryKey(),
    source: text("source").notNull(),
    model: text("model").notNull(),
    radarTime: integer("radar_time", { mode: "timestamp_ms" }).notNull(),
    // "scored", or "skipped" with the reason (no forecast record, the grid changed, no observed frame)
    status: text("status", { enum: ["scored", "skipped"] }).notNull(),
    reason: text("reason"),
    leadsScored: integer("leads_scored").notNull(),
    // the model's experimental label when the nowcast was issued (JSON), null for a model that is not
    experimental: text("experimental", { mode: "json" }).$type<ExperimentalLabel>(),
    verifiedAt: integer("verified_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("nowcast_verifications_radar_time").on(t.radarTime)],
);

/**
 * Contingency sums per UTC day (of the radar time), radar source, model, lead and threshold:
 * over every pixel of each nowcast's crop with data in both fields, and at the nowcast's place
 * (the neighbourhood-mean rate the point series shows). Events are rates strictly above the
 * threshold, as in bench:skill. brierSum/brierCount: the place's chance of exceeding the
 * threshold (an ensemble's probability, 0 or 1 for a deterministic model) against the outcome.
 */
export const verificationDaily = sqliteTable(
  "verification_daily",
  {
    day: text("day").notNull(),
    source: text("source").notNull(),
    model: text("model").notNull(),
    leadMinutes: integer("lead_minutes").notNull(),
    thresholdMmPerHour: real("threshold_mm_per_hour").notNull(),
    nowcasts: integer("nowcasts").notNull(),
    hits: integer("hits").notNull(),
    misses: integer("misses").notNull(),
    falseAlarms: integer("false_alarms").notNull(),
    correctNegatives: integer("correct_negatives").notNull(),
    pointHits: integer("point_hits").notNull(),
    pointMisses: integer("point_misses").notNull(),
    pointFalseAlarms: integer("point_false_alarms").notNull(),
    pointCorrectNegatives: integer("point_correct_negatives").notNull(),
    brierSum: real("brier_sum").notNull(),
    brierCount: integer("brier_count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.source, t.model, t.leadMinutes, t.thresholdMmPerHour] })],
);

/**
 * What a person read, per UTC day, source and model: "rain within the hour" (the sentence says
 * rain, or not) against what fell at the place; the onset error where both had an onset; and how
 * often "rain starting in about N min" came true within the tolerance.
 */
export const verificationOutcomesDaily = sqliteTable(
  "verification_outcomes_daily",
  {
    day: text("day").notNull(),
    source: text("source").notNull(),
    model: text("model").notNull(),
    nowcasts: integer("nowcasts").notNull(),
    rainHits: integer("rain_hits").notNull(),
    rainMisses: integer("rain_misses").notNull(),
    rainFalseAlarms: integer("rain_false_alarms").notNull(),
    rainCorrectNegatives: integer("rain_correct_negatives").notNull(),
    onsetCases: integer("onset_cases").notNull(),
    onsetAbsErrorMinutes: integer("onset_abs_error_minutes").notNull(),
    sentences: integer("sentences").notNull(),
    sentencesTrue: integer("sentences_true").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.source, t.model] })],
);
