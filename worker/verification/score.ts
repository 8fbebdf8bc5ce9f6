// Scores one nowcast against what was observed: no I/O, the record and the observed crops in,
// contingency counts per lead and threshold (over the crop and at the place) and the point
// outcome out. The counts are sums, so the aggregates weigh every pixel and every nowcast alike.
import { dbzToRainRate, type ZRelation } from "../../nowcast/src/convert";
import { neighbourhoodMean, rainEvents } from "../../nowcast/src/point";
import { sentenceOutcome } from "../../nowcast/src/verification/productVerification";
import { exceedanceClasses, NO_DATA_CLASS, VERIFIED_THRESHOLDS_MM_PER_HOUR, type ForecastRecord } from "./record";

/** hits, misses, false alarms, correct negatives. */
export type Contingency = [number, number, number, number];

export interface LeadScore {
  leadMinutes: number;
  /** Per verified threshold, over the crop's pixels with data in both fields. */
  pixels: Contingency[];
  /** Per verified threshold, at the place; null where the place had no observed value. */
  point: (Contingency | null)[];
  /** Per verified threshold, (chance shown - outcome)^2 at the place; null where either is missing. */
  brier: (number | null)[];
}

export interface PointOutcome {
  rainForecast: boolean;
  rainObserved: boolean;
  onsetErrorMinutes: number | null;
  sentenceTrue: boolean | null;
}

export interface NowcastScore {
  leads: LeadScore[];
  /** The hour at the place; null unless every lead has an observed value there. */
  outcome: PointOutcome | null;
}

const THRESHOLDS = VERIFIED_THRESHOLDS_MM_PER_HOUR.length;

function contingency(forecastEvent: boolean, observedEvent: boolean): Contingency {
  return observedEvent ? (forecastEvent ? [1, 0, 0, 0] : [0, 1, 0, 0]) : forecastEvent ? [0, 0, 1, 0] : [0, 0, 0, 1];
}

/**
 * `observed`: the observed crops (dBZ, cut as the nowcast's crop was) at leads 1 .. record
 * leads; null where no frame arrived (that lead is not scored).
 */
export function scoreNowcast(record: ForecastRecord, observed: readonly (Float32Array | null)[], zr: ZRelation): NowcastScore {
  const { header, classes } = record;
  const { width, height, point } = header;
  const pixels = width * height;
  const observedClasses = new Uint8Array(pixels);
  // Joint histogram of (forecast class, observed class), from which every threshold's table follows.
  const joint = new Float64Array((THRESHOLDS + 1) * (THRESHOLDS + 1));
  const leads: LeadScore[] = [];
  const observedSeries: number[] = [header.seriesMmPerHour[0] ?? NaN];
  for (let k = 0; k < header.leads; k++) {
    const field = observed[k];
    if (!field || field.length !== pixels) {
      observedSeries.push(NaN);
      continue;
    }
    exceedanceClasses(field, zr, observedClasses);
    const forecast = classes.subarray(k * pixels, (k + 1) * pixels);
    joint.fill(0);
    for (let i = 0; i < pixels; i++) {
      const f = forecast[i]!;
      const o = observedClasses[i]!;
      if (f !== NO_DATA_CLASS && o !== NO_DATA_CLASS) joint[f * (THRESHOLDS + 1) + o]!++;
    }
    const table = (j: number): Contingency => {
      const t: Contingency = [0, 0, 0, 0];
      for (let f = 0; f <= THRESHOLDS; f++) {
        for (let o = 0; o <= THRESHOLDS; o++) {
          const n = joint[f * (THRESHOLDS + 1) + o]!;
          t[o > j ? (f > j ? 0 : 1) : f > j ? 2 : 3] += n;
        }
      }
      return t;
    };
    const observedRate = neighbourhoodMean(field, width, height, point.col, point.row, point.radiusPx, (dbz) => dbzToRainRate(dbz, zr));
    observedSeries.push(observedRate);
    const forecastRate = header.seriesMmPerHour[k + 1] ?? null;
    const chances = header.pointChance[k] ?? [];
    leads.push({
      leadMinutes: Math.round((k + 1) * header.stepMinutes),
      pixels: VERIFIED_THRESHOLDS_MM_PER_HOUR.map((_, j) => table(j)),
      point: VERIFIED_THRESHOLDS_MM_PER_HOUR.map((t) => (observedRate === observedRate && forecastRate !== null ? contingency(forecastRate > t, observedRate > t) : null)),
      brier: VERIFIED_THRESHOLDS_MM_PER_HOUR.map((t, j) => {
        const chance = chances[j];
        return observedRate === observedRate && chance !== null && chance !== undefined ? (chance - (observedRate > t ? 1 : 0)) ** 2 : null;
      }),
    });
  }
  let outcome: PointOutcome | null = null;
  if (observedSeries.every((v) => v === v)) {
    const minutes = Int32Array.from(observedSeries, (_, k) => Math.round(k * header.stepMinutes));
    const truth = rainEvents({ minutes, mmPerHour: Float32Array.from(observedSeries) }, header.eventThresholdMmPerHour);
    outcome = {
      rainForecast: header.startsInMinutes !== null,
      rainObserved: truth.startsInMinutes !== null,
      ...sentenceOutcome(header.startsInMinutes, truth.startsInMinutes),
    };
  }
  return { leads, outcome };
}
