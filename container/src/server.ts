// The inference service: an HTTP server (Node 22) that runs the models too heavy for the
// Worker. The same server runs in the Cloudflare Container (container/Dockerfile) and, under
// `npm start` and the tests, as a plain local process the Worker reaches via CONTAINER_URL.
//
//   GET  /health              {"ok": true, "models": [...]}
//   GET  /v1/models           {"models": [{name, kind, description}]}
//   POST /v1/nowcast          inference request -> inference response (worker/inference/contract.ts)
//   PUT  /v1/models/{name}    model upload (metadata + ONNX) -> {"model": name}
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NowcastInputError } from "../../nowcast/src/index.js";
import { LearnedModelError } from "../../nowcast/src/models/learned.js";
import {
  decodeInferenceRequest,
  decodeModelUpload,
  encodeInferenceResponse,
  INFERENCE_CONTENT_TYPE,
  InferenceContractError,
} from "../../worker/inference/contract.js";
import { ModelRegistry } from "./models.js";
import { loadLearnedModel, type OnnxOptions } from "./onnx.js";

export const BACKEND_NAME = "container";
const MAX_BODY_BYTES = 256 << 20;

export interface InferenceServerOptions {
  port?: number;
  host?: string;
  /** Folder of learned models (metadata JSON + ONNX) loaded at start. */
  modelDir?: string;
  onnx?: OnnxOptions;
  log?: (line: Record<string, unknown>) => void;
}

export interface InferenceServer {
  url: string;
  server: Server;
  registry: ModelRegistry;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "too_large", "request body too large");
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

export async function startInferenceServer(options: InferenceServerOptions = {}): Promise<InferenceServer> {
  const log = options.log ?? ((line) => console.log(JSON.stringify(line)));
  const registry = new ModelRegistry();
  if (options.modelDir) {
    const loaded = await registry.loadFolder(options.modelDir, options.onnx, (file, error) =>
      log({ level: "warn", message: "learned model not loaded", file, error: error.message }),
    );
    log({ level: "info", message: "learned models loaded", models: loaded, dir: options.modelDir });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://container");
    if (req.method === "GET" && url.pathname === "/health") return sendJson(res, 200, { ok: true, models: registry.list().map((m) => m.name) });
    if (req.method === "GET" && url.pathname === "/v1/models") return sendJson(res, 200, { models: registry.list() });
    if (req.method === "POST" && url.pathname === "/v1/nowcast") {
      const body = await readBody(req);
      const request = decodeInferenceRequest(body);
      const model = registry.get(request.model);
      if (!model) throw new HttpError(404, "unknown_model", `no model '${request.model}' here; known: ${registry.list().map((m) => m.name).join(", ")}`);
      const started = performance.now();
      const result = await model.forecast(request.past, request.leads, request.options);
      const computeMs = performance.now() - started;
      const bytes = encodeInferenceResponse(result, BACKEND_NAME, computeMs);
      res.writeHead(200, { "content-type": INFERENCE_CONTENT_TYPE, "content-length": String(bytes.byteLength) });
      res.end(bytes);
      log({ level: "info", message: "nowcast", model: request.model, leads: request.leads, px: `${result.width}x${result.height}`, computeMs: Math.round(computeMs) });
      return;
    }
    const upload = /^\/v1\/models\/([a-z0-9][a-z0-9-]{0,63})$/.exec(url.pathname);
    if (req.method === "PUT" && upload) {
      const { metadata, onnx } = decodeModelUpload(await readBody(req));
      if (metadata.name !== upload[1]) throw new HttpError(400, "name_mismatch", `the metadata names '${String(metadata.name)}', the path '${upload[1]}'`);
      const model = await loadLearnedModel(metadata, onnx, options.onnx);
      registry.addLearned(model);
      log({ level: "info", message: "learned model uploaded", model: model.name, bytes: onnx.byteLength });
      return sendJson(res, 201, { model: model.name });
    }
    throw new HttpError(404, "not_found", `${req.method} ${url.pathname} is not a route here`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const [status, code] =
        error instanceof HttpError
          ? [error.status, error.code]
          : error instanceof InferenceContractError
            ? [400, "bad_request"]
            : error instanceof NowcastInputError
              ? [422, "bad_input"]
              : error instanceof LearnedModelError || error instanceof RangeError
                ? [422, "bad_model"]
                : [500, "internal"];
      const message = error instanceof Error ? error.message : String(error);
      if (status >= 500) log({ level: "error", message: "request failed", error: message });
      if (!res.headersSent) sendJson(res, status, { error: { code, message } });
      else res.destroy();
    });
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1"}:${port}`,
    server,
    registry,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
