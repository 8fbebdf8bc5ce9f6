// A place's nowcast read off its source's regional forecast (the whole composite on the regional
// grid, run once per frame by ingest): what a place with no current nowcast of its own is served
// at once, while its own (the 1 km crop) is computed in the background. Per place this is a small
// window of bytes and a few sums, no model run and no image, so such an answer costs about what a
// cached one does; its map is the regional view's images, shared by every place of the frame.
// No I/O.
import { type Georeference, latLonToPixel, type RadarFrame, subGrid } from "../../nowcast/src/index";
import type { InferenceResult } from "../inference/contract";
import { ANIMATION_FRAME_MS } from "./assets";
import { stepMinutesOf } from "../radar/frame-store";
import { LEGEND_LINKS, observedFramesAt, placeForecast, radarCredit } from "./build";
import { dbzOfByte } from "./forecast-values";
import type { IndexedLocation } from "./location-index";
import type { NowcastPayload } from "./payload";
import { regionalFrameLinks } from "./regional";
import type { RegionalForecast } from "./regional-forecast";

/**
 * Side of the window the series and the chance are read from, in regional pixels: wider than the
 * chance's neighbourhood at 60 minutes (14 km half-width, 7 pixels at 2 km; 2 at OPERA's 8 km).
 */
const WINDOW_PX = 32;

const DBZ_OF_BYTE = Float32Array.from({ length: 256 }, (_, byte) => dbzOfByte(byte));

/** The window's dBZ from one quantized field; beyond the grid is no data. */
function windowOf(values: Uint8Array, grid: Georeference, col0: number, row0: number): Float32Array {
  const out = new Float32Array(WINDOW_PX * WINDOW_PX).fill(NaN);
  for (let row = Math.max(0, row0); row < Math.min(grid.height, row0 + WINDOW_PX); row++) {
    for (let col = Math.max(0, col0); col < Math.min(grid.width, col0 + WINDOW_PX); col++) {
      out[(row - row0) * WINDOW_PX + (col - col0)] = DBZ_OF_BYTE[values[row * grid.width + col]!]!;
    }
  }
  return out;
}

export interface RegionalNowcastInputs {
  id: string;
  regional: RegionalForecast;
  location: IndexedLocation;
  coverageOutline: [number, number][];
}

/** The place's nowcast from the regional forecast: its series, chance and sentence, and the regional view as its map. */
export function regionalNowcast(input: RegionalNowcastInputs): NowcastPayload {
  const { regional, location } = input;
  const stepMinutes = stepMinutesOf(regional.source);
  const { x, y } = latLonToPixel(regional.georef, location.lat, location.lon);
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`cannot place ${location.lat}, ${location.lon} on the regional grid`);
  const half = WINDOW_PX / 2;
  const col0 = Math.floor(x) - half;
  const row0 = Math.floor(y) - half;
  const georef = subGrid(regional.georef, col0, row0, WINDOW_PX, WINDOW_PX);
  const analysis: RadarFrame = {
    source: regional.source,
    obstime: regional.radarTime,
    width: WINDOW_PX,
    height: WINDOW_PX,
    dbz: windowOf(regional.analysis, regional.georef, col0, row0),
    georef,
  };
  const result: InferenceResult = {
    model: regional.model,
    source: regional.source,
    analysisTime: regional.radarTime,
    stepMinutes,
    leads: regional.leads.length,
    width: WINDOW_PX,
    height: WINDOW_PX,
    georef,
    frames: regional.leads.map((values) => windowOf(values, regional.georef, col0, row0)),
  };
  const { series, chance, events, neighbourhoodKm } = placeForecast(analysis, result, location, regional.radarTime);
  const stepMs = stepMinutes * 60_000;
  const newestSlot = observedFramesAt(stepMinutes) - 1;
  const frames = regionalFrameLinks(
    regional.source,
    regional.radarTime,
    regional.observedSlots.map((slot) => ({ slot, time: new Date(regional.radarTime.getTime() - (newestSlot - slot) * stepMs) })),
    regional.leads.length,
  );
  return {
    id: input.id,
    issuedAt: regional.computedAt.toISOString(),
    radarTime: regional.radarTime.toISOString(),
    source: regional.source,
    radar: radarCredit(regional.source, input.coverageOutline),
    model: regional.model,
    backend: regional.backend,
    stepMinutes,
    location,
    neighbourhoodKm,
    // The map's frames are the regional view's: the whole composite, on its grid.
    georef: regional.georef,
    series,
    chance,
    events,
    motion: null,
    frames,
    regional: null,
    animation: { url: null, frames: frames.observed.length + frames.forecast.length, frameDelayMs: ANIMATION_FRAME_MS },
    legend: LEGEND_LINKS,
  };
}

