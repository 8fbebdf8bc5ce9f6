// The KNMI, MeteoSwiss and OPERA readers on real archived files, checked against what the files
// themselves state (read here through the same libraries, without the readers), and refusing
// every malformed input with a problem code.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { decompressFrames, parseGIF } from "gifuct-js";
import { Dataset, File } from "jsfive";
import { beforeAll, describe, expect, it } from "vitest";
import { radarDataDir } from "../node/radarFiles.js";
import { refusalOf } from "./fixtures.js";
import {
  dbzToRainRate,
  DRY_DBZ,
  latLonToPixel,
  MARSHALL_PALMER,
  pixelToLatLon,
  type RadarFrame,
  readComposite,
  readKnmiHdf5,
  readMchGif,
  readOdimComposite,
  sourceOfBytes,
  zrForSource,
} from "../src/index.js";

const KNMI_FILE = join(radarDataDir("knmi"), "20100826", "RAD_NL25_RAP_5min_201008260300.h5");
const MCH_FILE = join(radarDataDir("mch"), "20160711", "AQC161932200V_00005.801.gif");
const OPERA_FILE = join(radarDataDir("opera"), "20180824", "T_PAAH21_C_EUOC_20180824210000.hdf");

const bytesOf = async (path: string) => new Uint8Array(await readFile(path));

/** The same file with every occurrence of one byte string replaced by another of the same length. */
function patched(bytes: Uint8Array, from: string, to: string): Uint8Array {
  expect(to.length).toBe(from.length);
  const text = Buffer.from(bytes).toString("latin1");
  expect(text.includes(from)).toBe(true);
  return new Uint8Array(Buffer.from(text.split(from).join(to), "latin1"));
}

const problemOf = refusalOf;

function h5(bytes: Uint8Array): File {
  return new File(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, "test");
}
const attr = (file: File, path: string, name: string): unknown => file.get(path)!.attrs[name];
const textAttr = (file: File, path: string, name: string) => String([attr(file, path, name)].flat()[0]).replace(/\0+$/, "");

function rateOf(frame: RadarFrame, i: number): number {
  return dbzToRainRate(frame.dbz[i]!, zrForSource(frame.source));
}

/** Pixel centres across the grid map to lat/lon and back to the same pixel. */
function expectRoundTrip(frame: RadarFrame) {
  for (let y = 0.5; y < frame.height; y += frame.height / 7) {
    for (let x = 0.5; x < frame.width; x += frame.width / 7) {
      const { lat, lon } = pixelToLatLon(frame.georef, x, y);
      const back = latLonToPixel(frame.georef, lat, lon);
      expect(back.x).toBeCloseTo(x, 4);
      expect(back.y).toBeCloseTo(y, 4);
    }
  }
}

describe("KNMI national composite (HDF5)", () => {
  let bytes: Uint8Array;
  let frame: RadarFrame;
  let file: File;
  beforeAll(async () => {
    bytes = await bytesOf(KNMI_FILE);
    frame = await readKnmiHdf5(bytes);
    file = h5(bytes);
  }, 60_000);

  it("reads the size, the end of the accumulation as the time, and the source", () => {
    expect(frame.source).toBe("knmi");
    expect([frame.width, frame.height]).toEqual([Number(attr(file, "geographic", "geo_number_columns")), Number(attr(file, "geographic", "geo_number_rows"))]);
    expect([frame.width, frame.height]).toEqual([700, 765]);
    expect(textAttr(file, "overview", "product_datetime_end")).toBe("26-AUG-2010;03:00:00.000");
    expect(frame.obstime.toISOString()).toBe("2010-08-26T03:00:00.000Z");
  });

  it("turns 5-minute accumulations (0.01 mm a count) into mm/h and keeps 65535 apart as no data", () => {
    const stored = (file.get("image1/image_data") as Dataset).value;
    let missing = 0;
    let dry = 0;
    let wrong = 0;
    let sumMmPerHour = 0;
    let maxMmPerHour = 0;
    for (let i = 0; i < stored.length; i++) {
      const pv = stored[i]!;
      if (pv === 65535) {
        missing++;
        if (!Number.isNaN(frame.dbz[i]!)) wrong++;
      } else if (pv === 0) {
        dry++;
        if (frame.dbz[i] !== DRY_DBZ) wrong++;
      } else {
        const expected = 0.01 * pv * 12;
        sumMmPerHour += expected;
        maxMmPerHour = Math.max(maxMmPerHour, expected);
        if (!(Math.abs(rateOf(frame, i) - expected) < 1e-4 * expected)) wrong++;
      }
    }
    expect(wrong).toBe(0);
    // About three quarters of the grid is outside radar range; it rains over part of the rest.
    expect(missing / stored.length).toBeGreaterThan(0.7);
    expect(missing / stored.length).toBeLessThan(0.8);
    expect(stored.length - missing - dry).toBeGreaterThan(10_000);
    expect(maxMmPerHour).toBeGreaterThan(5);
    expect(sumMmPerHour).toBeGreaterThan(0);
  });

  it("puts geo_product_corners on the grid's outer corners (polar stereographic on the ellipsoid, km)", () => {
    const corners = (attr(file, "geographic", "geo_product_corners") as number[]).map(Number);
    const onGrid = [pixelToLatLon(frame.georef, 0, 765), pixelToLatLon(frame.georef, 0, 0), pixelToLatLon(frame.georef, 700, 0), pixelToLatLon(frame.georef, 700, 765)];
    onGrid.forEach((point, k) => {
      // The corners are written to 3 decimals.
      expect(Math.abs(point.lon - corners[2 * k]!)).toBeLessThan(0.002);
      expect(Math.abs(point.lat - corners[2 * k + 1]!)).toBeLessThan(0.002);
    });
    expect(frame.georef.pixelWidthM).toBe(1000);
    expect(frame.georef.pixelHeightM).toBe(1000);
    expectRoundTrip(frame);
  });

  it("places both radars (radar_location) on covered pixels", () => {
    for (const radar of ["radar1", "radar2"]) {
      const [lon, lat] = attr(file, radar, "radar_location") as number[];
      const { x, y } = latLonToPixel(frame.georef, lat!, lon!);
      expect(Number.isNaN(frame.dbz[Math.floor(y) * frame.width + Math.floor(x)]!)).toBe(false);
    }
  });

  it("refuses malformed files with the reader's problem codes", async () => {
    expect(await problemOf(readKnmiHdf5, new TextEncoder().encode("P5 760 1226 255\n"))).toBe("bad-magic");
    expect(await problemOf(readKnmiHdf5, bytes.slice(0, bytes.length - 100))).toBe("truncated");
    expect(await problemOf(readKnmiHdf5, bytes.slice(0, 600))).toBe("truncated");
    expect(await problemOf(readKnmiHdf5, patched(bytes, "ACCUMULATED_PRECIPITATION_[MM]", "ACCUMULATED_PRECIPITATION_[XX]"))).toBe("bad-metadata");
    expect(await problemOf(readKnmiHdf5, patched(bytes, "image_geo_parameter", "image_geo_paramXter"))).toBe("missing-metadata");
    expect(await problemOf(readKnmiHdf5, patched(bytes, "GEO=0.01*PV+0.0", "GEO=0.01*XV+0.0"))).toBe("bad-metadata");
    expect(await problemOf(readKnmiHdf5, patched(bytes, "26-AUG-2010;03:00", "26-AUG-2010;03:77"))).toBe("bad-metadata");
    expect(await problemOf(readKnmiHdf5, patched(bytes, "+proj=stere", "+proj=merc "))).toBe("bad-metadata");
    expect(await problemOf(readKnmiHdf5, patched(bytes, "+lon_0=0.0", "+lon_0=4.0"))).toBe("bad-dimensions");
    expect(await problemOf(readKnmiHdf5, patched(bytes, "image_data", "image_dXta"))).toBe("missing-metadata");
  });
});

describe("MeteoSwiss AQC composite (GIF)", () => {
  let bytes: Uint8Array;
  let frame: RadarFrame;
  let indices: number[];
  beforeAll(async () => {
    bytes = await bytesOf(MCH_FILE);
    frame = await readMchGif(bytes);
    const gif = parseGIF(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    indices = decompressFrames(gif, false)[0]!.pixels;
  }, 60_000);

  it("reads the CCS4 size and the product time of its comment (and file name: AQC yy jjj HHMM)", () => {
    expect(frame.source).toBe("mch");
    expect([frame.width, frame.height]).toEqual([710, 640]);
    // Day 193 of 2016 is 11 July.
    expect(frame.obstime.toISOString()).toBe("2016-07-11T22:00:00.000Z");
  });

  it("maps pixel indices to 5-minute accumulations by the product's table, then mm/h: 255 no data, 0, 1 and 251-254 dry", () => {
    let missing = 0;
    let wet = 0;
    let wrong = 0;
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      if (index === 255) {
        missing++;
        if (!Number.isNaN(frame.dbz[i]!)) wrong++;
      } else if (index <= 1 || index >= 251) {
        if (frame.dbz[i] !== DRY_DBZ) wrong++;
      } else {
        wet++;
        const expected = 12 * (10 ** ((index - 71.5) / 20) / 316) ** (1 / 1.5);
        // Rates below the stored floor (about 0.004 mm/h) are dry.
        if (expected > 0.01 && !(Math.abs(rateOf(frame, i) - expected) < 1e-4 * expected)) wrong++;
      }
    }
    expect(wrong).toBe(0);
    expect(missing / indices.length).toBeGreaterThan(0.25);
    expect(missing / indices.length).toBeLessThan(0.35);
    expect(wet).toBeGreaterThan(1000);
  });

  it("divides by the accumulation minutes the comment states (ACCUm)", async () => {
    const tenMinutes = await readMchGif(patched(bytes, "ACCUm=000005", "ACCUm=000010"));
    const i = indices.findIndex((index) => index === 120);
    expect(rateOf(tenMinutes, i) / rateOf(frame, i)).toBeCloseTo(0.5, 4);
  });

  it("georeferences the grid in LV03 (Bessel, CH1903 datum shift) from WGS84 positions", () => {
    // swisstopo's worked example: 46 02' 38.87" N, 8 43' 49.79" E (WGS84) is LV03 E 699 999.76, N 99 999.97 m.
    const example = latLonToPixel(frame.georef, 46 + 2 / 60 + 38.87 / 3600, 8 + 43 / 60 + 49.79 / 3600);
    expect(Math.abs(example.x - (699_999.76 - 255_000) / 1000)).toBeLessThan(0.005);
    expect(Math.abs(example.y - (480_000 - 99_999.97) / 1000)).toBeLessThan(0.005);
    // The domain's corners are x 255-965 km, y -160-480 km.
    expect(frame.georef.westM).toBe(255_000);
    expect(frame.georef.northM).toBe(480_000);
    expect(frame.georef.westM + frame.width * frame.georef.pixelWidthM).toBe(965_000);
    expect(frame.georef.northM - frame.height * frame.georef.pixelHeightM).toBe(-160_000);
    expectRoundTrip(frame);
  });

  it("refuses malformed files with the reader's problem codes", async () => {
    expect(await problemOf(readMchGif, new TextEncoder().encode("GIF-not-really"))).toBe("bad-magic");
    expect(await problemOf(readMchGif, bytes.slice(0, bytes.length >> 1))).toBe("truncated");
    const wide = bytes.slice();
    wide[6] = 0x00; // logical screen width 710 -> 512
    expect(await problemOf(readMchGif, wide)).toBe("bad-dimensions");
    expect(await problemOf(readMchGif, patched(bytes, "PRDT=AQC161932200", "PRDT=AQC161939900"))).toBe("bad-metadata");
    expect(await problemOf(readMchGif, patched(bytes, "PRDT=", "PRDX="))).toBe("missing-metadata");
    expect(await problemOf(readMchGif, patched(bytes, "SCALE=mmh2", "SCALE=dbz2"))).toBe("bad-metadata");
    expect(await problemOf(readMchGif, patched(bytes, "ACCUm=", "ACCUx="))).toBe("missing-metadata");
    expect(await problemOf(readMchGif, patched(bytes, "ACCUm=000005", "ACCUm=00000x"))).toBe("bad-metadata");
  });
});

describe("OPERA pan-European composite (ODIM HDF5)", () => {
  let bytes: Uint8Array;
  let frame: RadarFrame;
  let file: File;
  let stored: ArrayLike<number>;
  beforeAll(async () => {
    bytes = await bytesOf(OPERA_FILE);
    frame = await readOdimComposite(bytes);
    file = h5(bytes);
    stored = (file.get("dataset1/data1/data") as Dataset).value;
    // A 4 M-pixel grid, decoded twice: seconds each on a loaded machine.
  }, 120_000);

  it("reads the size, nominal time and pixel size from what/where", () => {
    expect(frame.source).toBe("opera");
    expect([frame.width, frame.height]).toEqual([Number(attr(file, "where", "xsize")), Number(attr(file, "where", "ysize"))]);
    expect(`${textAttr(file, "what", "date")}${textAttr(file, "what", "time")}`).toBe("20180824210000");
    expect(frame.obstime.toISOString()).toBe("2018-08-24T21:00:00.000Z");
    expect(frame.georef.pixelWidthM).toBe(Number(attr(file, "where", "xscale")));
  });

  it("reads RATE as mm/h, nodata as no data and undetect as dry", () => {
    let nodata = 0;
    let undetect = 0;
    let wetSum = 0;
    let wet = 0;
    let wrong = 0;
    for (let i = 0; i < stored.length; i++) {
      const raw = stored[i]!;
      if (raw === -9999000) {
        nodata++;
        if (!Number.isNaN(frame.dbz[i]!)) wrong++;
      } else if (raw === -8888000) {
        undetect++;
        if (frame.dbz[i] !== DRY_DBZ) wrong++;
      } else if (raw > 0.01) {
        wet++;
        wetSum += raw;
        if (!(Math.abs(rateOf(frame, i) - raw) < 1e-4 * raw)) wrong++;
      }
    }
    expect(wrong).toBe(0);
    expect(nodata / stored.length).toBeGreaterThan(0.4);
    expect(nodata / stored.length).toBeLessThan(0.6);
    expect(undetect).toBeGreaterThan(wet);
    expect(wet).toBeGreaterThan(10_000);
    let frameSum = 0;
    for (let i = 0; i < stored.length; i++) if (stored[i]! > 0.01) frameSum += rateOf(frame, i);
    expect(frameSum / wetSum).toBeCloseTo(1, 4);
  });

  it("puts the four where corners on the grid's outer corners (LAEA on WGS84)", () => {
    const at = { UL: [0, 0], UR: [1900, 0], LL: [0, 2200], LR: [1900, 2200] } as const;
    for (const [name, [x, y]] of Object.entries(at)) {
      const point = pixelToLatLon(frame.georef, x, y);
      expect(point.lon).toBeCloseTo(Number(attr(file, "where", `${name}_lon`)), 6);
      expect(point.lat).toBeCloseTo(Number(attr(file, "where", `${name}_lat`)), 6);
    }
    expectRoundTrip(frame);
  });

  it("converts the quantity the file names: DBZH by Marshall-Palmer, ACRR over its interval", async () => {
    const probe = stored.length >> 1;
    let i = probe;
    while (!(stored[i]! > 1)) i++;
    const asDbz = await readOdimComposite(patched(bytes, "RATE", "DBZH"));
    expect(rateOf(asDbz, i)).toBeCloseTo(dbzToRainRate(stored[i]!, MARSHALL_PALMER), 3);
    // dataset1/what start and end times bound the interval an accumulation would cover.
    const start = Number(textAttr(file, "dataset1/what", "starttime"));
    const end = Number(textAttr(file, "dataset1/what", "endtime"));
    const minutes = Math.floor(end / 10000) * 60 + Math.floor(end / 100) % 100 - (Math.floor(start / 10000) * 60 + Math.floor(start / 100) % 100);
    const asAccumulation = await readOdimComposite(patched(bytes, "RATE", "ACRR"));
    expect(rateOf(asAccumulation, i) / stored[i]!).toBeCloseTo(60 / minutes, 3);
  });

  it("refuses malformed files with the reader's problem codes", async () => {
    expect(await problemOf(readOdimComposite, new Uint8Array(4096))).toBe("bad-magic");
    expect(await problemOf(readOdimComposite, bytes.slice(0, Math.floor(bytes.length * 0.9)))).toBe("truncated");
    expect(await problemOf(readOdimComposite, patched(bytes, "RATE", "VRAD"))).toBe("bad-metadata");
    expect(await problemOf(readOdimComposite, patched(bytes, "ODIM_H5", "KNMI_H5"))).toBe("bad-metadata");
    expect(await problemOf(readOdimComposite, patched(bytes, "+proj=laea", "+proj=leaf"))).toBe("bad-metadata");
    expect(await problemOf(readOdimComposite, patched(bytes, "+lat_0=55.0", "+lat_0=56.0"))).toBe("bad-dimensions");
    expect(await problemOf(readOdimComposite, patched(bytes, "UL_lat", "UL_lax"))).toBe("missing-metadata");
    expect(await problemOf(readOdimComposite, patched(bytes, "xsize", "xsizz"))).toBe("missing-metadata");
  });
});

describe("one entry for every source", () => {
  it("picks the reader by the bytes' format", async () => {
    for (const [path, source] of [
      [KNMI_FILE, "knmi"],
      [MCH_FILE, "mch"],
    ] as const) {
      const bytes = await bytesOf(path);
      expect(sourceOfBytes(bytes).id).toBe(source);
      expect((await readComposite(bytes)).source).toBe(source);
    }
    expect(sourceOfBytes(await bytesOf(OPERA_FILE)).id).toBe("opera");
    await expect(readComposite(new TextEncoder().encode("hello"))).rejects.toMatchObject({ problem: "bad-magic" });
  });
});
