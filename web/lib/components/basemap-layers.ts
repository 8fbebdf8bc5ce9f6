// The offline basemap drawn on a Leaflet map: land, its coast and country borders from
// /map/basemap.json, styled for light and dark. Shared by the radar map and the coverage map, both
// loaded after first paint.
import L from "leaflet";

export interface Basemap {
  source: string;
  scale: number;
  /** The box (integer lon/lat, west, south, east, north) the land was cut to. */
  bbox: [number, number, number, number];
  /** Delta-encoded integer lon/lat rings (first point, then deltas), as basemap/clip.ts writes them. */
  land: number[][];
  borders: number[][];
  /** name, lat, lon, population; largest first. */
  towns: [string, number, number, number][];
}

/**
 * A land ring's coast: the ring as lines, broken where it runs along the box it was cut to (those
 * runs are cuts, not coast, and would draw a false shore at the box's edge when zoomed out).
 */
function coastOf(encoded: number[], scale: number, [west, south, east, north]: Basemap["bbox"]): L.LatLngTuple[][] {
  const lines: L.LatLngTuple[][] = [];
  let line: L.LatLngTuple[] = [];
  let x = 0, y = 0, firstX = 0, firstY = 0;
  const onCut = (ax: number, ay: number, bx: number, by: number) =>
    (ax === bx && (ax === west || ax === east)) || (ay === by && (ay === south || ay === north));
  for (let i = 0; i <= encoded.length; i += 2) {
    // The ring closes: its last point joins its first.
    const px = x, py = y;
    if (i < encoded.length) {
      x += encoded[i]!;
      y += encoded[i + 1]!;
      if (i === 0) {
        firstX = x;
        firstY = y;
        line.push([y / scale, x / scale]);
        continue;
      }
    } else {
      x = firstX;
      y = firstY;
    }
    if (onCut(px, py, x, y)) {
      if (line.length > 1) lines.push(line);
      line = [[y / scale, x / scale]];
    } else line.push([y / scale, x / scale]);
  }
  if (line.length > 1) lines.push(line);
  return lines;
}

function decode(encoded: number[], scale: number): L.LatLngTuple[] {
  const out: L.LatLngTuple[] = [];
  let x = 0, y = 0;
  for (let i = 0; i < encoded.length; i += 2) {
    x += encoded[i]!;
    y += encoded[i + 1]!;
    out.push([y / scale, x / scale]);
  }
  return out;
}

const style = (dark: boolean) => ({
  land: { stroke: false, fillColor: dark ? "#2a323b" : "#f3f0e8", fillOpacity: 1 },
  coast: { color: dark ? "#8b98a5" : "#7d8c99", weight: 1 },
  border: { color: dark ? "#c69bb8" : "#9b6b8e", weight: 1.4, dashArray: "6 4" },
  sea: dark ? "#11181f" : "#dfe6ec",
});

/**
 * Land and coast in a "basemap" pane under everything, borders in options.borderPane (over the
 * rain, where the radar map puts them); the map's background is the sea. setDark restyles them.
 */
export function addBasemap(map: L.Map, basemap: Basemap | null, renderer: L.Renderer, dark: boolean, options: { borderPane: string }): { setDark(dark: boolean): void } {
  const pane = map.createPane("basemap");
  pane.style.zIndex = "200";
  let land: L.Polygon | null = null;
  let coast: L.Polyline | null = null;
  let borders: L.Polyline | null = null;
  if (basemap) {
    const b = basemap;
    land = L.polygon(b.land.map((r) => decode(r, b.scale)), { ...style(dark).land, pane: "basemap", renderer, interactive: false }).addTo(map);
    coast = L.polyline(b.land.flatMap((r) => coastOf(r, b.scale, b.bbox)), { ...style(dark).coast, pane: "basemap", renderer, interactive: false, fill: false }).addTo(map);
    borders = L.polyline(b.borders.map((r) => decode(r, b.scale)), { ...style(dark).border, pane: options.borderPane, renderer, interactive: false, fill: false }).addTo(map);
    map.attributionControl.addAttribution(b.source.replace(/ via .*/, ""));
  }
  function setDark(isDark: boolean): void {
    const s = style(isDark);
    land?.setStyle(s.land);
    coast?.setStyle(s.coast);
    borders?.setStyle(s.border);
    map.getContainer().style.background = s.sea;
  }
  setDark(dark);
  return { setDark };
}
