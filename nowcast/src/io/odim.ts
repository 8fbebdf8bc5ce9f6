import { dbzToRainRate, MARSHALL_PALMER, rainRateToFrameDbz, zrForSource } from "../convert.js";
import { type Georeference, projectToMap } from "../geo/georeference.js";
import { projectionFromProj4 } from "../geo/proj4.js";
import { RadarFormatError } from "./errors.js";
import type { CompositeReader, RadarFrame } from "./frame.js";
import { Hdf5Tree, odimTime } from "./hdf5.js";

export const OPERA_SOURCE = "opera";
const FORMAT = "ODIM HDF5";

/** How each ODIM quantity the reader accepts becomes the frame's dBZ (and so rain rate). */
export const ODIM_CONVERSIONS = {
  RATE: "rain rate in mm/h as stored (value = gain x stored + offset); undetect = 0 mm/h",
  ACRR: "mm accumulated between dataset start and end x 60 / interval minutes = mean mm/h; undetect = 0 mm/h",
  DBZH: "reflectivity in dBZ as stored; rain rate by Marshall-Palmer (Z = 200 R^1.6), OPERA's own relation; undetect = dry",
} as const;
type OdimQuantity = keyof typeof ODIM_CONVERSIONS;

/** The corner attributes of an ODIM composite, and where each must fall on a width x height grid. */
const CORNERS = [
  ["UL", 0, 0],
  ["UR", 1, 0],
  ["LL", 0, 1],
  ["LR", 1, 1],
] as const;

function georeference(tree: Hdf5Tree, width: number, height: number): Georeference {
  const projection = projectionFromProj4(tree.text("where", "projdef"));
  const pixelWidthM = tree.numberOrText("where", "xscale");
  const pixelHeightM = tree.numberOrText("where", "yscale");
  if (!(pixelWidthM > 0 && pixelHeightM > 0)) throw new RadarFormatError("bad-metadata", `${FORMAT}: pixel size must be positive`);
  // The corners are the outer corners of the corner pixels (ODIM 2.x); the upper-left one fixes the grid.
  const corner = (name: string) => projectToMap(projection, tree.numberOrText("where", `${name}_lat`), tree.numberOrText("where", `${name}_lon`));
  const upperLeft = corner("UL");
  const georef: Georeference = { projection, westM: upperLeft.xM, northM: upperLeft.yM, pixelWidthM, pixelHeightM, width, height };
  for (const [name, fx, fy] of CORNERS) {
    const { xM, yM } = corner(name);
    const x = (xM - georef.westM) / pixelWidthM;
    const y = (georef.northM - yM) / pixelHeightM;
    if (Math.abs(x - fx * width) > 0.5 || Math.abs(y - fy * height) > 0.5) {
      throw new RadarFormatError("bad-dimensions", `${FORMAT}: corner ${name} falls at pixel (${x.toFixed(1)}, ${y.toFixed(1)}), not at the ${width} x ${height} grid's corner`);
    }
  }
  return georef;
}

/**
 * Reads an ODIM HDF5 composite (H5rad 2.x, object COMP): the first dataset's first data field,
 * its quantity and scaling as the file states them; nodata is no data, undetect is dry.
 */
export async function readOdimComposite(input: Uint8Array | ArrayBuffer, source = OPERA_SOURCE): Promise<RadarFrame> {
  const tree = new Hdf5Tree(input, FORMAT);
  const conventions = tree.text("/", "Conventions");
  if (!conventions.startsWith("ODIM_H5/")) throw new RadarFormatError("bad-metadata", `${FORMAT}: Conventions '${conventions}' is not ODIM_H5`);
  const object = tree.text("what", "object");
  if (object !== "COMP" && object !== "IMAGE") throw new RadarFormatError("bad-metadata", `${FORMAT}: object '${object}' is not a composite (COMP or IMAGE)`);
  const obstime = odimTime(tree.text("what", "date"), tree.text("what", "time"), FORMAT);
  const what = "dataset1/what";
  const quantity = tree.text(what, "quantity");
  if (!(quantity in ODIM_CONVERSIONS)) {
    throw new RadarFormatError("bad-metadata", `${FORMAT}: quantity '${quantity}' is not one of ${Object.keys(ODIM_CONVERSIONS).join(", ")}`);
  }
  const gain = tree.numberOrText(what, "gain");
  const offset = tree.numberOrText(what, "offset");
  const nodata = tree.numberOrText(what, "nodata");
  const undetect = tree.numberOrText(what, "undetect");
  const width = tree.numberOrText("where", "xsize");
  const height = tree.numberOrText("where", "ysize");
  const path = "dataset1/data1/data";
  const dataset = tree.dataset(path);
  if (dataset.shape.length !== 2 || dataset.shape[0] !== height || dataset.shape[1] !== width || !(width > 0 && height > 0)) {
    throw new RadarFormatError("bad-dimensions", `${FORMAT}: ${path} is ${dataset.shape.join(" x ")}, where says ${height} x ${width}`);
  }
  const georef = georeference(tree, width, height);
  let perHour = 1;
  if ((quantity as OdimQuantity) === "ACRR") {
    const start = odimTime(tree.text(what, "startdate"), tree.text(what, "starttime"), FORMAT);
    const end = odimTime(tree.text(what, "enddate"), tree.text(what, "endtime"), FORMAT);
    const minutes = (end.getTime() - start.getTime()) / 60_000;
    if (!(minutes > 0)) throw new RadarFormatError("bad-metadata", `${FORMAT}: ACRR over ${minutes} min`);
    perHour = 60 / minutes;
  }
  const stored = tree.values(dataset, path);
  if (stored.length !== width * height) throw new RadarFormatError("truncated", `${FORMAT}: ${path} holds ${stored.length} of ${width * height} values`);
  const zr = zrForSource(source);
  const dbz = new Float32Array(width * height);
  const reflectivity = (quantity as OdimQuantity) === "DBZH";
  for (let i = 0; i < dbz.length; i++) {
    const raw = stored[i]!;
    if (raw === nodata) dbz[i] = NaN;
    else if (raw === undetect) dbz[i] = rainRateToFrameDbz(0, zr);
    else if (reflectivity) dbz[i] = rainRateToFrameDbz(dbzToRainRate(gain * raw + offset, MARSHALL_PALMER), zr);
    else dbz[i] = rainRateToFrameDbz((gain * raw + offset) * perHour, zr);
  }
  return { source, obstime, width, height, dbz, georef };
}

export const operaReader: CompositeReader = { source: OPERA_SOURCE, read: (bytes) => readOdimComposite(bytes, OPERA_SOURCE) };
