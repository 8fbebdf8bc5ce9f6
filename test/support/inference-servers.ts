// The inference container for the tests, started by vitest's globalSetup: the real server
// (container/src/server.ts with the trained models of container/models, a child process), and a misbehaving
// one whose path prefix picks the fault, so that the Worker's fallbacks are tested against
// real sockets:
//   /slow/...          answers nothing for 10 s (the Worker's timeout fires first)
//   /garbage/...       200 with the contract's content type and random bytes
//   /html/...          200 text/html (a proxy's error page, say)
//   /wrong-schema/...  a well-framed message whose header breaks the schema
//   /mismatch/...      a valid response for another request (1 lead, whatever was asked)
//   /http-500/...      500 with the error shape
// and the URL of a closed port (a container that is down).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { persistence } from "../../nowcast/src/index";
import { startLocalInferenceServer } from "../../container/src/local";
import { decodeInferenceRequest, encodeInferenceResponse, INFERENCE_CONTENT_TYPE } from "../../worker/inference/contract";

export const MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "container", "models");

/** The real server, as its own process: an ensemble's seconds of CPU must not stall the other test servers. */
export async function startTestInferenceServer() {
  return startLocalInferenceServer({ modelDir: MODEL_DIR });
}

async function body(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

export async function startFaultyInferenceServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const server: Server = createServer(async (req, res) => {
    const fault = new URL(req.url ?? "/", "http://faulty").pathname.split("/")[1];
    const request = await body(req);
    switch (fault) {
      case "slow": {
        const timer = setTimeout(() => {
          timers.delete(timer);
          res.writeHead(503).end();
        }, 10_000);
        timers.add(timer);
        return;
      }
      case "garbage": {
        const bytes = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) & 0xff);
        res.writeHead(200, { "content-type": INFERENCE_CONTENT_TYPE }).end(bytes);
        return;
      }
      case "html":
        res.writeHead(200, { "content-type": "text/html" }).end("<html><body>502 Bad Gateway</body></html>");
        return;
      case "wrong-schema": {
        const json = new TextEncoder().encode(JSON.stringify({ version: 1, model: "optical-flow", frames: "none" }));
        const bytes = new Uint8Array(8 + json.length);
        bytes.set([0x4e, 0x43, 0x49, 0x31]);
        new DataView(bytes.buffer).setUint32(4, json.length, true);
        bytes.set(json, 8);
        res.writeHead(200, { "content-type": INFERENCE_CONTENT_TYPE }).end(bytes);
        return;
      }
      case "mismatch": {
        const { past } = decodeInferenceRequest(request);
        const result = persistence.forecast(past, 1);
        res.writeHead(200, { "content-type": INFERENCE_CONTENT_TYPE }).end(encodeInferenceResponse(result, "container", 0));
        return;
      }
      case "http-500":
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "internal", message: "out of memory" } }));
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** The URL of a port nothing listens on: a container that is down. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}`;
}
