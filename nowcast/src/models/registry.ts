import type { NowcastModel } from "./model.js";
import { opticalFlow } from "./opticalFlow.js";
import { persistence } from "./persistence.js";
import { sprog } from "./sprog.js";

/** The models selectable by name (benchmarks, API parameters). */
export const NOWCAST_MODELS: Readonly<Record<string, NowcastModel>> = {
  [persistence.name]: persistence,
  [opticalFlow.name]: opticalFlow,
  [sprog.name]: sprog,
};

export function getModel(name: string): NowcastModel {
  const model = NOWCAST_MODELS[name];
  if (!model) throw new RangeError(`unknown model '${name}'; known: ${Object.keys(NOWCAST_MODELS).join(", ")}`);
  return model;
}
