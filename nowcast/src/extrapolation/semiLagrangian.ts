import type { MotionField } from "../motion/field.js";

/**
 * Backward semi-Lagrangian extrapolation (Germann and Zawadzki 2002), as pySTEPS does it:
 * each forecast pixel looks back along the motion to where its air was at analysis time
 * (trajectories integrated step by step with the midpoint rule) and takes the analysis
 * value there by bilinear interpolation. Every lead samples the analysis itself, so
 * repeated interpolation does not blur long leads.
 * Returns one dBZ field per lead; NaN where the trajectory starts outside the grid or on
 * no data, so no-data never becomes rain.
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
  const displacements = trajectoryDisplacements(motion, leads);
  const columns = cellAxis(width, motion.cellPx, motion.width);
  const rows = cellAxis(height, motion.cellPx, motion.height);
  return displacements.map(({ dx, dy }) => {
    const out = new Float32Array(width * height);
    sampleDisplaced(analysisDbz, width, height, dx, dy, motion.width, motion.height, columns, rows, out);
    return out;
  });
}

/** Per image column (or row): the motion cell before it and the weight of the one after. */
type CellAxis = { cell: Int32Array; weight: Float32Array };

function cellAxis(pixels: number, cellPx: number, cells: number): CellAxis {
  const cell = new Int32Array(pixels);
  const weight = new Float32Array(pixels);
  const half = (cellPx - 1) / 2;
  for (let p = 0; p < pixels; p++) {
    const g = Math.min(Math.max((p - half) / cellPx, 0), cells - 1);
    const c = Math.min(Math.floor(g), Math.max(cells - 2, 0));
    cell[p] = c;
    weight[p] = cells > 1 ? g - c : 0;
  }
  return { cell, weight };
}

/**
 * Backward displacement (image pixels) of every motion cell centre after each step,
 * velocity sampled at the midpoint of each step.
 */
export function trajectoryDisplacements(motion: MotionField, leads: number): { dx: Float32Array; dy: Float32Array }[] {
  const { u, v, width, height, cellPx } = motion;
  const size = width * height;
  const dx = new Float32Array(size);
  const dy = new Float32Array(size);
  // Velocity of the current step; starts as the velocity at the cell centre.
  const stepU = Float32Array.from(u);
  const stepV = Float32Array.from(v);
  const sample = { u: 0, v: 0 };
  const sampleAt = (x: number, y: number): void => {
    const gx = Math.min(Math.max(x / cellPx, 0), width - 1);
    const gy = Math.min(Math.max(y / cellPx, 0), height - 1);
    const col0 = Math.min(gx | 0, Math.max(width - 2, 0));
    const row0 = Math.min(gy | 0, Math.max(height - 2, 0));
    const col1 = Math.min(col0 + 1, width - 1);
    const row1 = Math.min(row0 + 1, height - 1);
    const fx = gx - col0;
    const fy = gy - row0;
    const i00 = row0 * width + col0;
    const i01 = row0 * width + col1;
    const i10 = row1 * width + col0;
    const i11 = row1 * width + col1;
    const uTop = u[i00]! + fx * (u[i01]! - u[i00]!);
    const uBottom = u[i10]! + fx * (u[i11]! - u[i10]!);
    const vTop = v[i00]! + fx * (v[i01]! - v[i00]!);
    const vBottom = v[i10]! + fx * (v[i11]! - v[i10]!);
    sample.u = uTop + fy * (uBottom - uTop);
    sample.v = vTop + fy * (vBottom - vTop);
  };
  const result: { dx: Float32Array; dy: Float32Array }[] = [];
  for (let lead = 0; lead < leads; lead++) {
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const i = row * width + col;
        // Positions in cell units times cellPx, i.e. image pixels relative to cell (0, 0).
        const x = col * cellPx + dx[i]!;
        const y = row * cellPx + dy[i]!;
        sampleAt(x - 0.5 * stepU[i]!, y - 0.5 * stepV[i]!);
        dx[i]! -= sample.u;
        dy[i]! -= sample.v;
        sampleAt(col * cellPx + dx[i]!, row * cellPx + dy[i]!);
        stepU[i] = sample.u;
        stepV[i] = sample.v;
      }
    }
    result.push({ dx: dx.slice(), dy: dy.slice() });
  }
  return result;
}

/** out(p) = analysis(p + D(p)), D bilinear between cell centres; NaN rules as in extrapolate. */
function sampleDisplaced(
  analysis: Float32Array,
  width: number,
  height: number,
  dx: Float32Array,
  dy: Float32Array,
  cellsWide: number,
  cellsHigh: number,
  columns: CellAxis,
  rows: CellAxis,
  out: Float32Array,
): void {
  const maxX = width - 1;
  const maxY = height - 1;
  for (let row = 0; row < height; row++) {
    const cellRow = rows.cell[row]!;
    const wy = rows.weight[row]!;
    const top = cellRow * cellsWide;
    const bottom = cellRow + 1 < cellsHigh ? top + cellsWide : top;
    for (let col = 0; col < width; col++) {
      const c0 = columns.cell[col]!;
      const c1 = c0 + 1 < cellsWide ? c0 + 1 : c0;
      const wx = columns.weight[col]!;
      const dxTop = dx[top + c0]! + wx * (dx[top + c1]! - dx[top + c0]!);
      const dxBottom = dx[bottom + c0]! + wx * (dx[bottom + c1]! - dx[bottom + c0]!);
      const dyTop = dy[top + c0]! + wx * (dy[top + c1]! - dy[top + c0]!);
      const dyBottom = dy[bottom + c0]! + wx * (dy[bottom + c1]! - dy[bottom + c0]!);
      const x = col + dxTop + wy * (dxBottom - dxTop);
      const y = row + dyTop + wy * (dyBottom - dyTop);
      const i = row * width + col;
      if (!(x >= 0 && y >= 0 && x <= maxX && y <= maxY)) {
        out[i] = NaN;
        continue;
      }
      const x0 = x < maxX ? x | 0 : maxX - 1;
      const y0 = y < maxY ? y | 0 : maxY - 1;
      const fx = x - x0;
      const fy = y - y0;
      const j = y0 * width + x0;
      const a = analysis[j]!;
      const b = analysis[j + 1]!;
      const c = analysis[j + width]!;
      const d = analysis[j + width + 1]!;
      const wa = (1 - fx) * (1 - fy);
      const wb = fx * (1 - fy);
      const wc = (1 - fx) * fy;
      const wd = fx * fy;
      const value = wa * a + wb * b + wc * c + wd * d;
      if (value === value) {
        out[i] = value;
        continue;
      }
      // Some neighbours have no data: interpolate among the others if they carry most weight.
      let weight = 0;
      let sum = 0;
      if (a === a) {
        weight += wa;
        sum += wa * a;
      }
      if (b === b) {
        weight += wb;
        sum += wb * b;
      }
      if (c === c) {
        weight += wc;
        sum += wc * c;
      }
      if (d === d) {
        weight += wd;
        sum += wd * d;
      }
      out[i] = weight >= 0.5 ? sum / weight : NaN;
    }
  }
}
