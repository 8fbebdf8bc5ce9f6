import { zrForSource } from "../../nowcast/src/index";
import { stamp } from "../radar/frame-store";
import { createRainClassifier, drawPlaceMarker, encodeGif, encodePng, RAIN_PALETTE } from "../render/index";
import { yieldToRequests } from "./cooperate";

/** R2 key of one of a nowcast's own images (forecast leads, animation), under its prefix. */
export function assetKey(nowcastId: string, name: string): string {
  return `nowcasts/${nowcastId}/${name}`;
}

/** The R2 prefix under which observed-frame images lie, oldest radar time first. */
export const OBSERVED_PREFIX = "observed/";

/**
 * R2 key of an observed frame's image for a location's crop: the same for every nowcast
 * (any model, any later radar time) that shows that frame there, so it is rendered once.
 * Keys sort by radar time, so retention can walk them oldest first.
 */
export function observedImageKey(source: string, obstime: Date, locationId: number): string {
  return `${OBSERVED_PREFIX}${source}/${stamp(obstime)}/${locationId}.png`;
}

export const ANIMATION_FRAME_MS = 500;

export interface RenderedImages {
  /** PNGs of the observed frames asked for (by their position among `observed`); others are null. */
  observedPngs: (Uint8Array | null)[];
  forecastPngs: Uint8Array[];
  gif: Uint8Array;
}

/**
 * Renders the observed frames and the forecast leads of a crop (dBZ, NaN = no data) with
 * the radar colour scale and a marker at the place: a PNG per forecast lead, a PNG per
 * observed frame that `encodeObserved` asks for (the others exist already), and one looping
 * GIF of the observed hour followed by the forecast hour.
 */
export async function renderImages(
  source: string,
  width: number,
  height: number,
  observed: readonly Float32Array[],
  forecast: readonly Float32Array[],
  marker: { x: number; y: number },
  encodeObserved: readonly boolean[],
): Promise<RenderedImages> {
  const classifier = createRainClassifier(zrForSource(source));
  const indexes = [...observed, ...forecast].map((dbz) => {
    const frame = classifier.classify(dbz);
    drawPlaceMarker(frame, width, height, marker.x, marker.y);
    return frame;
  });
  // One image at a time, yielding between them (./cooperate.ts).
  const observedPngs: (Uint8Array | null)[] = [];
  for (let i = 0; i < observed.length; i++) {
    observedPngs.push(encodeObserved[i] ? await encodePng(indexes[i]!, width, height, RAIN_PALETTE) : null);
    await yieldToRequests();
  }
  const forecastPngs: Uint8Array[] = [];
  for (const frame of indexes.slice(observed.length)) {
    forecastPngs.push(await encodePng(frame, width, height, RAIN_PALETTE));
    await yieldToRequests();
  }
  // The last observed frame is held a little longer: the eye should catch where "now" is.
  const delaysMs = indexes.map((_, i) => (i === observed.length - 1 ? ANIMATION_FRAME_MS * 3 : ANIMATION_FRAME_MS));
  const gif = encodeGif(indexes, width, height, RAIN_PALETTE, { delaysMs });
  return { observedPngs, forecastPngs, gif };
}
