import type { RadarFrame } from "../io/frame.js";
import { DisplacedSampler } from "../extrapolation/semiLagrangian.js";
import { DEFAULT_MOTION_OPTIONS, type MotionOptions } from "../motion/estimate.js";
import { DEFAULT_CASCADE_LEVELS, LagrangianCascade } from "./lagrangianCascade.js";
import { leadsOrHorizon, type NowcastModel, type NowcastResult, resultBase } from "./model.js";

export type SprogOptions = { motionFrames: number; motion: MotionOptions; levels: number };

export const DEFAULT_SPROG_OPTIONS: SprogOptions = { motionFrames: 3, motion: DEFAULT_MOTION_OPTIONS, levels: DEFAULT_CASCADE_LEVELS };

/**
 * S-PROG (Seed 2003; pySTEPS' nowcasts.sprog): the cascade of the analysis, each level decaying
 * by its own AR(2) with the noise off, so small scales fade as fast as they lose predictability;
 * the recomposed field is probability-matched to the analysis (the smoothing would otherwise
 * shrink intensities) and advected along the motion, like optical flow.
 */
export function createSprogModel(options: SprogOptions = DEFAULT_SPROG_OPTIONS): NowcastModel {
  if (!Number.isInteger(options.motionFrames) || options.motionFrames < 2) throw new RangeError("motionFrames must be at least 2");
  return {
    name: "sprog",
    forecast(past: readonly RadarFrame[], askedLeads?: number): NowcastResult {
      const leads = leadsOrHorizon(past, askedLeads);
      const cascade = new LagrangianCascade(past, leads, options.motionFrames, options.motion, options.levels);
      const { width, height, analysis } = cascade;
      const sampler = new DisplacedSampler(width, height, cascade.motion);
      const frames: Float32Array[] = [];
      const dbz = new Float32Array(width * height);
      for (let lead = 1; lead <= leads; lead++) {
        const db = cascade.nextDeterministic();
        cascade.matcher.match(db);
        cascade.toDbz(db, dbz);
        const out = new Float32Array(width * height);
        const { dx, dy } = cascade.trajectories[lead - 1]!;
        sampler.sample(dbz, dx, dy, out);
        frames.push(out);
      }
      return { ...resultBase("sprog", analysis, cascade.stepMinutes, leads), frames, motion: cascade.motion };
    },
  };
}

export const sprog: NowcastModel = createSprogModel();
