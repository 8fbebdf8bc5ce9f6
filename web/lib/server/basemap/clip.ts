// Cutting the basemap to a box: used once at build time (the world-atlas geometry to the radar
// domains' box) and per request (Europe to the box a map asks for). Points are flat integer lon/lat
// in the format's units ($lib/basemap.ts).
import { type BasemapGeometry, type Box, decodeDeltas, encodeDeltas } from "../../basemap";

/** Sutherland-Hodgman: an open ring (first point not repeated) clipped to the box; [] when outside. */
export function clipRing(ring: readonly number[], box: Box): number[] {
  let out: number[] = ring.slice();
  // Each edge: which axis (0 x, 1 y), its value, and whether inside is at or above it.
  const edges: [number, number, boolean][] = [[0, box[0], true], [0, box[2], false], [1, box[1], true], [1, box[3], false]];
  for (const [axis, value, above] of edges) {
    if (out.length < 6) return [];
    const input = out;
    out = [];
    const n = input.length;
    const inside = (i: number) => (above ? input[i + axis]! >= value : input[i + axis]! <= value);
    for (let i = 0; i < n; i += 2) {
      const prev = (i - 2 + n) % n;
      const curIn = inside(i), prevIn = inside(prev);
      if (curIn !== prevIn) {
        // The crossing lies exactly on the edge, so the browser can tell clip edges from coast.
        const t = (value - input[prev + axis]!) / (input[i + axis]! - input[prev + axis]!);
        const other = 1 - axis;
        const crossing = input[prev + other]! + t * (input[i + other]! - input[prev + other]!);
        if (axis === 0) out.push(value, crossing);
        else out.push(crossing, value);
      }
      if (curIn) out.push(input[i]!, input[i + 1]!);
    }
  }
  return out.length >= 6 ? out : [];
}

/** A polyline's pieces inside the box, each keeping one vertex past the edge so strokes reach it. */
export function clipLine(line: readonly number[], box: Box): number[][] {
  const inside = (i: number) => i >= 0 && i < line.length && line[i]! >= box[0] && line[i]! <= box[2] && line[i + 1]! >= box[1] && line[i + 1]! <= box[3];
  const pieces: number[][] = [];
  let piece: number[] = [];
  for (let i = 0; i < line.length; i += 2) {
    if (inside(i) || inside(i - 2) || inside(i + 2)) piece.push(line[i]!, line[i + 1]!);
    else if (piece.length) {
      if (piece.length >= 4) pieces.push(piece);
      piece = [];
    }
  }
  if (piece.length >= 4) pieces.push(piece);
  return pieces;
}

function cutRings(rings: readonly number[][], box: Box): number[][] {
  const out: number[][] = [];
  for (const encoded of rings) {
    const ring = encodeDeltas(clipRing(decodeDeltas(encoded), box), true);
    if (ring) out.push(ring);
  }
  return out;
}

/** The basemap's land, lakes and borders cut to a smaller box (encoded as they came). */
export function cutBasemap(data: BasemapGeometry, box: Box): BasemapGeometry {
  const borders: number[][] = [];
  for (const encoded of data.borders) {
    for (const piece of clipLine(decodeDeltas(encoded), box)) {
      const line = encodeDeltas(piece, false);
      if (line) borders.push(line);
    }
  }
  return { sources: data.sources, scale: data.scale, bbox: box, land: cutRings(data.land, box), lakes: cutRings(data.lakes, box), borders };
}
