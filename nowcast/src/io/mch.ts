import { parseGIF, decompressFrames } from "gifuct-js";
import { rainRateToFrameDbz, zrForSource } from "../convert.js";
import type { Georeference } from "../geo/georeference.js";
import { projectionFromProj4 } from "../geo/proj4.js";
import { RadarFormatError } from "./errors.js";
import type { CompositeReader, RadarFrame } from "./frame.js";
import { checkedUtc } from "./hdf5.js";

export const MCH_SOURCE = "mch";
const FORMAT = "MeteoSwiss GIF";

/**
 * The Swiss CCS4 domain: the GIF carries no georeference, so it is MeteoSwiss' published one
 * (LV03 on Bessel with the CH1903 datum shift; x 255-965 km, y -160-480 km, 1 km pixels).
 */
const CCS4_PROJ4 = "+proj=somerc +lon_0=7.43958333333333 +lat_0=46.9524055555556 +k_0=1 +x_0=600000 +y_0=200000 +ellps=bessel +towgs84=674.374,15.056,405.346,0,0,0,0 +units=m";
const CCS4 = { width: 710, height: 640, westM: 255_000, northM: 480_000, pixelM: 1000 };

/**
 * Index to rain: the value is mm accumulated over the product's interval, as pySTEPS' importer
 * and MeteoSwiss' product name (AQC, "00005") have it, not a rate in mm/h. Decided from the files:
 * each GIF's comment states the accumulation (ACCUm=000005: minutes, one total, TOTn=000001), and
 * read as a rate the event's strongest echo (index 151) would be 39.75 dBZ and 9.6 mm/h in a July
 * convective event, where as 5-minute accumulations it is 115 mm/h, the rate of a storm core. (A
 * first reading as mm/h gave persistence and optical-flow CSI far below pySTEPS' own persistence
 * on this event, which is what showed the two readings apart.) The reader divides by the interval
 * the comment states, so another accumulation period is read right.
 */
export const MCH_CONVERSION =
  "index i: 255 no data; 0, 1, 251-254 dry; else (10^((i - 71.5) / 20) / 316)^(1 / 1.5) mm accumulated over ACCUm minutes (Z = 316 R^1.5 on dBZ = (i - 71.5) / 2), x 60 / ACCUm = mm/h";
const MM_BY_INDEX = (() => {
  const table = new Float64Array(256);
  for (let i = 0; i < 256; i++) {
    if (i === 255) table[i] = NaN;
    else if (i <= 1 || i >= 251) table[i] = 0;
    else table[i] = (10 ** ((i - 71.5) / 20) / 316) ** (1 / 1.5);
  }
  return table;
})();

function ccs4Georeference(): Georeference {
  return {
    projection: projectionFromProj4(CCS4_PROJ4),
    westM: CCS4.westM,
    northM: CCS4.northM,
    pixelWidthM: CCS4.pixelM,
    pixelHeightM: CCS4.pixelM,
    width: CCS4.width,
    height: CCS4.height,
  };
}

/** "key=value" words of the GIF's comment extension ("PRDT=AQC161932200 ... ACCUm=000005 ..."). */
function commentFields(gif: ReturnType<typeof parseGIF>): Map<string, string> {
  const fields = new Map<string, string>();
  for (const frame of gif.frames) {
    const comment = (frame as { comment?: { blocks?: ArrayLike<number> } }).comment;
    if (!comment?.blocks) continue;
    const text = new TextDecoder("latin1").decode(Uint8Array.from(Object.values(comment.blocks) as number[]));
    for (const m of text.matchAll(/([A-Za-z_]+)=(\S+)/g)) fields.set(m[1]!, m[2]!);
  }
  return fields;
}

/** PRDT=AQCyyjjjHHMM: product, two-digit year, day of year, UTC time of the end of the interval. */
function productTime(fields: Map<string, string>): Date {
  const product = fields.get("PRDT");
  if (!product) throw new RadarFormatError("missing-metadata", `${FORMAT}: the comment lacks PRDT (product and time)`);
  const m = /^([A-Z]{3})(\d{2})(\d{3})(\d{2})(\d{2})$/.exec(product);
  if (!m) throw new RadarFormatError("bad-metadata", `${FORMAT}: PRDT '${product}' is not AQCyyjjjHHMM`);
  const year = 2000 + Number(m[2]);
  const dayOfYear = Number(m[3]);
  const jan1 = checkedUtc(year, 1, 1, +m[4]!, +m[5]!, 0, product, FORMAT);
  const date = new Date(jan1.getTime() + (dayOfYear - 1) * 86_400_000);
  if (dayOfYear < 1 || date.getUTCFullYear() !== year) throw new RadarFormatError("bad-metadata", `${FORMAT}: day of year ${dayOfYear} in '${product}'`);
  return date;
}

/** Reads MeteoSwiss' AQC composite (8-bit palette GIF on the CCS4 grid): pixel indices to rain rate, stored as dBZ. */
export async function readMchGif(input: Uint8Array | ArrayBuffer): Promise<RadarFrame> {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const signature = new TextDecoder("latin1").decode(bytes.subarray(0, 6));
  if (signature !== "GIF87a" && signature !== "GIF89a") throw new RadarFormatError("bad-magic", `not a GIF image: it starts with '${signature}'`);
  // Every GIF ends with the trailer byte; without it the image data was cut off (GIF has no length to check).
  if (bytes.at(-1) !== 0x3b) throw new RadarFormatError("truncated", `${FORMAT}: the file does not end with the GIF trailer: it is cut off`);
  let gif: ReturnType<typeof parseGIF>;
  let frames: ReturnType<typeof decompressFrames>;
  try {
    gif = parseGIF(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    frames = decompressFrames(gif, false);
  } catch (cause) {
    throw new RadarFormatError("truncated", `${FORMAT}: the image data is cut off or corrupt (${String(cause)})`, { cause });
  }
  const { width, height } = gif.lsd;
  if (width !== CCS4.width || height !== CCS4.height) {
    throw new RadarFormatError("bad-dimensions", `${FORMAT}: image is ${width} x ${height}, not the CCS4 grid's ${CCS4.width} x ${CCS4.height}`);
  }
  const frame = frames[0];
  if (frames.length !== 1 || !frame) throw new RadarFormatError("bad-header", `${FORMAT}: ${frames.length} images, not one`);
  if (frame.dims.width !== width || frame.dims.height !== height || frame.dims.left !== 0 || frame.dims.top !== 0) {
    throw new RadarFormatError("bad-dimensions", `${FORMAT}: the image does not cover the whole ${width} x ${height} screen`);
  }
  // A cut-off LZW stream decodes to fewer pixels (or to undefined ones) rather than failing.
  const pixels = frame.pixels;
  if (pixels.length < width * height || pixels[width * height - 1] === undefined) {
    throw new RadarFormatError("truncated", `${FORMAT}: the image data ends before its ${width * height} pixels`);
  }
  const fields = commentFields(gif);
  const scale = fields.get("SCALE");
  if (scale === undefined) throw new RadarFormatError("missing-metadata", `${FORMAT}: the comment lacks SCALE`);
  if (!scale.startsWith("mmh2LASSEN8bit")) throw new RadarFormatError("bad-metadata", `${FORMAT}: SCALE '${scale}' is not the 8-bit scale this reader decodes`);
  const obstime = productTime(fields);
  const accumulation = fields.get("ACCUm");
  if (accumulation === undefined) throw new RadarFormatError("missing-metadata", `${FORMAT}: the comment lacks ACCUm (the accumulation minutes)`);
  const minutes = /^\d{1,6}$/.test(accumulation) ? Number(accumulation) : NaN;
  if (!(minutes > 0)) throw new RadarFormatError("bad-metadata", `${FORMAT}: ACCUm '${accumulation}' is not a number of minutes`);
  const zr = zrForSource(MCH_SOURCE);
  const dbzByIndex = new Float32Array(256);
  for (let i = 0; i < 256; i++) dbzByIndex[i] = rainRateToFrameDbz((MM_BY_INDEX[i]! * 60) / minutes, zr);
  const dbz = new Float32Array(width * height);
  for (let i = 0; i < dbz.length; i++) dbz[i] = dbzByIndex[pixels[i]!]!;
  return { source: MCH_SOURCE, obstime, width, height, dbz, georef: ccs4Georeference() };
}

export const mchReader: CompositeReader = { source: MCH_SOURCE, read: readMchGif };
