// The offline basemap drawn on a Leaflet map: land, its coast and country borders from
// /map/basemap.json, styled for light and dark. Shared by the radar map and the coverage map, both
// loaded after first paint.
import L from "leaflet";
import { type Basemap, decodeDeltas } from "../basemap";

/** A ring or line as Leaflet takes it: [lat, lon] in degrees. */
function latLngs(points: readonly number[], scale: number): L.LatLngTuple[] {
  const out: L.LatLngTuple[] = [];
  for (let i = 0; i < points.length; i += 2) out.push([points[i + 1]! / scale, points[i]! / scale]);
  return out;
}

/**
 * A land ring's coast: the ring as lines, broken where it runs along the box it was cut to (those
 * runs are cuts, not coast, and would draw a false shore at the box's edge when zoomed out).
 */
function coastOf(encoded: readonly number[], scale: number, [west, south, east, north]: Basemap["bbox"]): L.LatLngTuple[][] {
  const ring = decodeDeltas(encoded);
  const n = ring.length;
  const lines: L.LatLngTuple[][] = [];
  let line: number[] = [ring[0]!, ring[1]!];
  // Every edge, the closing one from the last point back to the first included.
  for (let i = 2; i <= n; i += 2) {
    const ax = ring[i - 2]!, ay = ring[i - 1]!, bx = ring[i % n]!, by = ring[(i + 1) % n]!;
    const onCut = (ax === bx && (ax === west || ax === east)) || (ay === by && (ay === south || ay === north));
    if (onCut) {
      if (line.length > 2) lines.push(latLngs(line, scale));
      line = [];
    }
    line.push(bx, by);
  }
  if (line.length > 2) lines.push(latLngs(line, scale));
  return lines;
}

const decode = (encoded: readonly number[], scale: number) => latLngs(decodeDeltas(encoded), scale);

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
