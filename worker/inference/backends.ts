import { getModel, modelsPlaced, type RadarFrame } from "../../nowcast/src/index";
import {
  decodeInferenceResponse,
  encodeInferenceRequest,
  encodeModelUpload,
  INFERENCE_CONTENT_TYPE,
  InferenceContractError,
  inferenceErrorSchema,
  type InferenceResult,
} from "./contract";

/** What every inference backend takes: past frames (oldest first) of one crop, leads and model name. */
export interface InferenceInput {
  past: RadarFrame[];
  leads: number;
  model: string;
}

/**
 * A place nowcasts are computed: the Worker itself (embedded), or the inference container.
 * A hosted model (e.g. one served by Workers AI, once one exists for radar nowcasting) is
 * another implementation of this interface; nothing else in the Worker changes.
 */
export interface InferenceBackend {
  readonly name: string;
  nowcast(input: InferenceInput): Promise<InferenceResult>;
}

/** The models the embedded engine runs (the engine's registry). */
export const EMBEDDED_MODELS: readonly string[] = modelsPlaced("embedded");

/** The embedded default: the nowcast engine running inside the Worker. */
export const embeddedBackend: InferenceBackend = {
  name: "embedded",
  async nowcast({ past, leads, model }) {
    return getModel(model).forecast(past, leads);
  },
};

/** Why a backend could not answer; any of these makes the Worker fall back. */
export type InferenceFailure = "unavailable" | "timeout" | "invalid_response" | "unknown_model" | "error";

export class InferenceBackendError extends Error {
  override readonly name = "InferenceBackendError";
  constructor(
    readonly backend: string,
    readonly failure: InferenceFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Sends a request to the container: fetch to a URL (local process), or a Container Durable Object's stub. */
export type ContainerFetch = (request: Request) => Promise<Response>;

export interface ContainerBackendOptions {
  fetch: ContainerFetch;
  /** Whole exchange, request to last byte of the response. */
  timeoutMs: number;
  name?: string;
  /** Called when the container does not know a model; true = it was given the model, so ask again once. */
  provideModel?: (model: string, upload: (metadata: Record<string, unknown>, onnx: Uint8Array) => Promise<void>) => Promise<boolean>;
}

const ORIGIN = "http://inference.container";

/**
 * The inference container behind the contract of ./contract.ts: the request is encoded
 * once, the response validated (schema, then agreement with the request) before use. Every
 * failure is an InferenceBackendError naming its kind; nothing else escapes.
 */
export function containerBackend(options: ContainerBackendOptions): InferenceBackend {
  const name = options.name ?? "container";
  const fail = (failure: InferenceFailure, message: string) => new InferenceBackendError(name, failure, message);

  /** One exchange under the timeout: status and body, both read before the deadline. */
  async function exchange(path: string, init: RequestInit): Promise<{ status: number; contentType: string; body: ArrayBuffer }> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(fail("timeout", `no complete answer within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
    });
    const attempt = (async () => {
      let res: Response;
      try {
        res = await options.fetch(new Request(`${ORIGIN}${path}`, { ...init, signal: controller.signal }));
      } catch (error) {
        throw fail("unavailable", `cannot reach the container: ${error instanceof Error ? error.message : error}`);
      }
      try {
        return { status: res.status, contentType: res.headers.get("content-type") ?? "", body: await res.arrayBuffer() };
      } catch (error) {
        throw fail("unavailable", `the container's answer broke off: ${error instanceof Error ? error.message : error}`);
      }
    })();
    try {
      return await Promise.race([attempt, deadline]);
    } finally {
      clearTimeout(timer);
      attempt.catch(() => {});
    }
  }

  function errorOf(body: ArrayBuffer): { code: string; message: string } | null {
    try {
      const parsed = inferenceErrorSchema.safeParse(JSON.parse(new TextDecoder().decode(body)));
      return parsed.success ? parsed.data.error : null;
    } catch {
      return null;
    }
  }

  async function upload(model: string, metadata: Record<string, unknown>, onnx: Uint8Array): Promise<void> {
    const res = await exchange(`/v1/models/${encodeURIComponent(model)}`, {
      method: "PUT",
      headers: { "content-type": INFERENCE_CONTENT_TYPE },
      body: encodeModelUpload(metadata, onnx),
    });
    if (res.status !== 201) throw fail("error", `uploading ${model}: HTTP ${res.status} ${errorOf(res.body)?.message ?? ""}`.trim());
  }

  async function nowcastOnce({ past, leads, model }: InferenceInput) {
    return exchange("/v1/nowcast", {
      method: "POST",
      headers: { "content-type": INFERENCE_CONTENT_TYPE, accept: INFERENCE_CONTENT_TYPE },
      body: encodeInferenceRequest({ model, leads, past }),
    });
  }

  return {
    name,
    async nowcast(input) {
      let res = await nowcastOnce(input);
      if (res.status === 404 && errorOf(res.body)?.code === "unknown_model") {
        const provided = options.provideModel ? await options.provideModel(input.model, (m, o) => upload(input.model, m, o)) : false;
        if (!provided) throw fail("unknown_model", `the container has no model '${input.model}'`);
        res = await nowcastOnce(input);
      }
      if (res.status !== 200) {
        const error = errorOf(res.body);
        throw fail("error", `HTTP ${res.status}${error ? ` ${error.code}: ${error.message}` : ""}`);
      }
      if (!res.contentType.startsWith(INFERENCE_CONTENT_TYPE)) throw fail("invalid_response", `content-type '${res.contentType}' is not the contract's`);
      let result: InferenceResult;
      try {
        result = decodeInferenceResponse(res.body);
      } catch (error) {
        if (error instanceof InferenceContractError) throw fail("invalid_response", error.message);
        throw error;
      }
      const analysis = input.past.at(-1)!;
      const mismatch =
        result.model !== input.model
          ? `model '${result.model}'`
          : result.leads !== input.leads
            ? `${result.leads} leads`
            : result.width !== analysis.width || result.height !== analysis.height
              ? `a ${result.width} x ${result.height} grid`
              : result.analysisTime.getTime() !== analysis.obstime.getTime()
                ? `analysis time ${result.analysisTime.toISOString()}`
                : result.source !== analysis.source
                  ? `source '${result.source}'`
                  : null;
      if (mismatch) throw fail("invalid_response", `the answer is for ${mismatch}, not what was asked`);
      return result;
    },
  };
}
