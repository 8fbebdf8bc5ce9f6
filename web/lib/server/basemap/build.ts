// Generates europe.json, the offline basemap of the site's radar maps: Natural Earth 1:10m land (its
// outline is the coastline) and country borders from the world-atlas TopoJSON package, and lakes of
// at least MIN_LAKE_KM2 from OpenStreetMap (the geo-maps earth-lakes-1km package; Natural Earth's
// lakes are not packaged), cut to a box holding every radar source's whole grid and quantized. The
// site's /map/basemap.json cuts it again to the box a map asks for. Run it again after upgrading
// world-atlas or the lakes package:
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
/** Lakes smaller than this are dots at the closest zoom of a national map, and would only add weight. */
const MIN_LAKE_KM2 = 10;

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

/** Area in km2 of a ring of lon/lat degrees, on a plane scaled by the cosine of its mean latitude. */
function areaKm2(ring: number[][]): number {
  let twice = 0, lat = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!, [x2, y2] = ring[(i + 1) % ring.length]!;
    twice += x1! * y2! - x2! * y1!;
    lat += y1!;
  }
  return (Math.abs(twice) / 2) * 111.2 * 111.2 * Math.cos(((lat / ring.length) * Math.PI) / 180);
}

const lakesCollection = JSON.parse(readFileSync(require.resolve("@geo-maps/earth-lakes-1km/map.geo.json"), "utf8")) as { geometries: { coordinates: number[][][][] }[] };
const lakes: number[][] = [];
for (const polygon of lakesCollection.geometries.flatMap((g) => g.coordinates)) {
  // The outer ring decides; its islands (the other rings) stay with it, drawn even-odd.
  if (areaKm2(polygon[0]!.slice(0, -1)) < MIN_LAKE_KM2) continue;
  for (const ring of polygon) {
    const encoded = encodeDeltas(clipRing(scaled(ring.slice(0, -1)), BOX), true, MIN_STEP);
    if (encoded) lakes.push(encoded);
  }
}

const data: BasemapGeometry = {
  sources: ["Natural Earth 1:10m via world-atlas 2 (countries-10m.json), public domain", "Lakes © OpenStreetMap contributors (ODbL) via geo-maps earth-lakes-1km"],
  scale: SCALE,
  bbox: BOX,
  land,
  lakes,
  borders,
};
const target = new URL("./europe.json", import.meta.url);
writeFileSync(target, JSON.stringify(data));
const count = (lines: number[][]) => lines.reduce((n, l) => n + l.length / 2, 0);
console.log(`wrote ${target.pathname}: ${land.length} land rings (${count(land)} points), ${lakes.length} lake rings (${count(lakes)}), ${borders.length} borders (${count(borders)})`);
