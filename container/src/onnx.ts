// Learned models in the inference container: an ONNX graph run by onnxruntime-node (CPU),
// wrapped by the runtime-neutral autoregressive nowcaster of nowcast/src/models/learned.ts.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import * as ort from "onnxruntime-node";
import {
  createLearnedModel,
  type LearnedModel,
  LearnedModelError,
  parseLearnedModelMetadata,
  type TensorRunner,
} from "../../nowcast/src/models/learned.js";

export type OnnxOptions = { threads?: number };

/** A learned model from its metadata (parsed JSON) and the bytes of its ONNX graph. */
export async function loadLearnedModel(metadataJson: unknown, onnx: Uint8Array, options: OnnxOptions = {}): Promise<LearnedModel> {
  const metadata = parseLearnedModelMetadata(metadataJson);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(onnx, {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    });
  } catch (cause) {
    throw new LearnedModelError(`${metadata.name}: the ONNX graph does not load: ${cause instanceof Error ? cause.message : cause}`);
  }
  if (!session.inputNames.includes(metadata.input.name) || !session.outputNames.includes(metadata.output.name)) {
    throw new LearnedModelError(
      `${metadata.name}: the graph's inputs/outputs (${session.inputNames}/${session.outputNames}) are not the metadata's (${metadata.input.name}/${metadata.output.name})`,
    );
  }
  const runner: TensorRunner = {
    async run(input, frames, height, width) {
      const feeds = { [metadata.input.name]: new ort.Tensor("float32", input, [1, frames, height, width]) };
      const outputs = await session.run(feeds);
      const tensor = outputs[metadata.output.name]!;
      const dims = tensor.dims;
      if (dims.length !== 4 || dims[0] !== 1 || dims[1] !== 1 || dims[2] !== height || dims[3] !== width) {
        throw new LearnedModelError(`${metadata.name}: output shape [${dims}] is not [1, 1, ${height}, ${width}]`);
      }
      return tensor.data as Float32Array;
    },
  };
  return createLearnedModel(metadata, runner);
}

/** A learned model from the path of its metadata JSON; the ONNX file is named there, relative to it. */
export async function loadLearnedModelFile(metadataPath: string, options: OnnxOptions = {}): Promise<LearnedModel> {
  const json: unknown = JSON.parse(await readFile(metadataPath, "utf8"));
  const metadata = parseLearnedModelMetadata(json);
  const onnx = await readFile(resolve(dirname(metadataPath), metadata.onnx));
  return loadLearnedModel(json, new Uint8Array(onnx.buffer, onnx.byteOffset, onnx.byteLength), options);
}
