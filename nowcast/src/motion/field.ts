/**
 * A dense motion field, in image pixels per time step (u eastward, v southward), on a
 * grid of square cells cellPx image pixels wide. Motion is smooth at that scale, so the
 * coarse grid loses nothing and keeps estimation and advection cheap.
 * Cell (col, row) is centred at image pixel-index coordinate
 * (col * cellPx + (cellPx - 1) / 2, row * cellPx + (cellPx - 1) / 2), where pixel (i, j)
 * has index coordinate (i, j), i.e. its centre.
 */
export type MotionField = {
  u: Float32Array;
  v: Float32Array;
  width: number;
  height: number;
  cellPx: number;
};

/**
 * Motion at a fractional image pixel position in the georeference convention
 * (pixel (col, row) spans [col, col + 1) x [row, row + 1)), bilinear between cell centres.
 */
export function motionAt(motion: MotionField, x: number, y: number): { u: number; v: number } {
  const gx = clamp((x - 0.5 - (motion.cellPx - 1) / 2) / motion.cellPx, 0, motion.width - 1);
  const gy = clamp((y - 0.5 - (motion.cellPx - 1) / 2) / motion.cellPx, 0, motion.height - 1);
  const col0 = Math.min(Math.floor(gx), motion.width - 2 < 0 ? 0 : motion.width - 2);
  const row0 = Math.min(Math.floor(gy), motion.height - 2 < 0 ? 0 : motion.height - 2);
  const col1 = Math.min(col0 + 1, motion.width - 1);
  const row1 = Math.min(row0 + 1, motion.height - 1);
  const fx = gx - col0;
  const fy = gy - row0;
  const at = (field: Float32Array): number => {
    const top = field[row0 * motion.width + col0]! * (1 - fx) + field[row0 * motion.width + col1]! * fx;
    const bottom = field[row1 * motion.width + col0]! * (1 - fx) + field[row1 * motion.width + col1]! * fx;
    return top * (1 - fy) + bottom * fy;
  };
  return { u: at(motion.u), v: at(motion.v) };
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
