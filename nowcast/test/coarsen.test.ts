import { beforeAll, describe, expect, it } from "vitest";
import { coarsenFrame, coarserGrid, coarseningFactor, cropAround, fillFromCoarser, pixelToLatLon, type RadarFrame } from "../src/index.js";
import { eventFrames } from "./fixtures.js";

let frame: RadarFrame;

beforeAll(async () => {
  frame = (await eventFrames())[20]!;
});

describe("coarsenFrame", () => {
  it("averages linear Z over the pixels with data, and leaves a block without half its pixels as no data", () => {
    const tiny: RadarFrame = { ...frame, width: 3, height: 2, dbz: Float32Array.from([-32, 40, NaN, NaN, NaN, 20]), georef: { ...frame.georef, width: 3, height: 2 } };
    const coarse = coarsenFrame(tiny, 2);
    expect([coarse.width, coarse.height]).toEqual([2, 1]);
    // (10^-3.2 + 10^4) / 2 = 5000.0003 -> 36.99 dBZ: the heavy pixel is not averaged away in decibels.
    expect(coarse.dbz[0]).toBeCloseTo(36.9897, 3);
    // The partial block at the east edge has 2 pixels, 1 with data: half, so kept.
    expect(coarse.dbz[1]).toBeCloseTo(20, 5);
    const sparse = coarsenFrame({ ...tiny, dbz: Float32Array.from([NaN, 40, NaN, NaN, NaN, NaN]) }, 2);
    expect(Number.isNaN(sparse.dbz[0])).toBe(true);
    expect(Number.isNaN(sparse.dbz[1])).toBe(true);
  });

  it("keeps a real FMI composite's edge and its rain area on a grid twice as coarse", () => {
    const coarse = coarsenFrame(frame, 2);
    expect([frame.width, frame.height]).toEqual([760, 1226]);
    expect([coarse.width, coarse.height]).toEqual([380, 613]);
    // The grid's corners stay where they were.
    for (const [x, y] of [[0, 0], [760, 1226], [760, 0]] as const) {
      const a = pixelToLatLon(frame.georef, x, y);
      const b = pixelToLatLon(coarse.georef, x / 2, y / 2);
      expect(b.lat).toBeCloseTo(a.lat, 6);
      expect(b.lon).toBeCloseTo(a.lon, 6);
    }
    const share = (f: RadarFrame, test: (v: number) => boolean) => f.dbz.reduce((n, v) => n + (test(v) ? 1 : 0), 0) / f.dbz.length;
    const noData = share(frame, (v) => v !== v);
    expect(noData).toBeGreaterThan(0.1);
    expect(Math.abs(share(coarse, (v) => v !== v) - noData)).toBeLessThan(0.01);
    const wet = share(frame, (v) => v >= 20);
    expect(wet).toBeGreaterThan(0.01);
    expect(Math.abs(share(coarse, (v) => v >= 20) - wet)).toBeLessThan(0.25 * wet);
    // One block by hand: the mean of its four pixels' Z.
    const [col, row] = [190, 300];
    const z = [0, 1].flatMap((dy) => [0, 1].map((dx) => frame.dbz[(row * 2 + dy) * 760 + col * 2 + dx]!)).filter((v) => v === v).map((v) => 10 ** (v / 10));
    expect(z.length).toBeGreaterThan(1);
    expect(coarse.dbz[row * 380 + col]).toBeCloseTo(10 * Math.log10(z.reduce((a, b) => a + b) / z.length), 4);
  });

  it("picks the smallest factor that fits the longer side", () => {
    expect(coarseningFactor({ width: 760, height: 1226 }, 640)).toBe(2);
    expect(coarseningFactor({ width: 1900, height: 2200 }, 640)).toBe(4);
    expect(coarseningFactor({ width: 640, height: 500 }, 640)).toBe(1);
    expect(coarserGrid(frame.georef, 4).pixelWidthM).toBeCloseTo(frame.georef.pixelWidthM * 4, 6);
    expect(() => coarserGrid(frame.georef, 1.5)).toThrow(RangeError);
  });
});

describe("fillFromCoarser", () => {
  it("fills a crop's no-data pixels from the coarse pixel that covers each, within the fine pixels' range there, and keeps the rest", () => {
    const coarse = coarsenFrame(frame, 2);
    const crop = cropAround(frame, 60.17, 24.94, 256);
    // Blank the crop's east third, as advection from beyond the crop does to a forecast.
    const blanked = Float32Array.from(crop.dbz);
    for (let row = 0; row < 256; row++) blanked.fill(NaN, row * 256 + 170, row * 256 + 256);
    const filled = fillFromCoarser(blanked, crop.georef, coarse.georef, (i) => coarse.dbz[i]!);
    // Most blanked pixels are filled (Helsinki's crop reaches past the composite's edge in the south-east).
    expect(filled).toBeGreaterThan(256 * 86 * 0.5);
    expect(filled).toBeLessThanOrEqual(256 * 86);
    let wet = 0;
    for (let row = 0; row < 256; row++) {
      for (let col = 0; col < 256; col++) {
        const i = row * 256 + col;
        if (col < 170) {
          expect(Object.is(blanked[i], crop.dbz[i])).toBe(true);
          continue;
        }
        const v = blanked[i]!;
        if (v !== v) continue;
        // A block mean in linear Z lies between its pixels' extremes: the filled value is within
        // the range of the 2 x 2 block of the full composite the crop pixel lies in.
        const x = crop.georef.westM - frame.georef.westM;
        const fullCol = Math.round(x / frame.georef.pixelWidthM) + col;
        const fullRow = Math.round((frame.georef.northM - crop.georef.northM) / frame.georef.pixelHeightM) + row;
        const block = [0, 1].flatMap((dr) => [0, 1].map((dc) => frame.dbz[((fullRow & ~1) + dr) * frame.width + (fullCol & ~1) + dc]!)).filter((b) => b === b);
        expect(v).toBeGreaterThanOrEqual(Math.min(...block) - 1e-3);
        expect(v).toBeLessThanOrEqual(Math.max(...block) + 1e-3);
        if (v >= 20) wet++;
      }
    }
    // The filled area carries the frame's rain, not only its dry floor.
    expect(wet).toBeGreaterThan(100);
  });
});
