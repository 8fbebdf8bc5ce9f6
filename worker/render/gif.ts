// Animated GIF89a from palette-index frames: one global colour table, one transparent index,
// NETSCAPE2.0 looping and our own LZW coder (no dependency, nothing Node-only).
import type { Palette } from "./colour-scale";
import { checkImageSize, checkIndexes, checkPalette } from "./image-checks";

/** GIF stores sizes as 16-bit unsigned integers. */
const MAX_SIDE = 0xffff;
/** LZW codes are at most 12 bits wide. */
const MAX_CODES = 4096;
/** GIF delays are in hundredths of a second, 16-bit. */
const MAX_DELAY_CENTISECONDS = 0xffff;
/** "Restore to background": clears each frame before the next, so its rain never shows through the next frame's transparent pixels. */
const DISPOSE_TO_BACKGROUND = 2;

export type GifTiming = { delayMs: number; delaysMs?: never } | { delaysMs: readonly number[]; delayMs?: never };

export type GifOptions = GifTiming & {
  /** Loop forever (NETSCAPE2.0 extension); default true. */
  loop?: boolean;
  /**
   * The palette index drawn transparent. Default: the first fully transparent palette entry.
   * GIF has no partial transparency: other translucent entries (no data) are drawn opaque.
   */
  transparentIndex?: number | null;
};

/** A growable byte buffer; the LZW loop writes into `bytes` directly after `reserve`. */
class ByteWriter {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  write(...values: number[]): void {
    this.reserve(values.length);
    for (const value of values) this.bytes[this.length++] = value;
  }

  uint16(value: number): void {
    this.write(value & 0xff, value >>> 8);
  }

  ascii(text: string): void {
    for (let i = 0; i < text.length; i++) this.write(text.charCodeAt(i));
  }
}

/**
 * LZW-compresses one frame as GIF image data: the minimum code size byte, then the codes
 * (least significant bit first) in sub-blocks of at most 255 bytes, then a zero-length block.
 * `table` maps (prefix code, next index) to a code; 0 means "no entry" (no string gets code 0).
 */
function writeImageData(out: ByteWriter, pixels: Uint8Array, minCodeSize: number, table: Int16Array): void {
  const clearCode = 1 << minCodeSize;
  const endCode = clearCode + 1;
  // Worst case: one 12-bit code per pixel, a clear code now and then, a length byte per 255.
  out.reserve(2 * pixels.length + 1024);
  const bytes = out.bytes;
  let pos = out.length;
  bytes[pos++] = minCodeSize;
  let blockStart = pos++;
  let blockLength = 0;
  let bitBuffer = 0;
  let bitCount = 0;
  let codeSize = minCodeSize + 1;
  let nextCode = endCode + 1;

  const emit = (code: number): void => {
    bitBuffer |= code << bitCount;
    bitCount += codeSize;
    while (bitCount >= 8) {
      bytes[pos++] = bitBuffer & 0xff;
      bitBuffer >>>= 8;
      bitCount -= 8;
      if (++blockLength === 255) {
        bytes[blockStart] = 255;
        blockStart = pos++;
        blockLength = 0;
      }
    }
  };

  table.fill(0);
  emit(clearCode);
  let prefix = pixels[0]!;
  for (let i = 1; i < pixels.length; i++) {
    const pixel = pixels[i]!;
    const key = (prefix << minCodeSize) | pixel;
    const code = table[key]!;
    if (code !== 0) {
      prefix = code;
      continue;
    }
    emit(prefix);
    if (nextCode < MAX_CODES) {
      table[key] = nextCode++;
      // The decoder adds this entry one code later, so widen once the code just added
      // no longer fits: from the next code on, as decoders expect.
      if (nextCode > 1 << codeSize && codeSize < 12) codeSize++;
    } else {
      // Table full: start over rather than keep coding with a stale dictionary.
      emit(clearCode);
      table.fill(0);
      codeSize = minCodeSize + 1;
      nextCode = endCode + 1;
    }
    prefix = pixel;
  }
  emit(prefix);
  emit(endCode);
  if (bitCount > 0) {
    // The last partial byte, zero-padded.
    bytes[pos++] = bitBuffer & 0xff;
    if (++blockLength === 255) {
      bytes[blockStart] = 255;
      blockStart = pos++;
      blockLength = 0;
    }
  }
  bytes[blockStart] = blockLength;
  // A non-empty last block needs the zero-length terminator; an empty one already is it.
  if (blockLength > 0) bytes[pos++] = 0;
  out.length = pos;
}

function delaysOf(options: GifOptions, frameCount: number): number[] {
  const delaysMs = options.delaysMs ?? Array.from({ length: frameCount }, () => options.delayMs);
  if (delaysMs.length !== frameCount) {
    throw new RangeError(`encodeGif: ${delaysMs.length} delays for ${frameCount} frames`);
  }
  return delaysMs.map((ms, i) => {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`encodeGif: delay of frame ${i} must be a finite number of ms >= 0, got ${ms}`);
    }
    return Math.min(Math.round(ms / 10), MAX_DELAY_CENTISECONDS);
  });
}

/**
 * Encodes frames of palette indexes (each row-major, width x height, first row at the top)
 * as an animated GIF with the palette as its global colour table.
 */
export function encodeGif(
  frames: readonly Uint8Array[],
  width: number,
  height: number,
  palette: Palette,
  options: GifOptions,
): Uint8Array {
  if (frames.length === 0) throw new RangeError("encodeGif: no frames");
  frames.forEach((frame, i) => checkImageSize(frame.length, width, height, MAX_SIDE, `encodeGif frame ${i}`));
  checkPalette(palette, "encodeGif");
  frames.forEach((frame, i) => checkIndexes(frame, palette.length, `encodeGif frame ${i}`));
  const delays = delaysOf(options, frames.length);
  const transparentIndex =
    options.transparentIndex === undefined ? palette.findIndex((rgba) => rgba[3] === 0) : options.transparentIndex ?? -1;
  if (transparentIndex < -1 || transparentIndex >= palette.length || !Number.isInteger(transparentIndex)) {
    throw new RangeError(`encodeGif: transparent index ${transparentIndex} is outside the ${palette.length}-entry palette`);
  }

  // The colour table has 2^n entries (n >= 1); LZW's minimum code size must be at least 2.
  let tableBits = 1;
  while (1 << tableBits < palette.length) tableBits++;
  const minCodeSize = Math.max(2, tableBits);

  const out = new ByteWriter();
  out.ascii("GIF89a");
  out.uint16(width);
  out.uint16(height);
  // Global colour table present, 8-bit colour resolution, table size 2^(tableBits).
  out.write(0x80 | (7 << 4) | (tableBits - 1), Math.max(transparentIndex, 0), 0);
  for (let i = 0; i < 1 << tableBits; i++) {
    const [r, g, b] = palette[i] ?? [0, 0, 0];
    out.write(r, g, b);
  }
  if (options.loop ?? true) {
    out.write(0x21, 0xff, 11);
    out.ascii("NETSCAPE2.0");
    out.write(3, 1);
    out.uint16(0); // 0 = forever
    out.write(0);
  }

  const table = new Int16Array(MAX_CODES << minCodeSize);
  frames.forEach((frame, i) => {
    // Graphic control extension: disposal, transparency and this frame's delay.
    out.write(0x21, 0xf9, 4, (DISPOSE_TO_BACKGROUND << 2) | (transparentIndex >= 0 ? 1 : 0));
    out.uint16(delays[i]!);
    out.write(Math.max(transparentIndex, 0), 0);
    // Image descriptor: the whole canvas, no local colour table, not interlaced.
    out.write(0x2c);
    out.uint16(0);
    out.uint16(0);
    out.uint16(width);
    out.uint16(height);
    out.write(0);
    writeImageData(out, frame, minCodeSize, table);
  });
  out.write(0x3b);
  return out.bytes.slice(0, out.length);
}
