/**
 * The incremental precipitation mask of pySTEPS' STEPS (mask_method "incremental"): the wet
 * area, buffered by `bufferPx` pixels, with a grey rim of `rimPx` pixels falling linearly to
 * 0, so that a member cannot grow rain far from where it already rains; it is recomputed
 * from each member's own field every step, so the area can move and grow a little per step.
 * pySTEPS builds it from repeated binary dilations with the 4-neighbour cross, i.e. city-block
 * distance: mask = clamp((bufferPx + rimPx + 1 - d) / (rimPx + 1), 0, 1), d the city-block
 * distance to the nearest wet pixel. Computed here by a two-pass distance transform in O(n).
 */
export class IncrementalMask {
  private readonly distance: Int32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly bufferPx: number,
    readonly rimPx = 10,
  ) {
    this.distance = new Int32Array(width * height);
  }

  /** Writes the mask of wet[i] (1 = wet) into out (values in [0, 1]). */
  compute(wet: Uint8Array, out: Float32Array): void {
    const { width, height, distance, bufferPx, rimPx } = this;
    const far = width + height + bufferPx + rimPx + 2;
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const i = row * width + col;
        let d = wet[i] ? 0 : far;
        if (col > 0 && distance[i - 1]! + 1 < d) d = distance[i - 1]! + 1;
        if (row > 0 && distance[i - width]! + 1 < d) d = distance[i - width]! + 1;
        distance[i] = d;
      }
    }
    const full = bufferPx + rimPx + 1;
    for (let row = height - 1; row >= 0; row--) {
      for (let col = width - 1; col >= 0; col--) {
        const i = row * width + col;
        let d = distance[i]!;
        if (col < width - 1 && distance[i + 1]! + 1 < d) d = distance[i + 1]! + 1;
        if (row < height - 1 && distance[i + width]! + 1 < d) d = distance[i + width]! + 1;
        distance[i] = d;
        out[i] = d <= bufferPx ? 1 : d >= full ? 0 : (full - d) / (rimPx + 1);
      }
    }
  }
}
