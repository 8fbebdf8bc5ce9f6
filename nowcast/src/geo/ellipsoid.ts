/** A reference ellipsoid by its semi-axes; a sphere has them equal. */
export type Ellipsoid = { semiMajorAxisM: number; semiMinorAxisM: number };

export const WGS84: Ellipsoid = { semiMajorAxisM: 6378137, semiMinorAxisM: 6356752.314245179 };
/** Bessel 1841, the ellipsoid of the Swiss CH1903 datum. */
export const BESSEL_1841: Ellipsoid = { semiMajorAxisM: 6377397.155, semiMinorAxisM: 6356078.962818189 };

/** First eccentricity. */
export function eccentricity(ellipsoid: Ellipsoid): number {
  const { semiMajorAxisM: a, semiMinorAxisM: b } = ellipsoid;
  return Math.sqrt(Math.max(0, 1 - (b * b) / (a * a)));
}

export const RAD = Math.PI / 180;

/** Longitude in [-180, 180). */
export function wrapLongitude(lonDeg: number): number {
  return ((((lonDeg + 180) % 360) + 360) % 360) - 180;
}

/** Geodetic latitude/longitude (degrees, height 0) to Earth-centred Cartesian metres. */
export function geodeticToCartesian(ellipsoid: Ellipsoid, latDeg: number, lonDeg: number): [number, number, number] {
  const a = ellipsoid.semiMajorAxisM;
  const e2 = eccentricity(ellipsoid) ** 2;
  const phi = latDeg * RAD;
  const lambda = lonDeg * RAD;
  const n = a / Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
  return [n * Math.cos(phi) * Math.cos(lambda), n * Math.cos(phi) * Math.sin(lambda), n * (1 - e2) * Math.sin(phi)];
}

/** Earth-centred Cartesian metres to geodetic latitude/longitude (degrees); the height is dropped. */
export function cartesianToGeodetic(ellipsoid: Ellipsoid, x: number, y: number, z: number): { lat: number; lon: number } {
  const a = ellipsoid.semiMajorAxisM;
  const e2 = eccentricity(ellipsoid) ** 2;
  const p = Math.hypot(x, y);
  // Fixed-point iteration on latitude; converges to below 1e-12 rad within a few rounds near the surface.
  let phi = Math.atan2(z, p * (1 - e2));
  for (let i = 0; i < 10; i++) {
    const n = a / Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
    const h = p / Math.cos(phi) - n;
    const next = Math.atan2(z, p * (1 - (e2 * n) / (n + h)));
    if (Math.abs(next - phi) < 1e-14) {
      phi = next;
      break;
    }
    phi = next;
  }
  return { lat: phi / RAD, lon: Math.atan2(y, x) / RAD };
}
