import { inCoverage, type LatestRadar } from "../radar/frame-store";

const COVERAGE_BOOST = 100;

/** Places the radar covers rank above equally good matches it cannot serve. */
export function coverageBoost(latest: LatestRadar | null) {
  return latest ? (lat: number, lon: number) => (inCoverage(latest, lat, lon) ? COVERAGE_BOOST : 0) : undefined;
}
