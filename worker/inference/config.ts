import type { Env } from "../env";
import { z } from "zod";
import { configSection, enumVar, listVar, numberVar, textVar } from "../config";
import { DomainError } from "../domain-error";
import { modelsPlaced } from "../../nowcast/src/index";
import { containerBackend, EMBEDDED_MODELS, embeddedBackend, type InferenceBackend, InferenceBackendError } from "./backends";
import { r2ModelProvider, r2ModelsOf } from "./r2-models";

/**
 * Where each model runs, from configuration:
 *  - the engine's models (persistence, optical-flow) run embedded, or in the container first
 *    when INFERENCE_BACKEND = "container" (the embedded engine then being their fallback);
 *  - the registry's container models (the ensemble; nowcast/src/models/registry.ts), the learned
 *    models the container ships (INFERENCE_CONTAINER_MODELS) and INFERENCE_R2_MODELS run in the
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

const CONTAINER_INSTANCES = 3;

/** A backend that is not configured: every call fails as unavailable, so the fallbacks answer. */
const noContainer: InferenceBackend = {
  name: "container",
  async nowcast() {
    throw new InferenceBackendError("container", "unavailable", "no inference container is configured (CONTAINER_URL or the INFERENCE_CONTAINER binding)");
  },
};

function containerOf(env: Env, url: string | null, timeoutMs: number): InferenceBackend {
  const r2Models = r2ModelsOf(env);
  const provideModel = r2Models.size ? r2ModelProvider(env, r2Models) : undefined;
  if (url) {
    const base = url.replace(/\/$/, "");
    return containerBackend({
      timeoutMs,
      ...(provideModel ? { provideModel } : {}),
      fetch: async (request) => {
        const target = new URL(request.url);
        // The body as bytes, not a stream: a refused connection is then one rejection, nothing left pumping.
        const body = request.method === "GET" ? null : await request.arrayBuffer();
        return fetch(`${base}${target.pathname}${target.search}`, { method: request.method, headers: request.headers, body, signal: request.signal });
      },
    });
  }
  if (env.INFERENCE_CONTAINER) {
    const binding = env.INFERENCE_CONTAINER;
    return containerBackend({
      timeoutMs,
      ...(provideModel ? { provideModel } : {}),
      fetch: async (request) => {
        // Loaded on first use: @cloudflare/containers imports "cloudflare:workers", which only
        // the Workers runtime resolves, and Node-side tools (the benchmarks) import this module.
        const { getRandom } = await import("@cloudflare/containers");
        return (await getRandom(binding, CONTAINER_INSTANCES)).fetch(request);
      },
    });
  }
  return noContainer;
}

const inferenceSection = configSection(
  "inference",
  z.object({
    // Learned models are experimental until shown to beat optical flow on unseen events (nowcast/src/models/learned.ts): never the default.
    NOWCAST_MODEL: textVar("optical-flow").refine((model) => EMBEDDED_MODELS.includes(model) || model === "ensemble", {
      message: `the default model must be one of the engine's (${EMBEDDED_MODELS.join(", ")}) or ensemble, never a learned model`,
    }),
    CONTAINER_URL: textVar(null),
    INFERENCE_BACKEND: enumVar(["embedded", "container"], "embedded"),
    INFERENCE_CONTAINER_MODELS: listVar,
    INFERENCE_TIMEOUT_MS: numberVar(10_000, { greaterThan: 0, max: 600_000 }),
  }),
);

// The backends hold closures over the Env's bindings: built once per Env object, like the parse.
const built = new WeakMap<Env, InferenceConfig>();

export function inferenceConfig(env: Env): InferenceConfig {
  const cached = built.get(env);
  if (cached) return cached;
  const v = inferenceSection(env);
  const r2Models = r2ModelsOf(env);
  const config: InferenceConfig = {
    defaultModel: v.NOWCAST_MODEL,
    embeddedModels: EMBEDDED_MODELS,
    containerModels: [...new Set([...modelsPlaced("container"), ...v.INFERENCE_CONTAINER_MODELS, ...r2Models.keys()])].filter((m) => !EMBEDDED_MODELS.includes(m)),
    preferContainer: v.INFERENCE_BACKEND === "container",
    timeoutMs: v.INFERENCE_TIMEOUT_MS,
    container: containerOf(env, v.CONTAINER_URL, v.INFERENCE_TIMEOUT_MS),
  };
  built.set(env, config);
  return config;
}

/** Every model a request may ask for. */
export function knownModels(config: InferenceConfig): string[] {
  return [...config.embeddedModels, ...config.containerModels];
}

/** The backend a model goes to first; an unknown model is the caller's error. */
export function routeModel(config: InferenceConfig, model: string): InferenceRoute {
  if (config.embeddedModels.includes(model)) return { model, primary: config.preferContainer ? config.container : embeddedBackend };
  if (config.containerModels.includes(model)) return { model, primary: config.container };
  throw new DomainError("invalid", "unknown_model", `unknown model '${model}'; known: ${knownModels(config).join(", ")}`);
}
