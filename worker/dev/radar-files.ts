// Node-side access to the real composites in ../shared/data/radar/<source> (FMI: or RADAR_DIR).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { radarDataDir } from "../../nowcast/node/radarFiles";

export const RADAR_DIR = radarDataDir();

/** Each source's archive file names and where their observation time (UTC) sits in them. */
const FILE_TIMES: Readonly<Record<string, { pattern: RegExp; time: (m: RegExpExecArray) => Date }>> = {
  fmi: { pattern: /^(\d{12})_fmi\.radar\.composite\.lowest_FIN_SUOMI1\.pgm\.gz$/, time: (m) => parseStamp(m[1]!) },
  knmi: { pattern: /^RAD_NL25_RAP_5min_(\d{12})\.h5$/, time: (m) => parseStamp(m[1]!) },
  mch: {
    pattern: /^AQC(\d{2})(\d{3})(\d{2})(\d{2})V_00005\.801\.gif$/,
    time: (m) => new Date(Date.UTC(2000 + Number(m[1]), 0, Number(m[2]), Number(m[3]), Number(m[4]))),
  },
  opera: { pattern: /^T_PAAH21_C_EUOC_(\d{12})00\.hdf$/, time: (m) => parseStamp(m[1]!) },
};

export interface RadarFile {
  path: string;
  name: string;
  source: string;
  /** Observation time from the file name (UTC). */
  obstime: Date;
}

export function parseStamp(stamp: string): Date {
  return new Date(Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(8, 10), +stamp.slice(10, 12)));
}

/** Every composite of a known source under dir (recursively), oldest first. */
export function listRadarFiles(dir = RADAR_DIR): RadarFile[] {
  const found: RadarFile[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        for (const [source, { pattern, time }] of Object.entries(FILE_TIMES)) {
          const match = pattern.exec(name);
          if (match) found.push({ path, name, source, obstime: time(match) });
        }
      }
    }
  };
  walk(dir);
  return found.sort((a, b) => a.obstime.getTime() - b.obstime.getTime());
}
