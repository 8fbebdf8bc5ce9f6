// Entry of the inference service: `tsx container/src/main.ts` locally, the bundled
// dist/server.mjs in the container image. PORT (8080), HOST (0.0.0.0), MODEL_DIR
// (container/models), ORT_THREADS (onnxruntime's intra-op threads; default: its own choice).
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startInferenceServer } from "./server.js";

const here = dirname(fileURLToPath(import.meta.url));
const modelDir = process.env.MODEL_DIR ?? resolve(here, "..", "models");
const threads = Number(process.env.ORT_THREADS) || undefined;
const server = await startInferenceServer({
  port: Number(process.env.PORT ?? 8080),
  host: process.env.HOST ?? "0.0.0.0",
  modelDir,
  onnx: threads ? { threads } : {},
});
console.log(JSON.stringify({ level: "info", message: "inference service listening", url: server.url, models: server.registry.list().map((m) => m.name) }));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void server.close().then(() => process.exit(0)));
