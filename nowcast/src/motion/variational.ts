import { boxBlur, type Grid, poolMean, upsample2x } from "./grid.js";

/**
 * Multi-scale variational optical flow of the "combined local-global" kind (Bruhn, Weickert
 * and Schnörr 2005): a Lucas-Kanade data term (structure tensor averaged over a window)
 * plus a Horn-Schunck smoothness term, solved coarse to fine with warping.
 * One velocity explains every consecutive pair of the input frames. The smoothness term
 * fills areas without rain or without data from their surroundings, which backward
 * advection needs: rain arriving at a dry pixel is looked up along that pixel's motion.
 */
export type VariationalOptions = {
  /** Weight of the smoothness term relative to the data term, in (dB)^2. */
  smoothness: number;
  /** Radius, in cells of each level, of the box window averaging the structure tensor. */
  windowRadius: number;
  /** Linearise-and-warp rounds per pyramid level. */
  warps: number;
  /** Relaxation sweeps per warp on the finest level; coarser levels get more (they are cheap). */
  sweeps: number;
  /** Levels stop when the coarser one would be smaller than this many cells across. */
  minLevelCells: number;
};

export const DEFAULT_VARIATIONAL_OPTIONS: VariationalOptions = {
  smoothness: 4,
  windowRadius: 2,
  warps: 3,
  sweeps: 20,
  minLevelCells: 8,
};

const SOR_OMEGA = 1.8;

/** Velocity per step, in cells of the frames' grid, of the motion between consecutive frames. */
export function variationalMotion(
  frames: readonly Grid[],
  options: VariationalOptions = DEFAULT_VARIATIONAL_OPTIONS,
): { u: Float32Array; v: Float32Array } {
  const first = frames[0];
  if (!first || frames.length < 2) throw new RangeError("motion needs at least two frames");
  const pyramids: Grid[][] = frames.map((frame) => [frame]);
  for (;;) {
    const top = pyramids[0]!.at(-1)!;
    if (Math.min(Math.ceil(top.width / 2), Math.ceil(top.height / 2)) < options.minLevelCells) break;
    for (const pyramid of pyramids) pyramid.push(poolMean(pyramid.at(-1)!, 2));
  }
  const levels = pyramids[0]!.length;
  let u: Grid | undefined;
  let v: Grid | undefined;
  for (let level = levels - 1; level >= 0; level--) {
    const { width, height } = pyramids[0]![level]!;
    const uLevel = u ? upsample2x(u, width, height, 2) : new Float32Array(width * height);
    const vLevel = v ? upsample2x(v, width, height, 2) : new Float32Array(width * height);
    const sweeps = options.sweeps * 2 ** Math.min(level, 3);
    const solver = new LevelSolver(width, height);
    for (let warp = 0; warp < options.warps; warp++) {
      solver.linearise(
        pyramids.map((pyramid) => pyramid[level]!),
        uLevel,
        vLevel,
        options.windowRadius,
      );
      solver.relax(uLevel, vLevel, options.smoothness, sweeps);
    }
    u = { data: uLevel, width, height };
    v = { data: vLevel, width, height };
  }
  return { u: u!.data, v: v!.data };
}

/** Buffers and steps of one pyramid level. */
class LevelSolver {
  private readonly size: number;
  /** Window-averaged structure tensor: gx^2, gx gy, gy^2, gx gt, gy gt. */
  private readonly jxx: Float32Array;
  private readonly jxy: Float32Array;
  private readonly jyy: Float32Array;
  private readonly jxt: Float32Array;
  private readonly jyt: Float32Array;
  /** Velocity the data term was linearised at. */
  private readonly u0: Float32Array;
  private readonly v0: Float32Array;
  private readonly earlier: Float32Array;
  private readonly later: Float32Array;
  private readonly scratch: Float32Array;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.size = width * height;
    this.jxx = new Float32Array(this.size);
    this.jxy = new Float32Array(this.size);
    this.jyy = new Float32Array(this.size);
    this.jxt = new Float32Array(this.size);
    this.jyt = new Float32Array(this.size);
    this.u0 = new Float32Array(this.size);
    this.v0 = new Float32Array(this.size);
    this.earlier = new Float32Array(this.size);
    this.later = new Float32Array(this.size);
    this.scratch = new Float32Array(this.size);
  }

  /**
   * Sums the structure tensors of all consecutive pairs, each pair warped half a step
   * back and half a step forward so that the linearisation is centred on the grid.
   */
  linearise(frames: readonly Grid[], u: Float32Array, v: Float32Array, windowRadius: number): void {
    const { width, height, jxx, jxy, jyy, jxt, jyt, earlier, later } = this;
    jxx.fill(0);
    jxy.fill(0);
    jyy.fill(0);
    jxt.fill(0);
    jyt.fill(0);
    this.u0.set(u);
    this.v0.set(v);
    for (let pair = 0; pair + 1 < frames.length; pair++) {
      warpBilinear(frames[pair]!, u, v, -0.5, earlier);
      warpBilinear(frames[pair + 1]!, u, v, 0.5, later);
      for (let row = 1; row < height - 1; row++) {
        for (let col = 1; col < width - 1; col++) {
          const i = row * width + col;
          const gx = 0.25 * (earlier[i + 1]! - earlier[i - 1]! + later[i + 1]! - later[i - 1]!);
          const gy = 0.25 * (earlier[i + width]! - earlier[i - width]! + later[i + width]! - later[i - width]!);
          const gt = later[i]! - earlier[i]!;
          // A missing sample anywhere in the stencil makes the pixel say nothing.
          if (gx !== gx || gy !== gy || gt !== gt) continue;
          jxx[i]! += gx * gx;
          jxy[i]! += gx * gy;
          jyy[i]! += gy * gy;
          jxt[i]! += gx * gt;
          jyt[i]! += gy * gt;
        }
      }
    }
    for (const channel of [jxx, jxy, jyy, jxt, jyt]) boxBlur(channel, width, height, windowRadius, this.scratch);
  }

  /** Point-coupled SOR sweeps on the Euler-Lagrange equations, Neumann boundaries. */
  relax(u: Float32Array, v: Float32Array, smoothness: number, sweeps: number): void {
    const { width, height, jxx, jxy, jyy, jxt, jyt, u0, v0 } = this;
    for (let sweep = 0; sweep < sweeps; sweep++) {
      for (let row = 0; row < height; row++) {
        for (let col = 0; col < width; col++) {
          const i = row * width + col;
          let neighbours = 0;
          let uSum = 0;
          let vSum = 0;
          if (col > 0) {
            uSum += u[i - 1]!;
            vSum += v[i - 1]!;
            neighbours++;
          }
          if (col < width - 1) {
            uSum += u[i + 1]!;
            vSum += v[i + 1]!;
            neighbours++;
          }
          if (row > 0) {
            uSum += u[i - width]!;
            vSum += v[i - width]!;
            neighbours++;
          }
          if (row < height - 1) {
            uSum += u[i + width]!;
            vSum += v[i + width]!;
            neighbours++;
          }
          const a11 = jxx[i]! + smoothness * neighbours;
          const a12 = jxy[i]!;
          const a22 = jyy[i]! + smoothness * neighbours;
          const b1 = smoothness * uSum + jxx[i]! * u0[i]! + a12 * v0[i]! - jxt[i]!;
          const b2 = smoothness * vSum + a12 * u0[i]! + jyy[i]! * v0[i]! - jyt[i]!;
          const det = a11 * a22 - a12 * a12;
          const uNew = (a22 * b1 - a12 * b2) / det;
          const vNew = (a11 * b2 - a12 * b1) / det;
          u[i] = u[i]! + SOR_OMEGA * (uNew - u[i]!);
          v[i] = v[i]! + SOR_OMEGA * (vNew - v[i]!);
        }
      }
    }
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
