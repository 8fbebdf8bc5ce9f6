// The legend as a small image: a swatch and a label per step (highest at the top, as on
// radar apps' colour bars) and one for "no data", on a white card so it reads on any page.
import { drawText, GLYPH_HEIGHT, textWidth } from "./bitmap-font";
import { legend, MARKER_HALO_INDEX, MARKER_INDEX, type Palette, RAIN_PALETTE } from "./colour-scale";
import { encodePng } from "./png";

/** The rain palette already has opaque white and black (the marker's colours); reuse them. */
const BACKGROUND_INDEX = MARKER_HALO_INDEX;
const INK_INDEX = MARKER_INDEX;

export type LegendImage = { indexes: Uint8Array; width: number; height: number; palette: Palette };

/** Lays the legend out in palette indexes of RAIN_PALETTE; `scale` multiplies every size (1..8). */
export function drawLegend(scale = 2): LegendImage {
  if (!Number.isInteger(scale) || scale < 1 || scale > 8) throw new RangeError(`legend scale must be an integer 1..8, got ${scale}`);
  const data = legend();
  // Plain ASCII labels: the bitmap font has no en dash or >=.
  const rows = [
    ...data.steps
      .map((step) => ({
        index: step.paletteIndex,
        label: step.toMmPerHour === null ? `${step.fromMmPerHour}+` : `${step.fromMmPerHour}-${step.toMmPerHour}`,
      }))
      .reverse(),
    { index: data.noData.paletteIndex, label: "no data" },
  ];
  const title = data.unit;

  const pad = 3 * scale;
  const swatchWidth = 10 * scale;
  const swatchHeight = 6 * scale;
  const rowHeight = 8 * scale;
  const textHeight = GLYPH_HEIGHT * scale;
  const gap = 3 * scale;
  const labelWidth = Math.max(...rows.map((row) => textWidth(row.label)), textWidth(title)) * scale;
  const width = pad + swatchWidth + gap + labelWidth + pad;
  const titleHeight = textHeight + gap;
  // An extra gap separates "no data" from the rain steps.
  const height = pad + titleHeight + rows.length * rowHeight + gap + pad;

  const indexes = new Uint8Array(width * height).fill(BACKGROUND_INDEX);
  drawText(indexes, width, title, pad, pad, scale, INK_INDEX);
  rows.forEach((row, i) => {
    const top = pad + titleHeight + i * rowHeight + (i === rows.length - 1 ? gap : 0);
    for (let y = top; y < top + swatchHeight; y++) {
      for (let x = pad; x < pad + swatchWidth; x++) {
        // A one-pixel black border, so the translucent no-data swatch still has an edge.
        const border = y === top || y === top + swatchHeight - 1 || x === pad || x === pad + swatchWidth - 1;
        indexes[y * width + x] = border ? INK_INDEX : row.index;
      }
    }
    drawText(indexes, width, row.label, pad + swatchWidth + gap, top + Math.floor((swatchHeight - textHeight) / 2), scale, INK_INDEX);
  });
  return { indexes, width, height, palette: RAIN_PALETTE };
}

/** The legend as a PNG image. */
export async function encodeLegendPng(scale = 2): Promise<Uint8Array> {
  const image = drawLegend(scale);
  return encodePng(image.indexes, image.width, image.height, image.palette);
}
