// Reading a nowcast for people: the sentence, the minute-by-minute line, the frames.
import { clockTime } from "./zone.svelte";
import type { MapFrame, Nowcast, NowcastResponse, SeriesPoint } from "./types";

export function intensity(mmPerHour: number): "light" | "moderate" | "heavy" {
  return mmPerHour >= 10 ? "heavy" : mmPerHour >= 2.5 ? "moderate" : "light";
}

/**
 * "Rain starting in about 20 min, heaviest around 15:35, dry again by 16:10" or
 * "No rain expected in the next hour": minutes count from the service's now
 * (clock.now), clock times are in the reader's zone.
 */
export function sentence(response: NowcastResponse): string {
  const { events, series } = response.nowcast;
  const now = Date.parse(response.clock.now);
  const horizonMinutes = series.length ? series[series.length - 1]!.minutes : 60;
  const end = series.length ? Date.parse(series[series.length - 1]!.time) : now + horizonMinutes * 60_000;
  if (events.startsAt === null) {
    return `No rain expected in the next ${horizonMinutes === 60 ? "hour" : `${horizonMinutes} minutes`}.`;
  }
  const starts = Date.parse(events.startsAt);
  const inMinutes = Math.round((starts - now) / 60_000);
  const parts = [inMinutes <= 0 ? "Rain now" : `Rain starting in about ${inMinutes} min`];
  const peak = events.peakAt !== null && events.peakMmPerHour !== null ? Date.parse(events.peakAt) : null;
  const stops = events.stopsAt === null ? null : Date.parse(events.stopsAt);
  if (peak !== null && stops !== null && peak > stops) {
    // The rain stops, then comes back heavier: say it in that order.
    parts.push(`dry by ${clockTime(stops)}`, `then rain again, heaviest around ${clockTime(peak)}`);
    return `${parts.join(", ")}.`;
  }
  if (peak !== null && peak > Math.max(starts, now)) parts.push(`heaviest around ${clockTime(peak)}`);
  parts.push(stops === null ? `continuing past ${clockTime(end)}` : `dry again by ${clockTime(stops)}`);
  return `${parts.join(", ")}.`;
}

/** The second line: how heavy, at most. */
export function detail(nowcast: Nowcast): string | null {
  const { events } = nowcast;
  if (events.startsAt === null || events.peakMmPerHour === null) return null;
  return `At most ${events.peakMmPerHour.toFixed(1)} mm/h (${intensity(events.peakMmPerHour)}).`;
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
  return [
    ...nowcast.frames.observed.map((f) => ({ ...f, kind: "observed" as const })),
    ...nowcast.frames.forecast.map((f) => ({ ...f, kind: "forecast" as const })),
  ];
}

/** Words for the cache line: where this nowcast came from and how old it is. */
export function cacheWords(response: NowcastResponse): string {
  switch (response.cache.reason) {
    case "hit":
      return "Served from the cache";
    case "current":
      return "Already computed from the newest radar frame";
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
