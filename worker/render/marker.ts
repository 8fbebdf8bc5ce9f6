// A place marker (ring with crosshair ticks) drawn into palette indexes, so the product's
// images show where the forecast place is. The ring leaves the centre pixels free, so the
// rain at the place itself stays visible.
import { MARKER_HALO_INDEX, MARKER_INDEX } from "./colour-scale";
import { checkImageSize } from "./image-checks";

export type MarkerOptions = {
  /** Ring radius in pixels; default 5. */
  radius?: number;
  /** Length of the ticks outside the ring; default 3. */
  tickLength?: number;
  /** Palette index of the ring and ticks; default MARKER_INDEX. */
  index?: number;
  /** Palette index of the one-pixel outline around them, or null for none; default MARKER_HALO_INDEX. */
  haloIndex?: number | null;
};

/**
 * Draws the marker centred on pixel (x, y) (fractional positions round to the nearest pixel)
 * into `indexes` in place, clipped to the image. Returns false when the centre is outside the image.
 */
export function drawPlaceMarker(
  indexes: Uint8Array,
  width: number,
  height: number,
  x: number,
  y: number,
  options: MarkerOptions = {},
): boolean {
  checkImageSize(indexes.length, width, height, Number.MAX_SAFE_INTEGER, "drawPlaceMarker");
  const radius = options.radius ?? 5;
  const tickLength = options.tickLength ?? 3;
  const index = options.index ?? MARKER_INDEX;
  const haloIndex = options.haloIndex === undefined ? MARKER_HALO_INDEX : options.haloIndex;
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`drawPlaceMarker: position (${x}, ${y}) is not finite`);
  if (!(radius >= 1 && tickLength >= 0)) throw new RangeError("drawPlaceMarker: radius must be >= 1 and tickLength >= 0");
  const cx = Math.round(x);
  const cy = Math.round(y);

  // The marker's shape in a small square around the centre, then its outline.
  const reach = Math.ceil(radius + tickLength) + 1;
  const side = 2 * reach + 1;
  const shape = new Uint8Array(side * side);
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) {
      const distance = Math.hypot(dx, dy);
      const onRing = Math.abs(distance - radius) <= 0.5;
      const onTick = (dx === 0 || dy === 0) && distance > radius && distance <= radius + tickLength;
      if (onRing || onTick) shape[(dy + reach) * side + dx + reach] = 1;
    }
  }

  const paint = (px: number, py: number, value: number): void => {
    if (px >= 0 && px < width && py >= 0 && py < height) indexes[py * width + px] = value;
  };
  if (haloIndex !== null) {
    for (let sy = 0; sy < side; sy++) {
      for (let sx = 0; sx < side; sx++) {
        if (shape[sy * side + sx]) continue;
        let touches = false;
        for (let ny = Math.max(0, sy - 1); ny <= Math.min(side - 1, sy + 1) && !touches; ny++) {
          for (let nx = Math.max(0, sx - 1); nx <= Math.min(side - 1, sx + 1); nx++) {
            if (shape[ny * side + nx]) touches = true;
          }
        }
        if (touches) paint(cx + sx - reach, cy + sy - reach, haloIndex);
      }
    }
  }
  for (let sy = 0; sy < side; sy++) {
    for (let sx = 0; sx < side; sx++) {
      if (shape[sy * side + sx]) paint(cx + sx - reach, cy + sy - reach, index);
    }
  }
  return cx >= 0 && cx < width && cy >= 0 && cy < height;
}
