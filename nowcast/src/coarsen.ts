import type { Georeference } from "./geo/georeference.js";
import type { RadarFrame } from "./io/frame.js";

/** The grid of `georef` with pixels `factor` times wider and taller (partial blocks at the east and south edges count whole). */
export function coarserGrid(georef: Georeference, factor: number): Georeference {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`a coarsening factor is a whole number from 1, not ${factor}`);
  return {
    ...georef,
    pixelWidthM: georef.pixelWidthM * factor,
    pixelHeightM: georef.pixelHeightM * factor,
    width: Math.ceil(georef.width / factor),
    height: Math.ceil(georef.height / factor),
  };
}

/** The smallest whole factor that brings the grid's longer side to at most `maxSidePx`. */
export function coarseningFactor(georef: Pick<Georeference, "width" | "height">, maxSidePx: number): number {
  return Math.max(1, Math.ceil(Math.max(georef.width, georef.height) / maxSidePx));
}

/**
 * The frame on a grid `factor` times coarser: each block's value is the mean reflectivity factor
 * (linear Z, not dBZ, so a block with one heavy cell keeps it as rain rather than averaging it
 * away in decibels) over the block's pixels that have data; a block where fewer than half the
 * pixels have data is no data (NaN), so the composite's edge stays where it is.
 */
export function coarsenFrame(frame: RadarFrame, factor: number): RadarFrame {
  const georef = coarserGrid(frame.georef, factor);
  const { width, height } = georef;
  const sumZ = new Float64Array(width * height);
  const valid = new Uint16Array(width * height);
  const cells = new Uint16Array(width * height);
  const src = frame.dbz;
  // Z = 10^(dBZ/10), computed once per run of equal values: most pixels are the dry floor (a
  // power per pixel took 48 ms of an FMI frame; this, 20 ms).
  const DBZ_TO_LN_Z = Math.LN10 / 10;
  let lastDbz = NaN;
  let lastZ = 0;
  for (let row = 0; row < frame.height; row++) {
    const base = ((row / factor) | 0) * width;
    const offset = row * frame.width;
    for (let col = 0; col < frame.width; col++) {
      const block = base + ((col / factor) | 0);
      cells[block]!++;
      const dbz = src[offset + col]!;
      if (dbz !== dbz) continue;
      if (dbz !== lastDbz) {
        lastDbz = dbz;
        lastZ = Math.exp(dbz * DBZ_TO_LN_Z);
      }
      sumZ[block]! += lastZ;
      valid[block]!++;
    }
  }
  const dbz = new Float32Array(width * height);
  for (let i = 0; i < dbz.length; i++) {
    const n = valid[i]!;
    dbz[i] = n * 2 < cells[i]! ? NaN : 10 * Math.log10(sumZ[i]! / n);
  }
  return { ...frame, width, height, dbz, georef };
}

/**
 * Fills the no-data pixels of `fine` (NaN) from the coarser grid's pixel that covers each, on
 * the same projection: a forecast cropped to a small area has no data where advection brings
 * in air from beyond the crop, and a forecast of the whole composite on a coarser grid has a
 * value there. Pixels with data are left as they are. `coarseDbz(index)` reads the coarse
 * field (NaN: no data), so it can stay in whatever compact form it is kept in. Returns how many
 * pixels were filled.
 */
export function fillFromCoarser(fine: Float32Array, fineGeoref: Georeference, coarseGeoref: Georeference, coarseDbz: (index: number) => number): number {
  if (fine.length !== fineGeoref.width * fineGeoref.height) throw new RangeError("the field's length must match its grid");
  const colScale = fineGeoref.pixelWidthM / coarseGeoref.pixelWidthM;
  const rowScale = fineGeoref.pixelHeightM / coarseGeoref.pixelHeightM;
  // Position of the fine grid's first pixel centre on the coarse grid, in coarse pixels.
  const col0 = (fineGeoref.westM - coarseGeoref.westM) / coarseGeoref.pixelWidthM + colScale / 2;
  const row0 = (coarseGeoref.northM - fineGeoref.northM) / coarseGeoref.pixelHeightM + rowScale / 2;
  let filled = 0;
  for (let row = 0; row < fineGeoref.height; row++) {
    const coarseRow = Math.floor(row0 + row * rowScale);
    if (coarseRow < 0 || coarseRow >= coarseGeoref.height) continue;
    const offset = row * fineGeoref.width;
    for (let col = 0; col < fineGeoref.width; col++) {
      if (fine[offset + col] === fine[offset + col]) continue;
      const coarseCol = Math.floor(col0 + col * colScale);
      if (coarseCol < 0 || coarseCol >= coarseGeoref.width) continue;
      const value = coarseDbz(coarseRow * coarseGeoref.width + coarseCol);
      if (value !== value) continue;
      fine[offset + col] = value;
      filled++;
    }
  }
  return filled;
}
