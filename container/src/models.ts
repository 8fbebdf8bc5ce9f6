// The models the inference container serves: the engine's own (persistence, optical flow),
// the STEPS-style ensemble, and learned ONNX models loaded from a folder or uploaded.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { NOWCAST_MODELS, type RadarFrame } from "../../nowcast/src/index.js";
import { createEnsembleModel, ensemble } from "../../nowcast/src/models/ensemble.js";
import { type ExperimentalLabel, experimentalLabel, type LearnedModel } from "../../nowcast/src/models/learned.js";
import type { InferenceResult } from "../../worker/inference/contract.js";
import { loadLearnedModelFile, type OnnxOptions } from "./onnx.js";

export type ModelKind = "engine" | "ensemble" | "learned";

export interface ServedModel {
  name: string;
  kind: ModelKind;
  description?: string;
  /** A learned model not shown to beat optical flow on unseen events: labelled (its nowcasts too), never a default. */
  experimental?: ExperimentalLabel;
  forecast(past: RadarFrame[], leads: number, options?: { members?: number; seed?: number }): Promise<InferenceResult>;
}

export class ModelRegistry {
  private readonly models = new Map<string, ServedModel>();

  constructor() {
    for (const model of Object.values(NOWCAST_MODELS)) {
      this.models.set(model.name, { name: model.name, kind: "engine", forecast: async (past, leads) => model.forecast(past, leads) });
    }
    this.models.set("ensemble", {
      name: "ensemble",
      kind: "ensemble",
      description: `STEPS-style ensemble, ${ensemble.options.members} members by default`,
      forecast: async (past, leads, options) => {
        const custom = options?.members !== undefined || options?.seed !== undefined;
        return (custom ? createEnsembleModel({ ...options }) : ensemble).forecast(past, leads);
      },
    });
  }

  /** Every learned model (metadata *.json beside its ONNX file) in a folder; a broken one is reported, not fatal. */
  async loadFolder(dir: string, options: OnnxOptions = {}, onError: (file: string, error: Error) => void = () => {}): Promise<string[]> {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((name) => name.endsWith(".json")).sort();
    } catch {
      return [];
    }
    const loaded: string[] = [];
    for (const name of names) {
      try {
        loaded.push(this.addLearned(await loadLearnedModelFile(join(dir, name), options)));
      } catch (error) {
        onError(name, error as Error);
      }
    }
    return loaded;
  }

  addLearned(model: LearnedModel): string {
    if (this.models.get(model.name)?.kind === "engine" || model.name === "ensemble") {
      throw new RangeError(`a learned model may not take the built-in name '${model.name}'`);
    }
    const label = experimentalLabel(model.metadata);
    this.models.set(model.name, {
      name: model.name,
      kind: "learned",
      ...(model.metadata.description ? { description: model.metadata.description } : {}),
      ...(label ? { experimental: label } : {}),
      forecast: async (past, leads) => ({ ...(await model.forecast(past, leads)), ...(label ? { experimental: label } : {}) }),
    });
    return model.name;
  }

  get(name: string): ServedModel | undefined {
    return this.models.get(name);
  }

  list(): { name: string; kind: ModelKind; description?: string; experimental?: ExperimentalLabel }[] {
    return [...this.models.values()].map(({ name, kind, description, experimental }) => ({
      name,
      kind,
      ...(description ? { description } : {}),
      ...(experimental ? { experimental } : {}),
    }));
  }
}
