// The rain risk of each minute of a plan, from a nowcast's point series: the
// chance of rain (the ensemble's, or 1/0 where a deterministic nowcast reaches
// the rain threshold) plus the rain expected in that minute (mm), so heavier
// rain weighs more than light. Leads are 5 minutes apart; minutes between them
// are interpolated linearly; minutes past the last lead keep its value.
import type { NowcastPayload } from "../nowcast/payload";

export interface MinuteRisk {
  /** Per minute of the plan: chance of rain (0..1). */
  chance: Float64Array;
  /** Per minute: rain rate at the place (mm/h). */
  mmPerHour: Float64Array;
  /** Per minute: chance + mm expected in that minute; the scheduler's weight. */
  risk: Float64Array;
  /** The first minute past the nowcast's last lead. */
  lastLeadMinute: number;
  basis: "chance-of-rain" | "rain-rate";
}

/** Linear interpolation of (x, y) points sorted by x, held flat beyond both ends. */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]!) return ys[0]!;
  const last = xs.length - 1;
  if (x >= xs[last]!) return ys[last]!;
  let i = 1;
  while (xs[i]! < x) i++;
  const f = (x - xs[i - 1]!) / (xs[i]! - xs[i - 1]!);
  return ys[i - 1]! + f * (ys[i]! - ys[i - 1]!);
}

export function minuteRisk(nowcast: NowcastPayload, startMs: number, horizonMinutes: number): MinuteRisk {
  const radarMs = Date.parse(nowcast.radarTime);
  const threshold = nowcast.events.thresholdMmPerHour;
  const leads = nowcast.series.map((p) => p.minutes);
  // A lead without data (edge of the composite) counts as dry: there is nothing to avoid.
  const rates = nowcast.series.map((p) => p.mmPerHour ?? 0);
  const probability = nowcast.probability;
  const chanceLeads = probability ? [0, ...probability.series.map((p) => p.minutes)] : [];
  const chances = probability ? [rates[0]! >= threshold ? 1 : 0, ...probability.series.map((p) => p.chanceOfRain ?? 0)] : [];
  const offsetMinutes = (startMs - radarMs) / 60_000;

  const chance = new Float64Array(horizonMinutes);
  const mmPerHour = new Float64Array(horizonMinutes);
  const risk = new Float64Array(horizonMinutes);
  for (let m = 0; m < horizonMinutes; m++) {
    // The middle of the minute stands for it.
    const lead = offsetMinutes + m + 0.5;
    const rate = interpolate(leads, rates, lead);
    const p = probability ? interpolate(chanceLeads, chances, lead) : rate >= threshold ? 1 : 0;
    mmPerHour[m] = rate;
    chance[m] = p;
    risk[m] = p + rate / 60;
  }
  const lastLeadMinute = Math.max(0, Math.ceil(leads.at(-1)! - offsetMinutes));
  return { chance, mmPerHour, risk, lastLeadMinute, basis: probability ? "chance-of-rain" : "rain-rate" };
}
