// The coverage map's Leaflet side, loaded after first paint: where each radar source has data,
// over the offline basemap, with the place asked for. Web Mercator (Leaflet's default): the
// outlines are lat/lon rings, and no radar grid is shown here.
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import type { Basemap } from "../basemap";
import { addBasemap, paneRenderer } from "./basemap-layers";
import type { CoverageView } from "../types";

const COLOURS = ["#1e5ad2", "#0f7b6c", "#8a4baf", "#b35c00"];

export function createCoverageLeaflet(element: HTMLElement, coverage: CoverageView, basemap: Basemap | null, dark: boolean): { setDark(dark: boolean): void; destroy(): void } {
  const map = L.map(element, { attributionControl: true, zoomSnap: 0.25, minZoom: 2, maxZoom: 7 });
  map.attributionControl.setPrefix(false);
  const linesPane = map.createPane("lines");
  linesPane.style.zIndex = "350";
  const base = addBasemap(map, dark, { borderPane: "lines" });
  base.draw(basemap);
  const renderer = paneRenderer("lines");
  const outlines = coverage.sources.map((s, i) =>
    L.polygon(s.outline, { pane: "lines", renderer, color: COLOURS[i % COLOURS.length], weight: 2, fillOpacity: 0.12, interactive: false })
      .bindTooltip(s.name, { sticky: false })
      .addTo(map),
  );
  let bounds = L.latLngBounds([]);
  for (const o of outlines) bounds = bounds.extend(o.getBounds());
  if (coverage.position) {
    const { lat, lon, name } = coverage.position;
    L.circleMarker([lat, lon], { pane: "lines", radius: 7, color: "#fff", weight: 2.5, fillColor: "#d1242f", fillOpacity: 1, interactive: false })
      .bindTooltip(name, { permanent: true, direction: "right", className: "place-label", offset: [8, 0] })
      .addTo(map);
    bounds = bounds.extend([lat, lon]);
  }
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 5 });
  else map.setView([54, 10], 3);
  return { setDark: base.setDark, destroy: () => map.remove() };
}
