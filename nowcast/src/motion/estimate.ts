import { dbzToRainDecibels, RAIN_DECIBELS, type ZRelation } from "../convert.js";
import type { MotionField } from "./field.js";
import { type Grid, poolMean } from "./grid.js";
import { DEFAULT_VARIATIONAL_OPTIONS, type VariationalOptions, variationalMotion } from "./variational.js";

export type MotionOptions = {
  /**
   * Image pixels per cell of the motion grid, even: the data term is measured on cells half
   * as wide. About 4 km suits radar composites: motion is smooth at that scale.
   */
  cellPx: number;
  variational: VariationalOptions;
};

export const DEFAULT_MOTION_OPTIONS: MotionOptions = { cellPx: 4, variational: DEFAULT_VARIATIONAL_OPTIONS };

/**
 * Dense motion (image pixels per time step) from consecutive frames of dBZ, oldest first,
 * estimated on the dB-transformed rain rate; no-data pixels take no part.
 */
export function estimateMotion(
  framesDbz: readonly Float32Array[],
  width: number,
  height: number,
  zr: ZRelation,
  options: MotionOptions = DEFAULT_MOTION_OPTIONS,
): MotionField {
  const { cellPx } = options;
  if (!Number.isInteger(cellPx / 2) || cellPx < 2) throw new RangeError(`cellPx must be even, not ${cellPx}`);
  const dataCellPx = cellPx / 2;
  const decibels = new Float32Array(width * height);
  const grids: Grid[] = framesDbz.map((dbz) => {
    if (dbz.length !== width * height) throw new RangeError("every frame must have width x height pixels");
    dbzToRainDecibels(dbz, zr, RAIN_DECIBELS, decibels);
    return poolMean({ data: decibels, width, height }, dataCellPx);
  });
  const gridWidth = Math.ceil(grids[0]!.width / 2);
  const gridHeight = Math.ceil(grids[0]!.height / 2);
  if (gridWidth < 3 || gridHeight < 3) {
    throw new RangeError(`a ${width} x ${height} image is too small for motion on ${cellPx}-pixel cells`);
  }
  const { u, v } = variationalMotion(grids, options.variational);
  for (let i = 0; i < u.length; i++) {
    u[i]! *= cellPx;
    v[i]! *= cellPx;
  }
  return { u, v, width: gridWidth, height: gridHeight, cellPx };
}
