import type { Env } from "../env";
import { log } from "../logging";

/**
 * Learned models kept in R2 (the FRAMES bucket): INFERENCE_R2_MODELS = "name=key,..." where
 * key is the object of the model's metadata JSON and its ONNX file lies beside it (the
 * metadata's "onnx" field, relative to the key's folder). The container cannot read R2
 * itself, so when it answers that it does not know such a model, the Worker reads both
 * objects and uploads them to it (PUT /v1/models/{name}), then asks again.
 */
export function r2ModelsOf(env: Env): Map<string, string> {
  const models = new Map<string, string>();
  for (const entry of (env.INFERENCE_R2_MODELS ?? "").split(",")) {
    const [name, key] = entry.split("=").map((s) => s.trim());
    if (name && key) models.set(name, key);
  }
  return models;
}

export function r2ModelProvider(env: Env, models: Map<string, string>) {
  return async (model: string, upload: (metadata: Record<string, unknown>, onnx: Uint8Array) => Promise<void>): Promise<boolean> => {
    const key = models.get(model);
    if (!key) return false;
    const metadataObject = await env.FRAMES.get(key);
    if (!metadataObject) {
      log("warn", "learned model metadata missing in R2", { model, key });
      return false;
    }
    const metadata = (await metadataObject.json()) as Record<string, unknown>;
    if (metadata.name !== model || typeof metadata.onnx !== "string") {
      log("warn", "learned model metadata in R2 does not match", { model, key, name: metadata.name });
      return false;
    }
    const onnxKey = `${key.includes("/") ? key.slice(0, key.lastIndexOf("/") + 1) : ""}${metadata.onnx}`;
    const onnxObject = await env.FRAMES.get(onnxKey);
    if (!onnxObject) {
      log("warn", "learned model graph missing in R2", { model, key: onnxKey });
      return false;
    }
    await upload(metadata, new Uint8Array(await onnxObject.arrayBuffer()));
    log("info", "learned model uploaded to the container from R2", { model, key });
    return true;
  };
}
