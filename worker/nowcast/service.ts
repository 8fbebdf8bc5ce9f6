// The nowcast service: serves a position from the cache when it can, otherwise gathers
// the inputs (frames, the model's result), builds the nowcast and stores it. Calls flow one
// way: routes -> this -> leaves (frame store, inference router, build, store).
import { cropAround, type RadarFrame } from "../../nowcast/src/index";
import { DomainError } from "../domain-error";
import type { Db, Env } from "../env";
import { type InferenceConfig, type InferenceRoute, inferenceConfig, routeModel } from "../inference/config";
import { infer, inferEmbedded, type Inference, type InferenceFallback, InferenceUnavailableError } from "../inference/router";
import { log } from "../logging";
import { latestRadars, loadFrameWindow, type LatestRadar, servingRadar, stepMinutesOf } from "../radar/frame-store";
import { observedImageKey } from "./assets";
import { buildNowcast, CROP_PX, leadsAt, MOTION_FRAMES, observedFramesAt } from "./build";
import { yieldToRequests } from "./cooperate";
import { readCachedNowcast, type CachedNowcast } from "./cache";
import type { IndexedLocation } from "./location-index";
import { servingLocation } from "./locations";
import { countRequest } from "./popularity";
import { nowcastSettings, serviceNowMs } from "./settings";
import { saveNowcast, storedObservedImages } from "./store";
import type { NowcastPayload } from "./payload";
import { sentenceOf } from "./sentence";
import { regionalLinks } from "./regional";
import { fillBeyondForecast, regionalForecast } from "./regional-forecast";
import { regionalNowcast } from "./regional-nowcast";

/** The newest frame of every source; none yet is a domain error (the route answers 503). */
export async function requireLatestRadars(env: Env): Promise<LatestRadar[]> {
  const latests = await latestRadars(env);
  if (!latests.length) throw new DomainError("unavailable", "no_radar_data", "no radar frames have been ingested yet", 60);
  return latests;
}

/**
 * The newest frame of the source that serves a place: the national composite where one covers
 * it, OPERA elsewhere; outside every source's coverage mask is the caller's error (422).
 */
export async function servingRadarAt(env: Env, lat: number, lon: number): Promise<LatestRadar> {
  const latest = servingRadar(await requireLatestRadars(env), lat, lon);
  if (!latest) throw new DomainError("unprocessable", "outside_coverage", `${lat}, ${lon} is outside every radar composite's coverage`);
  return latest;
}

export interface Outcome {
  entry: CachedNowcast;
  fallback: InferenceFallback | null;
}

// One model run per location, model and radar time in this isolate: concurrent requests,
// fresh=1, a background revalidation and a warm-up job for the same nowcast all join it.
const inflight = new Map<string, Promise<Outcome>>();

/**
 * The location's nowcast of `route.model` for the newest radar frame: the cached one when it
 * is already that new (a run that finished meanwhile), else one model run, joined by everyone
 * who asks for the same nowcast while it runs.
 */
export function ensureNowcast(env: Env, db: Db, location: IndexedLocation, latest: LatestRadar, route: InferenceRoute): Promise<Outcome> {
  const key = `${location.id}|${route.model}|${latest.source}|${latest.obstime.getTime()}`;
  const running = inflight.get(key);
  if (running) return running;
  const run = produce(env, db, location, latest, route, inferenceConfig(env)).finally(() => inflight.delete(key));
  inflight.set(key, run);
  return run;
}

/** The observed hour cropped around the location, one entry per slot of the source's step (null: no frame). */
async function observedCrops(env: Env, latest: LatestRadar, location: IndexedLocation): Promise<(RadarFrame | null)[]> {
  const window = await loadFrameWindow(env, latest.source, latest.obstime, observedFramesAt(stepMinutesOf(latest.source)));
  return window.map((frame) => (frame ? cropAround(frame, location.lat, location.lon, CROP_PX) : null));
}

async function produce(
  env: Env,
  db: Db,
  location: IndexedLocation,
  latest: LatestRadar,
  route: InferenceRoute,
  config: InferenceConfig,
): Promise<Outcome> {
  const cachedNowcast = await readCachedNowcast(env, location.id, route.model);
  // A nowcast of another source (the place changed hands) is not this source's current one.
  const current = cachedNowcast?.source === latest.source ? cachedNowcast : null;
  if (current && current.radarTimeMs >= latest.obstime.getTime()) return { entry: current, fallback: null };

  const observed = await observedCrops(env, latest, location);
  await yieldToRequests();
  const past = observed.slice(-MOTION_FRAMES);
  if (past.some((f) => f === null)) {
    throw new DomainError("unavailable", "insufficient_radar_data", `the ${MOTION_FRAMES} newest radar frames are not all available`, 60);
  }
  const input = { past: past as RadarFrame[], leads: leadsAt(stepMinutesOf(latest.source)) };
  let inference: Inference;
  try {
    inference = await infer(config, route, input);
  } catch (error) {
    if (!(error instanceof InferenceUnavailableError)) throw error;
    // Nothing could run the asked model: the last nowcast of it, marked stale, else the default model.
    const failed = { from: error.failure.backend, reason: error.failure.failure, detail: error.failure.message };
    if (current) return { entry: current, fallback: { ...failed, to: "stale-cache", model: route.model } };
    const result = await inferEmbedded(config.defaultModel, input);
    inference = { result, backend: "embedded", fallback: { ...failed, to: "embedded", model: config.defaultModel } };
  }

  // Beyond its own forecast (air advected in from outside the crop), the crop takes the regional
  // view's forecast of the same model and frame, where ingest has drawn it.
  const regional = await regionalForecast(env, latest.source, latest.obstime, latest.georef).catch((error) => {
    log("warn", "regional forecast unreadable; the crop keeps its own", { source: latest.source, error: String(error) });
    return null;
  });
  if (regional?.model === inference.result.model) fillBeyondForecast(inference.result.frames, past[past.length - 1]!.georef, regional);

  await yieldToRequests();
  const keys = observed.flatMap((f) => (f ? [observedImageKey(latest.source, f.obstime, location.id)] : []));
  const built = await buildNowcast({
    id: crypto.randomUUID(),
    issuedAt: new Date(),
    source: latest.source,
    radarTime: latest.obstime,
    coverageOutline: latest.outline,
    location,
    observed,
    result: inference.result,
    backend: inference.backend,
    storedObservedKeys: await storedObservedImages(env, keys),
    regional: regionalLinks(
      latest.source,
      latest.obstime,
      latest.georef,
      observed.flatMap((frame, slot) => (frame ? [{ slot, time: frame.obstime }] : [])),
      input.leads,
    ),
  });
  return { entry: await saveNowcast(env, db, built), fallback: inference.fallback };
}

/**
 * Places per source frame, in this isolate, whose own run a regional answer starts. Each is a
 * model run and 25 images (~150 ms of CPU here); unbounded, bench:live's 200 places started 70 a
 * frame and crowded out the answers themselves. A place past the budget keeps its regional
 * answer until the next frame, or until the warm-up takes it in; a place already in it is asked
 * for again freely (its run is joined, not started twice).
 */
const OWN_RUNS_PER_FRAME = 8;
const ownRuns = new Map<string, { radarTimeMs: number; places: Set<number> }>();

function takeOwnRun(latest: LatestRadar, locationId: number): boolean {
  const radarTimeMs = latest.obstime.getTime();
  let frame = ownRuns.get(latest.source);
  if (frame?.radarTimeMs !== radarTimeMs) ownRuns.set(latest.source, (frame = { radarTimeMs, places: new Set() }));
  if (frame.places.has(locationId)) return true;
  if (frame.places.size >= OWN_RUNS_PER_FRAME) return false;
  frame.places.add(locationId);
  return true;
}

/**
 * The place's nowcast read off the regional forecast of the newest frame, when ingest has run it
 * with this model; null otherwise. Not for the landing page's example, whose images must be the
 * place's own.
 */
async function regionalAnswer(env: Env, latest: LatestRadar, location: IndexedLocation, model: string, query: NowcastQuery): Promise<CachedNowcast | null> {
  if (query.siteInternal) return null;
  const regional = await regionalForecast(env, latest.source, latest.obstime, latest.georef).catch((error) => {
    log("warn", "regional forecast unreadable; the place waits for its own", { source: latest.source, error: String(error) });
    return null;
  });
  if (regional?.model !== model) return null;
  const payload = regionalNowcast({ id: crypto.randomUUID(), regional, location, coverageOutline: latest.outline });
  return { json: JSON.stringify(payload), nowcastId: payload.id, source: latest.source, radarTimeMs: latest.obstime.getTime(), issuedAtMs: regional.computedAt.getTime() };
}

export interface NowcastQuery {
  lat: number;
  lon: number;
  place: string | null;
  /** The gazetteer's name the typed place was read as. */
  matchedPlace?: string | null;
  /** IANA zone for the sentence's clock times; null: minutes from now. */
  timeZone?: string | null;
  /** Ask for a nowcast of the newest radar frame: never served stale. */
  fresh: boolean;
  userId: string | null;
  /** The site's own call (marked at the Worker entry, worker/site-internal.ts): not demand. */
  siteInternal: boolean;
  /** The model asked for; the configured default when absent. */
  model?: string | null;
}

export type CacheReason = "hit" | "current" | "regional" | "revalidating" | "miss" | "stale" | "fresh" | "fallback";

export interface ServedNowcast {
  body: string;
  /** HIT: current; STALE: behind the newest frame (revalidating, or the backend failed); MISS: computed now. */
  cacheStatus: "HIT" | "MISS" | "STALE";
  ageSeconds: number;
  radarTime: string;
  /** Set when the model's backend failed: what answered instead. */
  fallback: string | null;
}

const STATUS_OF: Record<CacheReason, ServedNowcast["cacheStatus"]> = {
  hit: "HIT",
  current: "HIT",
  regional: "HIT",
  revalidating: "STALE",
  fallback: "STALE",
  miss: "MISS",
  stale: "MISS",
  fresh: "MISS",
};

/**
 * The nowcast for a position, from the nearest cached location's:
 *  - as new as the newest radar frame: served (HIT; with fresh=1, reason "current");
 *  - behind by at most NOWCAST_STALE_MAX_SECONDS of radar time: served at once (STALE,
 *    "revalidating") while one background run recomputes it;
 *  - otherwise, where ingest has run the regional forecast of the newest frame with the asked
 *    model: read off it at once (HIT, "regional") while one background run computes the place's
 *    own, up to OWN_RUNS_PER_FRAME such runs a frame;
 *  - otherwise, or with fresh=1: computed while the request waits (MISS).
 */
export async function serveNowcast(env: Env, ctx: ExecutionContext, db: Db, query: NowcastQuery): Promise<ServedNowcast> {
  const settings = nowcastSettings(env);
  const inference = inferenceConfig(env);
  // The route is decided once, here, for the whole request.
  const route = routeModel(inference, query.model || inference.defaultModel);
  const latest = await servingRadarAt(env, query.lat, query.lon);
  const { location, distanceKm } = await servingLocation(db, query.lat, query.lon, settings.radiusKm);
  const cachedNowcast = await readCachedNowcast(env, location.id, route.model);
  const cached = cachedNowcast?.source === latest.source ? cachedNowcast : null;
  const behindMs = cached ? latest.obstime.getTime() - cached.radarTimeMs : Infinity;

  // Served at once while one background run computes the place's nowcast of the newest frame.
  const revalidate = () =>
    ctx.waitUntil(
      ensureNowcast(env, db, location, latest, route).catch((error) =>
        log("warn", "background revalidation failed", { locationId: location.id, model: route.model, error: String(error) }),
      ),
    );
  let reason: CacheReason;
  let entry: CachedNowcast;
  let regional: CachedNowcast | null = null;
  let fallback: InferenceFallback | null = null;
  if (cached && behindMs <= 0) {
    reason = query.fresh ? "current" : "hit";
    entry = cached;
  } else if (cached && !query.fresh && behindMs <= settings.staleMaxMs) {
    reason = "revalidating";
    entry = cached;
    revalidate();
  } else if (!query.fresh && (regional = await regionalAnswer(env, latest, location, route.model, query))) {
    reason = "regional";
    entry = regional;
    if (takeOwnRun(latest, location.id)) revalidate();
  } else {
    const outcome = await ensureNowcast(env, db, location, latest, route);
    entry = outcome.entry;
    fallback = outcome.fallback;
    reason = fallback?.to === "stale-cache" ? "fallback" : query.fresh ? "fresh" : cached ? "stale" : "miss";
  }
  const cacheStatus = STATUS_OF[reason];
  // The product's own server-side calls are not demand.
  if (!query.siteInternal) {
    countRequest(env, ctx, { locationId: location.id, userId: query.userId, requestedAt: Date.now(), cacheStatus });
  }

  // Computed while this request waited: generated for it, so no age (HTTP Age), however long the model and images took.
  const ageSeconds = cacheStatus === "MISS" ? 0 : Math.max(0, Math.floor((Date.now() - entry.issuedAtMs) / 1000));
  const radarTime = new Date(entry.radarTimeMs).toISOString();
  const now = new Date(serviceNowMs(settings, latest.obstime.getTime()));
  const behindSeconds = Math.max(0, Math.round((latest.obstime.getTime() - entry.radarTimeMs) / 1000));
  // The sentence is said at now, not at the radar time: the payload is read for its series (a few kB).
  const stored = JSON.parse(entry.json) as Pick<NowcastPayload, "radarTime" | "series"> & Partial<Pick<NowcastPayload, "chance">>;
  const timeZone = query.timeZone ?? null;
  const summary = { text: sentenceOf(stored, now.getTime(), timeZone), timeZone };
  // The cached payload is spliced in as it was serialized: a hit costs no JSON.stringify of it.
  const head = JSON.stringify({
    cache: { status: cacheStatus, reason, ageSeconds, radarTime, behindSeconds },
    clock: { mode: settings.clock, now: now.toISOString() },
    servedBy: { locationId: location.id, name: location.name, distanceKm: Math.round(distanceKm * 100) / 100 },
    query: { lat: query.lat, lon: query.lon, place: query.place, matchedPlace: query.matchedPlace ?? null },
    summary,
    inference: { model: route.model, backend: route.primary.name, fallback, experimental: entry.experimental ?? null },
  });
  return {
    body: `${head.slice(0, -1)},"nowcast":${entry.json}}`,
    cacheStatus,
    ageSeconds,
    radarTime,
    fallback: fallback ? `${fallback.to}; reason=${fallback.reason}` : null,
  };
}
