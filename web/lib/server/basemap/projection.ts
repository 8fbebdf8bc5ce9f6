// The offline basemap projected onto the radar grid: each 256 x 256 crop of
// the composite gets its land (whose outline is the coast) and country borders
// as SVG path data in crop pixels, which the browser draws under the radar.
import { latLonToPixel, pixelToLatLon, type Georeference } from "../../../../nowcast/src/index";
import data from "./fennoscandia.json";

interface Shape {
  /** Longitudes and latitudes, interleaved. */
  coords: Float64Array;
  west: number;
  south: number;
  east: number;
  north: number;
}

let shapes: { land: Shape[]; borders: Shape[] } | undefined;

function decode(encoded: number[]): Shape {
  const coords = new Float64Array(encoded.length);
  let x = 0, y = 0;
  let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
  for (let i = 0; i < encoded.length; i += 2) {
    x += encoded[i]!;
    y += encoded[i + 1]!;
    const lon = x / data.scale, lat = y / data.scale;
    coords[i] = lon;
    coords[i + 1] = lat;
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  return { coords, west, south, east, north };
}

function loaded() {
  shapes ??= { land: data.land.map(decode), borders: data.borders.map(decode) };
  return shapes;
}

// Clip rectangle, a little larger than the crop so that the edges the clipping
// adds to land rings stay out of sight when the rings are stroked as coastline.
const MARGIN = 4;
// Vertices closer than this (crop pixels, about 1 km each) to the previous one are skipped.
const MIN_STEP_PX = 0.6;

type Pt = [number, number];

function project(crop: Georeference, shape: Shape): Pt[] {
  const out: Pt[] = [];
  for (let i = 0; i < shape.coords.length; i += 2) {
    const { x, y } = latLonToPixel(crop, shape.coords[i + 1]!, shape.coords[i]!);
    out.push([x, y]);
  }
  return out;
}

function clipPolygon(ring: Pt[], lo: number, hi: number): Pt[] {
  const tests: ((p: Pt) => boolean)[] = [(p) => p[0] >= lo, (p) => p[0] <= hi, (p) => p[1] >= lo, (p) => p[1] <= hi];
  const cuts: ((a: Pt, b: Pt) => Pt)[] = [
    (a, b) => lerp(a, b, (lo - a[0]) / (b[0] - a[0])),
    (a, b) => lerp(a, b, (hi - a[0]) / (b[0] - a[0])),
    (a, b) => lerp(a, b, (lo - a[1]) / (b[1] - a[1])),
    (a, b) => lerp(a, b, (hi - a[1]) / (b[1] - a[1])),
  ];
  let out = ring;
  for (let e = 0; e < 4 && out.length; e++) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i]!, prev = input[(i + input.length - 1) % input.length]!;
      const curIn = tests[e]!(cur), prevIn = tests[e]!(prev);
      if (curIn) {
        if (!prevIn) out.push(cuts[e]!(prev, cur));
        out.push(cur);
      } else if (prevIn) out.push(cuts[e]!(prev, cur));
    }
  }
  return out;
}

function lerp(a: Pt, b: Pt, t: number): Pt {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

/** Runs of a polyline inside the rectangle, each with one vertex beyond it so the stroke reaches the edge. */
function clipLine(line: Pt[], lo: number, hi: number): Pt[][] {
  const inside = (p: Pt | undefined) => !!p && p[0] >= lo && p[0] <= hi && p[1] >= lo && p[1] <= hi;
  const runs: Pt[][] = [];
  let run: Pt[] = [];
  line.forEach((p, i) => {
    if (inside(p) || inside(line[i - 1]) || inside(line[i + 1])) run.push(p);
    else if (run.length) {
      if (run.length > 1) runs.push(run);
      run = [];
    }
  });
  if (run.length > 1) runs.push(run);
  return runs;
}

/** SVG path data with relative moves in tenths of a pixel, thinned to MIN_STEP_PX. */
function pathData(points: Pt[], closed: boolean): string {
  let out = "";
  let px = 0, py = 0;
  points.forEach((p, i) => {
    const x = Math.round(p[0] * 10), y = Math.round(p[1] * 10);
    if (i === 0) {
      out += `M${x / 10} ${y / 10}`;
    } else {
      const last = i === points.length - 1;
      if (!last && Math.abs(x - px) < MIN_STEP_PX * 10 && Math.abs(y - py) < MIN_STEP_PX * 10) return;
      const dx = (x - px) / 10, dy = (y - py) / 10;
      out += `l${dx}${dy < 0 ? "" : " "}${dy}`;
    }
    px = x;
    py = y;
  });
  return closed ? `${out}z` : out;
}

/** The lon/lat box of a crop, padded, to skip shapes far from it before projecting. */
function cropBounds(crop: Georeference) {
  let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
  for (let i = 0; i <= 8; i++) {
    const t = (crop.width * i) / 8;
    for (const [x, y] of [[t, 0], [t, crop.height], [0, t], [crop.width, t]] as Pt[]) {
      const { lat, lon } = pixelToLatLon(crop, x, y);
      west = Math.min(west, lon);
      east = Math.max(east, lon);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
    }
  }
  return { west: west - 0.5, south: south - 0.2, east: east + 0.5, north: north + 0.2 };
}

const cache = new Map<string, { land: string; borders: string }>();
const CACHE_SIZE = 200;

/** Land and borders of a crop as SVG path data in its pixels. */
export function basemapPaths(crop: Georeference): { land: string; borders: string } {
  const key = `${crop.westM}:${crop.northM}:${crop.width}:${crop.pixelWidthM}:${JSON.stringify(crop.projection)}`;
  const known = cache.get(key);
  if (known) return known;
  const { land, borders } = loaded();
  const box = cropBounds(crop);
  const near = (s: Shape) => s.east >= box.west && s.west <= box.east && s.north >= box.south && s.south <= box.north;
  const lo = -MARGIN, hi = crop.width + MARGIN;
  const landPath = land
    .filter(near)
    .map((s) => clipPolygon(project(crop, s), lo, hi))
    .filter((ring) => ring.length >= 3)
    .map((ring) => pathData(ring, true))
    .join("");
  const borderPath = borders
    .filter(near)
    .flatMap((s) => clipLine(project(crop, s), lo, hi))
    .map((run) => pathData(run, false))
    .join("");
  const paths = { land: landPath, borders: borderPath };
  cache.set(key, paths);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return paths;
}
