// Radar sources the ingest can fetch from. A source adapter knows its composites'
// cadence (the source's own step), where one lives for an observation time (from the
// configured URL template) and how to decode it; one per source of the engine's registry.
import { RADAR_SOURCES, type RadarFrame, type ZRelation, zrForSource } from "../../nowcast/src/index";
import { decodeFrame } from "../radar/frame-store";
import { radarFrameUrl, templateHasTime } from "../radar/source-url";

export interface RadarSourceAdapter {
  /** The source id used in R2 keys, D1 rows and the newest-frame pointer. */
  id: string;
  /** Time between consecutive composites: the ingest's schedule of slots for this source. */
  stepMs: number;
  /** Z-R relation of the source's rain rates. */
  zr: ZRelation;
  /** The URL of the composite observed at `obstime`. */
  url(template: string, obstime: Date): string;
  /** Decodes a composite; throws RadarFormatError (with its `problem`) on malformed input. */
  decode(bytes: Uint8Array): Promise<RadarFrame>;
}

export const radarSources: Readonly<Record<string, RadarSourceAdapter>> = Object.fromEntries(
  Object.values(RADAR_SOURCES).map((source) => [
    source.id,
    {
      id: source.id,
      stepMs: source.stepMinutes * 60_000,
      zr: zrForSource(source.id),
      url: radarFrameUrl,
      decode: (bytes: Uint8Array) => decodeFrame(source.id, bytes),
    } satisfies RadarSourceAdapter,
  ]),
);

/** Why a URL template cannot be used, or null when it can. */
export function templateProblem(template: string): string | null {
  if (!templateHasTime(template)) return "it has no {stamp} (or {jjj} and {hhmm}) placeholder";
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
