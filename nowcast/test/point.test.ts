import { beforeAll, describe, expect, it } from "vitest";
import {
  cropAround,
  dbzToRainRate,
  FMI_ZR,
  latLonToPixel,
  opticalFlow,
  persistence,
  pointForecast,
  type RadarFrame,
  rainEvents,
  rainRateToDbz,
} from "../src/index.js";
import { eventFrames } from "./fixtures.js";

let past: RadarFrame[];
const HELSINKI = { lat: 60.17, lon: 24.94 };

beforeAll(async () => {
  past = (await eventFrames()).slice(20, 23).map((frame) => cropAround(frame, HELSINKI.lat, HELSINKI.lon, 256));
});

describe("pointForecast", () => {
  it("averages rain rate over the (2r + 1)^2 neighbourhood, lead 0 first", () => {
    const analysis = past[2]!;
    const point = pointForecast(analysis, persistence.forecast(past), HELSINKI.lat, HELSINKI.lon, { radiusPx: 2 });
    expect(Array.from(point.minutes)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
    const { x, y } = latLonToPixel(analysis.georef, HELSINKI.lat, HELSINKI.lon);
    expect([point.col, point.row]).toEqual([Math.floor(x), Math.floor(y)]);
    let sum = 0;
    for (let row = point.row - 2; row <= point.row + 2; row++) {
      for (let col = point.col - 2; col <= point.col + 2; col++) sum += dbzToRainRate(analysis.dbz[row * 256 + col]!, FMI_ZR);
    }
    expect(point.mmPerHour[0]).toBeCloseTo(sum / 25, 5);
    // Persistence: the same value at every lead.
    for (const value of point.mmPerHour) expect(value).toBeCloseTo(sum / 25, 5);
    expect(point.dbz[0]).toBeCloseTo(rainRateToDbz(point.mmPerHour[0]!, FMI_ZR), 4);
  });

  it("follows the optical-flow nowcast", () => {
    const result = opticalFlow.forecast(past);
    const point = pointForecast(past[2]!, result, HELSINKI.lat, HELSINKI.lon, { radiusPx: 0 });
    const index = point.row * 256 + point.col;
    expect(point.mmPerHour).toHaveLength(13);
    result.frames.forEach((field, k) => {
      const dbz = field[index]!;
      if (Number.isNaN(dbz)) expect(point.mmPerHour[k + 1]).toBeNaN();
      else expect(point.mmPerHour[k + 1]).toBeCloseTo(dbzToRainRate(dbz, FMI_ZR), 5);
    });
  });

  it("refuses points off the grid and analyses the nowcast was not made from", () => {
    const result = persistence.forecast(past);
    expect(() => pointForecast(past[2]!, result, 65, 28)).toThrow(RangeError);
    expect(() => pointForecast(past[1]!, result, HELSINKI.lat, HELSINKI.lon)).toThrow(RangeError);
  });
});

describe("rainEvents", () => {
  const minutes = Int32Array.from({ length: 13 }, (_, k) => 5 * k);

  it("reads start, stop and peak off a series", () => {
    const mmPerHour = Float32Array.from([0, 0.1, 0.4, 0.5, 2, 7, 3, 0.3, 0.2, 0.6, 0, 0, 0]);
    expect(rainEvents({ minutes, mmPerHour })).toEqual({
      startsInMinutes: 15,
      stopsInMinutes: 35,
      peakMmPerHour: Math.fround(7),
      peakInMinutes: 25,
    });
    expect(rainEvents({ minutes, mmPerHour }, 5)).toMatchObject({ startsInMinutes: 25, stopsInMinutes: 30 });
  });

  it("says raining now, and not stopping within the hour", () => {
    const mmPerHour = Float32Array.from([1, 1.2, 2, 2, 2, 1.5, 1, 1, 1, 1, 1, 1, 1]);
    expect(rainEvents({ minutes, mmPerHour })).toMatchObject({ startsInMinutes: 0, stopsInMinutes: null, peakInMinutes: 10 });
  });

  it("says dry, and skips leads without a value", () => {
    const dry = rainEvents({ minutes, mmPerHour: new Float32Array(13).fill(0.05) });
    expect(dry).toMatchObject({ startsInMinutes: null, stopsInMinutes: null, peakInMinutes: 0 });
    const gappy = Float32Array.from([NaN, NaN, 0.2, NaN, 0.8, NaN, 0.1, NaN, NaN, NaN, NaN, NaN, NaN]);
    expect(rainEvents({ minutes, mmPerHour: gappy })).toMatchObject({ startsInMinutes: 20, stopsInMinutes: 30, peakInMinutes: 20 });
    const unknown = rainEvents({ minutes, mmPerHour: new Float32Array(13).fill(NaN) });
    expect(unknown.peakMmPerHour).toBeNaN();
    expect(unknown.peakInMinutes).toBeNull();
  });
});
