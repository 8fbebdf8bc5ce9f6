import { latLonToPixel, subGrid } from "./geo/georeference.js";
import type { RadarFrame } from "./io/frame.js";

/** Copies the window whose top-left pixel is (col0, row0); pixels beyond the frame become NaN (no data). */
export function cropWindow(frame: RadarFrame, col0: number, row0: number, width: number, height: number): RadarFrame {
  if (!Number.isInteger(col0) || !Number.isInteger(row0)) throw new RangeError("crop origin must be whole pixels");
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`crop size must be positive whole pixels, not ${width} x ${height}`);
  }
  const dbz = new Float32Array(width * height).fill(NaN);
  const firstCol = Math.max(0, col0);
  const endCol = Math.min(frame.width, col0 + width);
  for (let row = Math.max(0, row0); row < Math.min(frame.height, row0 + height); row++) {
    if (endCol <= firstCol) break;
    const source = frame.dbz.subarray(row * frame.width + firstCol, row * frame.width + endCol);
    dbz.set(source, (row - row0) * width + (firstCol - col0));
  }
  return { ...frame, width, height, dbz, georef: subGrid(frame.georef, col0, row0, width, height) };
}

/**
 * The sizePx x sizePx window around a lat/lon: the point falls in crop pixel
 * (floor(sizePx / 2), floor(sizePx / 2)); outside the composite is padded with no data.
 */
export function cropAround(frame: RadarFrame, lat: number, lon: number, sizePx = 256): RadarFrame {
  const { x, y } = latLonToPixel(frame.georef, lat, lon);
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`cannot place ${lat}, ${lon} on the grid`);
  const half = Math.floor(sizePx / 2);
  return cropWindow(frame, Math.floor(x) - half, Math.floor(y) - half, sizePx, sizePx);
}
