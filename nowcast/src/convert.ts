/** Z = a R^b, with Z in mm^6/m^3 and R in mm/h. */
export type ZRelation = { readonly a: number; readonly b: number };

/** The FMI radar network's own relation. */
export const FMI_ZR: ZRelation = { a: 223, b: 1.53 };
/** Marshall-Palmer: used for verification whatever the source, so scores compare across sources. */
export const MARSHALL_PALMER: ZRelation = { a: 200, b: 1.6 };

const ZR_BY_SOURCE: Readonly<Record<string, ZRelation>> = { fmi: FMI_ZR };

/**
 * The dBZ a frame stores for a dry pixel of a source that measures rain (not reflectivity):
 * FMI's no-echo floor, far below every threshold and finite, so that interpolation stays defined.
 */
export const DRY_DBZ = -32;

/**
 * A rain rate as the dBZ a frame stores: frames keep reflectivity, so a source measuring rain
 * is stored through its own Z-R relation (zrForSource) and read back exactly by it; 0 mm/h
 * (and any rate below the floor) is DRY_DBZ, NaN (no data) stays NaN.
 */
export function rainRateToFrameDbz(mmPerHour: number, zr: ZRelation): number {
  if (mmPerHour !== mmPerHour) return NaN;
  if (!(mmPerHour > 0)) return DRY_DBZ;
  const dbz = rainRateToDbz(mmPerHour, zr);
  return dbz > DRY_DBZ ? dbz : DRY_DBZ;
}

/** The relation a source's displayed rain rates use; Marshall-Palmer for sources without their own. */
export function zrForSource(source: string): ZRelation {
  return ZR_BY_SOURCE[source] ?? MARSHALL_PALMER;
}

const LN10_BY_10 = Math.LN10 / 10;

export function dbzToRainRate(dbz: number, zr: ZRelation): number {
  return Math.exp(((dbz - 10 * Math.log10(zr.a)) * LN10_BY_10) / zr.b);
}

/** dBZ of a rain rate; 0 mm/h gives -Infinity. */
export function rainRateToDbz(mmPerHour: number, zr: ZRelation): number {
  return 10 * Math.log10(zr.a) + 10 * zr.b * Math.log10(mmPerHour);
}

/** Element-wise dbzToRainRate; NaN (no data) stays NaN. */
export function dbzToRainRateArray(dbz: Float32Array, zr: ZRelation, out = new Float32Array(dbz.length)): Float32Array {
  const offsetDbz = 10 * Math.log10(zr.a);
  const scale = LN10_BY_10 / zr.b;
  for (let i = 0; i < dbz.length; i++) out[i] = Math.exp((dbz[i]! - offsetDbz) * scale);
  return out;
}

/** Element-wise rainRateToDbz; NaN stays NaN, 0 mm/h gives -Infinity. */
export function rainRateToDbzArray(
  mmPerHour: Float32Array,
  zr: ZRelation,
  out = new Float32Array(mmPerHour.length),
): Float32Array {
  const offsetDbz = 10 * Math.log10(zr.a);
  for (let i = 0; i < mmPerHour.length; i++) out[i] = offsetDbz + 10 * zr.b * Math.log10(mmPerHour[i]!);
  return out;
}

/**
 * The dB transform pySTEPS applies before motion estimation: 10 log10(R) for R at or above
 * the threshold, a fixed floor below it, so that drizzle noise and dry areas look alike.
 */
export type DecibelTransform = { thresholdMmPerHour: number; zeroDb: number };
export const RAIN_DECIBELS: DecibelTransform = { thresholdMmPerHour: 0.1, zeroDb: -15 };

/** dBZ -> dB of rain rate (dBR) by the source's Z-R relation; NaN (no data) stays NaN. */
export function dbzToRainDecibels(
  dbz: Float32Array,
  zr: ZRelation,
  transform: DecibelTransform = RAIN_DECIBELS,
  out = new Float32Array(dbz.length),
): Float32Array {
  const offsetDbz = 10 * Math.log10(zr.a);
  const thresholdDb = 10 * Math.log10(transform.thresholdMmPerHour);
  const inverseB = 1 / zr.b;
  for (let i = 0; i < dbz.length; i++) {
    const db = (dbz[i]! - offsetDbz) * inverseB;
    // NaN fails the comparison and is kept.
    out[i] = db < thresholdDb ? transform.zeroDb : db;
  }
  return out;
}
