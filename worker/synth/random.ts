// A seeded generator, so every synthesizer is reproducible from (seed, data). The
// 32-bit stream is the engine's own sfc32 (nowcast/src/noise/random.ts); this class adds
// the draws the synthesizers need on top of it.
import { Random } from "../../nowcast/src/noise/random";

export class Rng {
  private readonly source: Random;
  private spare = NaN;

  constructor(seed: number) {
    this.source = new Random(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.source.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Marsaglia's polar method, keeping the second value). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * m;
        return u * m;
      }
    }
  }

  /** Laplace(0, scale). */
  laplace(scale: number): number {
    const u = this.next() - 0.5;
    return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  }

  /** An index drawn with probability proportional to weights (cumulative weights given). */
  pick(cumulative: Float64Array, total = cumulative[cumulative.length - 1]!): number {
    const x = this.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** A derived generator, so parallel parts of one run draw independent streams. */
  fork(salt: number): Rng {
    return new Rng((this.int(0x7fffffff) ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0);
  }
}
