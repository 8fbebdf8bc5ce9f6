// The chance of rain at the place, per 5-minute lead: from the ensemble's members where the
// ensemble ran, otherwise the neighbourhood probability of the deterministic nowcast.
import { neighbourhoodFraction, rainRateToDbz, zrForSource, type PointForecast, type RadarFrame } from "../../nowcast/src/index";
import type { InferenceResult } from "../inference/contract";
import { RAIN_FROM_MM_PER_HOUR } from "./rain-categories";

/** Half-width, in km, of the square the point series is averaged over: 5 x 5 km on the 1 km grids. */
export const POINT_RADIUS_KM = 2;

/**
 * That half-width in a grid's pixels: 2 on the 1 km grids, 1 on OPERA's 2 km grid (a 6 x 6 km
 * square, the closest it has; a fixed pixel count would average OPERA over 10 x 10 km).
 */
export function pointRadiusPx(kmPerPx: number): number {
  return Math.max(0, Math.round(POINT_RADIUS_KM / kmPerPx));
}

/** Side of the point square in km on a grid, as the page states it. */
export function pointSquareKm(kmPerPx: number): number {
  return Math.round((2 * pointRadiusPx(kmPerPx) + 1) * kmPerPx * 10) / 10;
}

/**
 * The neighbourhood's half-width grows with the lead: the position error of an
 * extrapolated rain cell grows roughly linearly with time (about 1 km per 5 minutes at
 * typical advection-error speeds), so a fixed square would claim certainty the forecast
 * does not have at 60 minutes.
 */
export const CHANCE_BASE_RADIUS_KM = POINT_RADIUS_KM;
export const CHANCE_RADIUS_GROWTH_KM_PER_5_MIN = 1;

export interface ChancePoint {
  minutes: number;
  time: string;
  /** 0..1; null where most of the neighbourhood has no data. */
  chanceOfRain: number | null;
}

export interface Chance {
  method: "ensemble" | "neighbourhood";
  /** The chance is of a rate at least this (ensemble: strictly above its lowest threshold). */
  thresholdMmPerHour: number;
  members: number | null;
  series: ChancePoint[];
}

const round3 = (p: number) => (Number.isFinite(p) ? Math.round(p * 1000) / 1000 : null);

export function chanceOfRain(
  analysis: RadarFrame,
  result: InferenceResult,
  point: Pick<PointForecast, "col" | "row" | "minutes">,
  analysisMs: number,
  ensembleSeries: { minutes: number; exceedance: (number | null)[] }[] | null,
  ensembleThresholds: number[] | null,
  members: number | null,
): Chance {
  const kmPerPx = analysis.georef.pixelWidthM / 1000;
  const thresholdDbz = rainRateToDbz(RAIN_FROM_MM_PER_HOUR, zrForSource(result.source));
  const fields = [analysis.dbz, ...result.frames];
  const fromNeighbourhood = (k: number) => {
    const minutes = point.minutes[k]!;
    const radiusKm = CHANCE_BASE_RADIUS_KM + (CHANCE_RADIUS_GROWTH_KM_PER_5_MIN * minutes) / 5;
    const radiusPx = Math.max(0, Math.round(radiusKm / kmPerPx));
    return round3(neighbourhoodFraction(fields[k]!, result.width, result.height, point.col, point.row, radiusPx, thresholdDbz));
  };
  const series = fields.map((_, k): ChancePoint => {
    const minutes = point.minutes[k]!;
    const time = new Date(analysisMs + minutes * 60_000).toISOString();
    // Lead 0 is the observation: its neighbourhood says whether it rains around the place now.
    if (k === 0 || !ensembleSeries) return { minutes, time, chanceOfRain: fromNeighbourhood(k) };
    const lead = ensembleSeries.find((p) => p.minutes === minutes);
    return { minutes, time, chanceOfRain: lead?.exceedance[0] ?? null };
  });
  return ensembleSeries && ensembleThresholds
    ? { method: "ensemble", thresholdMmPerHour: ensembleThresholds[0]!, members, series }
    : { method: "neighbourhood", thresholdMmPerHour: RAIN_FROM_MM_PER_HOUR, members: null, series };
}
