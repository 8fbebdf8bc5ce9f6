// Generates europe.json, the offline basemap of the site's radar maps: Natural Earth 1:10m land (its
// outline is the coastline) and country borders from the world-atlas TopoJSON package, cut to a box
// holding every radar source's whole grid and quantized. The site's /map/basemap.json cuts it again
// to the box a map asks for. Run it again after upgrading world-atlas:
//   npx tsx web/lib/server/basemap/build.ts
// OPERA's grid (Lambert azimuthal equal area, 1900 x 2200 pixels of 2 km) spans lon -39.5..57.8,
// lat 31.7..73.9 at its corners, and holds the national grids (FMI, KNMI, MeteoSwiss), hence BOX.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { feature, mesh } from "topojson-client";
import { type BasemapGeometry, type Box, encodeDeltas } from "../../basemap";
import { clipLine, clipRing } from "./clip";

const SCALE = 1000; // integer thousandths of a degree (~55-111 m)
const BOX: Box = [-40 * SCALE, 30 * SCALE, 60 * SCALE, 75 * SCALE];
const MIN_STEP = 2; // drop vertices closer than 2 thousandths to the previous one kept (~100-200 m)

const require = createRequire(import.meta.url);
const topology = JSON.parse(readFileSync(require.resolve("world-atlas/countries-10m.json"), "utf8")) as Parameters<typeof mesh>[0];
/**
 * Flat scaled points, unwrapped across the antimeridian: world-atlas is drawn on the sphere, where a
 * step from lon 180 to -180 is a few metres; on the plane it would be a line across the world (and
 * across every radar map at Chukotka's latitude, 69 N). Each such step moves the rest by 360 degrees.
 */
function scaled(points: number[][]): number[] {
  const out: number[] = [];
  let shift = 0;
  let previous = points[0]![0]!;
  for (const [lon, lat] of points) {
    if (lon! - previous > 180) shift -= 360;
    else if (previous - lon! > 180) shift += 360;
    previous = lon!;
    out.push((lon! + shift) * SCALE, lat! * SCALE);
  }
  return out;
}

const land: number[][] = [];
const landFeatures = feature(topology, topology.objects.land as Parameters<typeof feature>[1]) as unknown as { features: { geometry: { type: string; coordinates: number[][][][] | number[][][] } }[] };
for (const { geometry } of landFeatures.features) {
  const polygons = geometry.type === "MultiPolygon" ? (geometry.coordinates as number[][][][]) : geometry.type === "Polygon" ? [geometry.coordinates as number[][][]] : [];
  for (const polygon of polygons) {
    for (const ring of polygon) {
      const encoded = encodeDeltas(clipRing(scaled(ring.slice(0, -1)), BOX), true, MIN_STEP);
      if (encoded) land.push(encoded);
    }
  }
}
const borderMesh = mesh(topology, topology.objects.countries as Parameters<typeof mesh>[1], (a, b) => a !== b) as unknown as { coordinates: number[][][] };
const borders = borderMesh.coordinates
  .flatMap((line) => clipLine(scaled(line), BOX))
  .map((piece) => encodeDeltas(piece, false, MIN_STEP))
  .filter((line): line is number[] => line !== null);

const data: BasemapGeometry = { source: "Natural Earth 1:10m via world-atlas 2 (countries-10m.json), public domain", scale: SCALE, bbox: BOX, land, borders };
const target = new URL("./europe.json", import.meta.url);
writeFileSync(target, JSON.stringify(data));
const count = (lines: number[][]) => lines.reduce((n, l) => n + l.length / 2, 0);
console.log(`wrote ${target.pathname}: ${land.length} land rings (${count(land)} points), ${borders.length} borders (${count(borders)})`);
