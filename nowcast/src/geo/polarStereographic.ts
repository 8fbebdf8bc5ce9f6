import { eccentricity, type Ellipsoid, RAD, wrapLongitude } from "./ellipsoid.js";

/**
 * North-polar stereographic projection (PROJ: +proj=stere +lat_0=90 +lat_ts=... +lon_0=...),
 * on a sphere or an ellipsoid, exact closed-form formulas (Snyder 1987, eqs. 21-33 to 21-41;
 * on a sphere they reduce to eqs. 21-1 to 21-4). No false easting/northing: the pole is (0, 0).
 */
export type PolarStereographic = {
  kind: "polar-stereographic";
  /** Longitude that points straight down the grid (+lon_0). */
  centralLongitudeDeg: number;
  /** Latitude of true scale (+lat_ts). */
  trueLatitudeDeg: number;
  ellipsoid: Ellipsoid;
};

/** Snyder's t (eq. 15-9): tan(pi/4 - phi/2) corrected for the eccentricity. */
function isometricT(phi: number, e: number): number {
  const es = e * Math.sin(phi);
  return Math.tan(Math.PI / 4 - phi / 2) / ((1 - es) / (1 + es)) ** (e / 2);
}

/** Map-plane distance from the pole per unit of t. */
function poleScaleM(p: PolarStereographic, e: number): number {
  const phiC = p.trueLatitudeDeg * RAD;
  const mC = Math.cos(phiC) / Math.sqrt(1 - (e * Math.sin(phiC)) ** 2);
  // At lat_ts = 90 the limit of m_c / t_c is 2 / sqrt((1+e)^(1+e) (1-e)^(1-e)) (eq. 21-33).
  if (Math.abs(p.trueLatitudeDeg - 90) < 1e-12) return (2 * p.ellipsoid.semiMajorAxisM) / Math.sqrt((1 + e) ** (1 + e) * (1 - e) ** (1 - e));
  return (p.ellipsoid.semiMajorAxisM * mC) / isometricT(phiC, e);
}

export function polarStereographicForward(
  p: PolarStereographic,
  latDeg: number,
  lonDeg: number,
): { xM: number; yM: number } {
  const e = eccentricity(p.ellipsoid);
  const rhoM = poleScaleM(p, e) * isometricT(latDeg * RAD, e);
  const dLon = (lonDeg - p.centralLongitudeDeg) * RAD;
  return { xM: rhoM * Math.sin(dLon), yM: -rhoM * Math.cos(dLon) };
}

export function polarStereographicInverse(
  p: PolarStereographic,
  xM: number,
  yM: number,
): { lat: number; lon: number } {
  const e = eccentricity(p.ellipsoid);
  const t = Math.hypot(xM, yM) / poleScaleM(p, e);
  // Eq. 7-9, iterated to convergence (exact for e = 0 after one round).
  let phi = Math.PI / 2 - 2 * Math.atan(t);
  for (let i = 0; i < 15; i++) {
    const es = e * Math.sin(phi);
    const next = Math.PI / 2 - 2 * Math.atan(t * ((1 - es) / (1 + es)) ** (e / 2));
    if (Math.abs(next - phi) < 1e-15) {
      phi = next;
      break;
    }
    phi = next;
  }
  const lon = p.centralLongitudeDeg + Math.atan2(xM, -yM) / RAD;
  return { lat: phi / RAD, lon: wrapLongitude(lon) };
}
