import { describe, expect, it } from "vitest";
import {
  dbzToRainDecibels,
  dbzToRainRate,
  dbzToRainRateArray,
  FMI_ZR,
  MARSHALL_PALMER,
  RAIN_DECIBELS,
  rainRateToDbz,
  rainRateToDbzArray,
  zrForSource,
} from "../src/index.js";
import { eventFrames } from "./fixtures.js";

describe("Z-R conversions", () => {
  it("follows Z = a R^b: 1 mm/h is 10 log10(a) dBZ", () => {
    expect(rainRateToDbz(1, MARSHALL_PALMER)).toBeCloseTo(10 * Math.log10(200), 10);
    expect(rainRateToDbz(1, FMI_ZR)).toBeCloseTo(10 * Math.log10(223), 10);
    expect(dbzToRainRate(10 * Math.log10(200 * 10 ** 1.6), MARSHALL_PALMER)).toBeCloseTo(10, 10);
    expect(rainRateToDbz(0, MARSHALL_PALMER)).toBe(-Infinity);
  });

  it("round-trips and keeps no data as NaN on a real frame", async () => {
    const { dbz } = (await eventFrames())[0]!;
    const mmPerHour = dbzToRainRateArray(dbz, FMI_ZR);
    const back = rainRateToDbzArray(mmPerHour, FMI_ZR);
    for (let i = 0; i < dbz.length; i += 97) {
      if (Number.isNaN(dbz[i]!)) {
        expect(mmPerHour[i]).toBeNaN();
        expect(back[i]).toBeNaN();
      } else {
        expect(back[i]).toBeCloseTo(dbz[i]!, 3);
        expect(mmPerHour[i]).toBeCloseTo(dbzToRainRate(dbz[i]!, FMI_ZR), 5);
      }
    }
  });

  it("uses each source's own relation for display, Marshall-Palmer otherwise", () => {
    expect(zrForSource("fmi")).toBe(FMI_ZR);
    expect(zrForSource("mrms")).toBe(MARSHALL_PALMER);
  });
});

describe("dB transform for motion estimation", () => {
  it("is 10 log10(R) at or above 0.1 mm/h, -15 dB below, NaN kept", () => {
    const dbz = Float32Array.from([
      rainRateToDbz(1, FMI_ZR),
      rainRateToDbz(10, FMI_ZR),
      rainRateToDbz(0.1, FMI_ZR) + 0.01,
      rainRateToDbz(0.05, FMI_ZR),
      -32,
      NaN,
    ]);
    const db = dbzToRainDecibels(dbz, FMI_ZR);
    expect(db[0]).toBeCloseTo(0, 4);
    expect(db[1]).toBeCloseTo(10, 4);
    expect(db[2]).toBeCloseTo(-10, 1);
    expect(db[3]).toBe(RAIN_DECIBELS.zeroDb);
    expect(db[4]).toBe(-15);
    expect(db[5]).toBeNaN();
  });
});
