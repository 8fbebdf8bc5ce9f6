import { RadarFormatError } from "./errors.js";
import { FMI_SOURCE, fmiReader } from "./fmi.js";
import type { CompositeReader, RadarFrame } from "./frame.js";
import { isGzip } from "./gzip.js";
import { isHdf5 } from "./hdf5.js";
import { KNMI_CONVERSION, KNMI_SOURCE, knmiReader } from "./knmi.js";
import { MCH_CONVERSION, MCH_SOURCE, mchReader } from "./mch.js";
import { ODIM_CONVERSIONS, OPERA_SOURCE, operaReader } from "./odim.js";

/** One radar composite family: its reader and the facts the product shows or schedules by. */
export type RadarSource = {
  id: string;
  name: string;
  /** The credit the licence asks for wherever the product shows these images. */
  credit: string;
  licence: string;
  reader: CompositeReader;
  /** The source's own time step: frames arrive, and nowcasts step, this many minutes apart. */
  stepMinutes: number;
  /** What the files carry and how it becomes rain rate. */
  quantity: "reflectivity" | "accumulation" | "rain rate";
  conversion: string;
  /** How the archive names one composite file. */
  filePattern: RegExp;
  /** National composites are preferred over a continental one where both cover a place. */
  scope: "national" | "continental";
};

export const RADAR_SOURCES: Readonly<Record<string, RadarSource>> = {
  [FMI_SOURCE]: {
    id: FMI_SOURCE,
    name: "FMI radar composite (Finland)",
    credit: "Finnish Meteorological Institute",
    licence: "CC BY 4.0",
    reader: fmiReader,
    stepMinutes: 5,
    quantity: "reflectivity",
    conversion: "dBZ = (value - 64) / 2; rain rate by FMI's Z = 223 R^1.53",
    filePattern: /\.pgm(\.gz)?$/,
    scope: "national",
  },
  [KNMI_SOURCE]: {
    id: KNMI_SOURCE,
    name: "KNMI radar composite (the Netherlands)",
    credit: "KNMI",
    licence: "CC BY 4.0",
    reader: knmiReader,
    stepMinutes: 5,
    quantity: "accumulation",
    conversion: KNMI_CONVERSION,
    filePattern: /^RAD_NL25_RAP_5min_\d{12}\.h5$/,
    scope: "national",
  },
  [MCH_SOURCE]: {
    id: MCH_SOURCE,
    name: "MeteoSwiss AQC radar composite (Switzerland)",
    credit: "MeteoSwiss",
    licence: "MeteoSwiss open data",
    reader: mchReader,
    stepMinutes: 5,
    quantity: "accumulation",
    conversion: MCH_CONVERSION,
    filePattern: /^AQC\d{9}V_00005\.801\.gif$/,
    scope: "national",
  },
  [OPERA_SOURCE]: {
    id: OPERA_SOURCE,
    name: "EUMETNET OPERA composite (Europe)",
    credit: "EUMETNET OPERA",
    licence: "EUMETNET OPERA open data",
    reader: operaReader,
    stepMinutes: 15,
    quantity: "rain rate",
    conversion: ODIM_CONVERSIONS.RATE,
    filePattern: /^T_PAAH21_C_EUOC_\d{14}\.hdf$/,
    scope: "continental",
  },
};

export function radarSource(id: string): RadarSource {
  const source = RADAR_SOURCES[id];
  if (!source) throw new RangeError(`unknown radar source '${id}'; known: ${Object.keys(RADAR_SOURCES).join(", ")}`);
  return source;
}

/** The source whose archive names a file so; null for a file no reader claims. */
export function sourceOfFileName(name: string): RadarSource | null {
  return Object.values(RADAR_SOURCES).find((s) => s.filePattern.test(name)) ?? null;
}

/**
 * The source a composite's bytes belong to, by their format: PGM (gzipped or not) is FMI, GIF is
 * MeteoSwiss, ODIM HDF5 is OPERA and other HDF5 is KNMI; the reader then checks the rest.
 */
export function sourceOfBytes(bytes: Uint8Array): RadarSource {
  if (isGzip(bytes) || (bytes[0] === 0x50 && bytes[1] === 0x35)) return RADAR_SOURCES[FMI_SOURCE]!;
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return RADAR_SOURCES[MCH_SOURCE]!;
  if (isHdf5(bytes)) {
    // ODIM files carry their convention as a root attribute whose name appears in the superblock's first kilobytes.
    const head = new TextDecoder("latin1").decode(bytes.subarray(0, Math.min(bytes.length, 1 << 16)));
    return RADAR_SOURCES[head.includes("ODIM_H5") ? OPERA_SOURCE : KNMI_SOURCE]!;
  }
  throw new RadarFormatError("bad-magic", "not a composite of any known source (PGM, GIF or HDF5)");
}

/** Reads a composite of any known source. */
export async function readComposite(bytes: Uint8Array): Promise<RadarFrame> {
  return sourceOfBytes(bytes).reader.read(bytes);
}
