// Radar sources the ingest can fetch from. A source adapter knows its composites'
// cadence, where one lives for an observation time (from the configured URL
// template) and how to decode it; FMI's open data composites are the first.
import { FMI_ZR, type RadarFrame, type ZRelation } from "../../nowcast/src/index";
import { decodeFrame, FRAME_STEP_MINUTES } from "../radar/frame-store";
import { radarFrameUrl } from "../radar/source-url";

export interface RadarSourceAdapter {
  /** The source id used in R2 keys, D1 rows and the newest-frame pointer. */
  id: string;
  /** Time between consecutive composites. */
  stepMs: number;
  /** Z-R relation of the source's rain rates. */
  zr: ZRelation;
  /** The URL of the composite observed at `obstime`. */
  url(template: string, obstime: Date): string;
  /** Decodes a composite; throws RadarFormatError (with its `problem`) on malformed input. */
  decode(bytes: Uint8Array): Promise<RadarFrame>;
}

const fmi: RadarSourceAdapter = {
  id: "fmi",
  stepMs: FRAME_STEP_MINUTES * 60_000,
  zr: FMI_ZR,
  url: radarFrameUrl,
  decode: (bytes) => decodeFrame("fmi", bytes),
};

export const radarSources: Readonly<Record<string, RadarSourceAdapter>> = { fmi };

/** Why a URL template cannot be used, or null when it can. */
export function templateProblem(template: string): string | null {
  if (!template.includes("{stamp}")) return "it has no {stamp} placeholder";
  try {
    const url = new URL(radarFrameUrl(template, new Date(0)));
    if (url.protocol !== "http:" && url.protocol !== "https:") return `it is not an http(s) URL (${url.protocol})`;
  } catch {
    return "it is not a URL";
  }
  return null;
}

/** The slot (observation time on the source's cadence) at or before `time`. */
export function floorToStep(time: number, stepMs: number): number {
  return Math.floor(time / stepMs) * stepMs;
}
