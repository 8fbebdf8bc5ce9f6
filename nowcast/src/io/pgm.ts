import { RadarFormatError } from "./errors.js";

/** A binary (P5) portable graymap with 8-bit samples and its `# key value` header comments. */
export type Pgm = {
  width: number;
  height: number;
  maxValue: number;
  /** Comment lines split at the first whitespace: key -> values, in file order (keys may repeat). */
  comments: Map<string, string[]>;
  /** Row-major samples, first row at the top; a view into the input bytes. */
  samples: Uint8Array;
};

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;

function isWhitespace(byte: number | undefined): boolean {
  return byte === SPACE || byte === TAB || byte === LF || byte === CR || byte === 0x0b || byte === 0x0c;
}

/** Parses a P5 graymap as written by netpbm: header tokens, comments anywhere in the header. */
export function parsePgm(bytes: Uint8Array): Pgm {
  if (bytes.length < 2 || bytes[0] !== 0x50 || bytes[1] !== 0x35) {
    throw new RadarFormatError("bad-magic", "not a binary PGM image: it does not start with 'P5'");
  }
  const comments = new Map<string, string[]>();
  const decoder = new TextDecoder("latin1");
  let pos = 2;

  const readToken = (what: string): number => {
    for (;;) {
      while (isWhitespace(bytes[pos])) pos++;
      if (bytes[pos] !== HASH) break;
      const lineStart = pos + 1;
      while (pos < bytes.length && bytes[pos] !== LF && bytes[pos] !== CR) pos++;
      const line = decoder.decode(bytes.subarray(lineStart, pos)).trim();
      const match = /^(\S+)\s*(.*)$/.exec(line);
      if (match) {
        const key = match[1] ?? "";
        const values = comments.get(key) ?? [];
        values.push(match[2] ?? "");
        comments.set(key, values);
      }
    }
    const start = pos;
    while (pos < bytes.length && bytes[pos]! >= 0x30 && bytes[pos]! <= 0x39) pos++;
    if (pos === start || !isWhitespace(bytes[pos])) {
      throw new RadarFormatError("bad-header", `PGM header: expected a decimal ${what} at byte ${start}`);
    }
    return Number(decoder.decode(bytes.subarray(start, pos)));
  };

  const width = readToken("width");
  const height = readToken("height");
  const maxValue = readToken("maximum value");
  // Exactly one whitespace byte separates the header from the raster.
  pos++;
  if (width === 0 || height === 0) {
    throw new RadarFormatError("bad-dimensions", `PGM image has no pixels (${width} x ${height})`);
  }
  if (maxValue === 0 || maxValue > 255) {
    throw new RadarFormatError("bad-header", `PGM maximum value ${maxValue} is not an 8-bit image`);
  }
  const expectedBytes = width * height;
  const available = bytes.length - pos;
  if (available < expectedBytes) {
    throw new RadarFormatError(
      "truncated",
      `PGM raster is truncated: ${available} bytes for ${width} x ${height} pixels`,
    );
  }
  if (available > expectedBytes) {
    throw new RadarFormatError(
      "bad-dimensions",
      `PGM raster has ${available} bytes, more than the ${width} x ${height} pixels its header declares`,
    );
  }
  return { width, height, maxValue, comments, samples: bytes.subarray(pos, pos + expectedBytes) };
}
