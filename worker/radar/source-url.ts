import { stamp } from "./frame-store";

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/**
 * The URL of a composite from a template with placeholders for its time (UTC): {yyyymmdd},
 * {stamp} (YYYYMMDDHHMM), and for MeteoSwiss' names {yy} (year), {jjj} (day of the year) and
 * {hhmm}. The archives' layouts are below, per source.
 */
export function radarFrameUrl(template: string, obstime: Date): string {
  const s = stamp(obstime);
  const dayOfYear = Math.floor((obstime.getTime() - Date.UTC(obstime.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  return template
    .replaceAll("{yyyymmdd}", s.slice(0, 8))
    .replaceAll("{stamp}", s)
    .replaceAll("{yy}", s.slice(2, 4))
    .replaceAll("{jjj}", pad(dayOfYear, 3))
    .replaceAll("{hhmm}", s.slice(8, 12));
}

/** Whether a template names a time to the minute. */
export function templateHasTime(template: string): boolean {
  return template.includes("{stamp}") || (template.includes("{jjj}") && template.includes("{hhmm}"));
}

export const FMI_URL_TEMPLATE_PATH = "/{yyyymmdd}/{stamp}_fmi.radar.composite.lowest_FIN_SUOMI1.pgm.gz";

/** Each source's archive layout below a base URL (the replay server serves them so). */
export const URL_TEMPLATE_PATHS: Readonly<Record<string, string>> = {
  fmi: FMI_URL_TEMPLATE_PATH,
  knmi: "/{yyyymmdd}/RAD_NL25_RAP_5min_{stamp}.h5",
  mch: "/{yyyymmdd}/AQC{yy}{jjj}{hhmm}V_00005.801.gif",
  opera: "/{yyyymmdd}/T_PAAH21_C_EUOC_{stamp}00.hdf",
};
