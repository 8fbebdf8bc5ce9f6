import { eccentricity, type Ellipsoid, RAD, wrapLongitude } from "./ellipsoid.js";

/**
 * Lambert azimuthal equal-area projection, oblique aspect, on an ellipsoid (PROJ: +proj=laea
 * +lat_0 +lon_0 +x_0 +y_0 +ellps), exact formulas of Snyder 1987, eqs. 24-11 to 24-19 and 3-18.
 */
export type LambertAzimuthalEqualArea = {
  kind: "lambert-azimuthal-equal-area";
  centralLatitudeDeg: number;
  centralLongitudeDeg: number;
  falseEastingM: number;
  falseNorthingM: number;
  ellipsoid: Ellipsoid;
};

type Constants = { a: number; e: number; qp: number; sinB1: number; cosB1: number; rq: number; d: number };

/** Snyder's q (eq. 3-12); its sphere limit (e = 0) is 2 sin(phi). */
function authalicQ(sinPhi: number, e: number): number {
  if (e === 0) return 2 * sinPhi;
  const es = e * sinPhi;
  return (1 - e * e) * (sinPhi / (1 - es * es) - (1 / (2 * e)) * Math.log((1 - es) / (1 + es)));
}

function constants(p: LambertAzimuthalEqualArea): Constants {
  const a = p.ellipsoid.semiMajorAxisM;
  const e = eccentricity(p.ellipsoid);
  const phi1 = p.centralLatitudeDeg * RAD;
  const qp = authalicQ(1, e);
  const beta1 = Math.asin(authalicQ(Math.sin(phi1), e) / qp);
  const rq = a * Math.sqrt(qp / 2);
  const m1 = Math.cos(phi1) / Math.sqrt(1 - (e * Math.sin(phi1)) ** 2);
  return { a, e, qp, sinB1: Math.sin(beta1), cosB1: Math.cos(beta1), rq, d: (a * m1) / (rq * Math.cos(beta1)) };
}

export function laeaForward(p: LambertAzimuthalEqualArea, latDeg: number, lonDeg: number): { xM: number; yM: number } {
  const c = constants(p);
  const beta = Math.asin(authalicQ(Math.sin(latDeg * RAD), c.e) / c.qp);
  const dLon = (lonDeg - p.centralLongitudeDeg) * RAD;
  const b = c.rq * Math.sqrt(2 / (1 + c.sinB1 * Math.sin(beta) + c.cosB1 * Math.cos(beta) * Math.cos(dLon)));
  return {
    xM: p.falseEastingM + b * c.d * Math.cos(beta) * Math.sin(dLon),
    yM: p.falseNorthingM + (b / c.d) * (c.cosB1 * Math.sin(beta) - c.sinB1 * Math.cos(beta) * Math.cos(dLon)),
  };
}

export function laeaInverse(p: LambertAzimuthalEqualArea, xM: number, yM: number): { lat: number; lon: number } {
  const c = constants(p);
  const x = xM - p.falseEastingM;
  const y = yM - p.falseNorthingM;
  const rho = Math.hypot(x / c.d, c.d * y);
  if (rho === 0) return { lat: p.centralLatitudeDeg, lon: p.centralLongitudeDeg };
  const ce = 2 * Math.asin(rho / (2 * c.rq));
  const q = c.qp * (Math.cos(ce) * c.sinB1 + (c.d * y * Math.sin(ce) * c.cosB1) / rho);
  const lon = p.centralLongitudeDeg + Math.atan2(x * Math.sin(ce), c.d * rho * c.cosB1 * Math.cos(ce) - c.d * c.d * y * c.sinB1 * Math.sin(ce)) / RAD;
  // Latitude from q by iteration of eq. 3-16 (exact to rounding, unlike the series 3-18).
  let phi = Math.asin(q / 2);
  if (c.e > 0) {
    for (let i = 0; i < 15; i++) {
      const sinPhi = Math.sin(phi);
      const es = c.e * sinPhi;
      const oneMinus = 1 - es * es;
      const next =
        phi +
        ((oneMinus * oneMinus) / (2 * Math.cos(phi))) *
          (q / (1 - c.e * c.e) - sinPhi / oneMinus + (1 / (2 * c.e)) * Math.log((1 - es) / (1 + es)));
      if (Math.abs(next - phi) < 1e-15) {
        phi = next;
        break;
      }
      phi = next;
    }
  }
  return { lat: phi / RAD, lon: wrapLongitude(lon) };
}
