import { type BandpassFilter, correlationOver, decomposeSpectrum, gaussianBandpassFilter, type LevelStatistics, statisticsOver } from "../cascade/bandpass.js";
import { dbzToRainDecibels, RAIN_DECIBELS, rainRateToDbz, type ZRelation, zrForSource } from "../convert.js";
import { extrapolate, trajectoryDisplacements } from "../extrapolation/semiLagrangian.js";
import type { RadarFrame } from "../io/frame.js";
import type { MotionOptions } from "../motion/estimate.js";
import type { MotionField } from "../motion/field.js";
import { Fft2d, nextPowerOfTwo } from "../noise/fft.js";
import { CdfMatcher } from "../postprocessing/probabilityMatching.js";
import { type Ar2, yuleWalkerAr2 } from "../timeseries/autoregression.js";
import { validatePast } from "./model.js";
import { motionOf } from "./opticalFlow.js";

/** pySTEPS' STEPS and S-PROG default: 6 to 8 levels; 8 resolves 1 km to 500 km scales on a 1 km grid. */
export const DEFAULT_CASCADE_LEVELS = 8;

export type CascadeLevelSummary = {
  /** Central wavenumber, cycles per larger grid side. */
  wavenumber: number;
  mean: number;
  std: number;
  gamma1: number;
  gamma2: number;
  phi1: number;
  phi2: number;
};

/**
 * What S-PROG and the STEPS ensemble share (Seed 2003; Bowler, Pierce and Seed 2006; pySTEPS'
 * nowcasts.sprog and nowcasts.steps): motion from the newest frames; the two frames before the
 * analysis advected to its time, so all three are in the analysis' Lagrangian frame; each
 * decomposed in dB of rain rate into a Gaussian band-pass cascade, every level normalised by
 * its own mean and standard deviation over the pixels that have data; per level the lag-1 and
 * lag-2 correlations (over pixels with data in all three) and from them an AR(2) by
 * Yule-Walker. With two input frames the lag-2 correlation is taken as gamma1^2 (AR(1)).
 * The FFT grid is the image padded to powers of two; padding and no-data count as dry for
 * the transform but never enter a statistic.
 */
export class LagrangianCascade {
  readonly analysis: RadarFrame;
  readonly stepMinutes: number;
  readonly zr: ZRelation;
  readonly motion: MotionField;
  readonly trajectories: { dx: Float32Array; dy: Float32Array }[];
  readonly width: number;
  readonly height: number;
  readonly fftWidth: number;
  readonly fftHeight: number;
  readonly fft: Fft2d;
  readonly filter: BandpassFilter;
  /** 1 where the analysis has data, on the FFT grid. */
  readonly valid: Uint8Array;
  /** dB of rain rate of the analysis on the image grid, NaN where no data. */
  readonly analysisDb: Float32Array;
  /** The analysis on the FFT grid, no data and padding dry. */
  readonly filledDb: Float64Array;
  readonly stats: LevelStatistics[];
  readonly ar: Ar2[];
  readonly matcher: CdfMatcher;
  readonly wetDb = 10 * Math.log10(RAIN_DECIBELS.thresholdMmPerHour);
  readonly dryDbz: number;
  /** Normalised levels at the two latest times of the deterministic recursion (newest first). */
  private current: Float32Array[];
  private previous: Float32Array[];

  constructor(past: readonly RadarFrame[], leads: number, motionFrames: number, motionOptions: MotionOptions, levels = DEFAULT_CASCADE_LEVELS) {
    const { analysis, stepMinutes } = validatePast(past, leads);
    this.analysis = analysis;
    this.stepMinutes = stepMinutes;
    const { width, height } = analysis;
    this.width = width;
    this.height = height;
    this.zr = zrForSource(analysis.source);
    this.motion = motionOf(past.slice(-motionFrames), motionOptions);
    this.trajectories = trajectoryDisplacements(this.motion, leads);
    this.fftWidth = nextPowerOfTwo(width);
    this.fftHeight = nextPowerOfTwo(height);
    const fftSize = this.fftWidth * this.fftHeight;
    this.fft = new Fft2d(this.fftWidth, this.fftHeight);
    this.filter = gaussianBandpassFilter(this.fftWidth, this.fftHeight, levels);
    let dry = rainRateToDbz(RAIN_DECIBELS.thresholdMmPerHour, this.zr) - 1;
    for (const v of analysis.dbz) if (v < dry) dry = v;
    this.dryDbz = dry;

    // Frames in the analysis' Lagrangian frame: t-j advected j steps forward.
    const lags = Math.min(past.length - 1, 2);
    const lagrangianDbz = [analysis.dbz];
    for (let j = 1; j <= lags; j++) lagrangianDbz.push(extrapolate(past.at(-1 - j)!.dbz, width, height, this.motion, j)[j - 1]!);
    const decibels = lagrangianDbz.map((dbz) => dbzToRainDecibels(dbz, this.zr));
    this.analysisDb = decibels[0]!;
    this.valid = new Uint8Array(fftSize);
    const validAll = new Uint8Array(fftSize);
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const i = row * width + col;
        const j = row * this.fftWidth + col;
        if (decibels[0]![i] === decibels[0]![i]) {
          this.valid[j] = 1;
          validAll[j] = decibels.every((d) => d[i] === d[i]) ? 1 : 0;
        }
      }
    }
    const cascades = decibels.map((db) => {
      const re = this.onFftGrid(db);
      const im = new Float64Array(fftSize);
      this.fft.forward(re, im);
      return decomposeSpectrum(this.fft, this.filter, re, im);
    });
    this.filledDb = this.onFftGrid(decibels[0]!);
    // Each cascade normalised by its own statistics (pySTEPS does the same).
    const statsOf = cascades.map((levelsOf) => levelsOf.map((level) => statisticsOver(level, this.valid)));
    this.stats = statsOf[0]!;
    cascades.forEach((levelsOf, k) =>
      levelsOf.forEach((level, l) => {
        const { mean, std } = statsOf[k]![l]!;
        const inverse = std > 0 ? 1 / std : 0;
        for (let i = 0; i < level.length; i++) level[i] = (level[i]! - mean) * inverse;
      }),
    );
    const correlationMask = lags > 0 ? validAll : this.valid;
    this.ar = cascades[0]!.map((level, l) => {
      const gamma1 = lags >= 1 ? correlationOver(level, cascades[1]![l]!, correlationMask) : 0;
      const gamma2 = lags >= 2 ? correlationOver(level, cascades[2]![l]!, correlationMask) : gamma1 * gamma1;
      return yuleWalkerAr2(gamma1, gamma2);
    });
    this.current = cascades[0]!;
    this.previous = cascades[1] ?? cascades[0]!.map((level) => level.slice());
    this.matcher = new CdfMatcher(this.analysisDb);
  }

  /** A field of the image grid on the FFT grid, NaN and padding as dry dB. */
  onFftGrid(db: Float32Array): Float64Array {
    const out = new Float64Array(this.fftWidth * this.fftHeight).fill(RAIN_DECIBELS.zeroDb);
    for (let row = 0; row < this.height; row++) {
      for (let col = 0; col < this.width; col++) {
        const v = db[row * this.width + col]!;
        out[row * this.fftWidth + col] = v === v ? v : RAIN_DECIBELS.zeroDb;
      }
    }
    return out;
  }

  /**
   * The next step of the deterministic recursion c(t+1) = phi1 c(t) + phi2 c(t-1), recomposed
   * (sum over levels of std c + mean) on the image grid in dB; NaN where the analysis has no
   * data. Call once per lead, in order.
   */
  nextDeterministic(): Float32Array {
    const { filter, ar } = this;
    for (let l = 0; l < filter.levels; l++) {
      const { phi1, phi2 } = ar[l]!;
      const c = this.current[l]!;
      const p = this.previous[l]!;
      // p becomes the new current in place: c(t+1) written over c(t-1).
      for (let i = 0; i < c.length; i++) p[i] = phi1 * c[i]! + phi2 * p[i]!;
      this.previous[l] = c;
      this.current[l] = p;
    }
    const out = new Float32Array(this.width * this.height);
    for (let row = 0; row < this.height; row++) {
      for (let col = 0; col < this.width; col++) {
        const j = row * this.fftWidth + col;
        if (!this.valid[j]) {
          out[row * this.width + col] = NaN;
          continue;
        }
        let v = 0;
        for (let l = 0; l < filter.levels; l++) v += this.stats[l]!.std * this.current[l]![j]! + this.stats[l]!.mean;
        out[row * this.width + col] = v;
      }
    }
    return out;
  }

  /** dB of rain rate -> dBZ of the source (dry below the dB transform's threshold); NaN stays NaN. */
  toDbz(db: Float32Array, out = new Float32Array(db.length)): Float32Array {
    const offset = 10 * Math.log10(this.zr.a);
    for (let i = 0; i < db.length; i++) {
      const v = db[i]!;
      out[i] = v !== v ? NaN : v > this.wetDb ? offset + this.zr.b * v : this.dryDbz;
    }
    return out;
  }

  summary(): CascadeLevelSummary[] {
    const r = (x: number) => Math.round(x * 1000) / 1000;
    return this.ar.map((a, l) => ({
      wavenumber: r(this.filter.centralWavenumbers[l]!),
      mean: r(this.stats[l]!.mean),
      std: r(this.stats[l]!.std),
      gamma1: r(a.gamma1),
      gamma2: r(a.gamma2),
      phi1: r(a.phi1),
      phi2: r(a.phi2),
    }));
  }
}
