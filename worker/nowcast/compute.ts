import { cropAround, latLonToPixel, pointForecast, rainEvents, type RadarFrame } from "../../nowcast/src/index";
import { nowcasts } from "../db/schema";
import type { Db, Env } from "../env";
import { ApiError } from "../errors";
import { loadFrameWindow, type LatestRadar } from "../radar/frame-store";
import { assetKey, ANIMATION_FRAME_MS, renderAssets } from "./assets";
import type { InferenceBackend } from "./backend";
import { probabilitySeries } from "../inference/probability";
import type { IndexedLocation } from "./location-index";
import type { NowcastPayload } from "./payload";
import { summarize } from "./summary";

export const CROP_PX = 256;
export const LEADS = 12;
/** Frames the motion is estimated from. */
export const MOTION_FRAMES = 3;
/** The observed hour shown before the forecast: 12 frames at 5 minutes. */
export const OBSERVED_FRAMES = 12;
export const POINT_RADIUS_PX = 2;
export const RAIN_THRESHOLD_MM_PER_HOUR = 0.5;

const iso = (ms: number) => new Date(ms).toISOString();
const finiteOrNull = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);

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

/**
 * Runs the model for a location from the newest radar frames, stores the
 * images in R2 and the record in D1, and returns the payload to cache.
 */
export async function computeNowcast(
  env: Env,
  db: Db,
  location: IndexedLocation,
  latest: LatestRadar,
  backend: InferenceBackend,
  model: string,
): Promise<NowcastPayload> {
  const window = await loadFrameWindow(env, latest.source, latest.obstime, OBSERVED_FRAMES);
  const motionInput = window.slice(-MOTION_FRAMES);
  if (motionInput.some((f) => f === null)) {
    throw new ApiError(503, "insufficient_radar_data", `the ${MOTION_FRAMES} newest radar frames are not all available`, {
      "Retry-After": "60",
    });
  }
  const crop = (frame: RadarFrame) => cropAround(frame, location.lat, location.lon, CROP_PX);
  const observed = window.filter((f): f is RadarFrame => f !== null).map(crop);
  const past = observed.slice(-MOTION_FRAMES);
  const analysis = past[past.length - 1]!;

  const result = await backend.nowcast({ past, leads: LEADS, model });
  const point = pointForecast(analysis, result, location.lat, location.lon, { radiusPx: POINT_RADIUS_PX });
  const events = rainEvents(point, RAIN_THRESHOLD_MM_PER_HOUR);
  const t0 = latest.obstime.getTime();
  const at = (minutes: number | null) => (minutes === null ? null : iso(t0 + minutes * 60_000));

  const id = crypto.randomUUID();
  const issuedAt = new Date();
  const assets = await renderAssets(
    latest.source,
    analysis.width,
    analysis.height,
    observed.map((f) => f.dbz),
    result.frames,
    latLonToPixel(analysis.georef, location.lat, location.lon),
  );
  const observedNames = observed.map((_, i) => `observed-${String(i).padStart(2, "0")}.png`);
  const forecastNames = result.frames.map((_, i) => `forecast-${String(i + 1).padStart(2, "0")}.png`);
  const puts = [
    ...assets.observedPngs.map((png, i) => [observedNames[i]!, png, "image/png"] as const),
    ...assets.forecastPngs.map((png, i) => [forecastNames[i]!, png, "image/png"] as const),
    ["animation.gif", assets.gif, "image/gif"] as const,
  ];
  await Promise.all(
    puts.map(([name, bytes, contentType]) => env.FRAMES.put(assetKey(id, name), bytes, { httpMetadata: { contentType } })),
  );

  const urlOf = (name: string) => `/api/nowcasts/${id}/${name}`;
  const payload: NowcastPayload = {
    id,
    issuedAt: issuedAt.toISOString(),
    radarTime: latest.obstime.toISOString(),
    source: latest.source,
    model: result.model,
    backend: backend.name,
    stepMinutes: result.stepMinutes,
    location,
    neighbourhoodKm: POINT_RADIUS_PX * 2 + 1,
    georef: analysis.georef,
    series: Array.from(point.minutes, (minutes, k) => ({
      minutes,
      time: iso(t0 + minutes * 60_000),
      mmPerHour: finiteOrNull(point.mmPerHour[k]!),
      dbz: finiteOrNull(point.dbz[k]!),
    })),
    events: {
      thresholdMmPerHour: RAIN_THRESHOLD_MM_PER_HOUR,
      startsInMinutes: events.startsInMinutes,
      stopsInMinutes: events.stopsInMinutes,
      peakMmPerHour: finiteOrNull(events.peakMmPerHour),
      peakInMinutes: events.peakInMinutes,
      startsAt: at(events.startsInMinutes),
      stopsAt: at(events.stopsInMinutes),
      peakAt: at(events.peakInMinutes),
      summary: summarize(events, LEADS * result.stepMinutes),
    },
    motion: meanMotion(result),
    frames: {
      observed: observed.map((f, i) => ({ time: f.obstime.toISOString(), url: urlOf(observedNames[i]!) })),
      forecast: result.frames.map((_, i) => ({ time: iso(t0 + (i + 1) * result.stepMinutes * 60_000), url: urlOf(forecastNames[i]!) })),
    },
    animation: { url: urlOf("animation.gif"), frames: observed.length + result.frames.length, frameDelayMs: ANIMATION_FRAME_MS },
    legend: { url: "/api/radar/legend", imageUrl: "/api/radar/legend.png" },
    // Ensemble nowcasts: the chance of rain (and of each threshold) around the place, per lead.
    ...(result.ensemble
      ? { probability: probabilitySeries(result.ensemble, result.width, result.height, point, t0, result.stepMinutes, RAIN_THRESHOLD_MM_PER_HOUR) }
      : {}),
  };

  await db.insert(nowcasts).values({
    id,
    locationId: location.id,
    issuedAt,
    radarTime: latest.obstime,
    model: result.model,
    backend: backend.name,
    assetsPrefix: `nowcasts/${id}/`,
    summary: { events: payload.events, motion: payload.motion },
  });
  return payload;
}
