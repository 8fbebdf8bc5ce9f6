// Node-side access to the real FMI composites in ../shared/data/radar (or RADAR_DIR).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { radarDataDir } from "../../nowcast/node/radarFiles";

export const RADAR_DIR = radarDataDir();

const FILE_PATTERN = /^(\d{12})_fmi\.radar\.composite\.lowest_FIN_SUOMI1\.pgm\.gz$/;

export interface RadarFile {
  path: string;
  name: string;
  /** Observation time from the file name (YYYYMMDDHHMM, UTC). */
  obstime: Date;
}

export function parseStamp(stamp: string): Date {
  return new Date(Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(8, 10), +stamp.slice(10, 12)));
}

/** Every composite under dir (recursively), oldest first. */
export function listRadarFiles(dir = RADAR_DIR): RadarFile[] {
  const found: RadarFile[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const match = FILE_PATTERN.exec(name);
        if (match) found.push({ path, name, obstime: parseStamp(match[1]!) });
      }
    }
  };
  walk(dir);
  return found.sort((a, b) => a.obstime.getTime() - b.obstime.getTime());
}
