import { pixelToLatLon } from "../geo/georeference.js";
import type { RadarFrame } from "../io/frame.js";
import type { NowcastResult } from "../models/model.js";
import { pointForecast, rainEvents } from "../point.js";

/** Rain rate of the point product's events ("rain starts", "rain within the hour"). */
export const POINT_RAIN_MM_PER_HOUR = 0.5;
/** "rain starts in about N min" came true if the observed onset is within this many minutes of N. */
export const SENTENCE_TOLERANCE_MINUTES = 10;

export type SentenceOutcome = {
  /** |forecast - observed| minutes to the onset, where both have one and it is not raining now in both; else null. */
  onsetErrorMinutes: number | null;
  /** For "rain starting in about N min" (N > 0): whether the observed onset fell within N +- the tolerance; else null. */
  sentenceTrue: boolean | null;
};

/** What became of the onset a person read (minutes to the first rain of the events' threshold; null = none in the hour). */
export function sentenceOutcome(forecastStartsInMinutes: number | null, observedStartsInMinutes: number | null): SentenceOutcome {
  const f = forecastStartsInMinutes;
  const o = observedStartsInMinutes;
  return {
    onsetErrorMinutes: f !== null && o !== null && (f > 0 || o > 0) ? Math.abs(f - o) : null,
    sentenceTrue: f !== null && f > 0 ? o !== null && Math.abs(o - f) <= SENTENCE_TOLERANCE_MINUTES : null,
  };
}

/**
 * The centres of an n x n lattice of crops over a composite, as lat/lon: the places the service
 * would cut sizePx windows around (cropAround), spread evenly over the grid.
 */
export function cropLattice(frame: RadarFrame, n = 5): { lat: number; lon: number }[] {
  const centres: { lat: number; lon: number }[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      centres.push(pixelToLatLon(frame.georef, (frame.width * (i + 0.5)) / n, (frame.height * (j + 0.5)) / n));
    }
  }
  return centres;
}

/** Places within a crop: a 3 x 3 pattern around its centre, `spacingPx` apart. */
export function placesInCrop(crop: RadarFrame, spacingPx = 80): { lat: number; lon: number }[] {
  const places: { lat: number; lon: number }[] = [];
  const c = Math.floor(crop.width / 2) + 0.5;
  const r = Math.floor(crop.height / 2) + 0.5;
  for (const dy of [-1, 0, 1]) for (const dx of [-1, 0, 1]) places.push(pixelToLatLon(crop.georef, c + dx * spacingPx, r + dy * spacingPx));
  return places;
}

/**
 * Verifies what a person reads at a place, with the product's own functions (pointForecast,
 * rainEvents) on the forecast and on the observed frames:
 * - the Brier score of "rain at or above 0.5 mm/h within the next 60 min" (now included): the
 *   forecast probability is the share of members whose series reaches it, 0 or 1 for a
 *   deterministic model; against the sample climatology of the same places;
 * - the onset error: |forecast - observed minutes to the first 0.5 mm/h| where both have one
 *   and it is not already raining in both;
 * - the sentence: when the forecast says rain starts in N > 0 minutes, how often the observed
 *   onset fell within N +- 10 minutes.
 * Places without a complete observed series (no data) are left out.
 */
export class PointProductAccumulator {
  /** places, Brier sum, events, onset count, onset |error| sum, sentences, sentences true. */
  readonly sums = new Float64Array(7);

  add(analysis: RadarFrame, result: NowcastResult, memberFrames: readonly (readonly Float32Array[])[] | undefined, observed: readonly RadarFrame[], places: readonly { lat: number; lon: number }[]): void {
    const observedResult: NowcastResult = { ...result, frames: observed.map((f) => f.dbz) };
    for (const { lat, lon } of places) {
      const truthSeries = pointForecast(analysis, observedResult, lat, lon);
      if (truthSeries.mmPerHour.some((v) => v !== v)) continue;
      const truth = rainEvents(truthSeries, POINT_RAIN_MM_PER_HOUR);
      const forecast = rainEvents(pointForecast(analysis, result, lat, lon), POINT_RAIN_MM_PER_HOUR);
      const probability = memberFrames
        ? memberFrames.filter((frames) => rainEvents(pointForecast(analysis, { ...result, frames: [...frames] }, lat, lon), POINT_RAIN_MM_PER_HOUR).startsInMinutes !== null).length /
          memberFrames.length
        : forecast.startsInMinutes !== null
          ? 1
          : 0;
      const event = truth.startsInMinutes !== null ? 1 : 0;
      const s = this.sums;
      s[0]!++;
      s[1]! += (probability - event) ** 2;
      s[2]! += event;
      const outcome = sentenceOutcome(forecast.startsInMinutes, truth.startsInMinutes);
      if (outcome.onsetErrorMinutes !== null) {
        s[3]!++;
        s[4]! += outcome.onsetErrorMinutes;
      }
      if (outcome.sentenceTrue !== null) {
        s[5]!++;
        if (outcome.sentenceTrue) s[6]!++;
      }
    }
  }

  scores(): PointProductScores {
    return pointProductScores(this.sums);
  }
}

export type PointProductScores = {
  places: number;
  brier: number;
  baseRate: number;
  brierSkill: number;
  onsetCases: number;
  onsetMaeMinutes: number;
  sentences: number;
  sentenceHitRate: number;
};

export function pointProductScores(s: Float64Array): PointProductScores {
  const n = s[0]!;
  const baseRate = n ? s[2]! / n : NaN;
  const climatology = baseRate * (1 - baseRate);
  const brier = n ? s[1]! / n : NaN;
  return {
    places: n,
    brier,
    baseRate,
    brierSkill: climatology > 0 ? 1 - brier / climatology : NaN,
    onsetCases: s[3]!,
    onsetMaeMinutes: s[3]! ? s[4]! / s[3]! : NaN,
    sentences: s[5]!,
    sentenceHitRate: s[5]! ? s[6]! / s[5]! : NaN,
  };
}
