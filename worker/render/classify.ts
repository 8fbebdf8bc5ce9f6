// Reflectivity (dBZ) -> palette indexes of the rain-rate scale.
import { rainRateToDbz, type ZRelation } from "../../nowcast/src/index";
import { FIRST_STEP_INDEX, NO_DATA_INDEX, NO_RAIN_INDEX, RAIN_RATE_STEPS, type RainRateStep } from "./colour-scale";

export type RainClassifier = {
  readonly zr: ZRelation;
  /** dBZ at which each step starts, ascending; a pixel belongs to the last step whose threshold it reaches. */
  readonly thresholdsDbz: Float64Array;
  /**
   * Writes one palette index per pixel into `out` (allocated only when not given) and returns it.
   * NaN -> NO_DATA_INDEX, below the first step -> NO_RAIN_INDEX.
   */
  classify(dbz: Float32Array, out?: Uint8Array): Uint8Array;
};

/**
 * Builds a classifier for one Z-R relation. The step boundaries are converted to dBZ once,
 * because R(dBZ) is monotonic: comparing dBZ against them is the same as comparing rain
 * rates, without a pow() per pixel.
 */
export function createRainClassifier(zr: ZRelation, steps: readonly RainRateStep[] = RAIN_RATE_STEPS): RainClassifier {
  if (!(zr.a > 0 && zr.b > 0)) throw new RangeError(`Z-R relation needs a > 0 and b > 0, got a=${zr.a}, b=${zr.b}`);
  if (steps.length === 0) throw new RangeError("the colour scale has no steps");
  const thresholdsDbz = Float64Array.from(steps, (step) => rainRateToDbz(step.fromMmPerHour, zr));
  for (let i = 1; i < thresholdsDbz.length; i++) {
    if (!(thresholdsDbz[i]! > thresholdsDbz[i - 1]!)) throw new RangeError("the colour scale's steps must ascend");
  }
  const stepCount = thresholdsDbz.length;
  const firstThreshold = thresholdsDbz[0]!;

  function classify(dbz: Float32Array, out: Uint8Array = new Uint8Array(dbz.length)): Uint8Array {
    if (out.length !== dbz.length) {
      throw new RangeError(`output has ${out.length} entries but the field has ${dbz.length} pixels`);
    }
    for (let i = 0; i < dbz.length; i++) {
      const value = dbz[i]!;
      // Most of a radar image is dry: test that first.
      if (value < firstThreshold) {
        out[i] = NO_RAIN_INDEX;
      } else if (value !== value) {
        out[i] = NO_DATA_INDEX;
      } else {
        let step = 1;
        while (step < stepCount && value >= thresholdsDbz[step]!) step++;
        out[i] = FIRST_STEP_INDEX + step - 1;
      }
    }
    return out;
  }

  return { zr, thresholdsDbz, classify };
}
