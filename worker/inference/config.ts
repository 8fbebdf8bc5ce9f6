import { getRandom } from "@cloudflare/containers";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { containerBackend, EMBEDDED_MODELS, embeddedBackend, type InferenceBackend, InferenceBackendError } from "./backends";
import { r2ModelProvider, r2ModelsOf } from "./r2-models";

/**
 * Where each model runs, from configuration:
 *  - the engine's models (persistence, optical-flow) run embedded, or in the container first
 *    when INFERENCE_BACKEND = "container" (the embedded engine then being their fallback);
 *  - INFERENCE_CONTAINER_MODELS (ensemble, learned models) and INFERENCE_R2_MODELS run in the
 *    container only;
 *  - the container is CONTAINER_URL (a local process: npm start, the tests) or, deployed, the
 *    INFERENCE_CONTAINER Durable Object binding of the Cloudflare Container; neither = none,
 *    and its models are served by the fallbacks;
 *  - INFERENCE_TIMEOUT_MS bounds one exchange with it.
 */
export interface InferenceConfig {
  defaultModel: string;
  embeddedModels: readonly string[];
  containerModels: readonly string[];
  preferContainer: boolean;
  timeoutMs: number;
  container: InferenceBackend;
}

export interface InferenceRoute {
  model: string;
  /** The backend asked first. */
  primary: InferenceBackend;
}

const list = (text: string | undefined) =>
  (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

const DEFAULT_TIMEOUT_MS = 10_000;
const CONTAINER_INSTANCES = 3;

/** A backend that is not configured: every call fails as unavailable, so the fallbacks answer. */
const noContainer: InferenceBackend = {
  name: "container",
  async nowcast() {
    throw new InferenceBackendError("container", "unavailable", "no inference container is configured (CONTAINER_URL or the INFERENCE_CONTAINER binding)");
  },
};

export function inferenceConfig(env: Env): InferenceConfig {
  const timeout = Number(env.INFERENCE_TIMEOUT_MS);
  const timeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS;
  const r2Models = r2ModelsOf(env);
  const provideModel = r2Models.size ? r2ModelProvider(env, r2Models) : undefined;
  let container = noContainer;
  if (env.CONTAINER_URL) {
    const base = env.CONTAINER_URL.replace(/\/$/, "");
    container = containerBackend({
      timeoutMs,
      ...(provideModel ? { provideModel } : {}),
      fetch: async (request) => {
        const url = new URL(request.url);
        // The body as bytes, not a stream: a refused connection is then one rejection, nothing left pumping.
        const body = request.method === "GET" ? null : await request.arrayBuffer();
        return fetch(`${base}${url.pathname}${url.search}`, { method: request.method, headers: request.headers, body, signal: request.signal });
      },
    });
  } else if (env.INFERENCE_CONTAINER) {
    const binding = env.INFERENCE_CONTAINER;
    container = containerBackend({
      timeoutMs,
      ...(provideModel ? { provideModel } : {}),
      fetch: async (request) => (await getRandom(binding, CONTAINER_INSTANCES)).fetch(request),
    });
  }
  return {
    defaultModel: env.NOWCAST_MODEL || "optical-flow",
    embeddedModels: EMBEDDED_MODELS,
    containerModels: [...new Set([...list(env.INFERENCE_CONTAINER_MODELS), ...r2Models.keys()])].filter((m) => !EMBEDDED_MODELS.includes(m)),
    preferContainer: env.INFERENCE_BACKEND === "container",
    timeoutMs,
    container,
  };
}

/** Every model a request may ask for. */
export function knownModels(config: InferenceConfig): string[] {
  return [...config.embeddedModels, ...config.containerModels];
}

/** The backend a model goes to first; an unknown model is the caller's error (400). */
export function routeModel(config: InferenceConfig, model: string): InferenceRoute {
  if (config.embeddedModels.includes(model)) return { model, primary: config.preferContainer ? config.container : embeddedBackend };
  if (config.containerModels.includes(model)) return { model, primary: config.container };
  throw new ApiError(400, "unknown_model", `unknown model '${model}'; known: ${knownModels(config).join(", ")}`);
}
