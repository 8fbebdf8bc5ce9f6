/**
 * North-polar stereographic projection on a sphere (PROJ: +proj=stere +lat_0=90
 * +lat_ts=... +lon_0=... +R=...), exact closed-form formulas (Snyder 1987, eqs. 21-1..21-4).
 */
export type PolarStereographic = {
  kind: "polar-stereographic";
  /** Longitude that points straight down the grid (+lon_0). */
  centralLongitudeDeg: number;
  /** Latitude of true scale (+lat_ts). */
  trueLatitudeDeg: number;
  /** Radius of the sphere (+R). */
  sphereRadiusM: number;
};

const RAD = Math.PI / 180;

/** Map-plane distance from the pole per unit of tan(pi/4 - lat/2). */
function poleScaleM(p: PolarStereographic): number {
  return p.sphereRadiusM * (1 + Math.sin(p.trueLatitudeDeg * RAD));
}

export function polarStereographicForward(
  p: PolarStereographic,
  latDeg: number,
  lonDeg: number,
): { xM: number; yM: number } {
  const rhoM = poleScaleM(p) * Math.tan(Math.PI / 4 - (latDeg * RAD) / 2);
  const dLon = (lonDeg - p.centralLongitudeDeg) * RAD;
  return { xM: rhoM * Math.sin(dLon), yM: -rhoM * Math.cos(dLon) };
}

export function polarStereographicInverse(
  p: PolarStereographic,
  xM: number,
  yM: number,
): { lat: number; lon: number } {
  const rhoM = Math.hypot(xM, yM);
  const lat = 90 - (2 * Math.atan(rhoM / poleScaleM(p))) / RAD;
  const lon = p.centralLongitudeDeg + Math.atan2(xM, -yM) / RAD;
  return { lat, lon: wrapLongitude(lon) };
}

/** Longitude in [-180, 180). */
function wrapLongitude(lonDeg: number): number {
  return ((((lonDeg + 180) % 360) + 360) % 360) - 180;
}
