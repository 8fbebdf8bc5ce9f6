import type { RadarFrame } from "../io/frame.js";
import { DEFAULT_LEADS, type NowcastModel, type NowcastResult, validatePast } from "./model.js";

/** Eulerian persistence: the newest frame, unchanged, at every lead; the floor any method must beat. */
export const persistence: NowcastModel = {
  name: "persistence",
  forecast(past: readonly RadarFrame[], leads = DEFAULT_LEADS): NowcastResult {
    const { analysis, stepMinutes } = validatePast(past, leads);
    return {
      model: "persistence",
      source: analysis.source,
      analysisTime: analysis.obstime,
      stepMinutes,
      leads,
      width: analysis.width,
      height: analysis.height,
      georef: analysis.georef,
      frames: Array.from({ length: leads }, () => analysis.dbz.slice()),
    };
  },
};
