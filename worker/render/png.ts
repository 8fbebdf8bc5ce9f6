// Indexed-colour PNG (colour type 3) with Web-standard APIs only: CompressionStream makes the
// zlib stream that IDAT holds, so this runs unchanged in workerd and Node.
import type { Palette } from "./colour-scale";
import { checkImageSize, checkIndexes, checkPalette } from "./image-checks";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COLOUR_TYPE_INDEXED = 3;
/** The PNG spec's limit on a side (2^31 - 1); a Worker runs out of memory long before. */
const MAX_SIDE = 0x7fffffff;

/** CRC-32 (ISO 3309) table, built on first use and kept: every chunk needs it. */
let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The fewest bits per pixel that hold every palette index: fewer bytes to deflate and store. */
function bitDepthFor(paletteSize: number): 1 | 2 | 4 | 8 {
  if (paletteSize <= 2) return 1;
  if (paletteSize <= 4) return 2;
  if (paletteSize <= 16) return 4;
  return 8;
}

/** Scanlines with filter type 0 (none), which the spec recommends for palette images. */
function scanlines(indexes: Uint8Array, width: number, height: number, bitDepth: number): Uint8Array<ArrayBuffer> {
  const stride = Math.ceil((width * bitDepth) / 8);
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const rowStart = y * (stride + 1) + 1;
    const row = indexes.subarray(y * width, (y + 1) * width);
    if (bitDepth === 8) {
      raw.set(row, rowStart);
      continue;
    }
    // Pack left to right, most significant bits first.
    const perByte = 8 / bitDepth;
    for (let x = 0; x < width; x++) {
      const shift = 8 - bitDepth * ((x % perByte) + 1);
      raw[rowStart + ((x / perByte) | 0)]! |= row[x]! << shift;
    }
  }
  return raw;
}

async function zlibDeflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

type Chunk = { type: string; data: Uint8Array };

function assemble(chunks: Chunk[]): Uint8Array {
  const size = PNG_SIGNATURE.length + chunks.reduce((sum, c) => sum + 12 + c.data.length, 0);
  const png = new Uint8Array(size);
  const view = new DataView(png.buffer);
  png.set(PNG_SIGNATURE, 0);
  let pos = PNG_SIGNATURE.length;
  for (const { type, data } of chunks) {
    view.setUint32(pos, data.length);
    for (let i = 0; i < 4; i++) png[pos + 4 + i] = type.charCodeAt(i);
    png.set(data, pos + 8);
    // The CRC covers the type and the data, not the length.
    view.setUint32(pos + 8 + data.length, crc32(png, pos + 4, pos + 8 + data.length));
    pos += 12 + data.length;
  }
  return png;
}

/**
 * Encodes palette indexes (row-major, first row at the top) as an indexed-colour PNG:
 * PLTE holds the colours, tRNS the alpha of entries that are not opaque.
 */
export async function encodePng(indexes: Uint8Array, width: number, height: number, palette: Palette): Promise<Uint8Array> {
  checkImageSize(indexes.length, width, height, MAX_SIDE, "encodePng");
  checkPalette(palette, "encodePng");
  checkIndexes(indexes, palette.length, "encodePng");
  const bitDepth = bitDepthFor(palette.length);

  const header = new Uint8Array(13);
  const headerView = new DataView(header.buffer);
  headerView.setUint32(0, width);
  headerView.setUint32(4, height);
  header.set([bitDepth, COLOUR_TYPE_INDEXED, 0, 0, 0], 8); // deflate, adaptive filtering, no interlace

  const colours = new Uint8Array(palette.length * 3);
  palette.forEach(([r, g, b], i) => colours.set([r, g, b], i * 3));

  // tRNS may stop after the last non-opaque entry; the rest count as opaque.
  let alphaCount = palette.length;
  while (alphaCount > 0 && palette[alphaCount - 1]![3] === 255) alphaCount--;
  const alphas = Uint8Array.from(palette.slice(0, alphaCount), (rgba) => rgba[3]);

  const chunks: Chunk[] = [
    { type: "IHDR", data: header },
    { type: "PLTE", data: colours },
    ...(alphaCount > 0 ? [{ type: "tRNS", data: alphas }] : []),
    { type: "IDAT", data: await zlibDeflate(scanlines(indexes, width, height, bitDepth)) },
    { type: "IEND", data: new Uint8Array(0) },
  ];
  return assemble(chunks);
}
