import { neighbourhoodProbabilities, type EnsembleSummary } from "../../nowcast/src/models/ensemble";
import type { PointForecast } from "../../nowcast/src/index";

/**
 * The probabilistic point series of an ensemble nowcast: per lead, the chance that the rain
 * rate around the place exceeds each threshold (the exceedance probability averaged over the
 * point's neighbourhood), and the chance of rain (the threshold the events use).
 */
export function probabilitySeries(
  ensemble: EnsembleSummary,
  width: number,
  height: number,
  point: Pick<PointForecast, "col" | "row" | "radiusPx">,
  analysisMs: number,
  stepMinutes: number,
  rainThresholdMmPerHour: number,
) {
  const byThreshold = neighbourhoodProbabilities(ensemble, width, height, point.col, point.row, point.radiusPx);
  const rainIndex = ensemble.thresholdsMmPerHour.indexOf(rainThresholdMmPerHour);
  const value = (p: number | undefined) => (p !== undefined && Number.isFinite(p) ? Math.round(p * 1000) / 1000 : null);
  const leads = byThreshold[0]?.length ?? 0;
  return {
    members: ensemble.members,
    thresholdsMmPerHour: ensemble.thresholdsMmPerHour,
    rainThresholdMmPerHour,
    series: Array.from({ length: leads }, (_, k) => {
      const minutes = Math.round((k + 1) * stepMinutes);
      return {
        minutes,
        time: new Date(analysisMs + minutes * 60_000).toISOString(),
        chanceOfRain: rainIndex >= 0 ? value(byThreshold[rainIndex]![k]) : null,
        exceedance: byThreshold.map((series) => value(series[k])),
      };
    }),
  };
}
