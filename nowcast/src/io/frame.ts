import type { Georeference } from "../geo/georeference.js";

/** One radar composite image: reflectivity on a georeferenced grid. */
export type RadarFrame = {
  /** Composite family, e.g. "fmi"; selects the Z-R relation for displayed rain rates. */
  source: string;
  /** Nominal observation time (UTC). */
  obstime: Date;
  width: number;
  height: number;
  /** Row-major reflectivity in dBZ, first row north; NaN = no data (not "no rain"). */
  dbz: Float32Array;
  georef: Georeference;
};

/** A decoder for one composite family; other families (MRMS, OPERA ODIM) implement the same. */
export interface CompositeReader {
  readonly source: string;
  read(bytes: Uint8Array | ArrayBuffer): Promise<RadarFrame>;
}
