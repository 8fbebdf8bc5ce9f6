// Argument checks shared by the encoders: a bad size or palette should fail loudly here,
// not produce a file that some viewers reject and others show garbled.
import type { Palette } from "./colour-scale";

/** Checks that width and height are positive integers within `maxSide` and that `pixels` matches. */
export function checkImageSize(pixels: number, width: number, height: number, maxSide: number, what: string): void {
  for (const [name, side] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (!Number.isInteger(side) || side < 1 || side > maxSide) {
      throw new RangeError(`${what}: ${name} must be an integer from 1 to ${maxSide}, got ${side}`);
    }
  }
  if (pixels !== width * height) {
    throw new RangeError(`${what}: ${pixels} palette indexes do not fill ${width} x ${height} = ${width * height} pixels`);
  }
}

/** Checks that the palette has 1..256 entries of four integer channels 0..255. */
export function checkPalette(palette: Palette, what: string): void {
  if (palette.length < 1 || palette.length > 256) {
    throw new RangeError(`${what}: a palette needs 1 to 256 entries, got ${palette.length}`);
  }
  palette.forEach((rgba, index) => {
    if (rgba.length !== 4 || rgba.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) {
      throw new RangeError(`${what}: palette entry ${index} is not four integers 0..255: [${rgba.join(", ")}]`);
    }
  });
}

/** Checks that every index names a palette entry; one pass, no allocation. */
export function checkIndexes(indexes: Uint8Array, paletteSize: number, what: string): void {
  for (let i = 0; i < indexes.length; i++) {
    if (indexes[i]! >= paletteSize) {
      throw new RangeError(`${what}: pixel ${i} has index ${indexes[i]}, outside the ${paletteSize}-entry palette`);
    }
  }
}
