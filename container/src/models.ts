// The models the inference container serves: the engine's own (persistence, optical flow),
// the STEPS-style ensemble, and learned ONNX models loaded from a folder or uploaded.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { MODEL_REGISTRY, type RadarFrame } from "../../nowcast/src/index.js";
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
    // Every model of the engine's registry, the ones too heavy for the Worker included.
    for (const [name, { model, configure, description }] of Object.entries(MODEL_REGISTRY)) {
      this.models.set(name, {
        name,
        kind: configure ? "ensemble" : "engine",
        description,
        forecast: async (past, leads, options) => {
          const custom = configure && (options?.members !== undefined || options?.seed !== undefined);
          return (custom ? configure({ ...options }) : model).forecast(past, leads);
        },
      });
    }
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
    if (MODEL_REGISTRY[model.name]) {
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
