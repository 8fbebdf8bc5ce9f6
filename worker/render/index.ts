// Public API of the radar rendering library: Web-standard APIs only (workerd and Node 22).
export {
  FIRST_STEP_INDEX,
  legend,
  type Legend,
  type LegendStep,
  MARKER_HALO_INDEX,
  MARKER_INDEX,
  NO_DATA_INDEX,
  NO_RAIN_INDEX,
  type Palette,
  RAIN_PALETTE,
  RAIN_RATE_STEPS,
  type RainRateStep,
  type Rgba,
} from "./colour-scale";
export { createRainClassifier, type RainClassifier } from "./classify";
export { encodePng } from "./png";
export { encodeGif, type GifOptions, type GifTiming } from "./gif";
export { drawPlaceMarker, type MarkerOptions } from "./marker";
export { drawLegend, encodeLegendPng, type LegendImage } from "./legend-image";
