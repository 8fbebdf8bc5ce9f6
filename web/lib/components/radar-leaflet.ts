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
  /** The regional view's image of the frame's time: the whole composite, drawn around the crop. */
  regionalUrl: string | null;
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

const latLngOf = ({ lat, lon }: { lat: number; lon: number }): L.LatLngTuple => [lat, lon];

/** Population a town needs to be labelled at a zoom: fewer labels the farther out. */
export function labelPopulation(zoom: number): number {
  if (zoom <= -2) return 500_000;
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
  /** The grid of the frames' regional images; null: the map shows the crop alone. */
  regionalGeoref: Georeference | null;
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
    minZoom: -3,
    maxZoom: 4,
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    wheelPxPerZoomLevel: 90,
    attributionControl: true,
    preferCanvas: false,
  });
  map.attributionControl.setPrefix(false);

  const regionalPane = map.createPane("rain-regional");
  regionalPane.style.zIndex = "290";
  const rainPane = map.createPane("rain");
  rainPane.style.zIndex = "300";
  const linesPane = map.createPane("lines");
  linesPane.style.zIndex = "350";
  linesPane.style.pointerEvents = "none";
  const labelsPane = map.createPane("labels");
  labelsPane.style.zIndex = "450";
  labelsPane.style.pointerEvents = "none";

  // Out as far as the whole composite (the regional view's grid) fits, and no farther.
  if (options.regionalGeoref) {
    const wide = options.regionalGeoref;
    const fit = map.getBoundsZoom(L.latLngBounds(latLngOf(pixelToLatLon(wide, 0, 0)), latLngOf(pixelToLatLon(wide, wide.width, wide.height))));
    map.setMinZoom(Math.max(-3, Math.min(-1, Math.floor(fit * 4) / 4)));
  } else map.setMinZoom(-2);

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
  const regionalOverlays: (L.ImageOverlay | undefined)[] = [];
  let shown = -1;
  let settled = 0;
  const settle = () => {
    // The regional images wait for the crop's: the place's own forecast is drawn first.
    if (++settled === options.frames.length) addRegional();
  };
  for (const i of options.order) {
    const overlay = L.imageOverlay(options.frames[i]!.url, bounds, { pane: "rain", opacity: 0, interactive: false, className: "rain-frame" });
    overlay.on("load", () => {
      loadedFlags[i] = true;
      options.onLoad(i);
      settle();
    });
    overlay.on("error", () => {
      options.onLoad(-1 - i);
      settle();
    });
    overlay.addTo(map);
    overlays[i] = overlay;
  }

  /**
   * The regional view around the crop: the whole composite at the same times on a coarser grid,
   * so rain far from the place shows. A CSS mask cuts the crop's rectangle out of it, so inside
   * the crop only the place's own, finer forecast is drawn (the two never add up).
   */
  function addRegional(): void {
    const wide = options.regionalGeoref;
    if (!wide) return;
    const wideBounds = L.latLngBounds(latLngOf(pixelToLatLon(wide, 0, 0)), latLngOf(pixelToLatLon(wide, wide.width, wide.height)));
    const wideWM = wide.width * wide.pixelWidthM;
    const wideHM = wide.height * wide.pixelHeightM;
    const fw = (georef.width * georef.pixelWidthM) / wideWM;
    const fh = (georef.height * georef.pixelHeightM) / wideHM;
    const fx = (georef.westM - wide.westM) / wideWM;
    const fy = (wide.northM - georef.northM) / wideHM;
    // A mask layer's position in % places its own p% point on the box's p% point: p = offset / (1 - size).
    const at = (offset: number, size: number) => `${((offset / (1 - size)) * 100).toFixed(4)}%`;
    const mask = {
      image: "linear-gradient(#000 0 0), linear-gradient(#000 0 0)",
      size: `100% 100%, ${(fw * 100).toFixed(4)}% ${(fh * 100).toFixed(4)}%`,
      position: `0 0, ${at(fx, fw)} ${at(fy, fh)}`,
    };
    for (const i of options.order) {
      const url = options.frames[i]!.regionalUrl;
      if (!url) continue;
      const overlay = L.imageOverlay(url, wideBounds, { pane: "rain-regional", opacity: i === shown ? RAIN_OPACITY : 0, interactive: false, className: "rain-regional" });
      overlay.addTo(map);
      const style = overlay.getElement()!.style;
      for (const prefix of ["-webkit-", ""]) {
        style.setProperty(`${prefix}mask-image`, mask.image);
        style.setProperty(`${prefix}mask-size`, mask.size);
        style.setProperty(`${prefix}mask-position`, mask.position);
        style.setProperty(`${prefix}mask-repeat`, "no-repeat");
      }
      style.setProperty("-webkit-mask-composite", "xor");
      style.setProperty("mask-composite", "exclude");
      regionalOverlays[i] = overlay;
    }
  }
  map.attributionControl.addAttribution(options.credit);

  const marker = L.circleMarker([place.lat, place.lon], { pane: "labels", radius: 7, color: "#fff", weight: 2.5, fillColor: "#d1242f", fillOpacity: 1, interactive: false }).addTo(map);
  marker.bindTooltip(place.name, { permanent: true, direction: "right", className: "place-label", offset: [8, 0] });

  function drawTowns(): void {
    towns.clearLayers();
    if (!basemap) return;
    const min = labelPopulation(map.getZoom());
    const view = map.getBounds().pad(0.1);
    // Labels already placed (the asked-for place first), in screen pixels: a town whose label
    // would overlap one of them is left out. Towns come most populous first, so the bigger wins.
    const placed = [map.latLngToContainerPoint([place.lat, place.lon])];
    const overlaps = (p: L.Point) => placed.some((q) => Math.abs(p.y - q.y) < 16 && Math.abs(p.x - q.x) < 96);
    let n = 0;
    for (const [name, lat, lon, population] of basemap.towns) {
      if (population < min) break;
      if (n >= 80) break;
      if (!view.contains([lat, lon]) || name === place.name) continue;
      const at = map.latLngToContainerPoint([lat, lon]);
      if (overlaps(at)) continue;
      placed.push(at);
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

  return {
    map,
    show(index: number) {
      if (index === shown) return;
      overlays[shown]?.setOpacity(0);
      regionalOverlays[shown]?.setOpacity(0);
      overlays[index]?.setOpacity(RAIN_OPACITY);
      regionalOverlays[index]?.setOpacity(RAIN_OPACITY);
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
