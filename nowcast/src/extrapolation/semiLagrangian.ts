import type { MotionField } from "../motion/field.js";
import { bilinear } from "./bilinear.js";

/**
 * Backward semi-Lagrangian extrapolation (Germann and Zawadzki 2002), as pySTEPS does it:
 * each forecast pixel looks back along the motion to where its air was at analysis time
 * (trajectories integrated step by step with the midpoint rule) and takes the analysis
 * value there by bilinear interpolation. Every lead samples the analysis itself, so
 * repeated interpolation does not blur long leads.
 * Returns one dBZ field per lead; NaN where the trajectory starts outside the grid or
 * mostly on no data, so no-data never becomes rain.
 */
export function extrapolate(
  analysisDbz: Float32Array,
  width: number,
  height: number,
  motion: MotionField,
  leads: number,
): Float32Array[] {
  if (analysisDbz.length !== width * height) throw new RangeError("analysis must have width x height pixels");
  if (width < 2 || height < 2) throw new RangeError("extrapolation needs at least 2 x 2 pixels");
  const sampler = new DisplacedSampler(width, height, motion);
  return trajectoryDisplacements(motion, leads).map(({ dx, dy }) => {
    const out = new Float32Array(width * height);
    sampler.sample(analysisDbz, dx, dy, out);
    return out;
  });
}

/**
 * Backward displacement (image pixels) of every motion cell centre after each step; the
 * velocity of each step is taken at its midpoint, estimated from the previous step.
 */
export function trajectoryDisplacements(motion: MotionField, leads: number): { dx: Float32Array; dy: Float32Array }[] {
  const { u, v, width, height, cellPx } = motion;
  const size = width * height;
  const dx = new Float32Array(size);
  const dy = new Float32Array(size);
  const stepU = Float32Array.from(u);
  const stepV = Float32Array.from(v);
  const velocity = new Float64Array(2);
  const result: { dx: Float32Array; dy: Float32Array }[] = [];
  for (let lead = 0; lead < leads; lead++) {
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const i = row * width + col;
        // Grid coordinates of the midpoint of this step, then of its end.
        const midX = col + (dx[i]! - 0.5 * stepU[i]!) / cellPx;
        const midY = row + (dy[i]! - 0.5 * stepV[i]!) / cellPx;
        velocityAt(u, v, width, height, midX, midY, velocity);
        const x = dx[i]! - velocity[0]!;
        const y = dy[i]! - velocity[1]!;
        dx[i] = x;
        dy[i] = y;
        velocityAt(u, v, width, height, col + x / cellPx, row + y / cellPx, velocity);
        stepU[i] = velocity[0]!;
        stepV[i] = velocity[1]!;
      }
    }
    result.push({ dx: dx.slice(), dy: dy.slice() });
  }
  return result;
}

/** Bilinear motion at grid coordinates, clamped to the grid (constant beyond its edges). */
function velocityAt(
  u: Float32Array,
  v: Float32Array,
  width: number,
  height: number,
  gridX: number,
  gridY: number,
  out: Float64Array,
): void {
  const gx = gridX < 0 ? 0 : gridX > width - 1 ? width - 1 : gridX;
  const gy = gridY < 0 ? 0 : gridY > height - 1 ? height - 1 : gridY;
  const col0 = Math.min(gx | 0, Math.max(width - 2, 0));
  const row0 = Math.min(gy | 0, Math.max(height - 2, 0));
  const right = col0 + 1 < width ? 1 : 0;
  const down = row0 + 1 < height ? width : 0;
  const fx = gx - col0;
  const fy = gy - row0;
  const i = row0 * width + col0;
  const uTop = u[i]! + fx * (u[i + right]! - u[i]!);
  const uBottom = u[i + down]! + fx * (u[i + down + right]! - u[i + down]!);
  const vTop = v[i]! + fx * (v[i + right]! - v[i]!);
  const vBottom = v[i + down]! + fx * (v[i + down + right]! - v[i + down]!);
  out[0] = uTop + fy * (uBottom - uTop);
  out[1] = vTop + fy * (vBottom - vTop);
}

/** Samples an image at pixel + displacement, the displacement given at motion cell centres. */
export class DisplacedSampler {
  private readonly rowCell: Int32Array;
  private readonly rowWeight: Float32Array;
  /** Displacement along the current image row: at the cell centres, then per pixel. */
  private readonly cellDx: Float32Array;
  private readonly cellDy: Float32Array;
  private readonly pixelDx: Float32Array;
  private readonly pixelDy: Float32Array;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly motion: MotionField,
  ) {
    const { cellPx } = motion;
    this.rowCell = new Int32Array(height);
    this.rowWeight = new Float32Array(height);
    for (let row = 0; row < height; row++) {
      const g = Math.min(Math.max((row - (cellPx - 1) / 2) / cellPx, 0), motion.height - 1);
      const cell = Math.min(Math.floor(g), Math.max(motion.height - 2, 0));
      this.rowCell[row] = cell;
      this.rowWeight[row] = g - cell;
    }
    this.cellDx = new Float32Array(motion.width);
    this.cellDy = new Float32Array(motion.width);
    this.pixelDx = new Float32Array(width);
    this.pixelDy = new Float32Array(width);
  }

  /** out(p) = image(p + D(p)); NaN outside the image or where no-data carries half the weight. */
  sample(image: Float32Array, dx: Float32Array, dy: Float32Array, out: Float32Array): void {
    const { width, height, pixelDx, pixelDy } = this;
    const maxX = width - 1;
    const maxY = height - 1;
    for (let row = 0; row < height; row++) {
      this.displacementRow(dx, dy, row);
      const offset = row * width;
      for (let col = 0; col < width; col++) {
        const x = col + pixelDx[col]!;
        const y = row + pixelDy[col]!;
        out[offset + col] = x >= 0 && y >= 0 && x <= maxX && y <= maxY ? bilinear(image, width, height, x, y) : NaN;
      }
    }
  }

  /** Displacement along one image row: linear between cell centres, constant beyond the outer ones. */
  private displacementRow(dx: Float32Array, dy: Float32Array, row: number): void {
    const { width, motion, cellDx, cellDy, pixelDx, pixelDy } = this;
    const cells = motion.width;
    const cellPx = motion.cellPx;
    const half = (cellPx - 1) / 2;
    const top = this.rowCell[row]! * cells;
    const bottom = this.rowCell[row]! + 1 < motion.height ? top + cells : top;
    const wy = this.rowWeight[row]!;
    for (let c = 0; c < cells; c++) {
      cellDx[c] = dx[top + c]! + wy * (dx[bottom + c]! - dx[top + c]!);
      cellDy[c] = dy[top + c]! + wy * (dy[bottom + c]! - dy[top + c]!);
    }
    let col = 0;
    for (; col <= half && col < width; col++) {
      pixelDx[col] = cellDx[0]!;
      pixelDy[col] = cellDy[0]!;
    }
    for (let c = 0; c + 1 < cells; c++) {
      const centre = c * cellPx + half;
      const end = Math.min(width - 1, centre + cellPx);
      const startX = cellDx[c]!;
      const startY = cellDy[c]!;
      const slopeX = (cellDx[c + 1]! - startX) / cellPx;
      const slopeY = (cellDy[c + 1]! - startY) / cellPx;
      for (; col <= end; col++) {
        pixelDx[col] = startX + slopeX * (col - centre);
        pixelDy[col] = startY + slopeY * (col - centre);
      }
    }
    for (; col < width; col++) {
      pixelDx[col] = cellDx[cells - 1]!;
      pixelDy[col] = cellDy[cells - 1]!;
    }
  }
}
