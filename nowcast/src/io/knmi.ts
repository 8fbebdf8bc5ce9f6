import { rainRateToFrameDbz, zrForSource } from "../convert.js";
import { type Georeference, projectToMap } from "../geo/georeference.js";
import { projectionFromProj4 } from "../geo/proj4.js";
import { RadarFormatError } from "./errors.js";
import type { CompositeReader, RadarFrame } from "./frame.js";
import { checkedUtc, Hdf5Tree } from "./hdf5.js";

export const KNMI_SOURCE = "knmi";
const FORMAT = "KNMI HDF5";
const ACCUMULATION = "ACCUMULATED_PRECIPITATION_[MM]";
/** How the stored quantity becomes rain rate. */
export const KNMI_CONVERSION =
  "mm accumulated over the product's interval (image1/calibration: GEO = gain x PV + offset) x 60 / interval minutes = mean mm/h";

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/** KNMI's "26-AUG-2010;00:00:00.000". */
function knmiTime(text: string): Date {
  const m = /^(\d{2})-([A-Z]{3})-(\d{4});(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(text);
  const month = m ? MONTHS.indexOf(m[2]!) + 1 : 0;
  if (!m || month === 0) throw new RadarFormatError("bad-metadata", `${FORMAT}: time '${text}' is not DD-MON-YYYY;HH:MM:SS`);
  return checkedUtc(+m[3]!, month, +m[1]!, +m[4]!, +m[5]!, +m[6]!, text, FORMAT);
}

function calibration(tree: Hdf5Tree): { gain: number; offset: number } {
  const formula = tree.text("image1/calibration", "calibration_formulas");
  const m = /^GEO\s*=\s*([-+\d.eE]+)\s*\*\s*PV\s*([-+]\s*[\d.eE]+)$/.exec(formula);
  const gain = m ? Number(m[1]) : NaN;
  const offset = m ? Number(m[2]!.replace(/\s+/g, "")) : NaN;
  if (!Number.isFinite(gain) || !Number.isFinite(offset) || gain <= 0) {
    throw new RadarFormatError("bad-metadata", `${FORMAT}: calibration '${formula}' is not GEO=gain*PV+offset`);
  }
  return { gain, offset };
}

function georeference(tree: Hdf5Tree, width: number, height: number): Georeference {
  const geo = "geographic";
  const units = tree.text(geo, "geo_dim_pixel");
  if (units !== "KM,KM") throw new RadarFormatError("bad-metadata", `${FORMAT}: pixel units '${units}' are not KM,KM`);
  if (tree.text(geo, "geo_pixel_def") !== "LU") throw new RadarFormatError("bad-metadata", `${FORMAT}: only grids whose first pixel is left-upper (LU) are supported`);
  const pixelXKm = tree.number(geo, "geo_pixel_size_x");
  const pixelYKm = tree.number(geo, "geo_pixel_size_y");
  if (!(pixelXKm > 0 && pixelYKm < 0)) throw new RadarFormatError("bad-metadata", `${FORMAT}: pixel sizes ${pixelXKm}, ${pixelYKm} do not run east and south`);
  const projection = projectionFromProj4(tree.text(`${geo}/map_projection`, "projection_proj4_params"), 1000);
  const georef: Georeference = {
    projection,
    westM: tree.number(geo, "geo_column_offset") * pixelXKm * 1000,
    northM: tree.number(geo, "geo_row_offset") * pixelYKm * 1000,
    pixelWidthM: pixelXKm * 1000,
    pixelHeightM: -pixelYKm * 1000,
    width,
    height,
  };
  // The product's corners (lon, lat: lower-left, upper-left, upper-right, lower-right) must be the
  // grid's outer corners; they are written to 3 decimals (about 0.1 km), so half a pixel is the bound.
  const corners = tree.numbers(geo, "geo_product_corners", 8);
  const expected = [
    [0, height],
    [0, 0],
    [width, 0],
    [width, height],
  ];
  for (let k = 0; k < 4; k++) {
    const { xM, yM } = projectToMap(projection, corners[2 * k + 1]!, corners[2 * k]!);
    const x = (xM - georef.westM) / georef.pixelWidthM;
    const y = (georef.northM - yM) / georef.pixelHeightM;
    if (Math.abs(x - expected[k]![0]!) > 0.5 || Math.abs(y - expected[k]![1]!) > 0.5) {
      throw new RadarFormatError("bad-dimensions", `${FORMAT}: corner ${k + 1} of geo_product_corners falls at pixel (${x.toFixed(1)}, ${y.toFixed(1)}), not at the grid's corner`);
    }
  }
  return georef;
}

/** Reads KNMI's national composite (RAD_NL25_RAP_5min, KNMI HDF5): accumulations to rain rate, stored as dBZ. */
export async function readKnmiHdf5(input: Uint8Array | ArrayBuffer): Promise<RadarFrame> {
  const tree = new Hdf5Tree(input, FORMAT);
  const quantity = tree.text("image1", "image_geo_parameter");
  if (quantity !== ACCUMULATION) throw new RadarFormatError("bad-metadata", `${FORMAT}: quantity '${quantity}' is not ${ACCUMULATION}`);
  const start = knmiTime(tree.text("overview", "product_datetime_start"));
  const obstime = knmiTime(tree.text("overview", "product_datetime_end"));
  const intervalMinutes = (obstime.getTime() - start.getTime()) / 60_000;
  if (!(intervalMinutes > 0 && intervalMinutes <= 24 * 60)) throw new RadarFormatError("bad-metadata", `${FORMAT}: accumulation interval of ${intervalMinutes} min`);
  const width = tree.number("geographic", "geo_number_columns");
  const height = tree.number("geographic", "geo_number_rows");
  const dataset = tree.dataset("image1/image_data");
  const [rows, cols] = dataset.shape;
  if (dataset.shape.length !== 2 || rows !== height || cols !== width || !(width > 0 && height > 0)) {
    throw new RadarFormatError("bad-dimensions", `${FORMAT}: image_data is ${dataset.shape.join(" x ")}, the header says ${height} x ${width}`);
  }
  const { gain, offset } = calibration(tree);
  const missing = tree.number("image1/calibration", "calibration_missing_data");
  const outside = tree.number("image1/calibration", "calibration_out_of_image");
  const georef = georeference(tree, width, height);
  const stored = tree.values(dataset, "image1/image_data");
  if (stored.length !== width * height) throw new RadarFormatError("truncated", `${FORMAT}: image_data holds ${stored.length} of ${width * height} values`);
  const zr = zrForSource(KNMI_SOURCE);
  const perHour = 60 / intervalMinutes;
  const dbz = new Float32Array(width * height);
  for (let i = 0; i < dbz.length; i++) {
    const pv = stored[i]!;
    dbz[i] = pv === missing || pv === outside ? NaN : rainRateToFrameDbz((gain * pv + offset) * perHour, zr);
  }
  return { source: KNMI_SOURCE, obstime, width, height, dbz, georef };
}

export const knmiReader: CompositeReader = { source: KNMI_SOURCE, read: readKnmiHdf5 };
