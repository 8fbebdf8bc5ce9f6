// The regional view's forecast values, kept beside its images so that a place's nowcast can fill
// its crop where its own forecast has no data: advection brings in air from beyond the 256 km
// crop, and the forecast of the whole composite (on the regional grid) has a value there. So
// the map's forecast area shows the rain the regional view shows around it, not a grey band.
import { fillFromCoarser, type Georeference } from "../../nowcast/src/index";
import type { Env } from "../env";
import { stepMinutesOf } from "../radar/frame-store";
import { leadsAt } from "./build";
import { dbzOfByte, decodeForecastValues } from "./forecast-values";
import { FORECAST_VALUES_NAME, forecastValuesMetadata, regionalGeoref, regionalKey } from "./regional";

export interface RegionalForecast {
  source: string;
  radarTime: Date;
  /** When ingest stored it. */
  computedAt: Date;
  georef: Georeference;
  model: string;
  backend: string;
  /** The observed hour's slots (00 = oldest) that have a frame, so a view image. */
  observedSlots: number[];
  /** Quantized dBZ (./forecast-values.ts) of the analysis, the newest observed frame. */
  analysis: Uint8Array;
  /** Quantized dBZ per lead. */
  leads: Uint8Array[];
}

// The newest view per source in this isolate: every place of that frame reads it.
const recent = new Map<string, { key: string; view: Promise<RegionalForecast | null> }>();

/**
 * The regional forecast of a source's frame (`composite`: the source's full grid), when its view
 * is stored; null otherwise, and not remembered.
 */
export function regionalForecast(env: Env, source: string, radarTime: Date, composite: Georeference): Promise<RegionalForecast | null> {
  const key = regionalKey(source, radarTime, FORECAST_VALUES_NAME);
  const held = recent.get(source);
  if (held?.key === key) return held.view;
  const view = (async () => {
    const object = await env.FRAMES.get(key);
    if (!object) return null;
    const { model, backend, observedSlots } = forecastValuesMetadata.parse(object.customMetadata);
    const [analysis, ...leads] = await decodeForecastValues(object.body, 1 + leadsAt(stepMinutesOf(source)));
    return {
      source,
      radarTime,
      computedAt: object.uploaded,
      georef: regionalGeoref(composite),
      model,
      backend,
      observedSlots: observedSlots.split(" ").map(Number),
      analysis: analysis!,
      leads,
    };
  })();
  recent.set(source, { key, view });
  // A view not there yet (or unreadable) is asked for again next time.
  const forget = () => {
    if (recent.get(source)?.key === key) recent.delete(source);
  };
  view.then((v) => v ?? forget(), forget);
  return view;
}

/**
 * Fills each lead of a crop's forecast where it has no data from the regional forecast of the
 * same model and frame; returns the pixels filled over all leads.
 */
export function fillBeyondForecast(leads: readonly Float32Array[], cropGeoref: Georeference, regional: RegionalForecast): number {
  let filled = 0;
  for (let lead = 0; lead < Math.min(leads.length, regional.leads.length); lead++) {
    const values = regional.leads[lead]!;
    filled += fillFromCoarser(leads[lead]!, cropGeoref, regional.georef, (i) => dbzOfByte(values[i]!));
  }
  return filled;
}
