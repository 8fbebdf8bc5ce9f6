// The one sentence generator: every sentence a person reads about a nowcast (the site's
// /app, /popular and landing example, and the API's `summary`) is built here, on the server,
// from the point series, the chance of rain and the rain categories.
import type { Chance } from "./chance";
import type { NowcastPayload } from "./payload";
import { categoryIndex, RAIN_CATEGORIES } from "./rain-categories";

export interface SentenceInput {
  /** Minutes after the radar time, ascending, lead 0 (the observation) first. */
  series: readonly { minutes: number; mmPerHour: number | null }[];
  chance: readonly { minutes: number; chanceOfRain: number | null }[] | null;
  /** Minutes of "now" after the radar time (radar arrives a few minutes late). */
  nowMinutes: number;
  /** Formats a time given in minutes after the radar time ("14:20"); null: say minutes from now. */
  clock: ((minutes: number) => string) | null;
}

interface Segment {
  wet: boolean;
  startMinutes: number;
  /** The first lead after the segment, null when it lasts past the series. */
  endMinutes: number | null;
  peakIndex: number;
  peakMinutes: number;
  firstIndex: number;
}

/** Less forecast than this left after now, and the sentence says the nowcast is out of date. */
const MIN_HORIZON_MINUTES = 5;
/** A chance below this is not worth a "chance of rain" on a dry hour. */
const MENTION_CHANCE = 0.25;

function percent(p: number): string {
  // Tens, as a person would say it; never "0 %" for a chance we mention, never above 100.
  return `${Math.min(100, Math.max(10, Math.round(p * 10) * 10))} %`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Runs of wet and dry leads from now on; a lead without a value continues the run it is in. */
function segments(points: readonly { minutes: number; mmPerHour: number | null }[]): Segment[] {
  const out: Segment[] = [];
  let current: Segment | null = null;
  for (const p of points) {
    if (p.mmPerHour === null) continue;
    const index = categoryIndex(p.mmPerHour);
    const wet = index >= 0;
    if (!current || current.wet !== wet) {
      if (current) current.endMinutes = p.minutes;
      current = { wet, startMinutes: p.minutes, endMinutes: null, peakIndex: index, peakMinutes: p.minutes, firstIndex: index };
      out.push(current);
    } else if (index > current.peakIndex) {
      current.peakIndex = index;
      current.peakMinutes = p.minutes;
    }
  }
  return out;
}

export function nowcastSentence(input: SentenceInput): string {
  const { series, chance, nowMinutes, clock } = input;
  // From the lead that holds "now": the newest one at or before it.
  let first = 0;
  while (first + 1 < series.length && series[first + 1]!.minutes <= nowMinutes) first++;
  const points = series.slice(first);
  const known = points.filter((p) => p.mmPerHour !== null);
  if (known.length === 0) return "No forecast for this place right now: the radar has no data around it.";
  const endMinutes = points[points.length - 1]!.minutes;
  const fromNow = (m: number) => Math.max(0, Math.round(m - nowMinutes));
  // Said after its hour (a cached nowcast read long after its radar time): nothing left to forecast,
  // and "for the next 0 min" would be nonsense.
  if (fromNow(endMinutes) < MIN_HORIZON_MINUTES) {
    return clock ? `Out of date: this forecast ran until ${clock(endMinutes)}.` : "Out of date: the hour this forecast covered is over.";
  }
  const horizon = fromNow(endMinutes) >= 55 ? "the next hour" : `the next ${fromNow(endMinutes)} min`;

  // Time phrases, one way per sentence: clock times when the reader's zone is known, else minutes from now.
  const from = (m: number) => (clock ? `from ${clock(m)}` : `in ${fromNow(m)} min`);
  const until = (start: number, end: number) => (clock ? `until ${clock(end)}` : `for ${Math.round(end - Math.max(start, nowMinutes))} min`);
  const around = (m: number) => (clock ? `around ${clock(m)}` : `in about ${fromNow(m)} min`);
  const dryFrom = (m: number) => (clock ? `dry from ${clock(m)}` : `dry in ${fromNow(m)} min`);
  const chanceOver = (start: number, end: number | null) => {
    let max = -1;
    for (const c of chance ?? []) {
      if (c.chanceOfRain !== null && c.minutes >= start && (end === null || c.minutes < end)) max = Math.max(max, c.chanceOfRain);
    }
    return max < 0 ? null : max;
  };

  const runs = segments(points);
  const wet = runs.filter((s) => s.wet);
  if (wet.length === 0) {
    // Dry at the place on every lead; the neighbourhood may still hold rain close by.
    const near = (chance ?? []).find((c) => c.minutes >= points[0]!.minutes && c.chanceOfRain !== null && c.chanceOfRain >= MENTION_CHANCE);
    if (near) return `Dry for ${horizon}, with a ${percent(chanceOver(near.minutes, null)!)} chance of rain ${from(near.minutes)}.`;
    return `No rain expected in ${horizon}.`;
  }

  const clauses: string[] = [];
  wet.slice(0, 2).forEach((seg, n) => {
    const again = n > 0 ? " again" : "";
    const peakWords = RAIN_CATEGORIES[seg.peakIndex]!.words;
    const firstWords = RAIN_CATEGORIES[seg.firstIndex]!.words;
    const raining = seg.startMinutes <= points[0]!.minutes;
    if (raining) {
      if (seg.peakIndex > seg.firstIndex) {
        clauses.push(`${firstWords} now`, `${peakWords} ${around(seg.peakMinutes)}`);
        if (seg.endMinutes !== null) clauses.push(dryFrom(seg.endMinutes));
      } else if (seg.endMinutes === null) {
        clauses.push(`${firstWords} for ${horizon}`);
      } else {
        clauses.push(clock ? `${firstWords} now, ${until(seg.startMinutes, seg.endMinutes)}` : `${firstWords} for the next ${fromNow(seg.endMinutes)} min`);
      }
      return;
    }
    const p = chanceOver(seg.startMinutes, seg.endMinutes);
    const lead = `${n > 0 ? "then " : ""}${p === null ? "" : `${percent(p)} chance of `}${peakWords}${again} ${from(seg.startMinutes)}`;
    const parts = [lead];
    if (seg.peakIndex > seg.firstIndex) parts.push(`heaviest ${around(seg.peakMinutes)}`);
    if (seg.endMinutes !== null) parts.push(until(seg.startMinutes, seg.endMinutes));
    clauses.push(parts.join(", "));
  });
  if (wet.length > 2) clauses.push("and more showers after that");
  return `${capitalize(clauses.join(", "))}.`;
}

// One formatter per zone: building an Intl.DateTimeFormat costs far more than using one.
const formatters = new Map<string, Intl.DateTimeFormat>();

function clockFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The sentence of a stored nowcast at a moment: clock times in timeZone, or minutes from then when null. */
export function sentenceOf(payload: Pick<NowcastPayload, "radarTime" | "series"> & { chance?: Chance }, nowMs: number, timeZone: string | null): string {
  const radarMs = Date.parse(payload.radarTime);
  const format = timeZone ? clockFormatter(timeZone) : null;
  return nowcastSentence({
    series: payload.series,
    chance: payload.chance?.series ?? null,
    nowMinutes: Math.max(0, (nowMs - radarMs) / 60_000),
    clock: format ? (m) => format.format(new Date(radarMs + m * 60_000)) : null,
  });
}
