// A local stand-in for the web servers ETL jobs read CSVs from, so the demo and the tests run offline
// on real public data: the vega-datasets files as they ship (GET /vega/{file}, with an ETag), and
// hostile variants made from those same files (GET /hostile/{name}): ragged rows, an unbalanced quote,
// a BOM, ; and tab delimiters, mixed date formats, a 100 MB body streamed without a length, gzip and
// binary bytes sent as text/csv, an HTML page, Latin-1 bytes, an empty file, a header only. Also
// GET /flaky/{file}: the first request of each ?attempt key answers 503, later ones the file (the
// workflow's retry with backoff); GET /big/{file}?rows=N: the file's rows repeated to N data rows.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";

const DATA_DIR = new URL("../../node_modules/vega-datasets/data/", import.meta.url);

export interface CsvReplayServer {
  url: string;
  close(): Promise<void>;
}

function vegaFile(name: string): Buffer | null {
  if (!/^[\w.-]+\.(csv|tsv|png)$/.test(name)) return null;
  try {
    return readFileSync(new URL(name, DATA_DIR));
  } catch {
    return null;
  }
}

const lines = (name: string) => vegaFile(name)!.toString("utf8").trimEnd().split("\n");

/** A CSV's header and its data rows repeated until there are `rows` of them (one real file, concatenated). */
export function repeatedCsv(name: string, rows: number): string {
  const [header, ...body] = lines(name);
  const out = [header!];
  for (let i = 0; i < rows; i++) out.push(body[i % body.length]!);
  return `${out.join("\n")}\n`;
}

/** The hostile files, each derived from a real vega-datasets file. */
export function hostileFiles(): Record<string, { body: Buffer; type: string }> {
  const seattle = lines("seattle-weather.csv");
  const weather = lines("weather.csv");
  const csv = (text: string, type = "text/csv; charset=utf-8") => ({ body: Buffer.from(text), type });
  const ragged = seattle.map((l, i) => (i === 10 ? l.split(",").slice(0, 4).join(",") : i === 20 ? `${l},extra` : l));
  const unbalanced = seattle.map((l, i) => (i === 30 ? l.replace(",rain", ',"rain') : l));
  // Every 10th date written day/month/year: the majority's format wins, those rows are refused.
  const mixed = seattle.map((l, i) => {
    if (i === 0 || i % 10 !== 0) return l;
    const [date, ...rest] = l.split(",");
    const [y, m, d] = date!.split("-");
    return [`${d}/${m}/${y}`, ...rest].join(",");
  });
  const latin1 = Buffer.concat([Buffer.from(`${weather[0]}\n`), Buffer.from(`Z${String.fromCharCode(0xfc)}rich${weather[1]!.slice("Seattle".length)}\n`, "latin1")]);
  return {
    "ragged.csv": csv(`${ragged.join("\n")}\n`),
    "unbalanced-quote.csv": csv(`${unbalanced.join("\n")}\n`),
    "bom.csv": csv(`\uFEFF${weather.join("\r\n")}\r\n`),
    "semicolon.csv": csv(`${seattle.map((l) => l.replaceAll(",", ";")).join("\n")}\n`),
    "tab.tsv": csv(`${seattle.map((l) => l.replaceAll(",", "\t")).join("\n")}\n`, "text/tab-separated-values"),
    "mixed-dates.csv": csv(`${mixed.join("\n")}\n`),
    "weather.csv.gz": { body: gzipSync(vegaFile("weather.csv")!), type: "text/csv" },
    "binary.csv": { body: vegaFile("7zip.png")!, type: "text/csv" },
    "page.html": csv("<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form>...</form></body></html>\n", "text/html; charset=utf-8"),
    "html-as-csv.csv": csv("<!doctype html>\n<html><body>Not found</body></html>\n"),
    "latin1.csv": { body: latin1, type: "text/csv" },
    "empty.csv": csv(""),
    "header-only.csv": csv(`${seattle[0]}\n`),
  };
}

const etag = (body: Buffer) => `"${createHash("sha256").update(body).digest("hex").slice(0, 32)}"`;

function send(res: ServerResponse, body: Buffer, type: string): void {
  res.writeHead(200, { "content-type": type, "content-length": body.length, etag: etag(body) }).end(body);
}

/** 100 MB (or ?mb=N) of weather.csv rows, streamed in chunks with no Content-Length. */
function streamBig(res: ServerResponse, megabytes: number): void {
  const [header, ...body] = lines("weather.csv");
  const block = Buffer.from(`${body.join("\n")}\n`);
  const total = megabytes * 1024 * 1024;
  let sent = 0;
  res.writeHead(200, { "content-type": "text/csv; charset=utf-8" });
  res.write(`${header}\n`);
  const pump = () => {
    while (sent < total) {
      sent += block.length;
      if (!res.write(block)) return void res.once("drain", pump);
    }
    res.end();
  };
  res.on("error", () => undefined);
  pump();
}

export async function startCsvReplay(options: { port?: number } = {}): Promise<CsvReplayServer> {
  const hostile = hostileFiles();
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://replay");
    const [, area, name = ""] = url.pathname.split("/");
    if (area === "vega" || area === "flaky") {
      const file = vegaFile(name);
      if (!file) return void res.writeHead(404, { "content-type": "text/plain" }).end("no such file");
      if (area === "flaky") {
        const key = `${name}:${url.searchParams.get("attempt") ?? ""}`;
        const n = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, n);
        if (n === 1) return void res.writeHead(503, { "content-type": "text/plain", "retry-after": "1" }).end("try again");
      }
      if (req.headers["if-none-match"] === etag(file)) return void res.writeHead(304).end();
      return send(res, file, name.endsWith(".tsv") ? "text/tab-separated-values" : name.endsWith(".png") ? "image/png" : "text/csv; charset=utf-8");
    }
    if (area === "big") {
      const rows = Number(url.searchParams.get("rows") ?? 150_000);
      if (!vegaFile(name) || !Number.isInteger(rows) || rows < 1 || rows > 2_000_000) return void res.writeHead(404).end();
      return send(res, Buffer.from(repeatedCsv(name, rows)), "text/csv; charset=utf-8");
    }
    if (area === "hostile") {
      if (name === "big.csv") return streamBig(res, Number(url.searchParams.get("mb") ?? 100));
      const file = hostile[name];
      if (!file) return void res.writeHead(404, { "content-type": "text/plain" }).end("no such file");
      return send(res, file.body, file.type);
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("csv replay server did not bind");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const replay = await startCsvReplay({ port: Number(process.env.CSV_REPLAY_PORT ?? 8788) });
  console.log(`CSV replay server: ${replay.url}/vega/weather.csv (and /hostile/..., /flaky/..., /big/...)`);
}
