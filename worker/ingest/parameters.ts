// Per-frame parameters of a radar composite, computed once at ingest and kept
// in D1 (radar_frames) as a time series for the operators.
import {
  DEFAULT_VARIATIONAL_OPTIONS,
  dbzToRainRate,
  estimateMotion,
  type MotionOptions,
  pixelToLatLon,
  type RadarFrame,
  type ZRelation,
} from "../../nowcast/src/index";

/** Rain-rate thresholds (mm/h) of the wet-area fractions; a pixel counts when strictly above. */
export const RAIN_THRESHOLD_MM_PER_HOUR = 0.5;
export const HEAVY_THRESHOLD_MM_PER_HOUR = 5;

/**
 * Motion for the frame's mean: the engine's estimator on 8-pixel (~8 km) cells. The mean of
 * a smooth field loses little on the coarser grid, and a run of 24 frames stays fast (about
 * 40-60 ms a pair in Node, against 250-450 ms on the nowcast's 4-pixel cells; README "Radar ingest").
 */
export const INGEST_MOTION_OPTIONS: MotionOptions = { cellPx: 8, variational: DEFAULT_VARIATIONAL_OPTIONS };

export interface FrameParameters {
  width: number;
  height: number;
  /** Share of the pixels with data whose rain rate is above 0.5 mm/h. */
  fractionAbove05: number;
  /** Share of the pixels with data whose rain rate is above 5 mm/h. */
  fractionAbove5: number;
  /** Mean and maximum reflectivity over the pixels with data; null when none has data. */
  meanDbz: number | null;
  maxDbz: number | null;
  /** Centroid of the pixels above 0.5 mm/h weighted by their rain rate; null when none rains. */
  centroidLat: number | null;
  centroidLon: number | null;
  /** Mean of the dense motion field against the previous frame, image pixels per step (u east, v south). */
  motionUPx: number | null;
  motionVPx: number | null;
}

/** Mean (u, v) of the engine's motion field from `previous` to `frame`. */
export function meanMotion(previous: RadarFrame, frame: RadarFrame, zr: ZRelation): { u: number; v: number } {
  const field = estimateMotion([previous.dbz, frame.dbz], frame.width, frame.height, zr, INGEST_MOTION_OPTIONS);
  let u = 0;
  let v = 0;
  for (let i = 0; i < field.u.length; i++) {
    u += field.u[i]!;
    v += field.v[i]!;
  }
  return { u: u / field.u.length, v: v / field.v.length };
}

/**
 * The parameters of one frame; motion needs the frame one step before on the same grid
 * (null otherwise: the first frame, or one after a gap).
 */
export function frameParameters(frame: RadarFrame, previous: RadarFrame | null, zr: ZRelation): FrameParameters {
  const { dbz, width, height } = frame;
  let valid = 0;
  let above05 = 0;
  let above5 = 0;
  let sumDbz = 0;
  let maxDbz = -Infinity;
  let weight = 0;
  let weightedX = 0;
  let weightedY = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = dbz[y * width + x]!;
      if (value !== value) continue; // no data
      valid++;
      sumDbz += value;
      if (value > maxDbz) maxDbz = value;
      const rate = dbzToRainRate(value, zr);
      if (rate > RAIN_THRESHOLD_MM_PER_HOUR) {
        above05++;
        weight += rate;
        // pixel centres: pixel (x, y) spans [x, x + 1) x [y, y + 1)
        weightedX += rate * (x + 0.5);
        weightedY += rate * (y + 0.5);
      }
      if (rate > HEAVY_THRESHOLD_MM_PER_HOUR) above5++;
    }
  }
  const centroid = weight > 0 ? pixelToLatLon(frame.georef, weightedX / weight, weightedY / weight) : null;
  const sameGrid = previous !== null && previous.width === width && previous.height === height;
  const motion = sameGrid ? meanMotion(previous, frame, zr) : null;
  return {
    width,
    height,
    fractionAbove05: valid ? above05 / valid : 0,
    fractionAbove5: valid ? above5 / valid : 0,
    meanDbz: valid ? sumDbz / valid : null,
    maxDbz: valid ? maxDbz : null,
    centroidLat: centroid?.lat ?? null,
    centroidLon: centroid?.lon ?? null,
    motionUPx: motion?.u ?? null,
    motionVPx: motion?.v ?? null,
  };
}
