import { zrForSource } from "../convert.js";
import { extrapolate } from "../extrapolation/semiLagrangian.js";
import type { RadarFrame } from "../io/frame.js";
import type { MotionField } from "../motion/field.js";
import { DEFAULT_MOTION_OPTIONS, estimateMotion, type MotionOptions } from "../motion/estimate.js";
import { leadsOrHorizon, type NowcastModel, type NowcastResult, NowcastInputError, resultBase, validatePast } from "./model.js";

export type OpticalFlowOptions = {
  /** How many of the newest past frames the motion is estimated from (at least 2). */
  motionFrames: number;
  motion: MotionOptions;
};

export const DEFAULT_OPTICAL_FLOW_OPTIONS: OpticalFlowOptions = { motionFrames: 3, motion: DEFAULT_MOTION_OPTIONS };

/** Optical-flow extrapolation: dense motion from the newest frames, then semi-Lagrangian advection. */
export function createOpticalFlowModel(options: OpticalFlowOptions = DEFAULT_OPTICAL_FLOW_OPTIONS): NowcastModel {
  if (!Number.isInteger(options.motionFrames) || options.motionFrames < 2) {
    throw new RangeError("motionFrames must be an integer of at least 2");
  }
  return {
    name: "optical-flow",
    forecast(past: readonly RadarFrame[], askedLeads?: number): NowcastResult {
      const leads = leadsOrHorizon(past, askedLeads);
      const { analysis, stepMinutes } = validatePast(past, leads);
      const motion = motionOf(past.slice(-options.motionFrames), options.motion);
      return {
        ...resultBase("optical-flow", analysis, stepMinutes, leads),
        frames: extrapolate(analysis.dbz, analysis.width, analysis.height, motion, leads),
        motion,
      };
    },
  };
}

/** Motion of the frames; a grid too small for the motion grid is the caller's input error. */
export function motionOf(frames: readonly RadarFrame[], options: MotionOptions): MotionField {
  const { width, height, source } = frames.at(-1)!;
  try {
    return estimateMotion(
      frames.map((frame) => frame.dbz),
      width,
      height,
      zrForSource(source),
      options,
    );
  } catch (cause) {
    if (cause instanceof RangeError) throw new NowcastInputError(cause.message, { cause });
    throw cause;
  }
}

export const opticalFlow: NowcastModel = createOpticalFlowModel();
