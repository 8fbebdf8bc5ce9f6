/** Tukey (tapered cosine) weights of length n: flat in the middle, cosine tapers over alpha/2 at each end; tapers a field before its noise filter is taken. */
export function tukey(n: number, alpha = 0.2): Float64Array {
  const out = new Float64Array(n).fill(1);
  const edge = (alpha * (n - 1)) / 2;
  if (edge < 1) return out;
  for (let i = 0; i < n; i++) {
    const d = Math.min(i, n - 1 - i);
    if (d < edge) out[i] = 0.5 * (1 - Math.cos((Math.PI * d) / edge));
  }
  return out;
}
