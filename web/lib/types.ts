// Shapes of the API's answers, as the site uses them. Type-only imports of the
// Worker's own schemas: nothing of the Worker reaches the browser bundle.
import type { z } from "@hono/zod-openapi";
import type { nowcastResponseSchema } from "../../worker/nowcast/payload";
import type { ingestStatusSchema } from "../../worker/routes/ingest";

export type NowcastResponse = z.infer<typeof nowcastResponseSchema>;
export type Nowcast = NowcastResponse["nowcast"];
export type SeriesPoint = Nowcast["series"][number];

/** What the map draws besides the frames. */
export interface MapExtras {
  /** [lat, lon] ring of the area radar data can come from; null when not known. */
  coverage: [number, number][] | null;
  credit: string;
}

export interface NowcastView {
  response: NowcastResponse;
  map: MapExtras;
}

/** Where the radar sources have data, beside the "outside coverage" answer: [lat, lon] rings. */
export interface CoverageView {
  sources: { id: string; name: string; outline: [number, number][] }[];
  /** The place asked for, where it is known. */
  position: { lat: number; lon: number; name: string } | null;
}

export type ViewResult =
  | { ok: true; view: NowcastView }
  | { ok: false; status: number; code: string; message: string; coverage?: CoverageView };

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
  category: string;
  categoryWords: string;
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
  /** The regional view's image of the same time (the whole composite, coarser), when there is one. */
  regionalUrl: string | null;
}

/** GET /api/admin/ingest/status (admin). */
export type IngestStatus = z.infer<typeof ingestStatusSchema>;
