import type { Db, Env } from "../env";
import { ApiError } from "../errors";
import { DEFAULT_RADAR_SOURCE, inCoverage, latestRadar, type LatestRadar } from "../radar/frame-store";
import { type InferenceConfig, inferenceConfig, routeModel } from "../inference/config";
import { computeRouted, type RoutedNowcast } from "../inference/fallback";
import type { InferenceBackend } from "./backend";
import { readCachedNowcast } from "./cache";
import type { IndexedLocation } from "./location-index";
import { servingLocation } from "./locations";
import { countRequest } from "./popularity";

export interface NowcastSettings {
  radiusKm: number;
  model: string;
  /** The backend the default model is routed to. */
  backend: InferenceBackend;
  clock: "live" | "latest-frame";
  /** Where each model runs and what answers when that fails (worker/inference). */
  inference: InferenceConfig;
}

export function nowcastSettings(env: Env): NowcastSettings {
  const radiusKm = Number(env.NOWCAST_RADIUS_KM);
  const inference = inferenceConfig(env);
  return {
    radiusKm: Number.isFinite(radiusKm) && radiusKm > 0 ? radiusKm : 10,
    model: inference.defaultModel,
    backend: routeModel(inference, inference.defaultModel).primary,
    clock: env.NOWCAST_CLOCK === "latest-frame" ? "latest-frame" : "live",
    inference,
  };
}

/** The newest radar frame, or a 503 saying there is none yet. */
export async function requireLatestRadar(env: Env): Promise<LatestRadar> {
  const latest = await latestRadar(env, DEFAULT_RADAR_SOURCE);
  if (!latest) throw new ApiError(503, "no_radar_data", "no radar frames have been ingested yet", { "Retry-After": "60" });
  return latest;
}

// Concurrent misses for one location and model in this isolate share one model run.
const inflight = new Map<string, Promise<RoutedNowcast>>();

/**
 * Computes and stores a location's nowcast with the model's backend (falling back when it
 * fails, worker/inference/fallback.ts), joining a run already under way for it.
 */
export function recomputeNowcast(
  env: Env,
  db: Db,
  location: IndexedLocation,
  latest: LatestRadar,
  settings: NowcastSettings,
  model = settings.model,
): Promise<RoutedNowcast> {
  const key = `${location.id}|${model}`;
  const running = inflight.get(key);
  if (running) return running;
  const run = computeRouted(env, db, location, latest, settings.inference, model).finally(() => inflight.delete(key));
  inflight.set(key, run);
  return run;
}

/** Subjects of tokens the product issues to itself (the site's landing example). */
export const INTERNAL_SUBJECT_PREFIX = "site:";

export interface NowcastQuery {
  lat: number;
  lon: number;
  place: string | null;
  fresh: boolean;
  userId: string | null;
  /** The model asked for; the configured default when absent. */
  model?: string | null;
}

export interface ServedNowcast {
  body: string;
  /** STALE: the backend failed and the last cached nowcast is served (see the body's inference.fallback). */
  cacheStatus: "HIT" | "MISS" | "STALE";
  ageSeconds: number;
  /** Set when the model's backend failed: what answered instead. */
  fallback: string | null;
}

/**
 * The nowcast for a position: the nearest cached location's, when it is as new
 * as the newest radar frame; otherwise (miss, stale or fresh=1) computed now.
 */
export async function serveNowcast(env: Env, ctx: ExecutionContext, db: Db, query: NowcastQuery): Promise<ServedNowcast> {
  const settings = nowcastSettings(env);
  const model = query.model || settings.model;
  const route = routeModel(settings.inference, model);
  const latest = await requireLatestRadar(env);
  if (!inCoverage(latest, query.lat, query.lon)) {
    throw new ApiError(422, "outside_coverage", `${query.lat}, ${query.lon} is outside the radar composite's coverage`);
  }
  const { location, distanceKm } = await servingLocation(db, query.lat, query.lon, settings.radiusKm);
  const cached = query.fresh ? null : await readCachedNowcast(env, location.id, model);
  const computedReason = query.fresh ? "fresh" : !cached ? "miss" : cached.radarTimeMs < latest.obstime.getTime() ? "stale" : "hit";
  const routed = computedReason === "hit" ? null : await recomputeNowcast(env, db, location, latest, settings, model);
  const entry = routed ? routed.entry : cached!;
  const fallback = routed?.fallback ?? null;
  const staleFallback = fallback?.to === "stale-cache";
  const reason = staleFallback ? "fallback" : computedReason;
  const cacheStatus = staleFallback ? "STALE" : reason === "hit" ? "HIT" : "MISS";
  // The product's own server-side calls (subjects "site:...") are not demand.
  if (!query.userId?.startsWith(INTERNAL_SUBJECT_PREFIX)) {
    countRequest(env, ctx, { locationId: location.id, userId: query.userId, requestedAt: Date.now(), cacheStatus });
  }

  const ageSeconds = Math.max(0, Math.floor((Date.now() - entry.issuedAtMs) / 1000));
  const now = settings.clock === "latest-frame" ? latest.obstime : new Date();
  // The cached payload is spliced in as it was serialized: a hit costs no JSON.stringify of it.
  const head = JSON.stringify({
    cache: { status: cacheStatus, reason, ageSeconds },
    clock: { mode: settings.clock, now: now.toISOString() },
    servedBy: { locationId: location.id, name: location.name, distanceKm: Math.round(distanceKm * 100) / 100 },
    query: { lat: query.lat, lon: query.lon, place: query.place },
    inference: { model, backend: route.primary.name, fallback },
  });
  return {
    body: `${head.slice(0, -1)},"nowcast":${entry.json}}`,
    cacheStatus,
    ageSeconds,
    fallback: fallback ? `${fallback.to}; reason=${fallback.reason}` : null,
  };
}
