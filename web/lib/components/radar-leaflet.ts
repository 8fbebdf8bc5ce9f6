// The radar map's Leaflet side, loaded after first paint (a dynamic import): a map in the
// radar's own polar stereographic projection, so that the rain frames (crops of the composite
// grid) lie on it as exact rectangles, under an offline basemap and the gazetteer's towns.
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { pixelToLatLon, projectToMap, unprojectFromMap, type Georeference } from "../../../nowcast/src/geo/georeference";
import type { Basemap } from "../basemap";
import { addBasemap, paneRenderer } from "./basemap-layers";

export interface MapFrameLayer {
  url: string;
}

export interface RadarLeaflet {
  show(index: number): void;
  /** Whether the image of frame i has loaded. */
  loaded(index: number): boolean;
  setDark(dark: boolean): void;
  /** Draws the basemap and its towns once it has arrived (the rain frames do not wait for it). */
  setBasemap(basemap: Basemap | null): void;
  destroy(): void;
  map: L.Map;
}

/** A CRS in the radar grid's projection: one map pixel per km at zoom 0, north up. */
function radarCrs(georef: Georeference): L.CRS {
  const projection = georef.projection;
  const M_PER_PX_AT_ZOOM_0 = 1000;
  return L.extend({}, L.CRS, {
    projection: {
      project: (ll: L.LatLng) => {
        const { xM, yM } = projectToMap(projection, ll.lat, ll.lng);
        return L.point(xM, yM);
      },
      unproject: (p: L.Point) => {
        const { lat, lon } = unprojectFromMap(projection, p.x, p.y);
        return L.latLng(lat, lon);
      },
      bounds: L.bounds([-1e7, -1e7], [1e7, 1e7]),
    },
    // L.CRS scales by 256 * 2^zoom; divide that out so zoom 0 is 1 km per pixel.
    transformation: new L.Transformation(1 / (256 * M_PER_PX_AT_ZOOM_0), 0, -1 / (256 * M_PER_PX_AT_ZOOM_0), 0),
    infinite: true,
    distance: L.CRS.Earth.distance,
  }) as unknown as L.CRS;
}

/** Population a town needs to be labelled at a zoom: fewer labels the farther out. */
export function labelPopulation(zoom: number): number {
  if (zoom <= -1) return 200_000;
  if (zoom <= 0) return 60_000;
  if (zoom <= 1) return 20_000;
  if (zoom <= 2) return 7_000;
  return 2_000;
}

export function createRadarLeaflet(options: {
  element: HTMLElement;
  georef: Georeference;
  place: { lat: number; lon: number; name: string };
  frames: MapFrameLayer[];
  /** The order the frame images are fetched in. */
  order: number[];
  credit: string;
  /** The area radar data can come from: the source's outline when the API gives one, else the composite grid's edge. */
  coverage: L.LatLngTuple[] | null;
  dark: boolean;
  /** A frame's image loaded (its index), or failed (-1 - index). */
  onLoad(index: number): void;
  onView(zoom: number, center: string): void;
}): RadarLeaflet {
  const { georef, place } = options;
  const crs = radarCrs(georef);
  const map = L.map(options.element, {
    crs,
    center: [place.lat, place.lon],
    zoom: 0,
    minZoom: -2,
    maxZoom: 4,
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    wheelPxPerZoomLevel: 90,
    attributionControl: true,
    preferCanvas: false,
  });
  map.attributionControl.setPrefix(false);

  const rainPane = map.createPane("rain");
  rainPane.style.zIndex = "300";
  const linesPane = map.createPane("lines");
  linesPane.style.zIndex = "350";
  linesPane.style.pointerEvents = "none";
  const labelsPane = map.createPane("labels");
  labelsPane.style.zIndex = "450";
  labelsPane.style.pointerEvents = "none";

  const base = addBasemap(map, options.dark, { borderPane: "lines" });
  let basemap: Basemap | null = null;
  const renderer = paneRenderer("lines");
  const towns = L.layerGroup([], { pane: "labels" }).addTo(map);

  // The forecast's area (the crop the model ran on) and the radar's coverage, as outlines.
  const corner = (x: number, y: number): L.LatLngTuple => {
    const { lat, lon } = pixelToLatLon(georef, x, y);
    return [lat, lon];
  };
  // An image overlay is placed by its bounds' north-west and south-east lat/lon. In this
  // projection those must be the grid's own top-left and bottom-right corners (a lat/lon
  // box's corners would not project onto the grid's rectangle).
  const bounds = L.latLngBounds(corner(0, 0), corner(georef.width, georef.height));
  const edge = (g: Georeference): L.LatLngTuple[] => {
    const ring: L.LatLngTuple[] = [];
    const n = 24;
    for (let i = 0; i < n; i++) ring.push(corner((g.width * i) / n, 0));
    for (let i = 0; i < n; i++) ring.push(corner(g.width, (g.height * i) / n));
    for (let i = n; i > 0; i--) ring.push(corner((g.width * i) / n, g.height));
    for (let i = n; i > 0; i--) ring.push(corner(0, (g.height * i) / n));
    return ring;
  };
  L.polygon(edge(georef), { pane: "lines", renderer, interactive: false, fill: false, color: "#9a3412", weight: 1.5, dashArray: "2 5" }).addTo(map);
  if (options.coverage) {
    L.polygon(options.coverage, { pane: "lines", renderer, interactive: false, fill: false, color: "#1e5ad2", weight: 2, opacity: 0.8 }).addTo(map);
  }

  // Every frame is one image overlay, all added at once and shown by opacity: no flash while an image loads.
  const RAIN_OPACITY = 0.72;
  const loadedFlags = options.frames.map(() => false);
  const overlays: L.ImageOverlay[] = [];
  for (const i of options.order) {
    const overlay = L.imageOverlay(options.frames[i]!.url, bounds, { pane: "rain", opacity: 0, interactive: false, className: "rain-frame" });
    overlay.on("load", () => {
      loadedFlags[i] = true;
      options.onLoad(i);
    });
    overlay.on("error", () => options.onLoad(-1 - i));
    overlay.addTo(map);
    overlays[i] = overlay;
  }
  map.attributionControl.addAttribution(options.credit);

  const marker = L.circleMarker([place.lat, place.lon], { pane: "labels", radius: 7, color: "#fff", weight: 2.5, fillColor: "#d1242f", fillOpacity: 1, interactive: false }).addTo(map);
  marker.bindTooltip(place.name, { permanent: true, direction: "right", className: "place-label", offset: [8, 0] });

  function drawTowns(): void {
    towns.clearLayers();
    if (!basemap) return;
    const min = labelPopulation(map.getZoom());
    const view = map.getBounds().pad(0.1);
    let n = 0;
    for (const [name, lat, lon, population] of basemap.towns) {
      if (population < min) break;
      if (n >= 80) break;
      if (!view.contains([lat, lon]) || name === place.name) continue;
      // The asked-for place's own label wins over a neighbour's drawn on top of it.
      if (map.latLngToContainerPoint([lat, lon]).distanceTo(map.latLngToContainerPoint([place.lat, place.lon])) < 36) continue;
      n++;
      const dot = L.circleMarker([lat, lon], { pane: "labels", radius: 2.5, weight: 1, color: "#1b1f24", fillColor: "#fff", fillOpacity: 1, interactive: false });
      dot.bindTooltip(name, { permanent: true, direction: "right", className: "town-label", offset: [4, 0] });
      towns.addLayer(dot);
    }
  }
  const reportView = () => {
    const c = map.getCenter();
    options.onView(map.getZoom(), `${c.lat.toFixed(4)},${c.lng.toFixed(4)}`);
  };
  map.on("zoomend moveend", drawTowns);
  map.on("zoomend moveend", reportView);
  reportView();
  drawTowns();
  L.control.scale({ metric: true, imperial: false, position: "bottomleft" }).addTo(map);

  let shown = -1;
  return {
    map,
    show(index: number) {
      if (index === shown) return;
      overlays[shown]?.setOpacity(0);
      overlays[index]?.setOpacity(RAIN_OPACITY);
      shown = index;
    },
    loaded: (i) => loadedFlags[i] ?? false,
    setDark: base.setDark,
    setBasemap(b) {
      if (!b || basemap) return;
      basemap = b;
      base.draw(b);
      drawTowns();
    },
    destroy() {
      map.remove();
    },
  };
}
