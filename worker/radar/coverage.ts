import { contains, latLonToPixel, type Georeference, type RadarFrame } from "../../nowcast/src/index";

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

const decodedBits = new Map<string, Uint8Array>();
function maskBits(mask: CoverageMask): Uint8Array {
  let bits = decodedBits.get(mask.bits);
  if (!bits) {
    const binary = atob(mask.bits);
    bits = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    decodedBits.clear();
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
