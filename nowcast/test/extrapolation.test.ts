import { beforeAll, describe, expect, it } from "vitest";
import { extrapolate, type MotionField, type RadarFrame } from "../src/index.js";
import { eventFrames } from "./fixtures.js";

let frame: RadarFrame;

beforeAll(async () => {
  frame = (await eventFrames())[25]!;
});

function uniformMotion(u: number, v: number, width: number, height: number, cellPx = 4): MotionField {
  const cells = Math.ceil(width / cellPx) * Math.ceil(height / cellPx);
  return {
    u: new Float32Array(cells).fill(u),
    v: new Float32Array(cells).fill(v),
    width: Math.ceil(width / cellPx),
    height: Math.ceil(height / cellPx),
    cellPx,
  };
}

describe("semi-Lagrangian extrapolation", () => {
  it("with no motion returns the analysis at every lead, edges and no data included", () => {
    const forecast = extrapolate(frame.dbz, frame.width, frame.height, uniformMotion(0, 0, frame.width, frame.height), 3);
    for (const field of forecast) expect(field).toEqual(frame.dbz);
  });

  it("moves the field by whole pixels exactly, and leaves what comes from outside without a value", () => {
    const { width, height, dbz } = frame;
    const forecast = extrapolate(dbz, width, height, uniformMotion(3, -2, width, height), 4);
    forecast.forEach((field, k) => {
      const shiftX = 3 * (k + 1);
      const shiftY = -2 * (k + 1);
      for (let row = 0; row < height; row += 7) {
        for (let col = 0; col < width; col += 3) {
          const sourceCol = col - shiftX;
          const sourceRow = row - shiftY;
          const value = field[row * width + col]!;
          if (sourceCol < 0 || sourceRow >= height) expect(value).toBeNaN();
          else expect(Object.is(value, dbz[sourceRow * width + sourceCol])).toBe(true);
        }
      }
    });
  });

  it("never turns no data into a value", () => {
    const { width, height } = frame;
    // A patch of no data inside the rain, on top of the composite's own uncovered areas.
    const dbz = frame.dbz.slice();
    for (let row = 600; row < 640; row++) dbz.fill(NaN, row * width + 300, row * width + 340);
    const [u, v] = [2.5, 1.25];
    const forecast = extrapolate(dbz, width, height, uniformMotion(u, v, width, height), 6);
    let checkedNoData = 0;
    let noDataWithValue = 0;
    let dataWithoutValue = 0;
    forecast.forEach((field, k) => {
      for (let row = 0; row < height; row++) {
        for (let col = 0; col < width; col++) {
          const x0 = Math.floor(col - u * (k + 1));
          const y0 = Math.floor(row - v * (k + 1));
          if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height) continue;
          const j = y0 * width + x0;
          const neighbours = [dbz[j]!, dbz[j + 1]!, dbz[j + width]!, dbz[j + width + 1]!];
          const value = field[row * width + col]!;
          if (neighbours.every(Number.isNaN)) {
            checkedNoData++;
            if (!Number.isNaN(value)) noDataWithValue++;
          } else if (!neighbours.some(Number.isNaN) && Number.isNaN(value)) dataWithoutValue++;
        }
      }
    });
    expect(noDataWithValue).toBe(0);
    expect(dataWithoutValue).toBe(0);
    expect(checkedNoData).toBeGreaterThan(6 * 100_000);
  });
});
