/**
 * The fractions skill score over scales (Roberts and Lean 2008; pySTEPS' verification.spatialscores
 * fss, accumulated over fields as its fss_accum does): per threshold and square window of n
 * pixels, the fraction of pixels above the threshold around every pixel in the forecast and in
 * the observation, FSS = 1 - sum (Ff - Fo)^2 / sum (Ff^2 + Fo^2). Only pixels where both have
 * a value count, in the fractions and as centres. Windows by summed-area tables: O(pixels) per scale.
 */
export class FssAccumulator {
  /** Per (threshold, scale): numerator, denominator. */
  readonly sums: Float64Array;
  private tables = { f: new Float64Array(0), o: new Float64Array(0), n: new Float64Array(0) };

  constructor(
    readonly thresholdsMmPerHour: readonly number[],
    readonly scalesPx: readonly number[],
  ) {
    this.sums = new Float64Array(thresholdsMmPerHour.length * scalesPx.length * 2);
  }

  add(forecastMmPerHour: Float32Array, observedMmPerHour: Float32Array, width: number, height: number): void {
    const w1 = width + 1;
    const tableSize = w1 * (height + 1);
    if (this.tables.f.length !== tableSize) {
      this.tables = { f: new Float64Array(tableSize), o: new Float64Array(tableSize), n: new Float64Array(tableSize) };
    }
    const { f, o, n } = this.tables;
    this.thresholdsMmPerHour.forEach((threshold, t) => {
      for (let row = 0; row < height; row++) {
        let rf = 0;
        let ro = 0;
        let rn = 0;
        for (let col = 0; col < width; col++) {
          const i = row * width + col;
          const a = forecastMmPerHour[i]!;
          const b = observedMmPerHour[i]!;
          if (a === a && b === b) {
            rn++;
            if (a > threshold) rf++;
            if (b > threshold) ro++;
          }
          const j = (row + 1) * w1 + col + 1;
          f[j] = f[j - w1]! + rf;
          o[j] = o[j - w1]! + ro;
          n[j] = n[j - w1]! + rn;
        }
      }
      this.scalesPx.forEach((scale, s) => {
        const half = Math.floor(scale / 2);
        let numerator = 0;
        let denominator = 0;
        for (let row = 0; row < height; row++) {
          const r0 = Math.max(0, row - half);
          const r1 = Math.min(height, row - half + scale);
          for (let col = 0; col < width; col++) {
            const i = row * width + col;
            if (forecastMmPerHour[i] !== forecastMmPerHour[i] || observedMmPerHour[i] !== observedMmPerHour[i]) continue;
            const c0 = Math.max(0, col - half);
            const c1 = Math.min(width, col - half + scale);
            const a = r1 * w1 + c1;
            const b = r0 * w1 + c1;
            const c = r1 * w1 + c0;
            const d = r0 * w1 + c0;
            const count = n[a]! - n[b]! - n[c]! + n[d]!;
            const ff = (f[a]! - f[b]! - f[c]! + f[d]!) / count;
            const fo = (o[a]! - o[b]! - o[c]! + o[d]!) / count;
            numerator += (ff - fo) ** 2;
            denominator += ff * ff + fo * fo;
          }
        }
        const k = 2 * (t * this.scalesPx.length + s);
        this.sums[k]! += numerator;
        this.sums[k + 1]! += denominator;
      });
    });
  }

  /** fss[t][s]: threshold t, scale s; NaN where neither field has an event. */
  scores(): number[][] {
    return fssScores(this.sums, this.thresholdsMmPerHour.length, this.scalesPx.length);
  }
}

export function fssScores(sums: Float64Array, thresholds: number, scales: number): number[][] {
  return Array.from({ length: thresholds }, (_, t) =>
    Array.from({ length: scales }, (_, s) => {
      const k = 2 * (t * scales + s);
      return sums[k + 1]! > 0 ? 1 - sums[k]! / sums[k + 1]! : NaN;
    }),
  );
}
