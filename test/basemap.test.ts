import { describe, expect, it } from "vitest";
import europeJson from "../web/lib/server/basemap/europe.json";
import { type BasemapGeometry, type Box, decodeDeltas } from "../web/lib/basemap";
import { clipLine, clipRing, cutBasemap } from "../web/lib/server/basemap/clip";

const europe = europeJson as unknown as BasemapGeometry;

/** Shoelace area of a flat [x0, y0, x1, y1, ...] ring. */
function area(ring: number[]): number {
  let twice = 0;
  for (let i = 0; i < ring.length; i += 2) {
    const j = (i + 2) % ring.length;
    twice += ring[i]! * ring[j + 1]! - ring[j]! * ring[i + 1]!;
  }
  return Math.abs(twice) / 2;
}

/** Even-odd test of a lon/lat against the basemap's land rings. */
const onLand = (map: BasemapGeometry, lat: number, lon: number) => inRings(map.land, map.scale, lat, lon);
const inLake = (map: BasemapGeometry, lat: number, lon: number) => inRings(map.lakes, map.scale, lat, lon);

function inRings(rings: number[][], scale: number, lat: number, lon: number): boolean {
  const x = lon * scale, y = lat * scale;
  let inside = false;
  for (const encoded of rings) {
    const ring = decodeDeltas(encoded);
    for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
      const yi = ring[i + 1]!, yj = ring[j + 1]!;
      if (yi > y !== yj > y && x < ((ring[j]! - ring[i]!) * (y - yi)) / (yj - yi) + ring[i]!) inside = !inside;
    }
  }
  return inside;
}

describe("cutting the basemap to a box", () => {
  it("clips a ring to the box, with the crossings on the box's edges", () => {
    // A 20 x 20 square centred on the origin, cut to the quadrant x, y >= 0: a 10 x 10 square.
    const ring = clipRing([-10, -10, 10, -10, 10, 10, -10, 10], [0, 0, 20, 20]);
    expect(area(ring)).toBe(100);
    for (let i = 0; i < ring.length; i += 2) {
      expect(ring[i]).toBeGreaterThanOrEqual(0);
      expect(ring[i + 1]).toBeGreaterThanOrEqual(0);
    }
    expect(clipRing([30, 30, 40, 30, 40, 40], [0, 0, 20, 20])).toEqual([]);
  });

  it("keeps a line's pieces inside the box, each with one vertex past the edge", () => {
    expect(clipLine([-20, 5, -10, 5, 5, 5, 15, 5, 30, 5, 40, 5], [0, 0, 20, 20])).toEqual([[-10, 5, 5, 5, 15, 5, 30, 5]]);
    expect(clipLine([30, 30, 40, 30], [0, 0, 20, 20])).toEqual([]);
  });

  it("covers every radar source's domain, land and sea in the right places (Natural Earth 1:10m)", () => {
    expect(onLand(europe, 52.37, 4.9)).toBe(true); // Amsterdam
    expect(onLand(europe, 54.0, 3.0)).toBe(false); // North Sea
    expect(onLand(europe, 60.17, 24.94)).toBe(true); // Helsinki
    expect(onLand(europe, 59.5, 24.0)).toBe(false); // Gulf of Finland
    expect(onLand(europe, 46.95, 7.45)).toBe(true); // Bern
    expect(onLand(europe, 43.0, 5.0)).toBe(false); // Gulf of Lion
    expect(onLand(europe, 40.42, -3.7)).toBe(true); // Madrid, in OPERA's south-west
    expect(onLand(europe, 39.0, -12.0)).toBe(false); // the Atlantic off Portugal
  });

  it("has the lakes of the radars' countries (OpenStreetMap), and none where a city stands", () => {
    expect(europe.sources.some((s) => s.includes("OpenStreetMap"))).toBe(true);
    for (const [lake, lat, lon] of [
      ["Lake Geneva", 46.45, 6.55],
      ["Lake Constance", 47.6, 9.4],
      ["Lake Zürich", 47.25, 8.68],
      ["Päijänne", 61.55, 25.45],
      ["Saimaa", 61.2, 28.3],
      ["IJsselmeer", 52.75, 5.35],
      ["Ladoga", 61.0, 31.5],
      ["Balaton", 46.85, 17.75],
    ] as const) {
      expect(inLake(europe, lat, lon), lake).toBe(true);
    }
    for (const [city, lat, lon] of [["Helsinki", 60.17, 24.94], ["Zürich", 47.37, 8.54], ["Bern", 46.95, 7.45], ["Amsterdam", 52.37, 4.9]] as const) {
      expect(inLake(europe, lat, lon), city).toBe(false);
    }
  });

  it("cuts Switzerland's box with its lakes, the same water inside", () => {
    const scale = europe.scale;
    const cut = cutBasemap(europe, [5 * scale, 45 * scale, 11 * scale, 48 * scale]);
    expect(cut.lakes.length).toBeLessThan(europe.lakes.length / 10);
    for (const [lat, lon] of [[46.45, 6.55], [47.6, 9.4], [47.25, 8.68], [47.37, 8.54], [46.95, 7.45]] as const) {
      expect(inLake(cut, lat, lon)).toBe(inLake(europe, lat, lon));
    }
    expect(cut.sources).toEqual(europe.sources);
  });

  it("cuts Europe to the Netherlands' box: only what lies in it, the same land inside", () => {
    const scale = europe.scale;
    const box: Box = [0, 49 * scale, 11 * scale, 56 * scale];
    const cut = cutBasemap(europe, box);
    expect(cut.bbox).toEqual(box);
    const points = (lines: number[][]) => lines.reduce((n, l) => n + l.length / 2, 0);
    expect(points(cut.land)).toBeLessThan(points(europe.land) / 10);
    for (const encoded of cut.land) {
      const ring = decodeDeltas(encoded);
      for (let i = 0; i < ring.length; i += 2) {
        expect(ring[i]! >= box[0] && ring[i]! <= box[2] && ring[i + 1]! >= box[1] && ring[i + 1]! <= box[3]).toBe(true);
      }
    }
    for (const [lat, lon] of [[52.37, 4.9], [54.0, 3.0], [50.85, 4.35], [53.55, 9.99], [55.0, 1.0]] as const) {
      expect(onLand(cut, lat, lon)).toBe(onLand(europe, lat, lon));
    }
    expect(cut.borders.length).toBeGreaterThan(3);
  });
});
