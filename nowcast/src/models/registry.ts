import { createEnsembleModel, DEFAULT_ENSEMBLE_OPTIONS, ensemble, type EnsembleOptions } from "./ensemble.js";
import type { NowcastModel } from "./model.js";
import { opticalFlow } from "./opticalFlow.js";
import { persistence } from "./persistence.js";
import { sprog } from "./sprog.js";

/**
 * Where a model runs: "embedded" models are light enough for a Worker request (tens of ms; the
 * Worker runs them on a miss, the container and the benchmarks too); "container" models take
 * seconds of CPU and are served by the inference container only.
 */
export type ModelPlacement = "embedded" | "container";

export interface RegisteredModel {
  readonly model: NowcastModel;
  readonly placement: ModelPlacement;
  readonly description: string;
  /** A variant with other options (the ensemble's member count, seed, Z-R); absent for fixed models. */
  readonly configure?: (options: Partial<EnsembleOptions>) => NowcastModel;
}

/**
 * The one registry of the engine's models by name, read by the Worker (which models run
 * embedded, which go to the container), the inference container (what it serves besides its
 * learned ONNX models) and the benchmarks. Learned models are artifacts, not code: the
 * container loads them from its folder, and the deployment names them (INFERENCE_CONTAINER_MODELS).
 */
export const MODEL_REGISTRY: Readonly<Record<string, RegisteredModel>> = {
  [persistence.name]: { model: persistence, placement: "embedded", description: "the newest frame, held" },
  [opticalFlow.name]: { model: opticalFlow, placement: "embedded", description: "variational optical flow, semi-Lagrangian extrapolation" },
  [sprog.name]: { model: sprog, placement: "embedded", description: "S-PROG: cascade decomposition, AR(2) per level, smoothed with lead" },
  [ensemble.name]: {
    model: ensemble,
    placement: "container",
    description: `STEPS-style ensemble, ${DEFAULT_ENSEMBLE_OPTIONS.members} members by default`,
    configure: (options) => createEnsembleModel(options),
  },
};

/** The names of the registered models that run where `placement` says. */
export function modelsPlaced(placement: ModelPlacement): string[] {
  return Object.keys(MODEL_REGISTRY).filter((name) => MODEL_REGISTRY[name]!.placement === placement);
}

/** The models light enough to run anywhere the engine does (the Worker's embedded backend), by name. */
export const NOWCAST_MODELS: Readonly<Record<string, NowcastModel>> = Object.fromEntries(modelsPlaced("embedded").map((name) => [name, MODEL_REGISTRY[name]!.model]));

export function getModel(name: string): NowcastModel {
  const model = NOWCAST_MODELS[name];
  if (!model) throw new RangeError(`unknown model '${name}'; known: ${Object.keys(NOWCAST_MODELS).join(", ")}`);
  return model;
}
