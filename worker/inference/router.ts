// The inference router, a leaf: runs a model on the backend its route names and, when that
// backend fails (down, too slow, garbage), on the embedded engine when the engine runs that
// model. It knows nothing of nowcasts, caches or stores; what answers when no backend could
// run the model (the last cached nowcast, the default model) is the service's decision.
import { log } from "../logging";
import { embeddedBackend, type InferenceFailure, type InferenceInput } from "./backends";
import { InferenceBackendError } from "./backends";
import type { InferenceConfig, InferenceRoute } from "./config";
import type { InferenceResult } from "./contract";

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

export interface Inference {
  result: InferenceResult;
  /** The backend that computed the result. */
  backend: string;
  fallback: InferenceFallback | null;
}

/** No backend could run the model: the route's backend failed and the engine does not run it. */
export class InferenceUnavailableError extends Error {
  override readonly name = "InferenceUnavailableError";
  constructor(readonly failure: InferenceBackendError) {
    super(failure.message);
  }
}

export async function infer(config: InferenceConfig, route: InferenceRoute, input: Omit<InferenceInput, "model">): Promise<Inference> {
  const { primary, model } = route;
  try {
    return { result: await primary.nowcast({ ...input, model }), backend: primary.name, fallback: null };
  } catch (error) {
    if (!(error instanceof InferenceBackendError)) throw error;
    log("warn", "inference backend failed", { from: error.backend, reason: error.failure, detail: error.message, model });
    if (primary === embeddedBackend || !config.embeddedModels.includes(model)) throw new InferenceUnavailableError(error);
    const result = await embeddedBackend.nowcast({ ...input, model });
    return { result, backend: embeddedBackend.name, fallback: { from: error.backend, reason: error.failure, detail: error.message, to: "embedded", model } };
  }
}

/** The engine's own run of a model, for when the asked model could not run anywhere. */
export async function inferEmbedded(model: string, input: Omit<InferenceInput, "model">): Promise<InferenceResult> {
  return embeddedBackend.nowcast({ ...input, model });
}
