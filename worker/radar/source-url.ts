import { stamp } from "./frame-store";

/**
 * The URL of a composite from a template with {yyyymmdd} and {stamp}
 * (YYYYMMDDHHMM) placeholders; FMI's archive layout is
 * `{base}/{yyyymmdd}/{stamp}_fmi.radar.composite.lowest_FIN_SUOMI1.pgm.gz`.
 */
export function radarFrameUrl(template: string, obstime: Date): string {
  const s = stamp(obstime);
  return template.replaceAll("{yyyymmdd}", s.slice(0, 8)).replaceAll("{stamp}", s);
}

export const FMI_URL_TEMPLATE_PATH = "/{yyyymmdd}/{stamp}_fmi.radar.composite.lowest_FIN_SUOMI1.pgm.gz";
