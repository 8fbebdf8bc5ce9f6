// Shapes of the API's answers, as the site uses them. Type-only imports of the
// Worker's own schemas: nothing of the Worker reaches the browser bundle.
import type { z } from "@hono/zod-openapi";
import type { nowcastResponseSchema } from "../../worker/nowcast/payload";
import type { ingestStatusSchema } from "../../worker/routes/ingest";

export type NowcastResponse = z.infer<typeof nowcastResponseSchema>;
export type Nowcast = NowcastResponse["nowcast"];
export type SeriesPoint = Nowcast["series"][number];

/** The basemap and the places of one 256 x 256 radar crop, in crop pixels (x east, y south). */
export interface MapGeometry {
  size: number;
  kmPerPx: number;
  /** SVG path data: land (fill it, and stroke it for the coastline) and country borders. */
  land: string;
  borders: string;
  /** Where the asked-for place or position falls. */
  place: { x: number; y: number };
}

export interface NowcastView {
  response: NowcastResponse;
  /** Null when the radar grid's georeference is not known (no basemap then). */
  map: MapGeometry | null;
}

export type ViewResult =
  | { ok: true; view: NowcastView }
  | { ok: false; status: number; code: string; message: string };

/** A place as /api/places returns it: the gazetteer's record, and whether the radar covers it. */
export type Place = import("../../worker/places/gazetteer").Place & { inCoverage: boolean | null };

export interface PopularPlace {
  locationId: number;
  name: string;
  country: string | null;
  lat: number;
  lon: number;
  radarTime: string | null;
  summary: string | null;
}

export interface LegendStep {
  fromMmPerHour: number;
  toMmPerHour: number | null;
  color: string;
  label: string;
}

export interface Legend {
  unit: "mm/h";
  steps: LegendStep[];
  noData: { color: string; label: string; opacity?: number };
}

/** A radar frame as the map animates it. */
export interface MapFrame {
  time: string;
  url: string;
  kind: "observed" | "forecast";
}

/** GET /api/admin/ingest/status (admin). */
export type IngestStatus = z.infer<typeof ingestStatusSchema>;
