import { Fft2d, radialWavenumbers } from "../noise/fft.js";

/**
 * The Gaussian band-pass filter bank of a cascade decomposition (pySTEPS'
 * cascade.bandpass_filters.filter_gaussian): `levels` filters, Gaussian in log wavenumber
 * (base q = (L / 2)^(1 / levels), L the larger grid side), centred on the mid-points of
 * [q^(k-1), q^k], normalised so that the weights sum to 1 at every wavenumber. Summing the
 * levels of a field therefore gives the field back.
 */
export type BandpassFilter = {
  levels: number;
  /** Central wavenumber of each level, cycles per larger grid side; largest scales first. */
  centralWavenumbers: number[];
  /** weights[level][i]: weight of spectral coefficient i (FFT grid layout). */
  weights: Float32Array[];
};

/** pySTEPS' default width of each Gaussian, in units of log_q wavenumber. */
export const GAUSSIAN_SCALE = 0.5;

export function gaussianBandpassFilter(fftWidth: number, fftHeight: number, levels: number, scale = GAUSSIAN_SCALE): BandpassFilter {
  if (!Number.isInteger(levels) || levels < 2) throw new RangeError(`a cascade needs at least 2 levels, not ${levels}`);
  const wavenumbers = radialWavenumbers(fftWidth, fftHeight);
  const q = Math.pow(0.5 * Math.max(fftWidth, fftHeight), 1 / levels);
  const logQ = Math.log(q);
  const centres = Array.from({ length: levels }, (_, k) => 0.5 * (q ** k + q ** (k + 1)));
  const logCentres = centres.map((c) => Math.log(c) / logQ);
  const size = wavenumbers.length;
  const weights = centres.map(() => new Float32Array(size));
  for (let i = 0; i < size; i++) {
    const k = wavenumbers[i]!;
    const x = k > 0 ? Math.log(k) / logQ : 0;
    let sum = 0;
    for (let l = 0; l < levels; l++) {
      const w = Math.exp(-((x - logCentres[l]!) ** 2) / (2 * scale * scale));
      weights[l]![i] = w;
      sum += w;
    }
    for (let l = 0; l < levels; l++) weights[l]![i] = weights[l]![i]! / sum;
  }
  return { levels, centralWavenumbers: centres, weights };
}

/** Mean and standard deviation of a cascade level over the pixels that have data. */
export type LevelStatistics = { mean: number; std: number };

/**
 * The cascade of a field: one spatial field per level (row-major on the FFT grid), their
 * sum the field itself. The spectrum is given (already transformed) so that several
 * decompositions of one field, or the noise, reuse a forward transform. Two levels share
 * each complex inverse transform (the spectrum of a real field is Hermitian, so each level
 * is real: one goes in the real part, the next in the imaginary part).
 */
export function decomposeSpectrum(
  fft: Fft2d,
  filter: BandpassFilter,
  spectrumRe: Float64Array,
  spectrumIm: Float64Array,
  out: Float32Array[] = filter.weights.map(() => new Float32Array(spectrumRe.length)),
): Float32Array[] {
  const size = spectrumRe.length;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let l = 0; l < filter.levels; l += 2) {
    const a = filter.weights[l]!;
    const b = filter.weights[l + 1];
    for (let i = 0; i < size; i++) {
      // (A + iB) with A = wa X, B = wb X: re = wa Xr - wb Xi, im = wa Xi + wb Xr.
      const wa = a[i]!;
      const wb = b ? b[i]! : 0;
      re[i] = wa * spectrumRe[i]! - wb * spectrumIm[i]!;
      im[i] = wa * spectrumIm[i]! + wb * spectrumRe[i]!;
    }
    fft.inverse(re, im);
    out[l]!.set(re);
    if (b) out[l + 1]!.set(im);
  }
  return out;
}

/** Mean and standard deviation of `field` over the pixels where valid[i] is 1. */
export function statisticsOver(field: Float32Array, valid: Uint8Array): LevelStatistics {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < field.length; i++) if (valid[i]) (sum += field[i]!), n++;
  const mean = n ? sum / n : 0;
  let squares = 0;
  for (let i = 0; i < field.length; i++) if (valid[i]) squares += (field[i]! - mean) ** 2;
  return { mean, std: n ? Math.sqrt(squares / n) : 0 };
}

/** Pearson correlation of two fields over the pixels where valid[i] is 1 (0 when either is constant). */
export function correlationOver(a: Float32Array, b: Float32Array, valid: Uint8Array): number {
  const sa = statisticsOver(a, valid);
  const sb = statisticsOver(b, valid);
  let n = 0;
  let cross = 0;
  for (let i = 0; i < a.length; i++) if (valid[i]) (cross += (a[i]! - sa.mean) * (b[i]! - sb.mean)), n++;
  return n && sa.std > 0 && sb.std > 0 ? cross / n / (sa.std * sb.std) : 0;
}
