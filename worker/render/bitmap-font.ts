// A tiny 5-pixel-high bitmap font with just the characters the legend needs, so labels can
// be drawn without fonts or a canvas (neither exists in a Worker).

const GLYPH_ROWS: Readonly<Record<string, readonly string[]>> = {
  "0": ["###", "#.#", "#.#", "#.#", "###"],
  "1": [".#", "##", ".#", ".#", ".#"],
  "2": ["###", "..#", "###", "#..", "###"],
  "3": ["###", "..#", ".##", "..#", "###"],
  "4": ["#.#", "#.#", "###", "..#", "..#"],
  "5": ["###", "#..", "###", "..#", "###"],
  "6": ["###", "#..", "###", "#.#", "###"],
  "7": ["###", "..#", "..#", ".#.", ".#."],
  "8": ["###", "#.#", "###", "#.#", "###"],
  "9": ["###", "#.#", "###", "..#", "###"],
  ".": [".", ".", ".", ".", "#"],
  "+": ["...", ".#.", "###", ".#.", "..."],
  "-": ["..", "..", "##", "..", ".."],
  "/": ["..#", "..#", ".#.", "#..", "#.."],
  " ": ["..", "..", "..", "..", ".."],
  a: ["...", "...", ".##", "#.#", "###"],
  d: ["..#", "..#", "###", "#.#", "###"],
  h: ["#..", "#..", "###", "#.#", "#.#"],
  m: [".....", ".....", "####.", "#.#.#", "#.#.#"],
  n: ["...", "...", "##.", "#.#", "#.#"],
  o: ["...", "...", "###", "#.#", "###"],
  t: [".#.", "###", ".#.", ".#.", ".##"],
};

export const GLYPH_HEIGHT = 5;
/** Blank columns between glyphs. */
const GLYPH_GAP = 1;

/** Width in font pixels (before scaling) of `text`; unknown characters throw so gaps never go unnoticed. */
export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const rows = GLYPH_ROWS[char];
    if (!rows) throw new RangeError(`bitmap font has no glyph for '${char}'`);
    width += rows[0]!.length + GLYPH_GAP;
  }
  return Math.max(0, width - GLYPH_GAP);
}

/** Draws `text` with its top-left corner at (x, y), each font pixel `scale` x `scale` image pixels. */
export function drawText(
  indexes: Uint8Array,
  width: number,
  text: string,
  x: number,
  y: number,
  scale: number,
  colourIndex: number,
): void {
  const height = indexes.length / width;
  let left = x;
  for (const char of text) {
    const rows = GLYPH_ROWS[char];
    if (!rows) throw new RangeError(`bitmap font has no glyph for '${char}'`);
    rows.forEach((row, gy) => {
      for (let gx = 0; gx < row.length; gx++) {
        if (row[gx] !== "#") continue;
        for (let py = y + gy * scale; py < y + (gy + 1) * scale; py++) {
          for (let px = left + gx * scale; px < left + (gx + 1) * scale; px++) {
            if (px >= 0 && px < width && py >= 0 && py < height) indexes[py * width + px] = colourIndex;
          }
        }
      }
    });
    left += (rows[0]!.length + GLYPH_GAP) * scale;
  }
}
