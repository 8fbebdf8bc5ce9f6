import type { Db, Env } from "../env";
import { log } from "../logging";
import type { LatestRadar } from "../radar/frame-store";
import { readCachedNowcast, writeCachedNowcast, type CachedNowcast } from "../nowcast/cache";
import { computeNowcast } from "../nowcast/compute";
import type { IndexedLocation } from "../nowcast/location-index";
import { embeddedBackend, InferenceBackendError, type InferenceFailure } from "./backends";
import { type InferenceConfig, routeModel } from "./config";

/** What the response says when the backend asked first could not answer. */
export interface InferenceFallback {
  /** The backend that failed, and how. */
  from: string;
  reason: InferenceFailure;
  detail: string;
  /** What answered instead: the embedded engine (a new nowcast), or the last cached nowcast, marked stale. */
  to: "embedded" | "stale-cache";
  /** The model of the nowcast served (the default model when the asked one cannot run embedded). */
  model: string;
}

export interface RoutedNowcast {
  entry: CachedNowcast;
  /** The backend the model was routed to. */
  backend: string;
  fallback: InferenceFallback | null;
}

/**
 * Computes a location's nowcast with the model's backend; when that backend fails (down,
 * too slow, garbage), falls back, in order, to: the embedded engine with the same model
 * (when it runs that model); the last nowcast of that model cached for the location,
 * marked stale; the embedded engine with the default model. A place that can be served is
 * served: only errors that are not the backend's (no radar data, say) propagate.
 */
export async function computeRouted(
  env: Env,
  db: Db,
  location: IndexedLocation,
  latest: LatestRadar,
  config: InferenceConfig,
  model: string,
): Promise<RoutedNowcast> {
  const { primary } = routeModel(config, model);
  try {
    const payload = await computeNowcast(env, db, location, latest, primary, model);
    return { entry: await writeCachedNowcast(env, payload), backend: primary.name, fallback: null };
  } catch (error) {
    if (!(error instanceof InferenceBackendError)) throw error;
    const failed = { from: error.backend, reason: error.failure, detail: error.message };
    log("warn", "inference backend failed; falling back", { ...failed, model, locationId: location.id });
    if (config.embeddedModels.includes(model) && primary !== embeddedBackend) {
      const payload = await computeNowcast(env, db, location, latest, embeddedBackend, model);
      return { entry: await writeCachedNowcast(env, payload), backend: primary.name, fallback: { ...failed, to: "embedded", model } };
    }
    const cached = await readCachedNowcast(env, location.id, model);
    if (cached) return { entry: cached, backend: primary.name, fallback: { ...failed, to: "stale-cache", model } };
    const payload = await computeNowcast(env, db, location, latest, embeddedBackend, config.defaultModel);
    return {
      entry: await writeCachedNowcast(env, payload),
      backend: primary.name,
      fallback: { ...failed, to: "embedded", model: config.defaultModel },
    };
  }
}
