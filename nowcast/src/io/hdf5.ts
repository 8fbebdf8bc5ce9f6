/// <reference path="./jsfive.d.ts" />
// HDF5 access through jsfive: pure JS, so it runs in the Worker as it does in Node (h5wasm
// needs an Emscripten file system and a WASM module import the Worker bundle does not give it).
import { Dataset, File, Group } from "jsfive";
import { RadarFormatError } from "./errors.js";

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** The HDF5 superblock sits at 0 or at a power-of-two user-block offset from 512. */
export function isHdf5(bytes: Uint8Array): boolean {
  for (let offset = 0; offset + 8 <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
    if (HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b)) return true;
    if (offset > 1 << 20) break;
  }
  return false;
}

/**
 * The file length the superblock declares (base address + end-of-file address), or null for a
 * superblock layout this does not know. jsfive reads lazily, so a file cut short after the
 * datasets a reader needs would otherwise pass.
 */
export function declaredLength(bytes: Uint8Array): number | null {
  let at = -1;
  for (let offset = 0; offset + 8 <= bytes.length && offset <= 1 << 20; offset = offset === 0 ? 512 : offset * 2) {
    if (HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b)) {
      at = offset;
      break;
    }
  }
  if (at < 0 || bytes.length < at + 64) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, 64);
  const version = view.getUint8(8);
  const address = (pos: number) => Number(view.getBigUint64(pos, true));
  // Superblock versions 0/1 (sizes of offsets at byte 13) and 2/3 (at byte 9); 8-byte offsets only.
  if (version === 0 || version === 1) {
    if (view.getUint8(13) !== 8) return null;
    const base = version === 0 ? 24 : 28;
    return address(base) + address(base + 16);
  }
  if (version === 2 || version === 3) {
    if (view.getUint8(9) !== 8) return null;
    return address(12) + address(28);
  }
  return null;
}

/** An opened HDF5 file whose lookups fail with the reader's problem codes. */
export class Hdf5Tree {
  private readonly file: File;

  constructor(
    bytes: Uint8Array | ArrayBuffer,
    private readonly format: string,
  ) {
    const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    if (!isHdf5(view)) throw new RadarFormatError("bad-magic", `not an HDF5 file: no HDF5 signature (expected ${format})`);
    const declared = declaredLength(view);
    if (declared !== null && view.length < declared) {
      throw new RadarFormatError("truncated", `${format}: the file is cut off: ${view.length} bytes of the ${declared} its superblock declares`);
    }
    const buffer = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer;
    try {
      this.file = new File(buffer, format);
      // jsfive parses lazily: touching the root's links surfaces a cut-off or corrupt file here.
      void this.file.keys;
    } catch (cause) {
      throw corrupt(format, cause);
    }
  }

  group(path: string): Group {
    const node = this.lookup(path);
    if (!(node instanceof Group)) throw new RadarFormatError("missing-metadata", `${this.format}: '${path}' is not a group`);
    return node;
  }

  dataset(path: string): Dataset {
    const node = this.lookup(path);
    if (!(node instanceof Dataset)) throw new RadarFormatError("missing-metadata", `${this.format}: '${path}' is not a dataset`);
    return node;
  }

  /** The dataset's values, row-major; decompression failures are the file's fault. */
  values(dataset: Dataset, path: string): ArrayLike<number> {
    try {
      return dataset.value;
    } catch (cause) {
      throw corrupt(`${this.format} '${path}'`, cause);
    }
  }

  /** An attribute as text: HDF5 fixed-length strings come NUL-padded, and KNMI wraps some in one-element arrays. */
  text(path: string, name: string): string {
    let value = this.attribute(path, name);
    if (Array.isArray(value) && value.length === 1) value = value[0];
    if (typeof value !== "string") throw new RadarFormatError("bad-metadata", `${this.format}: ${path} '${name}' is not text`);
    return value.replace(/\0+$/, "").trim();
  }

  /** A numeric attribute, or `count` of them from an array. */
  numbers(path: string, name: string, count: number): number[] {
    const value = this.attribute(path, name);
    const list = (Array.isArray(value) || ArrayBuffer.isView(value) ? Array.from(value as ArrayLike<unknown>) : [value]).map(Number);
    if (list.length !== count || list.some((n) => !Number.isFinite(n))) {
      throw new RadarFormatError("bad-metadata", `${this.format}: ${path} '${name}' must be ${count} number(s)`);
    }
    return list;
  }

  number(path: string, name: string): number {
    return this.numbers(path, name, 1)[0]!;
  }

  /** A number stored as a number or as digits in a string (ODIM writes both). */
  numberOrText(path: string, name: string): number {
    const value = this.attribute(path, name);
    const n = typeof value === "string" ? Number(value.replace(/\0+$/, "")) : Number(value);
    if (!Number.isFinite(n)) throw new RadarFormatError("bad-metadata", `${this.format}: ${path} '${name}' is not a number`);
    return n;
  }

  private attribute(path: string, name: string): unknown {
    const attrs = this.lookup(path).attrs;
    if (!(name in attrs)) throw new RadarFormatError("missing-metadata", `${this.format}: ${path} lacks attribute '${name}'`);
    return attrs[name];
  }

  private lookup(path: string): Group | Dataset {
    let node: Group | Dataset | null;
    try {
      node = path === "/" ? this.file : this.file.get(path);
    } catch (cause) {
      if (cause instanceof RadarFormatError) throw cause;
      if (/not found/i.test(String(cause))) node = null;
      else throw corrupt(this.format, cause);
    }
    if (!node) throw new RadarFormatError("missing-metadata", `${this.format}: no '${path}' in the file`);
    return node;
  }
}

/** jsfive throws plain errors (RangeError on reads past the end); name the problem. */
function corrupt(what: string, cause: unknown): RadarFormatError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const truncated = cause instanceof RangeError || /offset|bounds|length/i.test(message);
  return new RadarFormatError(truncated ? "truncated" : "bad-header", `${what}: the HDF5 structure is ${truncated ? "cut off" : "corrupt"} (${message})`, { cause });
}

/** "YYYYMMDD" + "HHMMSS" (UTC) as a Date, checked. */
export function odimTime(date: string, time: string, format: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  const t = /^(\d{2})(\d{2})(\d{2})$/.exec(time);
  if (!m || !t) throw new RadarFormatError("bad-metadata", `${format}: time '${date} ${time}' is not YYYYMMDD HHMMSS`);
  return checkedUtc(+m[1]!, +m[2]!, +m[3]!, +t[1]!, +t[2]!, +t[3]!, `${date} ${time}`, format);
}

export function checkedUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, text: string, format: string): Date {
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new RadarFormatError("bad-metadata", `${format}: '${text}' is not a valid time`);
  }
  return d;
}
