// The live skill of the service's own nowcasts, read from the daily sums: per model, the scores
// over a period by lead and threshold, their daily trend at the headline leads, and how the
// sentence fared. Scores are computed from summed tables (every pixel and nowcast weighs alike).
import { and, asc, eq, gte, lte, max } from "drizzle-orm";
import type { ExperimentalLabel } from "../../nowcast/src/models/learned";
import { nowcastVerifications, verificationDaily, verificationOutcomesDaily } from "../db/schema";
import type { Db } from "../env";
import { dayOf } from "./run";
import { VERIFIED_THRESHOLDS_MM_PER_HOUR } from "./record";

/** Leads the daily trend is given at. */
export const HEADLINE_LEADS_MINUTES = [15, 30, 60] as const;
const DAY_MS = 86_400_000;

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

export interface Categorical {
  hits: number;
  misses: number;
  falseAlarms: number;
  correctNegatives: number;
  csi: number | null;
  pod: number | null;
  far: number | null;
  bias: number | null;
}

function categorical(h: number, m: number, f: number, c: number): Categorical {
  return { hits: h, misses: m, falseAlarms: f, correctNegatives: c, csi: ratio(h, h + m + f), pod: ratio(h, h + m), far: ratio(f, h + f), bias: ratio(h + f, h + m) };
}

type DailyRow = typeof verificationDaily.$inferSelect;
type OutcomeRow = typeof verificationOutcomesDaily.$inferSelect;

/** Column sums over rows. */
function totals<R, K extends keyof R>(rows: readonly R[], keys: readonly K[]): Record<K, number> {
  const sums = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const row of rows) for (const k of keys) sums[k] += row[k] as number;
  return sums;
}

const DAILY_SUMS = ["nowcasts", "hits", "misses", "falseAlarms", "correctNegatives", "pointHits", "pointMisses", "pointFalseAlarms", "pointCorrectNegatives", "brierSum", "brierCount"] as const;
const OUTCOME_SUMS = ["nowcasts", "rainHits", "rainMisses", "rainFalseAlarms", "rainCorrectNegatives", "onsetCases", "onsetAbsErrorMinutes", "sentences", "sentencesTrue"] as const;

function thresholdScores(rows: readonly DailyRow[]) {
  return VERIFIED_THRESHOLDS_MM_PER_HOUR.map((thresholdMmPerHour) => {
    const s = totals(rows.filter((r) => r.thresholdMmPerHour === thresholdMmPerHour), DAILY_SUMS);
    return {
      thresholdMmPerHour,
      nowcasts: s.nowcasts,
      crop: categorical(s.hits, s.misses, s.falseAlarms, s.correctNegatives),
      point: categorical(s.pointHits, s.pointMisses, s.pointFalseAlarms, s.pointCorrectNegatives),
      brier: s.brierCount ? Math.round((s.brierSum / s.brierCount) * 10_000) / 10_000 : null,
    };
  });
}

function outcomeScores(rows: readonly OutcomeRow[]) {
  const s = totals(rows, OUTCOME_SUMS);
  return {
    nowcasts: s.nowcasts,
    rainWithinHour: { ...categorical(s.rainHits, s.rainMisses, s.rainFalseAlarms, s.rainCorrectNegatives), accuracy: ratio(s.rainHits + s.rainCorrectNegatives, s.nowcasts) },
    onsetCases: s.onsetCases,
    onsetMaeMinutes: s.onsetCases ? Math.round((s.onsetAbsErrorMinutes / s.onsetCases) * 10) / 10 : null,
    sentences: s.sentences,
    sentencesTrue: s.sentencesTrue,
    sentenceHitRate: ratio(s.sentencesTrue, s.sentences),
  };
}

const groupBy = <T, K>(items: readonly T[], key: (t: T) => K) => {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};

/** The period: `days` UTC days ending with the day of `until` (the newest radar frame's). */
export async function liveSkill(db: Db, source: string, days: number, until: Date) {
  const to = dayOf(until.getTime());
  const from = dayOf(Date.parse(`${to}T00:00:00Z`) - (days - 1) * DAY_MS);
  const inPeriod = <T extends typeof verificationDaily | typeof verificationOutcomesDaily>(t: T) => and(eq(t.source, source), gte(t.day, from), lte(t.day, to));
  const [daily, outcomes, labels] = await Promise.all([
    db.select().from(verificationDaily).where(inPeriod(verificationDaily)).orderBy(asc(verificationDaily.day)),
    db.select().from(verificationOutcomesDaily).where(inPeriod(verificationOutcomesDaily)).orderBy(asc(verificationOutcomesDaily.day)),
    // Each model's label as its newest verified nowcast carried it (SQLite takes the bare column from the max row).
    db
      .select({ model: nowcastVerifications.model, experimental: nowcastVerifications.experimental, newest: max(nowcastVerifications.radarTime) })
      .from(nowcastVerifications)
      .where(and(eq(nowcastVerifications.source, source), eq(nowcastVerifications.status, "scored")))
      .groupBy(nowcastVerifications.model),
  ]);
  const labelOf = new Map<string, ExperimentalLabel | null>(labels.map((l) => [l.model, l.experimental ?? null]));
  const outcomesByModel = groupBy(outcomes, (r) => r.model);
  const models = [...groupBy(daily, (r) => r.model)].map(([model, rows]) => ({
    model,
    experimental: labelOf.get(model) ?? null,
    byLead: [...groupBy(rows, (r) => r.leadMinutes)].sort(([a], [b]) => a - b).map(([leadMinutes, leadRows]) => ({ leadMinutes, thresholds: thresholdScores(leadRows) })),
    daily: [...groupBy(rows, (r) => r.day)].map(([day, dayRows]) => ({
      day,
      leads: HEADLINE_LEADS_MINUTES.map((leadMinutes) => ({ leadMinutes, thresholds: thresholdScores(dayRows.filter((r) => r.leadMinutes === leadMinutes)) })),
      outcomes: outcomeScores((outcomesByModel.get(model) ?? []).filter((r) => r.day === day)),
    })),
    outcomes: outcomeScores(outcomesByModel.get(model) ?? []),
  }));
  return { source, from, to, thresholdsMmPerHour: [...VERIFIED_THRESHOLDS_MM_PER_HOUR], headlineLeadsMinutes: [...HEADLINE_LEADS_MINUTES], models };
}
export type LiveSkill = Awaited<ReturnType<typeof liveSkill>>;
