import { dbzToRainRate, rainRateToDbz, type ZRelation, zrForSource } from "./convert.js";
import { latLonToPixel } from "./geo/georeference.js";
import type { RadarFrame } from "./io/frame.js";
import type { NowcastResult } from "./models/model.js";

export type PointForecastOptions = {
  /** Half-width of the square neighbourhood: (2 radiusPx + 1)^2 pixels around the point. */
  radiusPx: number;
  /** Relation for the rain rates shown; the source's own by default. */
  zr: ZRelation;
};

/** The series at one place, lead 0 (the analysis, i.e. now) first. */
export type PointForecast = {
  lat: number;
  lon: number;
  /** Pixel the point falls in. */
  col: number;
  row: number;
  radiusPx: number;
  analysisTime: Date;
  /** Minutes after analysisTime: 0, step, 2 step, ... */
  minutes: Int32Array;
  /** Neighbourhood-mean rain rate; NaN when less than half of the neighbourhood has a value. */
  mmPerHour: Float32Array;
  /** dBZ of that mean rain rate. */
  dbz: Float32Array;
};

/** Forecast rain rate at a lat/lon per lead, averaged over a small square neighbourhood. */
export function pointForecast(
  analysis: RadarFrame,
  result: NowcastResult,
  lat: number,
  lon: number,
  options: Partial<PointForecastOptions> = {},
): PointForecast {
  const { radiusPx = 2, zr = zrForSource(result.source) } = options;
  if (!Number.isInteger(radiusPx) || radiusPx < 0) throw new RangeError("radiusPx must be a non-negative integer");
  if (
    analysis.obstime.getTime() !== result.analysisTime.getTime() ||
    analysis.width !== result.width ||
    analysis.height !== result.height
  ) {
    throw new RangeError("the analysis frame is not the one the nowcast was made from");
  }
  const { x, y } = latLonToPixel(result.georef, lat, lon);
  const col = Math.floor(x);
  const row = Math.floor(y);
  if (!(col >= 0 && row >= 0 && col < result.width && row < result.height)) {
    throw new RangeError(`${lat}, ${lon} is outside the nowcast grid`);
  }
  const fields = [analysis.dbz, ...result.frames];
  const minutes = new Int32Array(fields.length);
  const mmPerHour = new Float32Array(fields.length);
  const dbz = new Float32Array(fields.length);
  fields.forEach((field, k) => {
    minutes[k] = Math.round(k * result.stepMinutes);
    const meanMmPerHour = neighbourhoodMeanRainRate(field, result.width, result.height, col, row, radiusPx, zr);
    mmPerHour[k] = meanMmPerHour;
    dbz[k] = rainRateToDbz(meanMmPerHour, zr);
  });
  return { lat, lon, col, row, radiusPx, analysisTime: result.analysisTime, minutes, mmPerHour, dbz };
}

/** Averages rain rate, not dBZ: the mean of a log quantity would understate showers. */
function neighbourhoodMeanRainRate(
  fieldDbz: Float32Array,
  width: number,
  height: number,
  col: number,
  row: number,
  radiusPx: number,
  zr: ZRelation,
): number {
  return neighbourhoodMean(fieldDbz, width, height, col, row, radiusPx, (dbz) => dbzToRainRate(dbz, zr));
}

/**
 * Mean of value(field) over the (2 radiusPx + 1)^2 pixels around (col, row),
 * skipping no-data; NaN when less than half of the neighbourhood has a value.
 */
export function neighbourhoodMean(
  field: Float32Array,
  width: number,
  height: number,
  col: number,
  row: number,
  radiusPx: number,
  value: (v: number) => number = (v) => v,
): number {
  let sum = 0;
  let present = 0;
  let total = 0;
  for (let r = row - radiusPx; r <= row + radiusPx; r++) {
    for (let c = col - radiusPx; c <= col + radiusPx; c++) {
      total++;
      if (r < 0 || c < 0 || r >= height || c >= width) continue;
      const v = field[r * width + c]!;
      if (v !== v) continue;
      sum += value(v);
      present++;
    }
  }
  return 2 * present >= total ? sum / present : NaN;
}

/**
 * Fraction of the pixels with a value within the (2 radiusPx + 1)^2 square around (col, row)
 * whose dBZ reaches thresholdDbz; NaN when less than half of the square has a value. This is
 * the neighbourhood probability of a deterministic field (Theis et al. 2005): rain that lands
 * a few kilometres off in the forecast still counts as a chance at the place.
 */
export function neighbourhoodFraction(
  fieldDbz: Float32Array,
  width: number,
  height: number,
  col: number,
  row: number,
  radiusPx: number,
  thresholdDbz: number,
): number {
  return neighbourhoodMean(fieldDbz, width, height, col, row, radiusPx, (dbz) => (dbz >= thresholdDbz ? 1 : 0));
}

export type RainEvents = {
  /** Minutes until the rain rate first reaches the threshold (0 = raining now); null if not within the series. */
  startsInMinutes: number | null;
  /** Minutes until it first falls below the threshold after starting; null if it does not start or stop. */
  stopsInMinutes: number | null;
  /** Highest rain rate of the series (NaN if no value at all) and when it first occurs. */
  peakMmPerHour: number;
  peakInMinutes: number | null;
};

/** The events a person reads off a point series; leads without a value are skipped. */
export function rainEvents(
  series: Pick<PointForecast, "minutes" | "mmPerHour">,
  thresholdMmPerHour = 0.5,
): RainEvents {
  let startsInMinutes: number | null = null;
  let stopsInMinutes: number | null = null;
  let peakMmPerHour = NaN;
  let peakInMinutes: number | null = null;
  for (let k = 0; k < series.mmPerHour.length; k++) {
    const rate = series.mmPerHour[k]!;
    if (rate !== rate) continue;
    const minutes = series.minutes[k]!;
    if (!(rate <= peakMmPerHour)) {
      peakMmPerHour = rate;
      peakInMinutes = minutes;
    }
    if (startsInMinutes === null) {
      if (rate >= thresholdMmPerHour) startsInMinutes = minutes;
    } else if (stopsInMinutes === null && rate < thresholdMmPerHour) {
      stopsInMinutes = minutes;
    }
  }
  return { startsInMinutes, stopsInMinutes, peakMmPerHour, peakInMinutes };
}
