// Scenarios in front of the product's radar replay server (worker/dev/radar-replay-server.ts)
// for the ingest tests: each scenario under /s/{name}/ has its own clock, so tests
// running side by side never move each other's time, and can serve altered files
// or fail requests at chosen times. Real frames come from the replay server.
//
//   GET|HEAD /s/{name}/{yyyymmdd}/{stamp}_fmi...pgm.gz   a frame, if its time <= the scenario's clock
//   GET|POST /s/{name}/__clock            {"now": iso}: the scenario's clock (RADAR_CLOCK_URL)
//   POST     /s/{name}/__control          {"now"?, "frames"?: {stamp: base64 | null}, "fail"?: {stamp: mode[]}}
//   GET      /s/{name}/__control          {"now", "requests": [{method, stamp, status}]}
//
// A frame override serves those bytes at that time (also where the archive has none);
// failure modes, taken one per request (keyed "stamp" for GET, "HEAD stamp" for HEAD):
// "http_503", "reset" (socket closed), "timeout" (no answer for 30 s), "chunked" (the
// frame without Content-Length).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { listRadarFiles } from "../../worker/dev/radar-files";
import { startRadarReplay } from "../../worker/dev/radar-replay-server";

export const FAIL_MODES = ["http_503", "reset", "timeout", "chunked"] as const;
export type FailMode = (typeof FAIL_MODES)[number];

interface Scenario {
  now: Date;
  frames: Map<string, Buffer>;
  fail: Map<string, FailMode[]>;
  requests: { method: string; stamp: string; status: number | string }[];
}

const FRAME_PATH = /^\/(\d{8})\/((\d{12})_fmi\.radar\.composite\.lowest_FIN_SUOMI1\.pgm\.gz)$/;

async function readBody(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

export async function startRadarScenarioReplay(): Promise<{ url: string; close(): Promise<void> }> {
  // Every archived frame exists upstream; the scenario's clock decides what is published.
  const upstream = await startRadarReplay({ now: new Date(8.64e15) });
  const newest = listRadarFiles().at(-1)?.obstime ?? new Date();
  const scenarios = new Map<string, Scenario>();
  const scenario = (name: string): Scenario => {
    let s = scenarios.get(name);
    if (!s) scenarios.set(name, (s = { now: newest, frames: new Map(), fail: new Map(), requests: [] }));
    return s;
  };
  const held = new Set<ServerResponse>();
  /** The replay server's bytes for a frame path (a HEAD gets a body of the right size), or its error status. */
  const fromUpstream = async (path: string, method: string): Promise<Buffer | number> => {
    const answer = await fetch(`${upstream.url}${path}`, { method });
    if (!answer.ok) return answer.status;
    return method === "HEAD" ? Buffer.alloc(Number(answer.headers.get("content-length") ?? 0)) : Buffer.from(await answer.arrayBuffer());
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://replay");
    const match = /^\/s\/([\w-]+)(\/.*)$/.exec(url.pathname);
    if (!match) return json(res, 404, { error: "no such scenario path" });
    const s = scenario(match[1]!);
    const rest = match[2]!;
    try {
      if (rest === "/__clock" || rest === "/__control") {
        if (req.method === "POST") {
          const body = JSON.parse((await readBody(req)) || "{}") as { now?: string; frames?: Record<string, string | null>; fail?: Record<string, FailMode[]> };
          if (body.now !== undefined) {
            const now = new Date(body.now);
            if (Number.isNaN(now.getTime())) return json(res, 400, { error: "now must be an ISO time" });
            s.now = now;
          }
          for (const [stamp, base64] of Object.entries(body.frames ?? {})) {
            if (base64 === null) s.frames.delete(stamp);
            else s.frames.set(stamp, Buffer.from(base64, "base64"));
          }
          for (const [stamp, modes] of Object.entries(body.fail ?? {})) s.fail.set(stamp, [...modes]);
        }
        return rest === "/__clock" ? json(res, 200, { now: s.now.toISOString() }) : json(res, 200, { now: s.now.toISOString(), requests: s.requests });
      }
      const frame = FRAME_PATH.exec(rest);
      if (!frame) return json(res, 404, { error: "not a frame path" });
      const stamp = frame[3]!;
      const time = Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(8, 10), +stamp.slice(10, 12));
      const method = req.method ?? "GET";
      const record = (status: number | string) => s.requests.push({ method, stamp, status });
      if (time > s.now.getTime()) {
        record(404);
        return res.writeHead(404, { "content-type": "text/plain" }).end("no such frame");
      }
      // Failures are queued per "stamp" (GET) or "HEAD stamp".
      const mode = s.fail.get(method === "GET" ? stamp : `${method} ${stamp}`)?.shift();
      if (mode === "http_503") {
        record(503);
        return res.writeHead(503, { "content-type": "text/plain" }).end("unavailable");
      }
      if (mode === "reset") {
        record("reset");
        return req.socket.destroy();
      }
      if (mode === "timeout") {
        record("timeout");
        held.add(res);
        setTimeout(() => {
          held.delete(res);
          if (!res.writableEnded) res.destroy();
        }, 30_000).unref();
        return;
      }
      const body = s.frames.get(stamp) ?? (await fromUpstream(rest, method));
      if (typeof body === "number") {
        record(body);
        return res.writeHead(body, { "content-type": "text/plain" }).end("no such frame");
      }
      record(200);
      if (mode === "chunked") {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        for (let i = 0; i < body.length; i += 65_536) res.write(body.subarray(i, i + 65_536));
        return res.end();
      }
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
      return method === "HEAD" ? res.end() : res.end(body);
    } catch (error) {
      return json(res, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("radar scenario replay did not bind");
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
    },
  };
}
