// The offline basemap drawn on a Leaflet map: land, lakes, their shores and country borders from
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

const SEA = { dark: "#11181f", light: "#dfe6ec" };
const style = (dark: boolean) => ({
  land: { stroke: false, fillColor: dark ? "#2a323b" : "#f3f0e8", fillOpacity: 1 },
  lakes: { stroke: false, fillColor: dark ? SEA.dark : SEA.light, fillOpacity: 1 },
  coast: { color: dark ? "#8b98a5" : "#7d8c99", weight: 1 },
  border: { color: dark ? "#c69bb8" : "#9b6b8e", weight: 1.4, dashArray: "6 4" },
  sea: dark ? SEA.dark : SEA.light,
});

/**
 * An SVG renderer that draws in the pane. A renderer's SVG lives in one pane (by default the
 * overlay pane, above everything but markers) whatever the pane option of the layers it draws, so
 * one renderer shared across panes stacks all of them at its own level: the land over the rain.
 */
export const paneRenderer = (pane: string): L.Renderer => L.svg({ pane, padding: 0.5 });

/**
 * Land, lakes and shores in a "basemap" pane under everything, borders in options.borderPane (over
 * the rain, where the radar map puts them); the map's background is the sea from the start, the
 * rest is drawn when the basemap arrives (draw), so the rain need not wait for it. setDark restyles.
 */
export function addBasemap(map: L.Map, dark: boolean, options: { borderPane: string }): { draw(basemap: Basemap | null): void; setDark(dark: boolean): void } {
  const pane = map.createPane("basemap");
  pane.style.zIndex = "200";
  const renderer = paneRenderer("basemap");
  let isDark = dark;
  let land: L.Polygon | null = null;
  let lakes: L.Polygon | null = null;
  let coast: L.Polyline | null = null;
  let borders: L.Polyline | null = null;
  function draw(b: Basemap | null): void {
    if (!b || land) return;
    const s = style(isDark);
    const layer = { pane: "basemap", renderer, interactive: false };
    land = L.polygon(b.land.map((r) => decode(r, b.scale)), { ...s.land, ...layer }).addTo(map);
    // Over the land, in the sea's colour; their shores are drawn with the coast.
    if (b.lakes.length) lakes = L.polygon(b.lakes.map((r) => decode(r, b.scale)), { ...s.lakes, ...layer, className: "lakes" }).addTo(map);
    const shores = [...b.land, ...b.lakes].flatMap((r) => coastOf(r, b.scale, b.bbox));
    coast = L.polyline(shores, { ...s.coast, ...layer, fill: false }).addTo(map);
    borders = L.polyline(b.borders.map((r) => decode(r, b.scale)), { ...s.border, pane: options.borderPane, renderer: paneRenderer(options.borderPane), interactive: false, fill: false }).addTo(map);
    for (const credit of b.sources) map.attributionControl.addAttribution(credit.replace(/ via .*/, ""));
  }
  function setDark(next: boolean): void {
    isDark = next;
    const s = style(next);
    land?.setStyle(s.land);
    lakes?.setStyle(s.lakes);
    coast?.setStyle(s.coast);
    borders?.setStyle(s.border);
    map.getContainer().style.background = s.sea;
  }
  setDark(dark);
  return { draw, setDark };
}
