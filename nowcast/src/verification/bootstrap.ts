import { Random } from "../noise/random.js";

export type Interval = { low: number; high: number };

/**
 * Block-bootstrap interval of a score over start times (Wilks 2011, 7.9.4): consecutive start
 * times share weather, so they are resampled in blocks of `blockLength` (circularly) rather
 * than one by one. Each start contributes a vector of sums; the score of a resample is
 * score(sum of its starts' vectors). Returns the (1 - level) / 2 and (1 + level) / 2
 * quantiles; NaN with fewer than 2 starts.
 */
export function blockBootstrapInterval(
  perStart: readonly Float64Array[],
  score: (sums: Float64Array) => number,
  options: { level?: number; blockLength?: number; resamples?: number; seed?: number } = {},
): Interval {
  const { level = 0.9, resamples = 1000, seed = 1 } = options;
  const n = perStart.length;
  if (n < 2) return { low: NaN, high: NaN };
  const blockLength = Math.max(1, Math.min(n, options.blockLength ?? Math.max(1, Math.round(Math.sqrt(n)))));
  const random = new Random(seed);
  const length = perStart[0]!.length;
  const sums = new Float64Array(length);
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) {
    sums.fill(0);
    for (let taken = 0; taken < n; ) {
      const start = random.uint32() % n;
      for (let k = 0; k < blockLength && taken < n; k++, taken++) {
        const v = perStart[(start + k) % n]!;
        for (let i = 0; i < length; i++) sums[i]! += v[i]!;
      }
    }
    const value = score(sums);
    if (Number.isFinite(value)) values.push(value);
  }
  if (values.length === 0) return { low: NaN, high: NaN };
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.round(q * (values.length - 1))))]!;
  return { low: at((1 - level) / 2), high: at((1 + level) / 2) };
}

/** Element-wise sum of vectors of one length. */
export function sumVectors(vectors: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(vectors[0]?.length ?? 0);
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i]! += v[i]!;
  return out;
}
