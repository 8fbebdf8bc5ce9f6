import { contains, latLonToPixel, pixelToLatLon, type Georeference, type RadarFrame } from "../../nowcast/src/index";

/**
 * Where a composite has data: one bit per block of blockPx x blockPx pixels,
 * set when any pixel of the block has a value. The grid's rectangle alone is
 * not coverage: its corners reach far past the radars (St Petersburg lies
 * inside FMI's grid but has no data).
 */
export interface CoverageMask {
  blockPx: number;
  cols: number;
  rows: number;
  /** Row-major bits, base64. */
  bits: string;
}

const BLOCK_PX = 4;

export function coverageMask(frame: RadarFrame, blockPx = BLOCK_PX): CoverageMask {
  const cols = Math.ceil(frame.width / blockPx);
  const rows = Math.ceil(frame.height / blockPx);
  const bits = new Uint8Array(Math.ceil((cols * rows) / 8));
  const { dbz, width, height } = frame;
  for (let y = 0; y < height; y++) {
    const blockRow = Math.floor(y / blockPx) * cols;
    for (let x = 0; x < width; x++) {
      const value = dbz[y * width + x]!;
      if (value === value) {
        const bit = blockRow + Math.floor(x / blockPx);
        bits[bit >> 3]! |= 1 << (bit & 7);
      }
    }
  }
  let binary = "";
  for (const b of bits) binary += String.fromCharCode(b);
  return { blockPx, cols, rows, bits: btoa(binary) };
}

// Decoded masks by their base64 text: a few per source (the newest frame's, and the one before it
// while an isolate still holds both). One entry would thrash: a search tests every candidate against
// each source in turn, and each miss decodes a whole mask (OPERA's is 32 KB).
const MASKS_KEPT = 8;
const decodedBits = new Map<string, Uint8Array>();
function maskBits(mask: CoverageMask): Uint8Array {
  let bits = decodedBits.get(mask.bits);
  if (!bits) {
    const binary = atob(mask.bits);
    bits = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    if (decodedBits.size >= MASKS_KEPT) decodedBits.delete(decodedBits.keys().next().value!);
    decodedBits.set(mask.bits, bits);
  }
  return bits;
}

/** Inside the grid and in a block where the composite has data. */
export function covers(georef: Georeference, mask: CoverageMask, lat: number, lon: number): boolean {
  if (!contains(georef, lat, lon)) return false;
  const { x, y } = latLonToPixel(georef, lat, lon);
  const col = Math.floor(x / mask.blockPx);
  const row = Math.floor(y / mask.blockPx);
  if (col < 0 || row < 0 || col >= mask.cols || row >= mask.rows) return false;
  const bit = row * mask.cols + col;
  return ((maskBits(mask)[bit >> 3]! >> (bit & 7)) & 1) === 1;
}

/** Rows of the mask an outline samples at most: enough for a map, small enough for every payload. */
const OUTLINE_ROWS = 48;

/**
 * A polygon around where the composite has data, as [lon, lat] pairs (closed: the first point
 * is repeated last): down the west ends and back up the east ends of the covered blocks in
 * sampled rows of the mask. Holes and bays narrower than a row are not traced; a map draws it
 * as the source's coverage.
 */
export function coverageOutline(georef: Georeference, mask: CoverageMask): [number, number][] {
  const bits = maskBits(mask);
  const stride = Math.max(1, Math.ceil(mask.rows / OUTLINE_ROWS));
  const west: [number, number][] = [];
  const east: [number, number][] = [];
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const at = (col: number, row: number): [number, number] => {
    const { lat, lon } = pixelToLatLon(georef, Math.min(georef.width, col * mask.blockPx), Math.min(georef.height, row * mask.blockPx));
    return [round(lon), round(lat)];
  };
  for (let row = 0; row < mask.rows; row += stride) {
    let first = -1;
    let last = -1;
    for (let r = row; r < Math.min(mask.rows, row + stride); r++) {
      for (let col = 0; col < mask.cols; col++) {
        const bit = r * mask.cols + col;
        if ((bits[bit >> 3]! >> (bit & 7)) & 1) {
          if (first < 0 || col < first) first = col;
          if (col > last) last = col;
        }
      }
    }
    if (first < 0) continue;
    const bottom = Math.min(mask.rows, row + stride);
    west.push(at(first, row), at(first, bottom));
    east.push(at(last + 1, row), at(last + 1, bottom));
  }
  if (!west.length) return [];
  const ring = [...west, ...east.reverse()];
  ring.push(ring[0]!);
  return ring;
}
