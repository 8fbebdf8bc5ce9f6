// Generates fennoscandia.json, the offline basemap of the site's radar maps:
// Natural Earth 1:10m land (its outline is the coastline) and country borders from the world-atlas
// TopoJSON package, cut to the radar domain and quantized. Run it again after
// upgrading world-atlas:   npx node web/lib/server/basemap/build.mjs
//
// The radar maps are 256 km crops of the FMI composite (polar stereographic,
// lon_0 25, lat_ts 60, 760 x 1226 pixels of about 1 km); a crop may reach 128 km
// past the grid's edge. The grid expanded by 140 pixels on every side spans
// lon 10.6..39.4, lat 56.5..70.7, hence BBOX. Projection happens per request
// (projection.ts), onto the radar grid's own georeference.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { feature, mesh } from "topojson-client";

const BBOX = [10, 56, 40, 71]; // west, south, east, north (degrees)
const SCALE = 1000; // stored as integer thousandths of a degree (~55-111 m)
const MIN_STEP = 2; // drop vertices closer than 2 thousandths to the previous one kept (~100-200 m)

const require = createRequire(import.meta.url);
const topology = JSON.parse(readFileSync(require.resolve("world-atlas/countries-10m.json"), "utf8"));
const [west, south, east, north] = BBOX;
const inside = ([lon, lat]) => lon >= west && lon <= east && lat >= south && lat <= north;

/** Sutherland-Hodgman: a ring clipped to BBOX (open ring, first point not repeated). */
function clipRing(ring) {
  const edges = [
    (p) => p[0] >= west, (p) => p[0] <= east, (p) => p[1] >= south, (p) => p[1] <= north,
  ];
  const cut = [
    (a, b) => at(a, b, (west - a[0]) / (b[0] - a[0])), (a, b) => at(a, b, (east - a[0]) / (b[0] - a[0])),
    (a, b) => at(a, b, (south - a[1]) / (b[1] - a[1])), (a, b) => at(a, b, (north - a[1]) / (b[1] - a[1])),
  ];
  let out = ring;
  for (let e = 0; e < 4 && out.length; e++) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i], prev = input[(i + input.length - 1) % input.length];
      const curIn = edges[e](cur), prevIn = edges[e](prev);
      if (curIn) {
        if (!prevIn) out.push(cut[e](prev, cur));
        out.push(cur);
      } else if (prevIn) out.push(cut[e](prev, cur));
    }
  }
  return out;
}
function at(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

/** Polyline pieces inside BBOX, each keeping one vertex past the edge so strokes reach it. */
function clipLine(line) {
  const pieces = [];
  let piece = [];
  for (let i = 0; i < line.length; i++) {
    const keep = inside(line[i]) || (i > 0 && inside(line[i - 1])) || (i + 1 < line.length && inside(line[i + 1]));
    if (keep) piece.push(line[i]);
    else if (piece.length) {
      if (piece.length > 1) pieces.push(piece);
      piece = [];
    }
  }
  if (piece.length > 1) pieces.push(piece);
  return pieces;
}

/** Flat delta-encoded integers [x0, y0, dx1, dy1, ...], thinned to MIN_STEP. */
function encode(points, closed) {
  const out = [];
  let px = 0, py = 0, first = true;
  points.forEach((p, i) => {
    const x = Math.round(p[0] * SCALE), y = Math.round(p[1] * SCALE);
    const last = i === points.length - 1;
    if (!first && !last && Math.abs(x - px) < MIN_STEP && Math.abs(y - py) < MIN_STEP) return;
    if (first) out.push(x, y);
    else out.push(x - px, y - py);
    px = x;
    py = y;
    first = false;
  });
  return out.length >= (closed ? 6 : 4) ? out : null;
}

const land = [];
const landGeometries = feature(topology, topology.objects.land).features.map((f) => f.geometry);
const polygons = landGeometries.flatMap((g) => (g.type === "MultiPolygon" ? g.coordinates : g.type === "Polygon" ? [g.coordinates] : []));
for (const polygon of polygons) {
  for (const ring of polygon) {
    const clipped = clipRing(ring.slice(0, -1));
    const encoded = clipped.length >= 3 ? encode(clipped, true) : null;
    if (encoded) land.push(encoded);
  }
}
const lines = (geometry) =>
  geometry.coordinates.flatMap(clipLine).map((l) => encode(l, false)).filter((l) => l !== null);
const borders = lines(mesh(topology, topology.objects.countries, (a, b) => a !== b));

const data = {
  source: "Natural Earth 1:10m via world-atlas 2 (countries-10m.json), public domain",
  bbox: BBOX,
  scale: SCALE,
  // Coastlines are the land rings' outlines: the BBOX edges the clipping adds lie
  // outside every crop (see above), so stroking the rings draws only coast.
  land,
  borders,
};
const target = new URL("./fennoscandia.json", import.meta.url);
writeFileSync(target, JSON.stringify(data));
const count = (rings) => rings.reduce((n, r) => n + r.length / 2, 0);
console.log(`wrote ${target.pathname}: ${land.length} land rings (${count(land)} points), ${borders.length} borders (${count(borders)})`);
