import { RAIN_DECIBELS, rainRateToDbz, type ZRelation } from "../convert.js";
import { DisplacedSampler } from "../extrapolation/semiLagrangian.js";
import type { RadarFrame } from "../io/frame.js";
import { DEFAULT_MOTION_OPTIONS, type MotionOptions } from "../motion/estimate.js";
import { MotionPerturbation, type MotionPerturbationLaws } from "../noise/motionPerturbation.js";
import { Random } from "../noise/random.js";
import { tukey } from "../noise/spectral.js";
import { IncrementalMask } from "../postprocessing/incrementalMask.js";
import { neighbourhoodMean } from "../point.js";
import { type CascadeLevelSummary, DEFAULT_CASCADE_LEVELS, LagrangianCascade } from "./lagrangianCascade.js";
import { leadsOrHorizon, type NowcastModel, type NowcastResult, resultBase } from "./model.js";

/** Thresholds of the exceedance-probability maps the product shows. */
export const ENSEMBLE_THRESHOLDS_MM_PER_HOUR: readonly number[] = [0.5, 1, 5];

/**
 * Spread of this engine's own motion errors (motion estimated t later minus the motion used,
 * along and across the used motion of each wet cell, km/h), a t^b fitted by `npm run fit:motion`
 * on the development data (FMI 2016-09-28, full native grid, all 38 motion fields): 2.9 / 5.2 /
 * 6.1 km/h along and 2.2 / 5.0 / 6.3 across at 5 / 30 / 60 min, a third of pySTEPS' defaults
 * (PYSTEPS_MOTION_PERTURBATION), which were fitted to another method on other radars.
 */
export const FITTED_MOTION_PERTURBATION: MotionPerturbationLaws = {
  parallel: [1.993, 0.287, 0],
  perpendicular: [1.306, 0.392, 0],
};

export type EnsembleOptions = {
  members: number;
  /** Same seed, same input: same ensemble. */
  seed: number;
  /** Exceedance thresholds of the probability maps, mm/h ("above" = strictly greater). */
  thresholdsMmPerHour: readonly number[];
  /** Relation the thresholds are judged with; null = the source's own (what the product displays). */
  probabilityZr: ZRelation | null;
  motionFrames: number;
  motion: MotionOptions;
  /** Cascade levels (pySTEPS: 6 to 8). */
  levels: number;
  /** Motion perturbations along and across the motion; null = none. */
  velocityPerturbation: MotionPerturbationLaws | null;
  /** Stochastic noise on (false: members differ by their motion only). */
  noise: boolean;
  /** Grey rim of the incremental precipitation mask, pixels (pySTEPS: 10). */
  maskRimPx: number;
  /** Also return every member's frames (verification: rank histograms, CRPS, spread). */
  keepMembers: boolean;
};

export const DEFAULT_ENSEMBLE_OPTIONS: EnsembleOptions = {
  members: 20,
  seed: 20160928,
  thresholdsMmPerHour: ENSEMBLE_THRESHOLDS_MM_PER_HOUR,
  probabilityZr: null,
  motionFrames: 3,
  motion: DEFAULT_MOTION_OPTIONS,
  levels: DEFAULT_CASCADE_LEVELS,
  velocityPerturbation: FITTED_MOTION_PERTURBATION,
  noise: true,
  maskRimPx: 10,
  keepMembers: false,
};

export type EnsembleSummary = {
  members: number;
  seed: number;
  thresholdsMmPerHour: number[];
  /** probabilities[t][k - 1]: fraction of members above thresholdsMmPerHour[t] at lead k; NaN where most members have no value. */
  probabilities: Float32Array[][];
  /** Image pixels per point of the grid the ensemble was computed on: 1, native resolution. */
  spectralFactor: number;
  /** Lag-1 Lagrangian autocorrelation per cascade level (central wavenumber, cycles per domain), largest scales first. */
  autocorrelation: { wavenumber: number; rho: number }[];
  /** Per cascade level: statistics over the pixels with data, correlations and AR(2) coefficients (not carried by the inference contract). */
  cascade?: CascadeLevelSummary[];
  /** memberFrames[m][k - 1]: member m at lead k, dBZ (only with keepMembers). */
  memberFrames?: Float32Array[][];
};

/** A probabilistic nowcast: `frames` hold the ensemble mean (of rain rate, as dBZ). */
export type EnsembleNowcast = NowcastResult & { ensemble: EnsembleSummary };

export interface EnsembleModel extends NowcastModel {
  readonly options: EnsembleOptions;
  forecast(past: readonly RadarFrame[], leads?: number): EnsembleNowcast;
}

/**
 * The STEPS ensemble (Bowler, Pierce and Seed 2006), as pySTEPS' nowcasts.steps does it, at
 * the frames' own resolution: the Lagrangian cascade and AR(2) per level of S-PROG
 * (lagrangianCascade.ts), plus per member a noise cascade whose levels follow the same AR(2),
 * so each level keeps its observed variance while losing its predictability at its own rate.
 * The noise is white noise filtered with the analysis' own (tapered) amplitude spectrum,
 * decomposed by the same filter bank and normalised per level to unit variance; as the noise
 * is stationary its variance is the same over the pixels with data as anywhere, so the
 * normalisation is exact, and the observed levels' statistics come from the pixels with data
 * only (no-data and padding never dilute them). Per member, each step: the cascade is
 * recomposed, held under the incremental precipitation mask, matched to the analysis'
 * distribution, and advected along the motion with the member's perturbation
 * (motionPerturbation.ts). No-data never becomes rain.
 * The noise cascade lives in the spectral domain: the decomposition is linear, so each
 * level's AR(2) runs per Fourier coefficient on the coefficients its filter reaches, and one
 * inverse transform per two members (real and imaginary parts) gives their noise.
 */
export function createEnsembleModel(overrides: Partial<EnsembleOptions> = {}): EnsembleModel {
  const options: EnsembleOptions = { ...DEFAULT_ENSEMBLE_OPTIONS, ...overrides };
  if (!Number.isInteger(options.members) || options.members < 2) throw new RangeError("an ensemble needs at least 2 members");
  if (!Number.isInteger(options.motionFrames) || options.motionFrames < 2) throw new RangeError("motionFrames must be at least 2");
  return {
    name: "ensemble",
    options,
    forecast(past: readonly RadarFrame[], leads?: number): EnsembleNowcast {
      return forecastEnsemble(past, leadsOrHorizon(past, leads), options);
    },
  };
}

export const ensemble: EnsembleModel = createEnsembleModel();

/** Weights below this share of a level's largest leave the coefficient out of that level. */
const SUPPORT_WEIGHT = 1e-3;

function forecastEnsemble(past: readonly RadarFrame[], leads: number, options: EnsembleOptions): EnsembleNowcast {
  const cascade = new LagrangianCascade(past, leads, options.motionFrames, options.motion, options.levels);
  const { width, height, fftWidth, fftHeight, analysis, zr, filter, stepMinutes } = cascade;
  const size = width * height;
  const fftSize = fftWidth * fftHeight;
  const members = options.members;
  const thresholds = [...options.thresholdsMmPerHour];
  const probabilityZr = options.probabilityZr ?? zr;
  // Thresholds as rain rates of the source's relation: members are carried as those rates.
  const thresholdRates = thresholds.map((t) => Math.pow(10, (rainRateToDbz(t, probabilityZr) - 10 * Math.log10(zr.a)) / (10 * zr.b)));
  const { wetDb } = cascade;
  let wetPixels = 0;
  for (const v of cascade.analysisDb) if (v > wetDb) wetPixels++;
  const stochastic = options.noise && wetPixels > 0;

  // Deterministic part of every member, per lead (the same recursion S-PROG runs).
  const deterministic = Array.from({ length: leads }, () => cascade.nextDeterministic());

  // Noise filter: amplitude spectrum of the analysis, dry at 0, tapered (pySTEPS' nonparametric filter).
  const amplitude = new Float64Array(fftSize);
  const levelGain: { index: Uint32Array; gain: Float32Array }[] = [];
  if (stochastic) {
    const re = cascade.filledDb.slice();
    const im = new Float64Array(fftSize);
    const wx = tukey(width);
    const wy = tukey(height);
    for (let row = 0; row < fftHeight; row++) {
      for (let col = 0; col < fftWidth; col++) {
        const j = row * fftWidth + col;
        re[j] = row < height && col < width ? (re[j]! - RAIN_DECIBELS.zeroDb) * wx[col]! * wy[row]! : 0;
      }
    }
    cascade.fft.forward(re, im);
    for (let i = 1; i < fftSize; i++) amplitude[i] = Math.hypot(re[i]!, im[i]!);
    // Per level: the coefficients it reaches and their gain std_l W_l F / s_l, s_l the standard
    // deviation of the level's noise field (real part of the inverse transform of W_l F w with
    // E|w|^2 = 1: sum |W_l F|^2 / (2 N^2)), so each noise level has unit variance.
    for (let l = 0; l < filter.levels; l++) {
      const w = filter.weights[l]!;
      let maxW = 0;
      for (let i = 0; i < fftSize; i++) if (w[i]! > maxW) maxW = w[i]!;
      let power = 0;
      const index: number[] = [];
      for (let i = 1; i < fftSize; i++) {
        const g = w[i]! * amplitude[i]!;
        power += g * g;
        if (w[i]! > SUPPORT_WEIGHT * maxW) index.push(i);
      }
      const s = Math.sqrt(power / (2 * fftSize * fftSize));
      const scale = s > 0 ? cascade.stats[l]!.std / s : 0;
      const gain = new Float32Array(index.length);
      index.forEach((i, n) => (gain[n] = w[i]! * amplitude[i]! * scale));
      levelGain.push({ index: Uint32Array.from(index), gain });
    }
  }

  const perturbation = options.velocityPerturbation
    ? new MotionPerturbation(
        cascade.motion,
        options.velocityPerturbation,
        Math.sqrt(analysis.georef.pixelWidthM * analysis.georef.pixelHeightM),
        stepMinutes,
        leads,
      )
    : null;
  const sampler = new DisplacedSampler(width, height, cascade.motion);
  const cells = cascade.motion.u.length;
  const memberDx = new Float32Array(cells);
  const memberDy = new Float32Array(cells);
  const pixelKm = Math.sqrt(analysis.georef.pixelWidthM * analysis.georef.pixelHeightM) / 1000;
  // pySTEPS: the wet area buffered by (mask_f timestep / km per pixel - 1) / 2 pixels, mask_f = 1 km/min.
  const mask = new IncrementalMask(width, height, Math.max(0, Math.floor((stepMinutes / pixelKm - 1) / 2)), options.maskRimPx);
  const wet = new Uint8Array(size);
  const analysisMask = new Float32Array(size);
  for (let i = 0; i < size; i++) wet[i] = cascade.analysisDb[i]! > wetDb ? 1 : 0;
  mask.compute(wet, analysisMask);

  const random = new Random(options.seed >>> 0);
  const exceed = Array.from({ length: leads }, () => thresholds.map(() => new Uint16Array(size)));
  const present = Array.from({ length: leads }, () => new Uint16Array(size));
  const rateSum = Array.from({ length: leads }, () => new Float64Array(size));
  const memberFrames: Float32Array[][] | undefined = options.keepMembers ? [] : undefined;
  const noiseRe = new Float64Array(fftSize);
  const noiseIm = new Float64Array(fftSize);
  const whiteRe = new Float64Array(fftSize);
  const whiteIm = new Float64Array(fftSize);
  const field = new Float32Array(size);
  const rate = new Float32Array(size);
  const advected = new Float32Array(size);
  const offsetDb = 10 * Math.log10(zr.a);
  const rateOfDb = (db: number) => (db > wetDb ? Math.exp((db * Math.LN10) / 10) : 0);

  for (let first = 0; first < members; first += 2) {
    const pair = Math.min(2, members - first);
    // Spectral AR(2) state of each noise level: two lags, real and imaginary parts.
    const state = levelGain.map(({ index }) => ({
      re1: new Float32Array(index.length),
      im1: new Float32Array(index.length),
      re2: new Float32Array(index.length),
      im2: new Float32Array(index.length),
    }));
    const masks = Array.from({ length: pair }, () => analysisMask.slice());
    const draws = Array.from({ length: pair }, () => (perturbation ? perturbation.draw(random) : { parallel: 0, perpendicular: 0 }));
    const frames = Array.from({ length: pair }, () => [] as Float32Array[]);
    for (let lead = 1; lead <= leads; lead++) {
      if (stochastic) {
        // Complex white noise, E|w|^2 = 1 (uniform parts of variance 1/2: every value of the
        // field sums many coefficients, so it is Gaussian all the same); the two halves of one
        // 32-bit draw give the two parts (16 bits are plenty here, and the draws are the hot spot).
        for (let i = 0; i < fftSize; i++) {
          const u = random.uint32();
          whiteRe[i] = ((u & 0xffff) * (1 / 65536) - 0.5 + 1 / 131072) * 2.449489742783178;
          whiteIm[i] = ((u >>> 16) * (1 / 65536) - 0.5 + 1 / 131072) * 2.449489742783178;
        }
        noiseRe.fill(0);
        noiseIm.fill(0);
        levelGain.forEach(({ index, gain }, l) => {
          const { phi1, phi2, innovation } = cascade.ar[l]!;
          const s = state[l]!;
          for (let n = 0; n < index.length; n++) {
            const i = index[n]!;
            const re = phi1 * s.re1[n]! + phi2 * s.re2[n]! + innovation * whiteRe[i]!;
            const im = phi1 * s.im1[n]! + phi2 * s.im2[n]! + innovation * whiteIm[i]!;
            s.re2[n] = s.re1[n]!;
            s.im2[n] = s.im1[n]!;
            s.re1[n] = re;
            s.im1[n] = im;
            noiseRe[i]! += gain[n]! * re;
            noiseIm[i]! += gain[n]! * im;
          }
        });
        cascade.fft.inverse(noiseRe, noiseIm);
      }
      const base = deterministic[lead - 1]!;
      for (let h = 0; h < pair; h++) {
        const noise = h === 0 ? noiseRe : noiseIm;
        let min = Infinity;
        for (let row = 0; row < height; row++) {
          for (let col = 0; col < width; col++) {
            const i = row * width + col;
            const v = base[i]! + (stochastic ? noise[row * fftWidth + col]! : 0);
            field[i] = v;
            if (v < min) min = v;
          }
        }
        // The incremental mask, then the analysis' distribution; the mask follows the new wet area.
        const memberMask = masks[h]!;
        for (let i = 0; i < size; i++) if (field[i] === field[i]) field[i] = min + (field[i]! - min) * memberMask[i]!;
        cascade.matcher.match(field);
        for (let i = 0; i < size; i++) {
          wet[i] = field[i]! > wetDb ? 1 : 0;
          rate[i] = field[i] === field[i] ? rateOfDb(field[i]!) : NaN;
        }
        mask.compute(wet, memberMask);
        const trajectory = cascade.trajectories[lead - 1]!;
        if (perturbation) {
          perturbation.displace(draws[h]!, lead, trajectory, memberDx, memberDy);
          sampler.sample(rate, memberDx, memberDy, advected);
        } else sampler.sample(rate, trajectory.dx, trajectory.dy, advected);
        const leadExceed = exceed[lead - 1]!;
        const leadPresent = present[lead - 1]!;
        const leadSum = rateSum[lead - 1]!;
        for (let i = 0; i < size; i++) {
          const r = advected[i]!;
          if (r !== r) continue;
          leadPresent[i]!++;
          if (r <= 0) continue;
          leadSum[i]! += r;
          for (let t = 0; t < thresholdRates.length; t++) if (r > thresholdRates[t]!) leadExceed[t]![i]!++;
        }
        if (memberFrames) {
          const dbz = new Float32Array(size);
          for (let i = 0; i < size; i++) {
            const r = advected[i]!;
            dbz[i] = r !== r ? NaN : r > 0 ? offsetDb + zr.b * 10 * Math.log10(r) : cascade.dryDbz;
          }
          frames[h]!.push(dbz);
        }
      }
    }
    memberFrames?.push(...frames);
  }

  const frames: Float32Array[] = [];
  const probabilities: Float32Array[][] = thresholds.map(() => []);
  for (let k = 0; k < leads; k++) {
    const meanDbz = new Float32Array(size);
    const maps = thresholds.map(() => new Float32Array(size));
    for (let i = 0; i < size; i++) {
      const n = present[k]![i]!;
      if (2 * n < members || n === 0) {
        meanDbz[i] = NaN;
        for (const map of maps) map[i] = NaN;
        continue;
      }
      const r = rateSum[k]![i]! / n;
      meanDbz[i] = r > 0 ? Math.max(cascade.dryDbz, rainRateToDbz(r, zr)) : cascade.dryDbz;
      for (let t = 0; t < thresholds.length; t++) maps[t]![i] = exceed[k]![t]![i]! / n;
    }
    frames.push(meanDbz);
    maps.forEach((map, t) => probabilities[t]!.push(map));
  }
  const levels = cascade.summary();
  return {
    ...resultBase("ensemble", analysis, stepMinutes, leads),
    frames,
    motion: cascade.motion,
    ensemble: {
      members,
      seed: options.seed,
      thresholdsMmPerHour: thresholds,
      probabilities,
      spectralFactor: 1,
      autocorrelation: levels.map((l) => ({ wavenumber: l.wavenumber, rho: l.gamma1 })),
      cascade: levels,
      ...(memberFrames ? { memberFrames } : {}),
    },
  };
}

/**
 * The chance, per lead, that the rain rate at a pixel neighbourhood exceeds each threshold:
 * the mean exceedance probability over the (2 radiusPx + 1)^2 pixels around (col, row);
 * NaN where less than half of them have a value.
 */
export function neighbourhoodProbabilities(
  summary: Pick<EnsembleSummary, "probabilities">,
  width: number,
  height: number,
  col: number,
  row: number,
  radiusPx: number,
): number[][] {
  return summary.probabilities.map((byLead) => byLead.map((map) => neighbourhoodMean(map, width, height, col, row, radiusPx)));
}
