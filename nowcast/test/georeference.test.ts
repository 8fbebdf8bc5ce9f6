import { beforeAll, describe, expect, it } from "vitest";
import { contains, type Georeference, latLonToPixel, pixelToLatLon, type RadarFrame } from "../src/index.js";
import { eventFrames } from "./fixtures.js";

let frame: RadarFrame;
let georef: Georeference;

beforeAll(async () => {
  frame = (await eventFrames())[0]!;
  georef = frame.georef;
});

/** Great-circle distance on the projection's sphere. */
function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6371288 * Math.asin(Math.sqrt(h));
}

describe("polar stereographic georeference of the FMI grid", () => {
  it("round-trips pixel -> lat/lon -> pixel across the grid", () => {
    for (let y = 0; y <= 1226; y += 61.3) {
      for (let x = 0; x <= 760; x += 47.5) {
        const { lat, lon } = pixelToLatLon(georef, x, y);
        const back = latLonToPixel(georef, lat, lon);
        expect(back.x).toBeCloseTo(x, 6);
        expect(back.y).toBeCloseTo(y, 6);
      }
    }
  });

  it("round-trips lat/lon -> pixel -> lat/lon over Finland", () => {
    for (let lat = 59; lat <= 69; lat += 0.7) {
      for (let lon = 20; lon <= 31; lon += 0.9) {
        const { x, y } = latLonToPixel(georef, lat, lon);
        const back = pixelToLatLon(georef, x, y);
        expect(back.lat).toBeCloseTo(lat, 9);
        expect(back.lon).toBeCloseTo(lon, 9);
      }
    }
  });

  it("has true scale at 60 N: neighbouring pixel centres there are the header's pixel size apart", () => {
    const { y } = latLonToPixel(georef, 60, 25);
    const here = pixelToLatLon(georef, 380.5, y);
    expect(distanceM(here, pixelToLatLon(georef, 381.5, y))).toBeCloseTo(999.674053, 0);
    expect(distanceM(here, pixelToLatLon(georef, 380.5, y + 1))).toBeCloseTo(999.62859, 0);
    // Poleward of 60 N the map shrinks by k = (1 + sin 60) / (1 + sin lat), so a pixel spans more ground.
    const north = latLonToPixel(georef, 68, 25);
    const expectedM = (999.674053 * (1 + Math.sin((68 * Math.PI) / 180))) / (1 + Math.sin((60 * Math.PI) / 180));
    expect(distanceM(pixelToLatLon(georef, 380.5, north.y), pixelToLatLon(georef, 381.5, north.y))).toBeCloseTo(
      expectedM,
      0,
    );
  });

  it("points the central meridian straight down the grid, north up", () => {
    const south = latLonToPixel(georef, 60, 25);
    const north = latLonToPixel(georef, 68, 25);
    expect(north.x).toBeCloseTo(south.x, 9);
    expect(north.y).toBeLessThan(south.y);
    const east = latLonToPixel(georef, 64, 28);
    const west = latLonToPixel(georef, 64, 22);
    expect(east.x).toBeGreaterThan(west.x);
  });

  it("places every radar of the network inside the grid, on covered pixels", () => {
    // Sites from the header's "# radar NAME 1 lon lat" lines.
    const radars = [
      [21.646, 60.128],
      [24.873, 60.271],
      [27.109, 60.904],
      [23.08, 61.767],
      [29.7977, 61.907],
      [25.4401, 62.3045],
      [27.385, 62.862],
      [23.8246, 63.1046],
      [26.322, 64.774],
      [26.9008, 67.1386],
    ] as const;
    for (const [lon, lat] of radars) {
      expect(contains(georef, lat, lon)).toBe(true);
      const { x, y } = latLonToPixel(georef, lat, lon);
      expect(Number.isNaN(frame.dbz[Math.floor(y) * frame.width + Math.floor(x)]!)).toBe(false);
    }
  });

  it("knows what lies outside", () => {
    expect(contains(georef, 52.5, 13.4)).toBe(false);
    expect(contains(georef, 70, 25)).toBe(false);
    expect(contains(georef, 64, 40)).toBe(false);
  });
});
