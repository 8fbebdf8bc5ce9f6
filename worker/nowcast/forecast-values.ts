// A forecast's values kept compactly: dBZ quantized to a byte, the fields one after another,
// gzipped in R2 and left as bytes in memory (a quarter of Float32's size: FMI's regional
// forecast is 2.8 MB so, not 11).
import { DRY_DBZ } from "../../nowcast/src/index";

// Half-decibel steps from the dry floor (-32) up to 94.5 dBZ; 255 is no data.
const DBZ_MIN = DRY_DBZ;
const STEPS_PER_DB = 2;
const NO_DATA = 255;

/** The fields' dBZ (NaN = no data), a byte a pixel, gzipped: an FMI regional forecast is ~100 kB. */
export async function encodeForecastValues(fields: readonly Float32Array[]): Promise<Uint8Array> {
  const size = fields[0]?.length ?? 0;
  const bytes = new Uint8Array(size * fields.length);
  fields.forEach((dbz, field) => {
    const offset = field * size;
    for (let i = 0; i < size; i++) {
      const v = dbz[i]!;
      bytes[offset + i] = v !== v ? NO_DATA : Math.min(NO_DATA - 1, Math.max(0, Math.round((v - DBZ_MIN) * STEPS_PER_DB)));
    }
  });
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
}

/** The quantized fields, one byte array each (read them with dbzOfByte). */
export async function decodeForecastValues(gzipped: ReadableStream, fields: number): Promise<Uint8Array[]> {
  const bytes = new Uint8Array(await new Response(gzipped.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
  if (!fields || bytes.length % fields !== 0) throw new RangeError(`${bytes.length} bytes are not ${fields} equal fields`);
  const size = bytes.length / fields;
  return Array.from({ length: fields }, (_, field) => bytes.subarray(field * size, (field + 1) * size));
}

export function dbzOfByte(byte: number): number {
  return byte === NO_DATA ? NaN : byte / STEPS_PER_DB + DBZ_MIN;
}
