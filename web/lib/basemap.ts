// The basemap's format, shared by the server that builds and cuts it (server/basemap/) and the
// browser that draws it (components/basemap-layers.ts). Points are integer lon/lat in 1/scale of a
// degree, flat [x0, y0, x1, y1, ...]; encoded rings and lines store the first point, then deltas.

/** west, south, east, north, in the same integer units as the points. */
export type Box = readonly [number, number, number, number];

export function decodeDeltas(encoded: readonly number[]): number[] {
  const out = new Array<number>(encoded.length);
  let x = 0, y = 0;
  for (let i = 0; i < encoded.length; i += 2) {
    x += encoded[i]!;
    y += encoded[i + 1]!;
    out[i] = x;
    out[i + 1] = y;
  }
  return out;
}

/**
 * First point then deltas; vertices closer than minStep (in both axes) to the last one kept are
 * dropped, except a line's last. Null when too few points remain to draw (3 for a ring, 2 for a line).
 */
export function encodeDeltas(points: readonly number[], closed: boolean, minStep = 0): number[] | null {
  const out: number[] = [];
  let px = 0, py = 0;
  for (let i = 0; i < points.length; i += 2) {
    const x = Math.round(points[i]!), y = Math.round(points[i + 1]!);
    const first = i === 0, last = i === points.length - 2;
    if (!first && !last && Math.abs(x - px) < minStep && Math.abs(y - py) < minStep) continue;
    if (!first && x === px && y === py) continue;
    out.push(first ? x : x - px, first ? y : y - py);
    px = x;
    py = y;
  }
  return out.length >= (closed ? 6 : 4) ? out : null;
}

export interface BasemapGeometry {
  /** Each data set's credit, as the map's attribution shows it (up to " via "). */
  sources: string[];
  scale: number;
  /** The box the rings were cut to: their straight runs along it are cuts, not coast. */
  bbox: Box;
  land: number[][];
  /** Lake rings (islands in them included), drawn even-odd over the land. */
  lakes: number[][];
  borders: number[][];
}

/** What /map/basemap.json answers: the geometry and the box's towns. */
export interface Basemap extends BasemapGeometry {
  /** name, lat, lon, population; largest first. */
  towns: [string, number, number, number][];
}
