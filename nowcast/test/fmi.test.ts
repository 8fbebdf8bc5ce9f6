import { readFile } from "node:fs/promises";
import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { fmiReader, pixelToLatLon, readFmiPgm } from "../src/index.js";
import { eventFiles, refusalOf } from "./fixtures.js";

let gzipped: Uint8Array;
let raw: Uint8Array;

beforeAll(async () => {
  const files = await eventFiles();
  gzipped = new Uint8Array(await readFile(files[0]!));
  raw = new Uint8Array(gunzipSync(gzipped));
});

/** The raw PGM with its header text edited. */
function withHeader(edit: (header: string) => string): Uint8Array {
  const text = Buffer.from(raw).toString("latin1");
  const rasterStart = text.indexOf("\n255\n") + "\n255\n".length;
  const header = edit(text.slice(0, rasterStart));
  return new Uint8Array(Buffer.concat([Buffer.from(header, "latin1"), Buffer.from(raw.subarray(rasterStart))]));
}

const problemOf = (bytes: Uint8Array) => refusalOf(readFmiPgm, bytes);

describe("readFmiPgm on a real composite", () => {
  it("reads size, time, source and georeference", async () => {
    const frame = await readFmiPgm(gzipped);
    expect(frame.source).toBe("fmi");
    expect([frame.width, frame.height]).toEqual([760, 1226]);
    expect(frame.dbz.length).toBe(760 * 1226);
    expect(frame.obstime.toISOString()).toBe("2016-09-28T14:45:00.000Z");
    expect(frame.georef.pixelWidthM).toBeCloseTo(999.674053, 6);
    expect(frame.georef.pixelHeightM).toBeCloseTo(999.62859, 5);
    expect(frame.georef.projection).toEqual({
      kind: "polar-stereographic",
      centralLongitudeDeg: 25,
      trueLatitudeDeg: 60,
      ellipsoid: { semiMajorAxisM: 6371288, semiMinorAxisM: 6371288 },
    });
  });

  it("maps samples to dBZ = (value - 64) / 2 and 255 to NaN (no data, apart from no rain)", async () => {
    const frame = await readFmiPgm(gzipped);
    const samples = raw.subarray(raw.length - 760 * 1226);
    let noData = 0;
    let sumDbz = 0;
    let maxSample = 0;
    for (const sample of samples) {
      if (sample === 255) noData++;
      else {
        sumDbz += (sample - 64) / 2;
        maxSample = Math.max(maxSample, sample);
      }
    }
    const valid = Array.from(frame.dbz).filter((value) => !Number.isNaN(value));
    expect(frame.dbz.length - valid.length).toBe(noData);
    // Roughly a quarter of the grid lies outside radar coverage.
    expect(noData / samples.length).toBeGreaterThan(0.2);
    expect(noData / samples.length).toBeLessThan(0.3);
    expect(valid.reduce((a, b) => Math.min(a, b))).toBe(-32);
    expect(valid.reduce((a, b) => Math.max(a, b))).toBe((maxSample - 64) / 2);
    expect(valid.reduce((a, b) => a + b, 0) / valid.length).toBeCloseTo(sumDbz / valid.length, 4);
    // Most covered pixels are dry: the -32 dBZ floor is the no-echo value.
    expect(valid.filter((value) => value === -32).length / valid.length).toBeGreaterThan(0.5);
  });

  it("places the header's corners on the grid's outer corners", async () => {
    const { georef } = await readFmiPgm(gzipped);
    const bottomLeft = pixelToLatLon(georef, 0, 1226);
    const topRight = pixelToLatLon(georef, 760, 0);
    expect(bottomLeft.lon).toBeCloseTo(18.6, 6);
    expect(bottomLeft.lat).toBeCloseTo(57.93, 6);
    expect(topRight.lon).toBeCloseTo(34.903, 5);
    expect(topRight.lat).toBeCloseTo(69.005, 5);
  });

  it("reads gunzipped bytes and ArrayBuffers alike, through the CompositeReader interface", async () => {
    const fromGzip = await fmiReader.read(gzipped);
    const fromRaw = await fmiReader.read(raw.slice().buffer);
    expect(fmiReader.source).toBe("fmi");
    expect(fromRaw.obstime).toEqual(fromGzip.obstime);
    expect(fromRaw.dbz).toEqual(fromGzip.dbz);
  });

  it("reads every frame of the event, 5 minutes apart", async () => {
    const files = await eventFiles();
    expect(files).toHaveLength(40);
    const times = await Promise.all(
      files.slice(0, 3).map(async (file) => (await readFmiPgm(new Uint8Array(await readFile(file)))).obstime.getTime()),
    );
    expect(times[1]! - times[0]!).toBe(5 * 60_000);
    expect(times[2]! - times[1]!).toBe(5 * 60_000);
  });
});

describe("readFmiPgm on bad input", () => {
  it("rejects a file that is not a binary PGM", async () => {
    expect(await problemOf(new TextEncoder().encode("P2\n760 1226\n255\n0 0 0"))).toBe("bad-magic");
    expect(await problemOf(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBe("bad-magic");
  });

  it("rejects truncated gzip", async () => {
    expect(await problemOf(gzipped.subarray(0, gzipped.length >> 1))).toBe("bad-gzip");
  });

  it("rejects a raster shorter than its header says", async () => {
    expect(await problemOf(raw.subarray(0, raw.length - 1000))).toBe("truncated");
    expect(await problemOf(gzipSync(raw.subarray(0, raw.length - 1000)))).toBe("truncated");
  });

  it("rejects dimensions that disagree with the raster or with the corners", async () => {
    expect(await problemOf(withHeader((h) => h.replace("\n760 1226\n", "\n760 1225\n")))).toBe("bad-dimensions");
    expect(await problemOf(withHeader((h) => h.replace("\n760 1226\n", "\n1226 760\n")))).toBe("bad-dimensions");
    expect(await problemOf(withHeader((h) => h.replace("\n760 1226\n", "\n0 1226\n")))).toBe("bad-dimensions");
  });

  it("rejects a missing or malformed obstime", async () => {
    expect(await problemOf(withHeader((h) => h.replace("# obstime 201609281445\n", "")))).toBe("missing-metadata");
    expect(await problemOf(withHeader((h) => h.replace("# obstime 201609281445", "# obstime 2016-09-28")))).toBe(
      "bad-metadata",
    );
    expect(await problemOf(withHeader((h) => h.replace("# obstime 201609281445", "# obstime 201613281445")))).toBe(
      "bad-metadata",
    );
  });

  it("rejects missing or unsupported georeferencing", async () => {
    expect(await problemOf(withHeader((h) => h.replace(/# topright [^\n]*\n/, "")))).toBe("missing-metadata");
    expect(await problemOf(withHeader((h) => h.replace("# centrallatitude 90", "# centrallatitude -90")))).toBe(
      "bad-metadata",
    );
    expect(await problemOf(withHeader((h) => h.replace("# metersperpixel_x 999.674053", "# metersperpixel_x abc")))).toBe(
      "bad-metadata",
    );
  });

  it("rejects a header cut short", async () => {
    expect(await problemOf(raw.subarray(0, 200))).toBe("bad-header");
  });
});
