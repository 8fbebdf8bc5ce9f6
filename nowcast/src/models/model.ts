import type { Georeference } from "../geo/georeference.js";
import type { RadarFrame } from "../io/frame.js";
import type { MotionField } from "../motion/field.js";

/** How far ahead a nowcast reaches, whatever the source's time step. */
export const HORIZON_MINUTES = 60;
/** An hour at 5-minute steps (FMI, KNMI, MeteoSwiss); OPERA's 15-minute step gives 4. */
export const DEFAULT_LEADS = 12;

/** The number of steps that reach horizonMinutes at stepMinutes. */
export function leadsForHorizon(stepMinutes: number, horizonMinutes = HORIZON_MINUTES): number {
  if (!(stepMinutes > 0) || !(horizonMinutes > 0)) throw new RangeError("step and horizon must be positive minutes");
  const leads = horizonMinutes / stepMinutes;
  if (Math.abs(leads - Math.round(leads)) > 1e-9) throw new RangeError(`a ${horizonMinutes}-minute horizon is not a whole number of ${stepMinutes}-minute steps`);
  return Math.round(leads);
}

/** The leads asked for, or those reaching the horizon at the past frames' own step. */
export function leadsOrHorizon(past: readonly RadarFrame[], leads?: number): number {
  if (leads !== undefined) return leads;
  const stepMs = past.length >= 2 ? past.at(-1)!.obstime.getTime() - past.at(-2)!.obstime.getTime() : NaN;
  // Too few or disordered frames: validatePast names the problem.
  if (!(stepMs > 0)) return DEFAULT_LEADS;
  try {
    return leadsForHorizon(stepMs / 60_000);
  } catch (cause) {
    throw new NowcastInputError(`the frames' ${stepMs / 60_000}-minute step does not divide the ${HORIZON_MINUTES}-minute horizon; ask for leads`, { cause });
  }
}

export type NowcastResult = {
  model: string;
  source: string;
  /** Obstime of the newest input frame; lead k (1-based) is valid k * stepMinutes later. */
  analysisTime: Date;
  stepMinutes: number;
  leads: number;
  width: number;
  height: number;
  georef: Georeference;
  /** dBZ per lead, frames[k - 1] for lead k; NaN = no value (no data, or advected from outside). */
  frames: Float32Array[];
  /** The motion that was extrapolated, in image pixels per step. */
  motion?: MotionField;
};

/**
 * A nowcasting method: past frames (oldest first) in, `leads` future frames out at their time
 * step; without `leads`, as many as reach HORIZON_MINUTES at that step.
 */
export interface NowcastModel {
  readonly name: string;
  forecast(past: readonly RadarFrame[], leads?: number): NowcastResult;
}

/** Input a model cannot forecast from (too few frames, mismatched grids, uneven time steps). */
export class NowcastInputError extends Error {
  override readonly name = "NowcastInputError";
}

/** Checks the input sequence and returns its newest frame and time step. */
export function validatePast(
  past: readonly RadarFrame[],
  leads: number,
): { analysis: RadarFrame; stepMinutes: number } {
  if (!Number.isInteger(leads) || leads < 1) throw new NowcastInputError(`leads must be a positive integer, not ${leads}`);
  const analysis = past.at(-1);
  if (!analysis || past.length < 2) {
    throw new NowcastInputError("a nowcast needs at least two past frames (they set the time step)");
  }
  const stepMs = analysis.obstime.getTime() - past.at(-2)!.obstime.getTime();
  if (!(stepMs > 0)) throw new NowcastInputError("past frames must be ordered oldest first, with distinct times");
  for (let k = 0; k < past.length; k++) {
    const frame = past[k]!;
    if (!sameGrid(frame, analysis)) throw new NowcastInputError("past frames must share one source and grid");
    if (k > 0 && Math.abs(frame.obstime.getTime() - past[k - 1]!.obstime.getTime() - stepMs) > 1000) {
      throw new NowcastInputError("past frames must be evenly spaced in time");
    }
  }
  return { analysis, stepMinutes: stepMs / 60_000 };
}

/** The fields every model's result takes from its analysis frame; the model adds frames and extras. */
export function resultBase(model: string, analysis: RadarFrame, stepMinutes: number, leads: number) {
  return {
    model,
    source: analysis.source,
    analysisTime: analysis.obstime,
    stepMinutes,
    leads,
    width: analysis.width,
    height: analysis.height,
    georef: analysis.georef,
  };
}

function sameGrid(a: RadarFrame, b: RadarFrame): boolean {
  return (
    a.source === b.source &&
    a.width === b.width &&
    a.height === b.height &&
    a.georef.westM === b.georef.westM &&
    a.georef.northM === b.georef.northM
  );
}
