// Small numeric kernels on typed arrays: the normal distribution, Pearson's r,
// Cholesky, empirical quantiles. Hand-written because each is a few lines and
// runs inside per-cell loops; a matrix library would allocate per call.

/** Φ(x), via Numerical Recipes' erfcc Chebyshev fit (fractional error < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/** Φ⁻¹(p), Acklam's algorithm (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Pearson's r over the pairs where both are present; NaN when either side is constant or fewer than 2 pairs. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0, sx = 0, sy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!, b = y[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    n++; sx += a; sy += b;
  }
  if (n < 2) return NaN;
  const mx = sx / n, my = sy / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!, b = y[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    const da = a - mx, db = b - my;
    sxy += da * db; sxx += da * da; syy += db * db;
  }
  if (sxx === 0 || syy === 0) return NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Lower-triangular L with L·Lᵀ = A (d×d, row-major). A correlation matrix estimated
 * from data can be numerically semi-definite; then a growing ridge is added to the
 * diagonal (and the result rescaled to a correlation matrix) until it factors.
 */
export function cholesky(a: Float64Array, d: number): Float64Array {
  for (let ridge = 0; ; ridge = ridge === 0 ? 1e-10 : ridge * 10) {
    const m = Float64Array.from(a);
    if (ridge > 0) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m[i * d + j] = (a[i * d + j]! + (i === j ? ridge : 0)) / (1 + ridge);
    const l = new Float64Array(d * d);
    let ok = true;
    for (let i = 0; i < d && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = m[i * d + j]!;
        for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
        if (i === j) {
          if (s <= 0) { ok = false; break; }
          l[i * d + i] = Math.sqrt(s);
        } else l[i * d + j] = s / l[j * d + j]!;
      }
    }
    if (ok) return l;
    if (ridge > 1) throw new Error("the correlation matrix does not factor");
  }
}

/** The values that are not NaN, sorted ascending. */
export function sortedPresent(values: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) out[k++] = values[i]!;
  return out.sort();
}

/** The empirical quantile at u ∈ [0, 1] of sorted values, interpolating linearly between order statistics. */
export function quantileSorted(sorted: Float64Array, u: number): number {
  const pos = u * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

export function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Share of NaN cells. */
export function missingRate(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) n++;
  return values.length ? n / values.length : 0;
}
