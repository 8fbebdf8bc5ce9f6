import { type LambertAzimuthalEqualArea, laeaForward, laeaInverse } from "./lambertAzimuthalEqualArea.js";
import {
  type PolarStereographic,
  polarStereographicForward,
  polarStereographicInverse,
} from "./polarStereographic.js";
import { somercForward, somercInverse, type SwissObliqueMercator } from "./swissObliqueMercator.js";

/** Map projections a composite grid can be defined on; latitudes and longitudes are WGS84. */
export type Projection = PolarStereographic | LambertAzimuthalEqualArea | SwissObliqueMercator;

/**
 * A plain, JSON-serializable description of a regular grid on a map projection.
 * Pixel coordinates are fractional: x grows east from the grid's west edge, y grows
 * south from its north edge, and pixel (col, row) covers [col, col+1) x [row, row+1),
 * so Math.floor gives the pixel a point falls in and its centre is at (col + 0.5, row + 0.5).
 */
export type Georeference = {
  projection: Projection;
  /** Projected x of the grid's west edge. */
  westM: number;
  /** Projected y of the grid's north edge. */
  northM: number;
  pixelWidthM: number;
  pixelHeightM: number;
  width: number;
  height: number;
};

export function projectToMap(projection: Projection, lat: number, lon: number): { xM: number; yM: number } {
  switch (projection.kind) {
    case "polar-stereographic":
      return polarStereographicForward(projection, lat, lon);
    case "lambert-azimuthal-equal-area":
      return laeaForward(projection, lat, lon);
    case "swiss-oblique-mercator":
      return somercForward(projection, lat, lon);
  }
}

export function unprojectFromMap(projection: Projection, xM: number, yM: number): { lat: number; lon: number } {
  switch (projection.kind) {
    case "polar-stereographic":
      return polarStereographicInverse(projection, xM, yM);
    case "lambert-azimuthal-equal-area":
      return laeaInverse(projection, xM, yM);
    case "swiss-oblique-mercator":
      return somercInverse(projection, xM, yM);
  }
}

export function latLonToPixel(georef: Georeference, lat: number, lon: number): { x: number; y: number } {
  const { xM, yM } = projectToMap(georef.projection, lat, lon);
  return { x: (xM - georef.westM) / georef.pixelWidthM, y: (georef.northM - yM) / georef.pixelHeightM };
}

export function pixelToLatLon(georef: Georeference, x: number, y: number): { lat: number; lon: number } {
  return unprojectFromMap(
    georef.projection,
    georef.westM + x * georef.pixelWidthM,
    georef.northM - y * georef.pixelHeightM,
  );
}

/** Whether the point falls inside the grid (it may still be a no-data pixel). */
export function contains(georef: Georeference, lat: number, lon: number): boolean {
  const { x, y } = latLonToPixel(georef, lat, lon);
  return x >= 0 && y >= 0 && x < georef.width && y < georef.height;
}

/** The georeference of the sub-grid whose pixel (0, 0) is pixel (col0, row0) of this one. */
export function subGrid(georef: Georeference, col0: number, row0: number, width: number, height: number): Georeference {
  return {
    ...georef,
    westM: georef.westM + col0 * georef.pixelWidthM,
    northM: georef.northM - row0 * georef.pixelHeightM,
    width,
    height,
  };
}
