import { dbzToRainDecibels, RAIN_DECIBELS, rainRateToDbz, type ZRelation, zrForSource } from "../convert.js";
import { extrapolate, trajectoryDisplacements } from "../extrapolation/semiLagrangian.js";
import type { RadarFrame } from "../io/frame.js";
import { DEFAULT_MOTION_OPTIONS, estimateMotion, type MotionOptions } from "../motion/estimate.js";
import type { MotionField } from "../motion/field.js";
import { poolMean } from "../motion/grid.js";
import { Fft2d, nextPowerOfTwo, radialWavenumbers } from "../noise/fft.js";
import { Random } from "../noise/random.js";
import { bandCorrelations, interpolateBands, radialPowerSpectrum, tukey } from "../noise/spectral.js";
import { DEFAULT_LEADS, type NowcastModel, NowcastInputError, type NowcastResult, resultBase, validatePast } from "./model.js";
import { bilinear, bilinearAmongPresent } from "../extrapolation/bilinear.js";
import { motionOf } from "./opticalFlow.js";
import { neighbourhoodMean } from "../point.js";

/** Thresholds of the exceedance-probability maps the product shows. */
export const ENSEMBLE_THRESHOLDS_MM_PER_HOUR: readonly number[] = [0.5, 1, 5];

/** a t^b + c (t in minutes, km/h): the spread of the motion perturbations (pySTEPS' defaults, after Bowler et al. 2006). */
export type PowerLaw = readonly [a: number, b: number, c: number];

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
  /** Log-spaced wavenumber bands whose lag-1 Lagrangian autocorrelation sets how fast each scale decays. */
  bands: number;
  /** The spectral (noise) grid holds at most this many points; larger frames use a coarser one. */
  maxSpectralPixels: number;
  /** Motion perturbations parallel and perpendicular to the mean motion; null = none. */
  velocityPerturbation: { parallel: PowerLaw; perpendicular: PowerLaw } | null;
  /** Stochastic noise on (false: members differ by their motion only). */
  noise: boolean;
};

export const DEFAULT_ENSEMBLE_OPTIONS: EnsembleOptions = {
  members: 20,
  seed: 20160928,
  thresholdsMmPerHour: ENSEMBLE_THRESHOLDS_MM_PER_HOUR,
  probabilityZr: null,
  motionFrames: 3,
  motion: DEFAULT_MOTION_OPTIONS,
  bands: 8,
  maxSpectralPixels: 1 << 17,
  velocityPerturbation: { parallel: [10.88, 0.23, -7.68], perpendicular: [5.76, 0.31, -2.72] },
  noise: true,
};

export type EnsembleSummary = {
  members: number;
  seed: number;
  thresholdsMmPerHour: number[];
  /** probabilities[t][k - 1]: fraction of members above thresholdsMmPerHour[t] at lead k; NaN where most members have no value. */
  probabilities: Float32Array[][];
  /** Image pixels per point of the grid the noise and scale decay were computed on. */
  spectralFactor: number;
  /** Lag-1 Lagrangian autocorrelation per wavenumber band (cycles per domain), largest scales first. */
  autocorrelation: { wavenumber: number; rho: number }[];
};

/** A probabilistic nowcast: `frames` hold the ensemble mean (of rain rate, as dBZ). */
export type EnsembleNowcast = NowcastResult & { ensemble: EnsembleSummary };

export interface EnsembleModel extends NowcastModel {
  readonly options: EnsembleOptions;
  forecast(past: readonly RadarFrame[], leads?: number): EnsembleNowcast;
}

/**
 * A STEPS-style ensemble (Bowler, Pierce and Seed 2006; pySTEPS' steps nowcast, simplified):
 * the dB-transformed rain field of the analysis, standardised, is split by wavenumber; each
 * scale keeps a share phi(k)^t of itself after t steps, phi(k) being its lag-1 Lagrangian
 * autocorrelation measured on the last two frames (a continuous cascade of AR(1) processes),
 * and the lost share is replaced by noise filtered with the field's own radially averaged
 * power spectrum, evolving as AR(1) with the same phi(k). Every member's field is matched to
 * the analysis' distribution (so the wet fraction and intensities stay those observed), then
 * advected backward along the motion perturbed per member, parallel and perpendicular to the
 * mean motion with the spread growing with lead time. Two members share one complex inverse
 * FFT (its real and imaginary parts are independent fields). No-data never becomes rain.
 */
export function createEnsembleModel(overrides: Partial<EnsembleOptions> = {}): EnsembleModel {
  const options: EnsembleOptions = { ...DEFAULT_ENSEMBLE_OPTIONS, ...overrides };
  if (!Number.isInteger(options.members) || options.members < 2) throw new RangeError("an ensemble needs at least 2 members");
  if (!Number.isInteger(options.motionFrames) || options.motionFrames < 2) throw new RangeError("motionFrames must be at least 2");
  return {
    name: "ensemble",
    options,
    forecast(past: readonly RadarFrame[], leads = DEFAULT_LEADS): EnsembleNowcast {
      return forecastEnsemble(past, leads, options);
    },
  };
}

export const ensemble: EnsembleModel = createEnsembleModel();

function forecastEnsemble(past: readonly RadarFrame[], leads: number, options: EnsembleOptions): EnsembleNowcast {
  const { analysis, stepMinutes } = validatePast(past, leads);
  const { width, height, source } = analysis;
  const zr = zrForSource(source);
  const motion = motionOf(past.slice(-options.motionFrames), options.motion);
  const members = options.members;
  const thresholds = [...options.thresholdsMmPerHour];
  const probabilityZr = options.probabilityZr ?? zr;
  // Thresholds as rain rates of the source's relation: members are carried as those rates.
  const thresholdRates = thresholds.map((t) => Math.pow(10, (rainRateToDbz(t, probabilityZr) - 10 * Math.log10(zr.a)) / (10 * zr.b)));
  const wetDb = 10 * Math.log10(RAIN_DECIBELS.thresholdMmPerHour);
  const zeroDb = RAIN_DECIBELS.zeroDb;
  const rateOfDb = (db: number) => (db > wetDb ? Math.exp((db * Math.LN10) / 10) : 0);

  // The ensemble grid: the frame itself, or the frame pooled by a power of two when its
  // spectral grid would be too large (the full composite); results are upsampled back.
  let factor = 1;
  while (nextPowerOfTwo(Math.ceil(width / factor)) * nextPowerOfTwo(Math.ceil(height / factor)) > options.maxSpectralPixels) factor *= 2;
  const gridWidth = Math.ceil(width / factor);
  const gridHeight = Math.ceil(height / factor);
  const gridSize = gridWidth * gridHeight;
  const fftWidth = nextPowerOfTwo(gridWidth);
  const fftHeight = nextPowerOfTwo(gridHeight);
  const fftSize = fftWidth * fftHeight;
  const onGrid = (dbz: Float32Array) => {
    const db = dbzToRainDecibels(dbz, zr);
    return factor === 1 ? db : poolMean({ data: db, width, height }, factor).data;
  };
  const gridDb = onGrid(analysis.dbz);
  const gridMotion: MotionField =
    factor === 1
      ? motion
      : { ...motion, u: motion.u.map((x) => x / factor), v: motion.v.map((x) => x / factor), cellPx: motion.cellPx / factor };

  let dryDbz = rainRateToDbz(RAIN_DECIBELS.thresholdMmPerHour, zr) - 1;
  for (let i = 0; i < analysis.dbz.length; i++) if (analysis.dbz[i]! < dryDbz) dryDbz = analysis.dbz[i]!;
  // The distribution every member is matched to: the analysis' own values, as rain rates.
  let presentCount = 0;
  for (let i = 0; i < gridSize; i++) if (gridDb[i] === gridDb[i]) presentCount++;
  const targetDb = new Float32Array(presentCount);
  for (let i = 0, j = 0; i < gridSize; i++) if (gridDb[i] === gridDb[i]) targetDb[j++] = gridDb[i]!;
  targetDb.sort();
  const targetRates = targetDb.map(rateOfDb);

  let mean = 0;
  for (const v of targetDb) mean += v;
  mean = presentCount ? mean / presentCount : zeroDb;
  let variance = 0;
  for (const v of targetDb) variance += (v - mean) ** 2;
  const std = presentCount ? Math.sqrt(variance / presentCount) : 0;
  const stochastic = options.noise && std > 1e-3;
  const scale = stochastic ? std : 1;
  const dryZ = (zeroDb - mean) / scale;

  /** Standardised field on the padded FFT grid, optionally tapered; no data and padding count as dry. */
  const standardised = (grid: Float32Array, re: Float64Array, taper = false) => {
    re.fill(taper ? 0 : dryZ);
    const wx = taper ? tukey(gridWidth) : null;
    const wy = taper ? tukey(gridHeight) : null;
    for (let row = 0; row < gridHeight; row++) {
      for (let col = 0; col < gridWidth; col++) {
        const v = grid[row * gridWidth + col]!;
        const z = v === v ? (v - mean) / scale : dryZ;
        re[row * fftWidth + col] = wx && wy ? z * wx[col]! * wy[row]! : z;
      }
    }
  };

  const fft = new Fft2d(fftWidth, fftHeight);
  const wavenumbers = radialWavenumbers(fftWidth, fftHeight);
  const x0Re = new Float64Array(fftSize);
  const x0Im = new Float64Array(fftSize);
  standardised(gridDb, x0Re);
  fft.forward(x0Re, x0Im);

  // Lag-1 Lagrangian autocorrelation per band: the previous frame advected one step vs the analysis.
  const advectedPrevious = extrapolate(past.at(-2)!.dbz, width, height, motion, 1)[0]!;
  const scratchRe = new Float64Array(fftSize);
  const scratchIm = new Float64Array(fftSize);
  standardised(onGrid(advectedPrevious), scratchRe);
  fft.forward(scratchRe, scratchIm);
  const bands = bandCorrelations(x0Re, x0Im, scratchRe, scratchIm, wavenumbers, options.bands);
  // Correlations are clamped into [0, 0.999] and made non-increasing towards small scales.
  const rho: number[] = [];
  for (const band of bands) rho.push(Math.min(rho.at(-1) ?? 0.999, Math.max(0, Math.min(0.999, band.correlation))));
  const phi = interpolateBands(bands, rho, wavenumbers);
  phi[0] = 1;
  // Without noise nothing replaces what would decay: every scale is kept (plain perturbed advection).
  if (!stochastic) phi.fill(1);

  // Noise amplitude per coefficient: the field's radially averaged power (tapered, rescaled to its total).
  scratchIm.fill(0);
  standardised(gridDb, scratchRe, true);
  fft.forward(scratchRe, scratchIm);
  const radialPower = radialPowerSpectrum(scratchRe, scratchIm, wavenumbers);
  let fieldPower = 0;
  let modelPower = 0;
  for (let i = 1; i < fftSize; i++) {
    fieldPower += x0Re[i]! * x0Re[i]! + x0Im[i]! * x0Im[i]!;
    modelPower += radialPower[Math.round(wavenumbers[i]!)]!;
  }
  const powerScale = modelPower > 0 ? fieldPower / modelPower : 0;
  // sqrt(1 - phi^2) S(k): the innovation of each coefficient, S^2 twice the field's power share
  // (the real and the imaginary part of the inverse transform each carry half of it).
  const innovation = new Float64Array(fftSize);
  for (let i = 1; i < fftSize; i++) {
    const amplitude = Math.sqrt(2 * powerScale * radialPower[Math.round(wavenumbers[i]!)]!);
    innovation[i] = amplitude * Math.sqrt(Math.max(0, 1 - phi[i]! * phi[i]!));
  }

  // Motion: shared backward trajectories, plus one uniform perturbation per member.
  const trajectories = trajectoryDisplacements(gridMotion, leads);
  const offsets = memberOffsets(motion, analysis, stepMinutes, leads, members, options, factor);
  const pixelDx = new Float32Array(gridSize);
  const pixelDy = new Float32Array(gridSize);

  const pairs = Math.ceil(members / 2);
  const states = Array.from({ length: pairs }, (_, p) => ({
    // The filtered noise spectrum S(k) e(k) itself evolves as AR(1): S is fixed per coefficient.
    re: new Float64Array(stochastic ? fftSize : 0),
    im: new Float64Array(stochastic ? fftSize : 0),
    seed: (Math.imul(options.seed, 1000003) + Math.imul(p + 1, 0x9e3779b9)) | 0,
  }));
  const phiPower = new Float64Array(fftSize).fill(1);
  const deterministicRe = new Float64Array(fftSize);
  const deterministicIm = new Float64Array(fftSize);
  const noiseRe = new Float64Array(fftSize);
  const noiseIm = new Float64Array(fftSize);
  const lagrangian = new Float32Array(gridSize);
  const memberRate = new Float32Array(gridSize);
  const matcher = new DistributionMatcher(targetDb, targetRates);

  const frames: Float32Array[] = [];
  const probabilities: Float32Array[][] = thresholds.map(() => []);
  const exceed = thresholds.map(() => new Uint16Array(gridSize));
  const present = new Uint16Array(gridSize);
  const rateSum = new Float64Array(gridSize);
  const upsample = factor === 1 ? null : new NanAwareUpsampler(width, height, gridWidth, gridHeight, factor);

  for (let lead = 1; lead <= leads; lead++) {
    for (let i = 0; i < fftSize; i++) {
      phiPower[i]! *= phi[i]!;
      deterministicRe[i] = phiPower[i]! * x0Re[i]!;
      deterministicIm[i] = phiPower[i]! * x0Im[i]!;
    }
    fft.inverse(deterministicRe, deterministicIm);
    pixelDisplacements(gridMotion, trajectories[lead - 1]!, gridWidth, gridHeight, pixelDx, pixelDy);
    for (const e of exceed) e.fill(0);
    present.fill(0);
    rateSum.fill(0);

    for (let p = 0; p < pairs; p++) {
      const state = states[p]!;
      if (stochastic) {
        const { re, im } = state;
        // e <- phi e + sqrt(1 - phi^2) S w, w complex white noise with E|w|^2 = 1 (uniform parts:
        // every grid value sums many coefficients, so the field is Gaussian all the same).
        let s = state.seed;
        for (let i = 0; i < fftSize; i++) {
          s = (s + 0x6d2b79f5) | 0;
          let t = Math.imul(s ^ (s >>> 15), 1 | s);
          t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
          const u1 = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
          s = (s + 0x6d2b79f5) | 0;
          t = Math.imul(s ^ (s >>> 15), 1 | s);
          t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
          const u2 = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
          const a = innovation[i]! * 2.449489742783178; // sqrt(6): a uniform part of variance 1/2
          const f = phi[i]!;
          re[i] = f * re[i]! + a * u1;
          im[i] = f * im[i]! + a * u2;
          noiseRe[i] = re[i]!;
          noiseIm[i] = im[i]!;
        }
        state.seed = s;
        fft.inverse(noiseRe, noiseIm);
      }
      for (let half = 0; half < 2; half++) {
        const m = 2 * p + half;
        if (m >= members) break;
        const noise = half === 0 ? noiseRe : noiseIm;
        // The member's field in the analysis' frame (Lagrangian), dB of rain rate, then as rain rate.
        for (let row = 0; row < gridHeight; row++) {
          for (let col = 0; col < gridWidth; col++) {
            const i = row * gridWidth + col;
            const j = row * fftWidth + col;
            lagrangian[i] = gridDb[i] === gridDb[i] ? mean + scale * (deterministicRe[j]! + (stochastic ? noise[j]! : 0)) : NaN;
          }
        }
        if (stochastic) matcher.matchToRates(lagrangian);
        else for (let i = 0; i < gridSize; i++) lagrangian[i] = lagrangian[i] === lagrangian[i] ? rateOfDb(lagrangian[i]!) : NaN;
        const offset = offsets[m]![lead - 1]!;
        sampleDisplaced(lagrangian, gridWidth, gridHeight, pixelDx, pixelDy, offset.x, offset.y, memberRate);
        for (let i = 0; i < gridSize; i++) {
          const rate = memberRate[i]!;
          if (rate !== rate) continue;
          present[i]!++;
          if (rate <= 0) continue;
          rateSum[i]! += rate;
          for (let t = 0; t < thresholdRates.length; t++) if (rate > thresholdRates[t]!) exceed[t]![i]!++;
        }
      }
    }

    const meanDbz = new Float32Array(gridSize);
    const leadProbabilities = thresholds.map(() => new Float32Array(gridSize));
    for (let i = 0; i < gridSize; i++) {
      const n = present[i]!;
      if (2 * n < members || n === 0) {
        meanDbz[i] = NaN;
        for (const map of leadProbabilities) map[i] = NaN;
        continue;
      }
      const rate = rateSum[i]! / n;
      meanDbz[i] = rate > 0 ? Math.max(dryDbz, rainRateToDbz(rate, zr)) : dryDbz;
      for (let t = 0; t < thresholds.length; t++) leadProbabilities[t]![i] = exceed[t]![i]! / n;
    }
    frames.push(upsample ? upsample.run(meanDbz) : meanDbz);
    leadProbabilities.forEach((map, t) => probabilities[t]!.push(upsample ? upsample.run(map) : map));
  }

  return {
    ...resultBase("ensemble", analysis, stepMinutes, leads),
    frames,
    motion,
    ensemble: {
      members,
      seed: options.seed,
      thresholdsMmPerHour: thresholds,
      probabilities,
      spectralFactor: factor,
      autocorrelation: bands.map((b, l) => ({ wavenumber: Math.round(b.k * 100) / 100, rho: Math.round(rho[l]! * 1000) / 1000 })),
    },
  };
}


/**
 * Per member and lead, the uniform backward offset (image pixels) its perturbed motion adds:
 * minus the sum of its velocity perturbations up to that lead.
 */
function memberOffsets(
  motion: MotionField,
  analysis: RadarFrame,
  stepMinutes: number,
  leads: number,
  members: number,
  options: EnsembleOptions,
  factor: number,
): { x: number; y: number }[][] {
  let su = 0;
  let sv = 0;
  for (let i = 0; i < motion.u.length; i++) {
    su += motion.u[i]!;
    sv += motion.v[i]!;
  }
  const speed = Math.hypot(su, sv);
  const along = speed > 1e-9 ? { x: su / speed, y: sv / speed } : { x: 1, y: 0 };
  const across = { x: -along.y, y: along.x };
  const pixelM = Math.sqrt(analysis.georef.pixelWidthM * analysis.georef.pixelHeightM);
  const kmhToPxPerStep = (1000 / (pixelM * factor)) * (stepMinutes / 60);
  const spread = (law: PowerLaw, minutes: number) => Math.max(0, law[0] * minutes ** law[1] + law[2]) * kmhToPxPerStep;
  const random = new Random((options.seed ^ 0x5bd1e995) >>> 0);
  return Array.from({ length: members }, () => {
    const parallel = random.normal();
    const perpendicular = random.normal();
    let x = 0;
    let y = 0;
    return Array.from({ length: leads }, (_, k) => {
      const perturbation = options.velocityPerturbation;
      if (perturbation) {
        const minutes = (k + 1) * stepMinutes;
        const a = parallel * spread(perturbation.parallel, minutes);
        const b = perpendicular * spread(perturbation.perpendicular, minutes);
        x -= a * along.x + b * across.x;
        y -= a * along.y + b * across.y;
      }
      return { x, y };
    });
  });
}


/** Per-pixel displacement of one lead: bilinear between motion cell centres, constant beyond the outer ones. */
function pixelDisplacements(
  motion: MotionField,
  displacement: { dx: Float32Array; dy: Float32Array },
  width: number,
  height: number,
  outX: Float32Array,
  outY: Float32Array,
): void {
  const { cellPx } = motion;
  const half = (cellPx - 1) / 2;
  const cells = motion.width;
  for (let row = 0; row < height; row++) {
    const gy = Math.min(Math.max((row - half) / cellPx, 0), motion.height - 1);
    const r0 = Math.min(Math.floor(gy), Math.max(motion.height - 2, 0));
    const r1 = Math.min(r0 + 1, motion.height - 1);
    const fy = gy - r0;
    for (let col = 0; col < width; col++) {
      const gx = Math.min(Math.max((col - half) / cellPx, 0), cells - 1);
      const c0 = Math.min(Math.floor(gx), Math.max(cells - 2, 0));
      const c1 = Math.min(c0 + 1, cells - 1);
      const fx = gx - c0;
      const a = r0 * cells + c0;
      const b = r0 * cells + c1;
      const c = r1 * cells + c0;
      const d = r1 * cells + c1;
      const i = row * width + col;
      const topX = displacement.dx[a]! + fx * (displacement.dx[b]! - displacement.dx[a]!);
      const bottomX = displacement.dx[c]! + fx * (displacement.dx[d]! - displacement.dx[c]!);
      outX[i] = topX + fy * (bottomX - topX);
      const topY = displacement.dy[a]! + fx * (displacement.dy[b]! - displacement.dy[a]!);
      const bottomY = displacement.dy[c]! + fx * (displacement.dy[d]! - displacement.dy[c]!);
      outY[i] = topY + fy * (bottomY - topY);
    }
  }
}

/** out(p) = image(p + D(p) + offset), bilinear; NaN outside the image or where no data carries half the weight. */
function sampleDisplaced(
  image: Float32Array,
  width: number,
  height: number,
  dx: Float32Array,
  dy: Float32Array,
  offsetX: number,
  offsetY: number,
  out: Float32Array,
): void {
  const maxX = width - 1;
  const maxY = height - 1;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = row * width + col;
      const x = col + dx[i]! + offsetX;
      const y = row + dy[i]! + offsetY;
      if (!(x >= 0 && y >= 0 && x <= maxX && y <= maxY)) {
        out[i] = NaN;
        continue;
      }
      out[i] = bilinear(image, width, height, x, y);
    }
  }
}


/** Bilinear upsampling of the ensemble grid to the image, pixel centres aligned; no data carrying half the weight stays no data. */
class NanAwareUpsampler {
  private readonly col0: Int32Array;
  private readonly colWeight: Float32Array;
  private readonly row0: Int32Array;
  private readonly rowWeight: Float32Array;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly gridWidth: number,
    gridHeight: number,
    factor: number,
  ) {
    const axis = (n: number, cells: number) => {
      const index = new Int32Array(n);
      const weight = new Float32Array(n);
      for (let p = 0; p < n; p++) {
        const g = Math.min(Math.max((p + 0.5) / factor - 0.5, 0), cells - 1);
        const i = Math.min(Math.floor(g), Math.max(cells - 2, 0));
        index[p] = i;
        weight[p] = g - i;
      }
      return { index, weight };
    };
    const cols = axis(width, gridWidth);
    const rows = axis(height, gridHeight);
    this.col0 = cols.index;
    this.colWeight = cols.weight;
    this.row0 = rows.index;
    this.rowWeight = rows.weight;
  }

  run(grid: Float32Array): Float32Array {
    const { width, height, gridWidth, col0, colWeight, row0, rowWeight } = this;
    const out = new Float32Array(width * height);
    for (let row = 0; row < height; row++) {
      const top = row0[row]! * gridWidth;
      const bottom = top + gridWidth;
      const fy = rowWeight[row]!;
      for (let col = 0; col < width; col++) {
        const c = col0[col]!;
        const fx = colWeight[col]!;
        const a = grid[top + c]!;
        const b = grid[top + c + 1]!;
        const cc = grid[bottom + c]!;
        const d = grid[bottom + c + 1]!;
        const upper = a + fx * (b - a);
        const lower = cc + fx * (d - cc);
        const value = upper + fy * (lower - upper);
        out[row * width + col] = value === value ? value : bilinearAmongPresent(a, b, cc, d, fx, fy);
      }
    }
    return out;
  }
}

/**
 * Probability (CDF) matching in O(n): each value is replaced by the target's value at the same
 * quantile (given as rain rate), the quantile read off a fine histogram (linear within a bin).
 * NaN stays NaN.
 */
class DistributionMatcher {
  private static readonly BINS = 4096;
  private readonly counts = new Float64Array(DistributionMatcher.BINS);
  private readonly cumulative = new Float64Array(DistributionMatcher.BINS);

  constructor(
    private readonly sortedTarget: Float32Array,
    private readonly targetRates: Float32Array,
  ) {}

  matchToRates(values: Float32Array): void {
    const rates = this.targetRates;
    if (this.sortedTarget.length === 0) return;
    let min = Infinity;
    let max = -Infinity;
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      n++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (n === 0) return;
    const bins = DistributionMatcher.BINS;
    const { counts, cumulative } = this;
    const width = max > min ? (max - min) / bins : 1;
    counts.fill(0);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === v) counts[Math.min(bins - 1, ((v - min) / width) | 0)]!++;
    }
    let running = 0;
    for (let b = 0; b < bins; b++) {
      cumulative[b] = running;
      running += counts[b]!;
    }
    const last = rates.length - 1;
    const toIndex = rates.length / n;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      const position = (v - min) / width;
      const b = Math.min(bins - 1, position | 0);
      const rank = cumulative[b]! + Math.min(1, position - b) * counts[b]!;
      values[i] = rates[Math.min(last, Math.floor(rank * toIndex))]!;
    }
  }
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
