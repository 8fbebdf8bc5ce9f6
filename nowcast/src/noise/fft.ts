/**
 * Radix-2 complex FFT on split real/imaginary Float64Arrays, in place, and the 2-D transform
 * of a row-major width x height grid (both powers of two). Forward has no scaling; inverse
 * divides by the number of points, so inverse(forward(x)) = x.
 */
export class Fft {
  readonly size: number;
  /** Twiddles of the stage whose butterflies span `half`, at [half, 2 half): cos and -sin of 2 pi k / (2 half). */
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  /** Index pairs (i, j), i < j, swapped by the bit-reversal permutation. */
  private readonly swaps: Uint32Array;

  constructor(size: number) {
    if (!isPowerOfTwo(size)) throw new RangeError(`FFT size must be a power of two, not ${size}`);
    this.size = size;
    this.cos = new Float64Array(Math.max(size, 2));
    this.sin = new Float64Array(Math.max(size, 2));
    for (let half = 1; half < size; half <<= 1) {
      for (let k = 0; k < half; k++) {
        this.cos[half + k] = Math.cos((Math.PI * k) / half);
        this.sin[half + k] = Math.sin((Math.PI * k) / half);
      }
    }
    const bits = Math.log2(size);
    const pairs: number[] = [];
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      if (r > i) pairs.push(i, r);
    }
    this.swaps = Uint32Array.from(pairs);
  }

  /** In-place transform of the contiguous re/im[offset, offset + size); inverse without scaling. */
  transform(re: Float64Array, im: Float64Array, inverse: boolean, offset = 0): void {
    const n = this.size;
    const { cos, sin, swaps } = this;
    for (let s = 0; s < swaps.length; s += 2) {
      const a = offset + swaps[s]!;
      const b = offset + swaps[s + 1]!;
      const tr = re[a]!;
      re[a] = re[b]!;
      re[b] = tr;
      const ti = im[a]!;
      im[a] = im[b]!;
      im[b] = ti;
    }
    // First stage: no multiplications.
    for (let a = offset; a < offset + n; a += 2) {
      const ar = re[a]!;
      const ai = im[a]!;
      const br = re[a + 1]!;
      const bi = im[a + 1]!;
      re[a] = ar + br;
      im[a] = ai + bi;
      re[a + 1] = ar - br;
      im[a + 1] = ai - bi;
    }
    const sign = inverse ? 1 : -1;
    for (let half = 2; half < n; half <<= 1) {
      const span = half << 1;
      for (let start = offset; start < offset + n; start += span) {
        for (let k = 0; k < half; k++) {
          const wr = cos[half + k]!;
          const wi = sign * sin[half + k]!;
          const a = start + k;
          const b = a + half;
          const br = re[b]!;
          const bi = im[b]!;
          const xr = br * wr - bi * wi;
          const xi = br * wi + bi * wr;
          const ar = re[a]!;
          const ai = im[a]!;
          re[b] = ar - xr;
          im[b] = ai - xi;
          re[a] = ar + xr;
          im[a] = ai + xi;
        }
      }
    }
  }
}

/** 2-D FFT of a width x height grid (row-major), both powers of two. */
export class Fft2d {
  private readonly rows: Fft;
  private readonly cols: Fft;
  private readonly columnRe: Float64Array;
  private readonly columnIm: Float64Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rows = new Fft(width);
    this.cols = width === height ? this.rows : new Fft(height);
    this.columnRe = new Float64Array(height);
    this.columnIm = new Float64Array(height);
  }

  forward(re: Float64Array, im: Float64Array): void {
    this.run(re, im, false);
  }

  /** Inverse, scaled by 1 / (width height). */
  inverse(re: Float64Array, im: Float64Array): void {
    this.run(re, im, true);
    const scale = 1 / (this.width * this.height);
    for (let i = 0; i < re.length; i++) {
      re[i]! *= scale;
      im[i]! *= scale;
    }
  }

  private run(re: Float64Array, im: Float64Array, inverse: boolean): void {
    const { width, height, columnRe, columnIm } = this;
    if (re.length !== width * height || im.length !== width * height) throw new RangeError("grid size mismatch");
    for (let row = 0; row < height; row++) this.rows.transform(re, im, inverse, row * width);
    // Columns are copied out so that the butterflies run on contiguous memory.
    for (let col = 0; col < width; col++) {
      for (let row = 0; row < height; row++) {
        columnRe[row] = re[row * width + col]!;
        columnIm[row] = im[row * width + col]!;
      }
      this.cols.transform(columnRe, columnIm, inverse);
      for (let row = 0; row < height; row++) {
        re[row * width + col] = columnRe[row]!;
        im[row * width + col] = columnIm[row]!;
      }
    }
  }
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/**
 * Radial wavenumber of every bin of a width x height spectrum, in cycles per grid length of
 * the larger side (0 at DC), so that bands mean the same on non-square grids.
 */
export function radialWavenumbers(width: number, height: number): Float64Array {
  const out = new Float64Array(width * height);
  const size = Math.max(width, height);
  for (let row = 0; row < height; row++) {
    const ky = (row <= height / 2 ? row : row - height) * (size / height);
    for (let col = 0; col < width; col++) {
      const kx = (col <= width / 2 ? col : col - width) * (size / width);
      out[row * width + col] = Math.sqrt(kx * kx + ky * ky);
    }
  }
  return out;
}
