import type { Georeference } from "../geo/georeference.js";
import { projectToMap } from "../geo/georeference.js";
import type { PolarStereographic } from "../geo/polarStereographic.js";
import { RadarFormatError } from "./errors.js";
import type { CompositeReader, RadarFrame } from "./frame.js";
import { gunzip, isGzip } from "./gzip.js";
import { type Pgm, parsePgm } from "./pgm.js";

export const FMI_SOURCE = "fmi";

/** The FMI files do not state the sphere; FMI (and pySTEPS) use this radius for the composite grid. */
const FMI_SPHERE_RADIUS_M = 6371288;
const FMI_NO_DATA_SAMPLE = 255;

/** Sample value -> dBZ, computed once: dBZ = (value - 64) / 2, 255 = no data. */
const DBZ_BY_SAMPLE = (() => {
  const table = new Float32Array(256);
  for (let value = 0; value < 256; value++) table[value] = value === FMI_NO_DATA_SAMPLE ? NaN : (value - 64) / 2;
  return table;
})();

function metadataText(pgm: Pgm, key: string): string {
  const value = pgm.comments.get(key)?.[0];
  if (value === undefined) throw new RadarFormatError("missing-metadata", `FMI header lacks '# ${key}'`);
  return value;
}

function metadataNumbers(pgm: Pgm, key: string, count: number): number[] {
  const words = metadataText(pgm, key).split(/\s+/);
  const numbers = words.slice(0, count).map(Number);
  if (words.length < count || numbers.some((n) => !Number.isFinite(n))) {
    throw new RadarFormatError("bad-metadata", `FMI header '# ${key}' needs ${count} number(s)`);
  }
  return numbers;
}

function parseObstime(pgm: Pgm): Date {
  const text = metadataText(pgm, "obstime");
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) throw new RadarFormatError("bad-metadata", `FMI obstime '${text}' is not YYYYMMDDHHMM`);
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59) {
    throw new RadarFormatError("bad-metadata", `FMI obstime '${text}' is not a valid time`);
  }
  return date;
}

function parseGeoreference(pgm: Pgm): Georeference {
  const type = metadataText(pgm, "type");
  if (type !== "stereographic") throw new RadarFormatError("bad-metadata", `unsupported FMI projection type '${type}'`);
  const [centralLatitudeDeg] = metadataNumbers(pgm, "centrallatitude", 1) as [number];
  if (centralLatitudeDeg !== 90) {
    throw new RadarFormatError("bad-metadata", `only north-polar stereographic grids are supported, not centrallatitude ${centralLatitudeDeg}`);
  }
  const projection: PolarStereographic = {
    kind: "polar-stereographic",
    centralLongitudeDeg: metadataNumbers(pgm, "centrallongitude", 1)[0]!,
    trueLatitudeDeg: metadataNumbers(pgm, "truelatitude", 1)[0]!,
    ellipsoid: { semiMajorAxisM: FMI_SPHERE_RADIUS_M, semiMinorAxisM: FMI_SPHERE_RADIUS_M },
  };
  const [pixelWidthM] = metadataNumbers(pgm, "metersperpixel_x", 1) as [number];
  const [pixelHeightM] = metadataNumbers(pgm, "metersperpixel_y", 1) as [number];
  if (!(pixelWidthM > 0 && pixelHeightM > 0)) throw new RadarFormatError("bad-metadata", "FMI pixel size must be positive");
  // The corners are the outer corners of the grid, not pixel centres.
  const [bottomLeftLon, bottomLeftLat] = metadataNumbers(pgm, "bottomleft", 2) as [number, number];
  const [topRightLon, topRightLat] = metadataNumbers(pgm, "topright", 2) as [number, number];
  const southWest = projectToMap(projection, bottomLeftLat, bottomLeftLon);
  const northEast = projectToMap(projection, topRightLat, topRightLon);
  const spanWidthPx = (northEast.xM - southWest.xM) / pixelWidthM;
  const spanHeightPx = (northEast.yM - southWest.yM) / pixelHeightM;
  if (Math.abs(spanWidthPx - pgm.width) > 0.5 || Math.abs(spanHeightPx - pgm.height) > 0.5) {
    throw new RadarFormatError(
      "bad-dimensions",
      `image is ${pgm.width} x ${pgm.height} pixels but its corners span ${spanWidthPx.toFixed(1)} x ${spanHeightPx.toFixed(1)}`,
    );
  }
  return {
    projection,
    westM: southWest.xM,
    northM: southWest.yM + pgm.height * pixelHeightM,
    pixelWidthM,
    pixelHeightM,
    width: pgm.width,
    height: pgm.height,
  };
}

/** Reads an FMI radar composite (binary PGM, optionally gzipped) into dBZ. */
export async function readFmiPgm(input: Uint8Array | ArrayBuffer): Promise<RadarFrame> {
  let bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (isGzip(bytes)) bytes = await gunzip(bytes);
  const pgm = parsePgm(bytes);
  const obstime = parseObstime(pgm);
  const georef = parseGeoreference(pgm);
  const dbz = new Float32Array(pgm.samples.length);
  for (let i = 0; i < dbz.length; i++) dbz[i] = DBZ_BY_SAMPLE[pgm.samples[i]!]!;
  return { source: FMI_SOURCE, obstime, width: pgm.width, height: pgm.height, dbz, georef };
}

export const fmiReader: CompositeReader = { source: FMI_SOURCE, read: readFmiPgm };
