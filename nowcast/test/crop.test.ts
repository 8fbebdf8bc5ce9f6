import { beforeAll, describe, expect, it } from "vitest";
import { cropAround, latLonToPixel, pixelToLatLon, type RadarFrame } from "../src/index.js";
import { eventFrames } from "./fixtures.js";

let frame: RadarFrame;

beforeAll(async () => {
  frame = (await eventFrames())[20]!;
});

describe("cropAround", () => {
  it("cuts a 256 x 256 window centred on the point, georeferenced", () => {
    const crop = cropAround(frame, 60.17, 24.94);
    expect([crop.width, crop.height, crop.dbz.length]).toEqual([256, 256, 256 * 256]);
    expect(crop.obstime).toEqual(frame.obstime);
    const inCrop = latLonToPixel(crop.georef, 60.17, 24.94);
    expect([Math.floor(inCrop.x), Math.floor(inCrop.y)]).toEqual([128, 128]);
    const inFrame = latLonToPixel(frame.georef, 60.17, 24.94);
    const col0 = Math.floor(inFrame.x) - 128;
    const row0 = Math.floor(inFrame.y) - 128;
    for (const [x, y] of [
      [0, 0],
      [255, 0],
      [17, 200],
      [255, 255],
    ] as const) {
      expect(Object.is(crop.dbz[y * 256 + x], frame.dbz[(row0 + y) * frame.width + col0 + x])).toBe(true);
      const a = pixelToLatLon(crop.georef, x + 0.5, y + 0.5);
      const b = pixelToLatLon(frame.georef, col0 + x + 0.5, row0 + y + 0.5);
      expect(a.lat).toBeCloseTo(b.lat, 9);
      expect(a.lon).toBeCloseTo(b.lon, 9);
    }
  });

  it("pads with no data beyond the composite's edges", () => {
    const corner = pixelToLatLon(frame.georef, 10.5, 5.5);
    const crop = cropAround(frame, corner.lat, corner.lon, 64);
    // The point is pixel (10, 5) of the frame and (32, 32) of the crop: 22 columns and 27 rows fall outside.
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const value = crop.dbz[y * 64 + x]!;
        if (x < 22 || y < 27) expect(value).toBeNaN();
        else expect(Object.is(value, frame.dbz[(y - 27) * frame.width + (x - 22)])).toBe(true);
      }
    }
  });

  it("gives an all-no-data window far outside, and refuses a non-integer size", () => {
    const crop = cropAround(frame, 52.5, 13.4, 32);
    expect(crop.dbz.every(Number.isNaN)).toBe(true);
    expect(() => cropAround(frame, 60.17, 24.94, 10.5)).toThrow(RangeError);
  });
});
