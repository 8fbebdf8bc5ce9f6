import type { RadarFrame } from "../io/frame.js";
import { leadsForHorizon, type NowcastModel } from "../models/model.js";
import { type LeadScores, NowcastVerifier } from "./nowcastVerifier.js";

export type ScoreOptions = {
  /** Frames a model is given, the analysis frame included. */
  pastFrames: number;
  leads: number;
  /** Use every Nth eligible start time. */
  stride: number;
  /** Milliseconds clock used to time each forecast call. */
  clock: () => number;
  onForecast?: (done: number, total: number, analysisTime: Date) => void;
};

export type EventScores = {
  model: string;
  stepMinutes: number;
  analysisTimes: Date[];
  /** Wall time of each model.forecast call, ms. */
  msPerNowcast: number[];
  leads: LeadScores[];
};

/**
 * Runs a model at every start time that has `pastFrames` frames up to it and `leads`
 * frames after it, and scores all those nowcasts together. Frames are matched by obstime,
 * so a missing file makes the start times that would need it ineligible.
 */
export function scoreNowcasts(
  model: NowcastModel,
  frames: readonly RadarFrame[],
  options: Partial<ScoreOptions> = {},
): EventScores {
  const { pastFrames = 3, stride = 1, clock = () => performance.now(), onForecast } = options;
  // Without leads, as many as reach the horizon at the frames' own step.
  const leads = options.leads ?? leadsForHorizon(frameStepMinutes(frames));
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError("stride must be a positive integer");
  const starts = eligibleStarts(frames, pastFrames, leads);
  const chosen = starts.sequences.filter((_, index) => index % stride === 0);
  const verifier = new NowcastVerifier(leads, starts.stepMinutes);
  const analysisTimes: Date[] = [];
  const msPerNowcast: number[] = [];
  for (const { past, future } of chosen) {
    const startedMs = clock();
    const result = model.forecast(past, leads);
    msPerNowcast.push(clock() - startedMs);
    verifier.add(
      result.frames,
      future.map((frame) => frame.dbz),
    );
    analysisTimes.push(result.analysisTime);
    onForecast?.(analysisTimes.length, chosen.length, result.analysisTime);
  }
  return { model: model.name, stepMinutes: starts.stepMinutes, analysisTimes, msPerNowcast, leads: verifier.scores() };
}

/** The archive's time step: the shortest gap between distinct frame times. */
export function frameStepMinutes(frames: readonly RadarFrame[]): number {
  const times = frames.map((f) => f.obstime.getTime()).sort((a, b) => a - b);
  let stepMs = Infinity;
  for (let k = 1; k < times.length; k++) {
    const gapMs = times[k]! - times[k - 1]!;
    if (gapMs > 0 && gapMs < stepMs) stepMs = gapMs;
  }
  if (!Number.isFinite(stepMs)) throw new RangeError("need frames at two or more distinct times");
  return stepMs / 60_000;
}

/** Past and future frame sequences of every start time with complete data, by obstime. */
export function eligibleStarts(
  frames: readonly RadarFrame[],
  pastFrames: number,
  leads: number,
): { stepMinutes: number; sequences: { past: RadarFrame[]; future: RadarFrame[] }[] } {
  const sorted = [...frames].sort((a, b) => a.obstime.getTime() - b.obstime.getTime());
  const stepMs = frameStepMinutes(sorted) * 60_000;
  const byTime = new Map(sorted.map((frame) => [frame.obstime.getTime(), frame]));
  const sequences: { past: RadarFrame[]; future: RadarFrame[] }[] = [];
  for (const analysis of byTime.values()) {
    const t = analysis.obstime.getTime();
    const past = Array.from({ length: pastFrames }, (_, k) => byTime.get(t - (pastFrames - 1 - k) * stepMs));
    const future = Array.from({ length: leads }, (_, k) => byTime.get(t + (k + 1) * stepMs));
    if (past.every((f) => f !== undefined) && future.every((f) => f !== undefined)) {
      sequences.push({ past: past as RadarFrame[], future: future as RadarFrame[] });
    }
  }
  return { stepMinutes: stepMs / 60_000, sequences };
}
