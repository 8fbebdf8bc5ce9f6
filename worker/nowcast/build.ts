// A nowcast from its inputs: frames and the model's result in, the payload, its D1 row and
// its images out. No I/O: the service gathers the inputs (worker/nowcast/service.ts) and the
// store saves the output (worker/nowcast/store.ts).
import { HORIZON_MINUTES, latLonToPixel, leadsForHorizon, pointForecast, radarSource, rainEvents, type RadarFrame } from "../../nowcast/src/index";
import type { InferenceResult } from "../inference/contract";
import { probabilitySeries } from "../inference/probability";
import { ANIMATION_FRAME_MS, assetKey, observedImageKey, renderImages } from "./assets";
import type { IndexedLocation } from "./location-index";
import type { NowcastPayload } from "./payload";
import { FORECAST_RECORD_NAME, forecastRecordOf } from "../verification/record";
import { chanceOfRain, pointRadiusPx, pointSquareKm } from "./chance";
import { sentenceOf } from "./sentence";
import type { RegionalLinks } from "./regional";

export const CROP_PX = 256;
/** Frames the motion is estimated from. */
export const MOTION_FRAMES = 3;

/** Leads of a nowcast at the source's step: the hour ahead (12 at 5 minutes, 4 at 15). */
export function leadsAt(stepMinutes: number): number {
  return leadsForHorizon(stepMinutes, HORIZON_MINUTES);
}

/** The observed hour shown before the forecast, in frames of the source's step (12 at 5 minutes, 4 at 15). */
export function observedFramesAt(stepMinutes: number): number {
  return Math.max(MOTION_FRAMES, leadsForHorizon(stepMinutes, HORIZON_MINUTES));
}
/**
 * The threshold of `events` (start, stop, peak), which the day planner schedules by: light rain
 * (0.5 mm/h). The sentence, the chart and the chance name rain from RAIN_FROM_MM_PER_HOUR (0.1)
 * through the rain categories instead (rain-categories.ts).
 */
export const RAIN_THRESHOLD_MM_PER_HOUR = 0.5;

export interface NowcastInputs {
  id: string;
  issuedAt: Date;
  source: string;
  radarTime: Date;
  /** Where the source has data, from its newest frame (frame-store LatestRadar.outline). */
  coverageOutline: [number, number][];
  location: IndexedLocation;
  /** Crops of the observed hour, one per slot of the source's step, oldest first; null where a frame is missing. */
  observed: readonly (RadarFrame | null)[];
  result: InferenceResult;
  /** The backend that computed `result`. */
  backend: string;
  /** Observed-frame images already stored (R2 keys): shared, so not rendered again. */
  storedObservedKeys: ReadonlySet<string>;
  /** The regional view's links for the same radar time (./regional.ts). */
  regional: RegionalLinks | null;
}

export interface StoredImage {
  key: string;
  bytes: Uint8Array;
  contentType: string;
}

export interface BuiltNowcast {
  payload: NowcastPayload;
  row: {
    id: string;
    locationId: number;
    issuedAt: Date;
    radarTime: Date;
    source: string;
    model: string;
    backend: string;
    assetsPrefix: string;
    summary: Record<string, unknown>;
  };
  /** This nowcast's own objects: forecast leads, animation, and the forecast record its verification reads. */
  images: StoredImage[];
  /** Observed-frame images not stored yet, shared with later nowcasts of the place. */
  observedImages: StoredImage[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const finiteOrNull = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);
const two = (n: number) => String(n).padStart(2, "0");
/** URL names of a nowcast's images; observed-NN is the slot of the observed hour (00 = oldest). */
export const observedName = (slot: number) => `observed-${two(slot)}.png`;
export const forecastName = (lead: number) => `forecast-${two(lead)}.png`;
export const ANIMATION_NAME = "animation.gif";
export const OBSERVED_NAME = /^observed-(\d{2})\.png$/;

function meanMotion(result: { motion?: { u: Float32Array; v: Float32Array } }) {
  if (!result.motion) return null;
  let su = 0, sv = 0, n = 0;
  const { u, v } = result.motion;
  for (let i = 0; i < u.length; i++) {
    const du = u[i]!, dv = v[i]!;
    if (du === du && dv === dv) {
      su += du;
      sv += dv;
      n++;
    }
  }
  return n ? { meanUPxPerStep: Math.round((su / n) * 1000) / 1000, meanVPxPerStep: Math.round((sv / n) * 1000) / 1000 } : null;
}

/** Where every nowcast's map key is described and drawn. */
export const LEGEND_LINKS: NowcastPayload["legend"] = { url: "/api/radar/legend", imageUrl: "/api/radar/legend.png" };

export function radarCredit(id: string, coverageOutline: [number, number][]): NowcastPayload["radar"] {
  const { name, credit, licence, stepMinutes, quantity } = radarSource(id);
  return { id, name, credit, licence, stepMinutes, quantity, coverageOutline };
}

/** What a nowcast says at its place, from the analysis and the model's result on one grid. No I/O. */
export function placeForecast(analysis: RadarFrame, result: InferenceResult, location: IndexedLocation, radarTime: Date) {
  const kmPerPx = analysis.georef.pixelWidthM / 1000;
  const point = pointForecast(analysis, result, location.lat, location.lon, { radiusPx: pointRadiusPx(kmPerPx) });
  const found = rainEvents(point, RAIN_THRESHOLD_MM_PER_HOUR);
  const t0 = radarTime.getTime();
  const at = (minutes: number | null) => (minutes === null ? null : iso(t0 + minutes * 60_000));
  const probability = result.ensemble
    ? probabilitySeries(result.ensemble, result.width, result.height, point, t0, result.stepMinutes, result.ensemble.thresholdsMmPerHour[0]!)
    : null;
  const chance = chanceOfRain(
    analysis,
    result,
    point,
    t0,
    probability?.series ?? null,
    probability?.thresholdsMmPerHour ?? null,
    probability?.members ?? null,
  );
  const series = Array.from(point.minutes, (minutes, k) => ({
    minutes,
    time: iso(t0 + minutes * 60_000),
    mmPerHour: finiteOrNull(point.mmPerHour[k]!),
    dbz: finiteOrNull(point.dbz[k]!),
  }));
  const events: NowcastPayload["events"] = {
    thresholdMmPerHour: RAIN_THRESHOLD_MM_PER_HOUR,
    startsInMinutes: found.startsInMinutes,
    stopsInMinutes: found.stopsInMinutes,
    peakMmPerHour: finiteOrNull(found.peakMmPerHour),
    peakInMinutes: found.peakInMinutes,
    startsAt: at(found.startsInMinutes),
    stopsAt: at(found.stopsInMinutes),
    peakAt: at(found.peakInMinutes),
    // As at the radar time, minutes from then; the response's `summary` is said at the service's now.
    summary: sentenceOf({ radarTime: radarTime.toISOString(), series, chance }, t0, null),
  };
  return { point, series, chance, events, probability, neighbourhoodKm: pointSquareKm(kmPerPx) };
}

export async function buildNowcast(input: NowcastInputs): Promise<BuiltNowcast> {
  const { id, location, result } = input;
  const slots = input.observed.flatMap((frame, slot) => (frame ? [{ frame, slot }] : []));
  const analysis = input.observed[input.observed.length - 1];
  if (!analysis) throw new RangeError("the newest observed frame is required");
  const { point, series, chance, events, probability, neighbourhoodKm } = placeForecast(analysis, result, location, input.radarTime);
  const t0 = input.radarTime.getTime();

  const observedKeys = slots.map(({ frame }) => observedImageKey(input.source, frame.obstime, location.id));
  const rendered = await renderImages(
    input.source,
    analysis.width,
    analysis.height,
    slots.map(({ frame }) => frame.dbz),
    result.frames,
    latLonToPixel(analysis.georef, location.lat, location.lon),
    observedKeys.map((key) => !input.storedObservedKeys.has(key)),
  );
  const images: StoredImage[] = [
    ...rendered.forecastPngs.map((bytes, i) => ({ key: assetKey(id, forecastName(i + 1)), bytes, contentType: "image/png" })),
    { key: assetKey(id, ANIMATION_NAME), bytes: rendered.gif, contentType: "image/gif" },
  ];
  const observedImages = rendered.observedPngs.flatMap((bytes, i) => (bytes ? [{ key: observedKeys[i]!, bytes, contentType: "image/png" }] : []));

  const urlOf = (name: string) => `/api/nowcasts/${id}/${name}`;
  const payload: NowcastPayload = {
    id,
    issuedAt: input.issuedAt.toISOString(),
    radarTime: input.radarTime.toISOString(),
    source: input.source,
    radar: radarCredit(input.source, input.coverageOutline),
    model: result.model,
    backend: input.backend,
    stepMinutes: result.stepMinutes,
    location,
    neighbourhoodKm,
    georef: analysis.georef,
    series,
    chance,
    events,
    motion: meanMotion(result),
    frames: {
      observed: slots.map(({ frame, slot }) => ({ time: frame.obstime.toISOString(), url: urlOf(observedName(slot)) })),
      forecast: result.frames.map((_, i) => ({ time: iso(t0 + (i + 1) * result.stepMinutes * 60_000), url: urlOf(forecastName(i + 1)) })),
    },
    regional: input.regional,
    animation: { url: urlOf(ANIMATION_NAME), frames: slots.length + result.frames.length, frameDelayMs: ANIMATION_FRAME_MS },
    legend: LEGEND_LINKS,
    // Ensemble nowcasts: the chance of rain (and of each threshold) around the place, per lead.
    ...(probability ? { probability } : {}),
    ...(result.experimental ? { experimental: result.experimental } : {}),
  };
  // Kept until the nowcast's hour has been observed and it is scored (worker/verification).
  images.push({ key: assetKey(id, FORECAST_RECORD_NAME), bytes: await forecastRecordOf(result, point, payload), contentType: "application/octet-stream" });
  return {
    payload,
    row: {
      id,
      locationId: location.id,
      issuedAt: input.issuedAt,
      radarTime: input.radarTime,
      source: input.source,
      model: result.model,
      backend: input.backend,
      assetsPrefix: assetKey(id, ""),
      summary: { events: payload.events, motion: payload.motion },
    },
    images,
    observedImages,
  };
}
