import { boxBlur, type Grid, poolMean, upsample2x } from "./grid.js";

/**
 * Multi-scale variational optical flow of the "combined local-global" kind (Bruhn, Weickert
 * and Schnörr 2005): a Lucas-Kanade data term (structure tensor averaged over a window)
 * plus a Horn-Schunck smoothness term, solved coarse to fine with warping.
 * One velocity explains every consecutive pair of the input frames. The smoothness term
 * fills areas without rain or without data from their surroundings, which backward
 * advection needs: rain arriving at a dry pixel is looked up along that pixel's motion.
 * The data term of each level is measured on frames twice as fine as its motion grid and
 * summed per cell: the rain's small-scale texture pins the motion down, while the motion
 * itself, smooth at that scale, is solved on the cheaper grid.
 */
export type VariationalOptions = {
  /** Weight of the smoothness term relative to the data term, in (dB)^2. */
  smoothness: number;
  /** Radius, in motion cells of each level, of the box window averaging the structure tensor. */
  windowRadius: number;
  /** Linearise-and-warp rounds per pyramid level. */
  warps: number;
  /** Relaxation sweeps per warp on the finest level; coarser levels get more (they are cheap). */
  sweeps: number;
  /** Levels stop when the coarser one would be smaller than this many cells across. */
  minLevelCells: number;
};

export const DEFAULT_VARIATIONAL_OPTIONS: VariationalOptions = {
  smoothness: 256,
  windowRadius: 1,
  warps: 1,
  sweeps: 20,
  minLevelCells: 8,
};

const SOR_OMEGA = 1.8;

/**
 * Velocity per step of the motion between consecutive frames, on the grid of the frames
 * pooled 2 x 2 (ceil of half their size), in cells of that grid.
 */
export function variationalMotion(
  frames: readonly Grid[],
  options: VariationalOptions = DEFAULT_VARIATIONAL_OPTIONS,
): { u: Float32Array; v: Float32Array; width: number; height: number } {
  if (frames.length < 2) throw new RangeError("motion needs at least two frames");
  // dataByLevel[level]: the frames the motion grid of `level` is measured on, twice as fine as it.
  const dataByLevel: Grid[][] = [[...frames]];
  for (;;) {
    const coarsest = dataByLevel.at(-1)![0]!;
    const nextWidth = Math.ceil(coarsest.width / 4);
    const nextHeight = Math.ceil(coarsest.height / 4);
    if (Math.min(nextWidth, nextHeight) < options.minLevelCells) break;
    dataByLevel.push(dataByLevel.at(-1)!.map((frame) => poolMean(frame, 2)));
  }
  let u: Grid | undefined;
  let v: Grid | undefined;
  for (let level = dataByLevel.length - 1; level >= 0; level--) {
    const fine = dataByLevel[level]!;
    const width = Math.ceil(fine[0]!.width / 2);
    const height = Math.ceil(fine[0]!.height / 2);
    const uLevel = u ? upsample2x(u, width, height, 2) : new Float32Array(width * height);
    const vLevel = v ? upsample2x(v, width, height, 2) : new Float32Array(width * height);
    const sweeps = options.sweeps * 2 ** Math.min(level, 3);
    const solver = new LevelSolver(width, height, fine[0]!.width, fine[0]!.height, options.smoothness);
    for (let warp = 0; warp < options.warps; warp++) {
      solver.linearise(fine, uLevel, vLevel, options.windowRadius);
      solver.relax(uLevel, vLevel, sweeps);
    }
    u = { data: uLevel, width, height };
    v = { data: vLevel, width, height };
  }
  return { u: u!.data, v: v!.data, width: u!.width, height: u!.height };
}

/** Buffers and steps of one pyramid level. */
class LevelSolver {
  /** Window-averaged structure tensor per motion cell: gx^2, gx gy, gy^2, gx gt, gy gt. */
  private readonly jxx: Float32Array;
  private readonly jxy: Float32Array;
  private readonly jyy: Float32Array;
  private readonly jxt: Float32Array;
  private readonly jyt: Float32Array;
  /**
   * The linear system per cell, fixed during relaxation: velocity = M (smoothness * sum of
   * neighbours + c), with M the inverse of (tensor + smoothness * neighbours * I).
   */
  private readonly m11: Float32Array;
  private readonly m12: Float32Array;
  private readonly m22: Float32Array;
  private readonly c1: Float32Array;
  private readonly c2: Float32Array;
  private readonly scratch: Float32Array;
  /** On the twice-finer data grid: the velocity, and a pair of frames warped by it. */
  private readonly fineU: Float32Array;
  private readonly fineV: Float32Array;
  private readonly earlier: Float32Array;
  private readonly later: Float32Array;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly fineWidth: number,
    private readonly fineHeight: number,
    private readonly smoothness: number,
  ) {
    const size = width * height;
    const fineSize = fineWidth * fineHeight;
    this.jxx = new Float32Array(size);
    this.jxy = new Float32Array(size);
    this.jyy = new Float32Array(size);
    this.jxt = new Float32Array(size);
    this.jyt = new Float32Array(size);
    this.m11 = new Float32Array(size);
    this.m12 = new Float32Array(size);
    this.m22 = new Float32Array(size);
    this.c1 = new Float32Array(size);
    this.c2 = new Float32Array(size);
    this.scratch = new Float32Array(size);
    this.fineU = new Float32Array(fineSize);
    this.fineV = new Float32Array(fineSize);
    this.earlier = new Float32Array(fineSize);
    this.later = new Float32Array(fineSize);
  }

  /**
   * Linearises the data term at the current velocity: on the fine grid, each consecutive
   * pair is warped half a step back and half a step forward (so the linearisation is
   * centred), the structure tensors of all pairs are summed into the motion cells, then
   * averaged over the window.
   */
  linearise(fineFrames: readonly Grid[], u: Float32Array, v: Float32Array, windowRadius: number): void {
    const { width, fineWidth, fineHeight, jxx, jxy, jyy, jxt, jyt, fineU, fineV, earlier, later } = this;
    upsample2x({ data: u, width, height: this.height }, fineWidth, fineHeight, 2, fineU);
    upsample2x({ data: v, width, height: this.height }, fineWidth, fineHeight, 2, fineV);
    jxx.fill(0);
    jxy.fill(0);
    jyy.fill(0);
    jxt.fill(0);
    jyt.fill(0);
    for (let pair = 0; pair + 1 < fineFrames.length; pair++) {
      warpBilinear(fineFrames[pair]!, fineU, fineV, -0.5, earlier);
      warpBilinear(fineFrames[pair + 1]!, fineU, fineV, 0.5, later);
      for (let row = 1; row < fineHeight - 1; row++) {
        const cellOffset = (row >> 1) * width;
        for (let col = 1; col < fineWidth - 1; col++) {
          const i = row * fineWidth + col;
          // Gradients per motion cell (two fine pixels), so the tensor is in the motion grid's units.
          const gx = 0.5 * (earlier[i + 1]! - earlier[i - 1]! + later[i + 1]! - later[i - 1]!);
          const gy = 0.5 * (earlier[i + fineWidth]! - earlier[i - fineWidth]! + later[i + fineWidth]! - later[i - fineWidth]!);
          const gt = later[i]! - earlier[i]!;
          // A missing sample anywhere in the stencil makes the pixel say nothing.
          if (gx !== gx || gy !== gy || gt !== gt) continue;
          const cell = cellOffset + (col >> 1);
          jxx[cell]! += gx * gx;
          jxy[cell]! += gx * gy;
          jyy[cell]! += gy * gy;
          jxt[cell]! += gx * gt;
          jyt[cell]! += gy * gt;
        }
      }
    }
    for (const channel of [jxx, jxy, jyy, jxt, jyt]) boxBlur(channel, width, this.height, windowRadius, this.scratch);
    this.prepareSystem(u, v);
  }

  private prepareSystem(u: Float32Array, v: Float32Array): void {
    const { width, height, smoothness, jxx, jxy, jyy, jxt, jyt, m11, m12, m22, c1, c2 } = this;
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const i = row * width + col;
        const neighbours = (col > 0 ? 1 : 0) + (col < width - 1 ? 1 : 0) + (row > 0 ? 1 : 0) + (row < height - 1 ? 1 : 0);
        const a11 = jxx[i]! + smoothness * neighbours;
        const a22 = jyy[i]! + smoothness * neighbours;
        const a12 = jxy[i]!;
        const inverseDet = 1 / (a11 * a22 - a12 * a12);
        m11[i] = a22 * inverseDet;
        m12[i] = -a12 * inverseDet;
        m22[i] = a11 * inverseDet;
        c1[i] = jxx[i]! * u[i]! + a12 * v[i]! - jxt[i]!;
        c2[i] = a12 * u[i]! + jyy[i]! * v[i]! - jyt[i]!;
      }
    }
  }

  /**
   * Red-black SOR sweeps: cells of one colour depend only on the other colour, so each
   * half-sweep has no serial dependency and runs at full speed.
   */
  relax(u: Float32Array, v: Float32Array, sweeps: number): void {
    const { width, height } = this;
    for (let sweep = 0; sweep < sweeps; sweep++) {
      for (let colour = 0; colour < 2; colour++) {
        for (let row = 0; row < height; row++) {
          const first = (row + colour) & 1;
          if (row === 0 || row === height - 1) {
            for (let col = first; col < width; col += 2) this.relaxEdgeCell(u, v, row, col);
            continue;
          }
          if (first === 0) this.relaxEdgeCell(u, v, row, 0);
          this.relaxInterior(u, v, row, first === 0 ? 2 : 1);
          if (((row + width - 1) & 1) === colour) this.relaxEdgeCell(u, v, row, width - 1);
        }
      }
    }
  }

  /** Every other cell of a row, from startCol up to the last but one column. */
  private relaxInterior(u: Float32Array, v: Float32Array, row: number, startCol: number): void {
    const { width, smoothness, m11, m12, m22, c1, c2 } = this;
    const end = row * width + width - 1;
    for (let i = row * width + startCol; i < end; i += 2) {
      const b1 = smoothness * (u[i - 1]! + u[i + 1]! + u[i - width]! + u[i + width]!) + c1[i]!;
      const b2 = smoothness * (v[i - 1]! + v[i + 1]! + v[i - width]! + v[i + width]!) + c2[i]!;
      const uOld = u[i]!;
      const vOld = v[i]!;
      u[i] = uOld + SOR_OMEGA * (m11[i]! * b1 + m12[i]! * b2 - uOld);
      v[i] = vOld + SOR_OMEGA * (m12[i]! * b1 + m22[i]! * b2 - vOld);
    }
  }

  private relaxEdgeCell(u: Float32Array, v: Float32Array, row: number, col: number): void {
    const { width, height, smoothness, m11, m12, m22, c1, c2 } = this;
    const i = row * width + col;
    let uSum = 0;
    let vSum = 0;
    if (col > 0) {
      uSum += u[i - 1]!;
      vSum += v[i - 1]!;
    }
    if (col < width - 1) {
      uSum += u[i + 1]!;
      vSum += v[i + 1]!;
    }
    if (row > 0) {
      uSum += u[i - width]!;
      vSum += v[i - width]!;
    }
    if (row < height - 1) {
      uSum += u[i + width]!;
      vSum += v[i + width]!;
    }
    const b1 = smoothness * uSum + c1[i]!;
    const b2 = smoothness * vSum + c2[i]!;
    u[i] = u[i]! + SOR_OMEGA * (m11[i]! * b1 + m12[i]! * b2 - u[i]!);
    v[i] = v[i]! + SOR_OMEGA * (m12[i]! * b1 + m22[i]! * b2 - v[i]!);
  }
}

/**
 * out(x) = frame(x + fraction * velocity(x)), bilinear; NaN where any of the four
 * neighbours is missing or the point falls outside the grid.
 */
function warpBilinear(frame: Grid, u: Float32Array, v: Float32Array, fraction: number, out: Float32Array): void {
  const { data, width, height } = frame;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = row * width + col;
      const x = col + fraction * u[i]!;
      const y = row + fraction * v[i]!;
      if (!(x >= 0 && y >= 0 && x <= width - 1 && y <= height - 1)) {
        out[i] = NaN;
        continue;
      }
      const col0 = Math.min(x | 0, width - 2);
      const row0 = Math.min(y | 0, height - 2);
      const fx = x - col0;
      const fy = y - row0;
      const j = row0 * width + col0;
      const top = data[j]! + fx * (data[j + 1]! - data[j]!);
      const bottom = data[j + width]! + fx * (data[j + width + 1]! - data[j + width]!);
      out[i] = top + fy * (bottom - top);
    }
  }
}
