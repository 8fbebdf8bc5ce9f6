// Test helper: a real radar frame moved by a known sub-pixel displacement.
import type { RadarFrame } from "../src/index.js";

/**
 * The frame displaced by (dx, dy) pixels (content moves east by dx, south by dy), bilinear;
 * NaN where the source falls outside the frame or touches no data.
 */
export function shiftedFrame(frame: RadarFrame, dx: number, dy: number, minutesLater: number): RadarFrame {
  const { width, height, dbz } = frame;
  const out = new Float32Array(width * height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const x = col - dx;
      const y = row - dy;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height) {
        out[row * width + col] = NaN;
        continue;
      }
      const fx = x - x0;
      const fy = y - y0;
      const j = y0 * width + x0;
      out[row * width + col] =
        (1 - fy) * ((1 - fx) * dbz[j]! + fx * dbz[j + 1]!) + fy * ((1 - fx) * dbz[j + width]! + fx * dbz[j + width + 1]!);
    }
  }
  return { ...frame, dbz: out, obstime: new Date(frame.obstime.getTime() + minutesLater * 60_000) };
}
