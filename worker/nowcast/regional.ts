// The regional view: a source's whole composite at one radar time, its observed hour and its
// forecast hour, on a coarser grid (the longer side at most REGIONAL_MAX_SIDE_PX). It is
// computed once per source and radar time and shared by every nowcast from that frame, so the
// map can show rain far beyond the place's 256 km crop (rain coming from far away) at no cost
// per place. The crop stays the product at the place: the map draws it over this view.
import { coarsenFrame, coarserGrid, coarseningFactor, type Georeference, type RadarFrame, zrForSource } from "../../nowcast/src/index";
import { z } from "zod";
import { DomainError } from "../domain-error";
import type { Env } from "../env";
import { inferenceConfig, routeModel } from "../inference/config";
import { infer, inferEmbedded, InferenceUnavailableError } from "../inference/router";
import { loadFrameWindow, stamp, stepMinutesOf } from "../radar/frame-store";
import { createRainClassifier, encodePng, RAIN_PALETTE } from "../render/index";
import { forecastName, leadsAt, MOTION_FRAMES, observedFramesAt, observedName } from "./build";
import { yieldToRequests } from "./cooperate";
import { encodeForecastValues } from "./forecast-values";

/** Longest side of the regional grid: FMI, KNMI and MeteoSwiss at 2 km, OPERA at 8 km, a few hundred kB of PNGs per frame. */
export const REGIONAL_MAX_SIDE_PX = 640;
/** The R2 prefix of regional views; keys sort by radar time, so retention walks them oldest first. */
export const REGIONAL_PREFIX = "regional/";
/** Written last: a view is complete once its manifest exists. */
const MANIFEST_NAME = "view.json";
/**
 * The view's values (./regional-forecast.ts): the analysis (the newest observed frame), then each
 * lead. They fill the places' crops beyond their own forecast, and answer a place that has no
 * nowcast of its own yet.
 */
export const FORECAST_VALUES_NAME = "dbz.bin.gz";
/** R2 custom metadata of the values: the model and backend that ran the forecast, and the observed hour's slots that have a frame. */
export const forecastValuesMetadata = z.object({
  model: z.string().min(1),
  backend: z.string().min(1),
  observedSlots: z.string().regex(/^\d+( \d+)*$/),
});

/** The regional grid of a source's composite grid. */
export function regionalGeoref(composite: Georeference): Georeference {
  return coarserGrid(composite, coarseningFactor(composite, REGIONAL_MAX_SIDE_PX));
}

export function regionalKey(source: string, radarTime: Date, name: string): string {
  return `${REGIONAL_PREFIX}${source}/${stamp(radarTime)}/${name}`;
}

export interface RegionalLinks {
  georef: Georeference;
  frames: { observed: { time: string; url: string }[]; forecast: { time: string; url: string }[] };
}

/**
 * The links a nowcast's map follows for the regional view of its radar time: the same slots as
 * its own frames (the observed hour's frames that exist, the leads), so frame i of both is the
 * same time.
 */
export function regionalLinks(source: string, radarTime: Date, composite: Georeference, observedSlots: readonly { slot: number; time: Date }[], leads: number): RegionalLinks {
  return { georef: regionalGeoref(composite), frames: regionalFrameLinks(source, radarTime, observedSlots, leads) };
}

/** The view's image links: the observed hour's frames that exist (by slot), then the leads. */
export function regionalFrameLinks(source: string, radarTime: Date, observedSlots: readonly { slot: number; time: Date }[], leads: number): RegionalLinks["frames"] {
  const base = `/api/regional/${source}/${stamp(radarTime)}/`;
  const stepMs = stepMinutesOf(source) * 60_000;
  return {
    observed: observedSlots.map(({ slot, time }) => ({ time: time.toISOString(), url: base + observedName(slot) })),
    forecast: Array.from({ length: leads }, (_, i) => ({ time: new Date(radarTime.getTime() + (i + 1) * stepMs).toISOString(), url: base + forecastName(i + 1) })),
  };
}

export interface RegionalImage {
  name: string;
  bytes: Uint8Array;
}

/** The view's images: one PNG per observed frame that exists (by slot) and per forecast lead. No I/O. */
export async function renderRegional(source: string, georef: Georeference, observed: readonly (RadarFrame | null)[], forecast: readonly Float32Array[]): Promise<RegionalImage[]> {
  const classifier = createRainClassifier(zrForSource(source));
  const indexes = new Uint8Array(georef.width * georef.height);
  const images: RegionalImage[] = [];
  const encode = async (name: string, dbz: Float32Array) => {
    images.push({ name, bytes: await encodePng(classifier.classify(dbz, indexes), georef.width, georef.height, RAIN_PALETTE) });
    await yieldToRequests();
  };
  for (let slot = 0; slot < observed.length; slot++) {
    const frame = observed[slot];
    if (frame) await encode(observedName(slot), frame.dbz);
  }
  for (let lead = 0; lead < forecast.length; lead++) await encode(forecastName(lead + 1), forecast[lead]!);
  return images;
}

// One computation per source and radar time in this isolate: every image request and the
// ingest's own call for the same view join it.
const inflight = new Map<string, Promise<void>>();

/** The regional view of a source at a radar time, computed and stored unless it is already. */
export function ensureRegionalView(env: Env, source: string, radarTime: Date): Promise<void> {
  const key = regionalKey(source, radarTime, "");
  const running = inflight.get(key);
  if (running) return running;
  const run = produceRegional(env, source, radarTime).finally(() => inflight.delete(key));
  inflight.set(key, run);
  return run;
}

async function produceRegional(env: Env, source: string, radarTime: Date): Promise<void> {
  if (await env.FRAMES.head(regionalKey(source, radarTime, MANIFEST_NAME))) return;
  const stepMinutes = stepMinutesOf(source);
  const window = await loadFrameWindow(env, source, radarTime, observedFramesAt(stepMinutes));
  const newest = window[window.length - 1];
  if (!newest) throw new DomainError("not_found", "no_radar_frame", `no ${source} frame at ${radarTime.toISOString()}`);
  const factor = coarseningFactor(newest.georef, REGIONAL_MAX_SIDE_PX);
  const observed = window.map((frame) => (frame ? coarsenFrame(frame, factor) : null));
  await yieldToRequests();
  const past = observed.slice(-MOTION_FRAMES);
  if (past.some((f) => f === null)) {
    throw new DomainError("unavailable", "insufficient_radar_data", `the ${MOTION_FRAMES} newest ${source} frames are not all available`, 60);
  }
  const config = inferenceConfig(env);
  const input = { past: past as RadarFrame[], leads: leadsAt(stepMinutes) };
  let frames: Float32Array[];
  let backend: string;
  try {
    ({ result: { frames }, backend } = await infer(config, routeModel(config, config.defaultModel), input));
  } catch (error) {
    if (!(error instanceof InferenceUnavailableError)) throw error;
    frames = (await inferEmbedded(config.defaultModel, input)).frames;
    backend = "embedded";
  }
  await yieldToRequests();
  const georef = observed[observed.length - 1]!.georef;
  const images = await renderRegional(source, georef, observed, frames);
  await Promise.all([
    ...images.map((image) => env.FRAMES.put(regionalKey(source, radarTime, image.name), image.bytes, { httpMetadata: { contentType: "image/png" } })),
    env.FRAMES.put(regionalKey(source, radarTime, FORECAST_VALUES_NAME), await encodeForecastValues([past[past.length - 1]!.dbz, ...frames]), {
      httpMetadata: { contentType: "application/gzip" },
      customMetadata: {
        model: config.defaultModel,
        backend,
        observedSlots: observed.flatMap((frame, slot) => (frame ? [slot] : [])).join(" "),
      } satisfies z.infer<typeof forecastValuesMetadata>,
    }),
  ]);
  const manifest = { source, radarTime: radarTime.toISOString(), georef, model: config.defaultModel, images: images.map((i) => i.name) };
  await env.FRAMES.put(regionalKey(source, radarTime, MANIFEST_NAME), JSON.stringify(manifest), { httpMetadata: { contentType: "application/json" } });
}

/**
 * One image of a regional view, computed on first demand when the view is of one of the source's
 * frames of the last hour (a nowcast at most that far behind links to it), else only if stored.
 */
export async function regionalImage(env: Env, source: string, radarTime: Date, name: string, newestFrame: Date | null): Promise<R2ObjectBody | null> {
  const key = regionalKey(source, radarTime, name);
  const stored = await env.FRAMES.get(key);
  if (stored) return stored;
  const ageMs = newestFrame ? newestFrame.getTime() - radarTime.getTime() : Infinity;
  if (!(ageMs >= 0 && ageMs <= observedFramesAt(stepMinutesOf(source)) * stepMinutesOf(source) * 60_000)) return null;
  await ensureRegionalView(env, source, radarTime);
  return env.FRAMES.get(key);
}
