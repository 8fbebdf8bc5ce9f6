import { Fft2d, radialWavenumbers } from "./fft.js";

/**
 * Spectral tools of the STEPS-style ensemble: the radially averaged power spectrum of a
 * field, the lag-1 correlation of two fields per wavenumber band (the "cascade" levels),
 * and the per-wavenumber filters built from them.
 */

/** Tukey (tapered cosine) weights of length n: flat in the middle, cosine tapers over alpha/2 at each end. */
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

/**
 * Radially averaged power |X(k)|^2 per integer wavenumber bin (rounded radial wavenumber),
 * index 0 = DC; bins without any coefficient take their lower neighbour's value.
 */
export function radialPowerSpectrum(re: Float64Array, im: Float64Array, wavenumbers: Float64Array): Float64Array {
  let maxBin = 0;
  for (let i = 0; i < wavenumbers.length; i++) maxBin = Math.max(maxBin, Math.round(wavenumbers[i]!));
  const sum = new Float64Array(maxBin + 1);
  const count = new Float64Array(maxBin + 1);
  for (let i = 0; i < re.length; i++) {
    const bin = Math.round(wavenumbers[i]!);
    sum[bin]! += re[i]! * re[i]! + im[i]! * im[i]!;
    count[bin]!++;
  }
  const out = new Float64Array(maxBin + 1);
  for (let b = 0; b <= maxBin; b++) out[b] = count[b]! > 0 ? sum[b]! / count[b]! : b > 0 ? out[b - 1]! : 0;
  return out;
}

export type Band = { /** Centre wavenumber (geometric). */ k: number; low: number; high: number; correlation: number };

/**
 * Correlation of two spectra within log-spaced wavenumber bands from 1 to the Nyquist
 * wavenumber: Re(sum A conj B) / sqrt(sum |A|^2 sum |B|^2). A band without power gets 0.
 */
export function bandCorrelations(
  aRe: Float64Array,
  aIm: Float64Array,
  bRe: Float64Array,
  bIm: Float64Array,
  wavenumbers: Float64Array,
  bands: number,
): Band[] {
  let maxK = 0;
  for (let i = 0; i < wavenumbers.length; i++) maxK = Math.max(maxK, wavenumbers[i]!);
  const edges = Array.from({ length: bands + 1 }, (_, l) => Math.exp((Math.log(maxK + 1e-9) * l) / bands));
  edges[0] = 0.5;
  const cross = new Float64Array(bands);
  const powerA = new Float64Array(bands);
  const powerB = new Float64Array(bands);
  const logMax = Math.log(maxK + 1e-9);
  for (let i = 0; i < wavenumbers.length; i++) {
    const k = wavenumbers[i]!;
    if (k < 0.5) continue;
    const band = Math.min(bands - 1, Math.max(0, Math.floor((Math.log(Math.max(k, 1)) / logMax) * bands)));
    cross[band]! += aRe[i]! * bRe[i]! + aIm[i]! * bIm[i]!;
    powerA[band]! += aRe[i]! * aRe[i]! + aIm[i]! * aIm[i]!;
    powerB[band]! += bRe[i]! * bRe[i]! + bIm[i]! * bIm[i]!;
  }
  return Array.from({ length: bands }, (_, l) => {
    const denominator = Math.sqrt(powerA[l]! * powerB[l]!);
    return {
      k: Math.sqrt(Math.max(edges[l]!, 1) * edges[l + 1]!),
      low: edges[l]!,
      high: edges[l + 1]!,
      correlation: denominator > 0 ? cross[l]! / denominator : 0,
    };
  });
}

/** Per-coefficient value of a band quantity, linear in log wavenumber between band centres. */
export function interpolateBands(bands: readonly Band[], values: readonly number[], wavenumbers: Float64Array): Float64Array {
  const out = new Float64Array(wavenumbers.length);
  const logCentres = bands.map((b) => Math.log(b.k));
  for (let i = 0; i < wavenumbers.length; i++) {
    const logK = Math.log(Math.max(wavenumbers[i]!, 1e-9));
    if (logK <= logCentres[0]!) out[i] = values[0]!;
    else if (logK >= logCentres.at(-1)!) out[i] = values.at(-1)!;
    else {
      let l = 0;
      while (logK > logCentres[l + 1]!) l++;
      const t = (logK - logCentres[l]!) / (logCentres[l + 1]! - logCentres[l]!);
      out[i] = values[l]! + t * (values[l + 1]! - values[l]!);
    }
  }
  return out;
}

export { Fft2d, radialWavenumbers };
