import { type LatestRadar, servingRadar } from "../radar/frame-store";

const COVERAGE_BOOST = 100;

/** Places some radar source covers rank above equally good matches none can serve. */
export function coverageBoost(latests: readonly LatestRadar[]) {
  return latests.length ? (lat: number, lon: number) => (servingRadar(latests, lat, lon) ? COVERAGE_BOOST : 0) : undefined;
}
