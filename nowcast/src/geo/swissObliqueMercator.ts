import { cartesianToGeodetic, eccentricity, type Ellipsoid, geodeticToCartesian, RAD, WGS84, wrapLongitude } from "./ellipsoid.js";

/**
 * Swiss oblique Mercator (PROJ: +proj=somerc), the conformal projection of the Swiss grids
 * LV03/LV95: ellipsoid to a sphere, a rotation moving the centre to the equator, then
 * Mercator; rigorous formulas of swisstopo, "Formulas and constants for the calculation of
 * the Swiss conformal cylindrical projection". Latitudes and longitudes in and out are
 * WGS84: the datum shift (+towgs84, three translations) is applied through Cartesian
 * coordinates, as PROJ does.
 */
export type SwissObliqueMercator = {
  kind: "swiss-oblique-mercator";
  centralLatitudeDeg: number;
  centralLongitudeDeg: number;
  scaleFactor: number;
  falseEastingM: number;
  falseNorthingM: number;
  ellipsoid: Ellipsoid;
  /** The datum's +towgs84 translation (m): WGS84 Cartesian = datum Cartesian + this. */
  toWgs84M: [number, number, number];
};

type Constants = { e: number; r: number; alpha: number; b0: number; k: number };

function constants(p: SwissObliqueMercator): Constants {
  const a = p.ellipsoid.semiMajorAxisM;
  const e = eccentricity(p.ellipsoid);
  const e2 = e * e;
  const phi0 = p.centralLatitudeDeg * RAD;
  const sin0 = Math.sin(phi0);
  const r = (p.scaleFactor * a * Math.sqrt(1 - e2)) / (1 - e2 * sin0 * sin0);
  const alpha = Math.sqrt(1 + (e2 / (1 - e2)) * Math.cos(phi0) ** 4);
  const b0 = Math.asin(sin0 / alpha);
  const k =
    Math.log(Math.tan(Math.PI / 4 + b0 / 2)) -
    alpha * Math.log(Math.tan(Math.PI / 4 + phi0 / 2)) +
    ((alpha * e) / 2) * Math.log((1 + e * sin0) / (1 - e * sin0));
  return { e, r, alpha, b0, k };
}

export function somercForward(p: SwissObliqueMercator, latDeg: number, lonDeg: number): { xM: number; yM: number } {
  const [x, y, z] = geodeticToCartesian(WGS84, latDeg, lonDeg);
  const [dx, dy, dz] = p.toWgs84M;
  const local = cartesianToGeodetic(p.ellipsoid, x - dx, y - dy, z - dz);
  const c = constants(p);
  const phi = local.lat * RAD;
  const es = c.e * Math.sin(phi);
  const s = c.alpha * Math.log(Math.tan(Math.PI / 4 + phi / 2)) - ((c.alpha * c.e) / 2) * Math.log((1 + es) / (1 - es)) + c.k;
  const b = 2 * (Math.atan(Math.exp(s)) - Math.PI / 4);
  const l = c.alpha * (local.lon - p.centralLongitudeDeg) * RAD;
  const lBar = Math.atan2(Math.sin(l), Math.sin(c.b0) * Math.tan(b) + Math.cos(c.b0) * Math.cos(l));
  const bBar = Math.asin(Math.cos(c.b0) * Math.sin(b) - Math.sin(c.b0) * Math.cos(b) * Math.cos(l));
  return {
    xM: p.falseEastingM + c.r * lBar,
    yM: p.falseNorthingM + (c.r / 2) * Math.log((1 + Math.sin(bBar)) / (1 - Math.sin(bBar))),
  };
}

export function somercInverse(p: SwissObliqueMercator, xM: number, yM: number): { lat: number; lon: number } {
  const c = constants(p);
  const lBar = (xM - p.falseEastingM) / c.r;
  const bBar = 2 * (Math.atan(Math.exp((yM - p.falseNorthingM) / c.r)) - Math.PI / 4);
  const b = Math.asin(Math.cos(c.b0) * Math.sin(bBar) + Math.sin(c.b0) * Math.cos(bBar) * Math.cos(lBar));
  const l = Math.atan2(Math.sin(lBar), Math.cos(c.b0) * Math.cos(lBar) - Math.sin(c.b0) * Math.tan(bBar));
  const lonLocal = p.centralLongitudeDeg + l / c.alpha / RAD;
  let phi = b;
  for (let i = 0; i < 20; i++) {
    const es = c.e * Math.sin(phi);
    const s = (Math.log(Math.tan(Math.PI / 4 + b / 2)) - c.k) / c.alpha + c.e * Math.log(Math.tan(Math.PI / 4 + Math.asin(es) / 2));
    const next = 2 * Math.atan(Math.exp(s)) - Math.PI / 2;
    if (Math.abs(next - phi) < 1e-15) {
      phi = next;
      break;
    }
    phi = next;
  }
  const [x, y, z] = geodeticToCartesian(p.ellipsoid, phi / RAD, lonLocal);
  const [dx, dy, dz] = p.toWgs84M;
  const wgs = cartesianToGeodetic(WGS84, x + dx, y + dy, z + dz);
  return { lat: wgs.lat, lon: wrapLongitude(wgs.lon) };
}
