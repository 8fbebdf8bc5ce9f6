// Reading a nowcast for people: the minute-by-minute line, the frames. The sentence is the
// server's (response.summary, worker/nowcast/sentence.ts), never built here.
import { categoryOf } from "../../worker/nowcast/rain-categories";
import reliability from "../../worker/nowcast/chance-reliability.json";
import type { MapFrame, Nowcast, NowcastResponse, SeriesPoint } from "./types";

/** The second line: how heavy, at most, in the categories the map and the sentence use. */
export function detail(nowcast: Nowcast): string | null {
  const peak = Math.max(0, ...nowcast.series.map((p) => p.mmPerHour ?? 0));
  const category = categoryOf(peak);
  if (!category) return null;
  return `At most ${peak.toFixed(1)} mm/h (${category.words}).`;
}

/** The chance of rain at a time (0..1), stepwise per 5-minute lead; null without one. */
export function chanceAt(nowcast: Nowcast, time: number): number | null {
  const series = nowcast.chance?.series ?? [];
  let value: number | null = null;
  for (const p of series) if (Date.parse(p.time) <= time) value = p.chanceOfRain;
  return value;
}

/**
 * How reliable a chance of rain has been, in plain words, from npm run bench:chance (the
 * deterministic nowcast's neighbourhood chance on archived radar): the bin the chance falls in.
 * Null for the ensemble's chance (measured in bench:skill) or a bin without enough cases.
 */
export function reliabilityWords(nowcast: Nowcast, chance: number | null): string | null {
  if (chance === null || nowcast.chance?.method !== "neighbourhood") return null;
  const bin = reliability.bins[Math.min(reliability.bins.length - 1, Math.floor(chance * reliability.bins.length))];
  if (!bin || bin.rainedFraction === null || bin.cases < 100) return null;
  return (
    `When we have said ${bin.fromPercent}–${bin.toPercent} %, it rained ${Math.round(bin.rainedFraction * 100)} % of the time ` +
    `(${bin.cases.toLocaleString("en")} forecasts on archived radar).`
  );
}

export interface MinutePoint {
  minutes: number;
  time: number;
  mmPerHour: number | null;
}

/**
 * The model gives a value every stepMinutes (5); for display the line is
 * interpolated linearly to every minute between two known values (a gap stays a gap).
 */
export function perMinute(series: SeriesPoint[]): MinutePoint[] {
  const out: MinutePoint[] = [];
  for (let k = 0; k < series.length; k++) {
    const a = series[k]!;
    const t0 = Date.parse(a.time);
    out.push({ minutes: a.minutes, time: t0, mmPerHour: a.mmPerHour });
    const b = series[k + 1];
    if (!b) break;
    const steps = b.minutes - a.minutes;
    for (let m = 1; m < steps; m++) {
      const f = m / steps;
      const value = a.mmPerHour === null || b.mmPerHour === null ? null : a.mmPerHour + (b.mmPerHour - a.mmPerHour) * f;
      out.push({ minutes: a.minutes + m, time: t0 + m * 60_000, mmPerHour: value === null ? null : Math.round(value * 100) / 100 });
    }
  }
  return out;
}

/** The rain rate at a time, interpolated like the chart; null outside the series. */
export function rateAt(series: SeriesPoint[], time: number): number | null {
  for (let k = 0; k + 1 < series.length; k++) {
    const a = series[k]!, b = series[k + 1]!;
    const ta = Date.parse(a.time), tb = Date.parse(b.time);
    if (time >= ta && time <= tb) {
      if (a.mmPerHour === null || b.mmPerHour === null) return null;
      return a.mmPerHour + ((b.mmPerHour - a.mmPerHour) * (time - ta)) / (tb - ta);
    }
  }
  return null;
}

/** The observed hour, then the forecast hour. */
export function mapFrames(nowcast: Nowcast): MapFrame[] {
  const regional = new Map([...(nowcast.regional?.frames.observed ?? []), ...(nowcast.regional?.frames.forecast ?? [])].map((f) => [f.time, f.url]));
  const regionalUrl = (time: string) => regional.get(time) ?? null;
  return [
    ...nowcast.frames.observed.map((f) => ({ ...f, kind: "observed" as const, regionalUrl: regionalUrl(f.time) })),
    ...nowcast.frames.forecast.map((f) => ({ ...f, kind: "forecast" as const, regionalUrl: regionalUrl(f.time) })),
  ];
}

/** Words for the cache line: where this nowcast came from and how old it is. */
export function cacheWords(response: NowcastResponse): string {
  switch (response.cache.reason) {
    case "hit":
      return "Served from the cache";
    case "current":
      return "Already computed from the newest radar frame";
    case "regional":
      return `From the newest radar frame's forecast of the whole radar area, at ${Math.round(response.nowcast.georef.pixelWidthM / 1000)} km detail; this place's own finer forecast follows as the service has time (reload later, or ask for the latest data)`;
    case "revalidating":
      return "One radar frame behind: being updated now, reload in a moment";
    case "miss":
      return "Computed for this request (nothing cached here yet)";
    case "stale":
      return "Recomputed: the cached nowcast was older than the newest radar frame";
    case "fresh":
      return "Fresh model run, as you asked";
    case "fallback":
      return "The model could not run just now: this is the last nowcast we had, older than the newest radar frame";
  }
}
