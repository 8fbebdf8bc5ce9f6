// Serves one source's real composites under the archive's URL layout
// (/{YYYYMMDD}/{file name}, e.g. /20160928/201609281445_fmi.radar.composite.lowest_FIN_SUOMI1.pgm.gz;
// source-url.ts has each source's template), as the radar source does, but with its own clock: only frames observed up to
// the replay time exist. The local product and the tests use it instead of the
// network. POST /__clock {"now": iso} moves the clock; GET /__clock reads it.
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { stamp } from "../radar/frame-store";
import { listRadarFiles, RADAR_DIR } from "./radar-files";

export interface ReplayServer {
  url: string;
  setNow(now: Date): void;
  close(): Promise<void>;
}

export async function startRadarReplay(options: { dir?: string; now?: Date; port?: number } = {}): Promise<ReplayServer> {
  const files = listRadarFiles(options.dir ?? RADAR_DIR);
  const byPath = new Map(files.map((f) => [`/${stamp(f.obstime).slice(0, 8)}/${f.name}`, f]));
  let now = options.now ?? files[files.length - 1]?.obstime ?? new Date();

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://replay");
    if (url.pathname === "/__clock") {
      if (req.method === "POST") {
        let text = "";
        for await (const chunk of req) text += chunk;
        const next = new Date((JSON.parse(text || "{}") as { now?: string }).now ?? NaN);
        if (Number.isNaN(next.getTime())) {
          res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "now must be an ISO time" }));
          return;
        }
        now = next;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ now: now.toISOString() }));
      return;
    }
    const file = byPath.get(url.pathname);
    if (!file || file.obstime > now) {
      res.writeHead(404, { "content-type": "text/plain" }).end("no such frame");
      return;
    }
    const bytes = readFileSync(file.path);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("radar replay server did not bind");
  return {
    url: `http://127.0.0.1:${address.port}`,
    setNow: (next) => (now = next),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
