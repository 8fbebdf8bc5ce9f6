// Bilinear sampling that respects no-data: shared by extrapolation and the ensemble.

/** Bilinear at (x, y) within [0, width - 1] x [0, height - 1]. */
export function bilinear(image: Float32Array, width: number, height: number, x: number, y: number): number {
  // On the last column or row, interpolate from the cell before it with weight 1 on its far side.
  const x0 = Math.min(x | 0, width - 2);
  const y0 = Math.min(y | 0, height - 2);
  const fx = x - x0;
  const fy = y - y0;
  const j = y0 * width + x0;
  const a = image[j]!;
  const b = image[j + 1]!;
  const c = image[j + width]!;
  const d = image[j + width + 1]!;
  const upper = a + fx * (b - a);
  const lower = c + fx * (d - c);
  const value = upper + fy * (lower - upper);
  return value === value ? value : bilinearAmongPresent(a, b, c, d, fx, fy);
}

/** Bilinear over the neighbours with data, renormalised; NaN when they carry less than half the weight. */
export function bilinearAmongPresent(a: number, b: number, c: number, d: number, fx: number, fy: number): number {
  let weight = 0;
  let sum = 0;
  const wa = (1 - fx) * (1 - fy);
  const wb = fx * (1 - fy);
  const wc = (1 - fx) * fy;
  const wd = fx * fy;
  if (a === a) {
    weight += wa;
    sum += wa * a;
  }
  if (b === b) {
    weight += wb;
    sum += wb * b;
  }
  if (c === c) {
    weight += wc;
    sum += wc * c;
  }
  if (d === d) {
    weight += wd;
    sum += wd * d;
  }
  return weight >= 0.5 ? sum / weight : NaN;
}
