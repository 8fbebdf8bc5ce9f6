import type { RadarFrame } from "../io/frame.js";
import { leadsOrHorizon, type NowcastModel, type NowcastResult, resultBase, validatePast } from "./model.js";

/** Eulerian persistence: the newest frame, unchanged, at every lead; the floor any method must beat. */
export const persistence: NowcastModel = {
  name: "persistence",
  forecast(past: readonly RadarFrame[], askedLeads?: number): NowcastResult {
    const leads = leadsOrHorizon(past, askedLeads);
    const { analysis, stepMinutes } = validatePast(past, leads);
    return {
      ...resultBase("persistence", analysis, stepMinutes, leads),
      frames: Array.from({ length: leads }, () => analysis.dbz.slice()),
    };
  },
};
