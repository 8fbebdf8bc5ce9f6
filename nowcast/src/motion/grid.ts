/** A row-major scalar field with NaN for missing values. */
export type Grid = { data: Float32Array; width: number; height: number };

/**
 * Block mean over factor x factor pixels (partial blocks at the right and bottom edges),
 * ignoring missing pixels; a block with fewer than half of its pixels present is missing.
 */
export function poolMean(source: Grid, factor: number): Grid {
  const width = Math.ceil(source.width / factor);
  const height = Math.ceil(source.height / factor);
  const data = new Float32Array(width * height);
  const values = source.data;
  for (let row = 0; row < height; row++) {
    const firstRow = row * factor;
    const endRow = Math.min(source.height, firstRow + factor);
    for (let col = 0; col < width; col++) {
      const firstCol = col * factor;
      const endCol = Math.min(source.width, firstCol + factor);
      let sum = 0;
      let present = 0;
      for (let sourceRow = firstRow; sourceRow < endRow; sourceRow++) {
        const offset = sourceRow * source.width;
        for (let sourceCol = firstCol; sourceCol < endCol; sourceCol++) {
          const value = values[offset + sourceCol]!;
          if (value === value) {
            sum += value;
            present++;
          }
        }
      }
      const pixels = (endRow - firstRow) * (endCol - firstCol);
      data[row * width + col] = 2 * present >= pixels ? sum / present : NaN;
    }
  }
  return { data, width, height };
}

/**
 * In-place box mean with a (2 radius + 1)^2 window, separable running sums so the cost does
 * not grow with the radius; windows are truncated (and renormalised) at the edges.
 * Repeated passes approach a Gaussian of sigma = radius * sqrt(passes / 3) roughly.
 */
export function boxBlur(data: Float32Array, width: number, height: number, radius: number, scratch: Float32Array): void {
  if (radius <= 0) return;
  for (let row = 0; row < height; row++) {
    const offset = row * width;
    let sum = 0;
    let count = 0;
    for (let col = 0; col < Math.min(radius, width); col++) {
      sum += data[offset + col]!;
      count++;
    }
    for (let col = 0; col < width; col++) {
      const entering = col + radius;
      if (entering < width) {
        sum += data[offset + entering]!;
        count++;
      }
      const leaving = col - radius - 1;
      if (leaving >= 0) {
        sum -= data[offset + leaving]!;
        count--;
      }
      scratch[offset + col] = sum / count;
    }
  }
  for (let col = 0; col < width; col++) {
    let sum = 0;
    let count = 0;
    for (let row = 0; row < Math.min(radius, height); row++) {
      sum += scratch[row * width + col]!;
      count++;
    }
    for (let row = 0; row < height; row++) {
      const entering = row + radius;
      if (entering < height) {
        sum += scratch[entering * width + col]!;
        count++;
      }
      const leaving = row - radius - 1;
      if (leaving >= 0) {
        sum -= scratch[leaving * width + col]!;
        count--;
      }
      data[row * width + col] = sum / count;
    }
  }
}

/**
 * Bilinear 2x upsampling, times scale, of a coarse field onto a fine grid whose cells halve
 * the coarse ones (edges held constant).
 */
export function upsample2x(
  coarse: Grid,
  width: number,
  height: number,
  scale: number,
  out: Float32Array = new Float32Array(width * height),
): Float32Array {
  for (let row = 0; row < height; row++) {
    const gy = Math.min(Math.max((row - 0.5) / 2, 0), coarse.height - 1);
    const row0 = Math.floor(gy);
    const row1 = Math.min(row0 + 1, coarse.height - 1);
    const fy = gy - row0;
    for (let col = 0; col < width; col++) {
      const gx = Math.min(Math.max((col - 0.5) / 2, 0), coarse.width - 1);
      const col0 = Math.floor(gx);
      const col1 = Math.min(col0 + 1, coarse.width - 1);
      const fx = gx - col0;
      const top = coarse.data[row0 * coarse.width + col0]! * (1 - fx) + coarse.data[row0 * coarse.width + col1]! * fx;
      const bottom = coarse.data[row1 * coarse.width + col0]! * (1 - fx) + coarse.data[row1 * coarse.width + col1]! * fx;
      out[row * width + col] = scale * (top * (1 - fy) + bottom * fy);
    }
  }
  return out;
}
