import { zrForSource } from "../../nowcast/src/index";
import { createRainClassifier, drawPlaceMarker, encodeGif, encodePng, RAIN_PALETTE } from "../render/index";

/** R2 keys of one nowcast's images, under its own prefix. */
export function assetKey(nowcastId: string, name: string): string {
  return `nowcasts/${nowcastId}/${name}`;
}

export const ANIMATION_FRAME_MS = 500;

export interface RenderedAssets {
  observedPngs: Uint8Array[];
  forecastPngs: Uint8Array[];
  gif: Uint8Array;
}

/**
 * Renders the observed frames and the forecast leads of a crop (dBZ, NaN = no
 * data) with the radar colour scale and a marker at the place: one PNG each,
 * and one looping GIF of the observed hour followed by the forecast hour.
 */
export async function renderAssets(
  source: string,
  width: number,
  height: number,
  observed: readonly Float32Array[],
  forecast: readonly Float32Array[],
  marker: { x: number; y: number },
): Promise<RenderedAssets> {
  const classifier = createRainClassifier(zrForSource(source));
  const indexes = [...observed, ...forecast].map((dbz) => {
    const frame = classifier.classify(dbz);
    drawPlaceMarker(frame, width, height, marker.x, marker.y);
    return frame;
  });
  const pngs = await Promise.all(indexes.map((frame) => encodePng(frame, width, height, RAIN_PALETTE)));
  // The last observed frame is held a little longer: the eye should catch where "now" is.
  const delaysMs = indexes.map((_, i) => (i === observed.length - 1 ? ANIMATION_FRAME_MS * 3 : ANIMATION_FRAME_MS));
  const gif = encodeGif(indexes, width, height, RAIN_PALETTE, { delaysMs });
  return { observedPngs: pngs.slice(0, observed.length), forecastPngs: pngs.slice(observed.length), gif };
}
