// The site's page weight: the JavaScript (and CSS) a browser loads for each
// route's first view, read from the built output in .svelte-kit/output (run
// `npm run build` first). `npm run report:weight` prints the table; the e2e
// suite checks it against the budget.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** Gzipped JavaScript of any one route's first view, at most. */
export const JS_BUDGET_GZIP_BYTES = 64 * 1024;
/** The map page (/app) loads its map library after first paint and may hold up to this much (issue 12). */
export const MAP_PAGE_JS_BUDGET_GZIP_BYTES = 300 * 1024;
export const MAP_PAGES = new Set(["/app"]);
/**
 * The API reference (/api/docs) loads its library, Redoc's standalone bundle, after first paint: its
 * first view is within JS_BUDGET_GZIP_BYTES like any route's, and the whole page, Redoc included, within this.
 */
export const DOCS_PAGE_JS_BUDGET_GZIP_BYTES = 400 * 1024;
export const budgetOf = (route: string) => (MAP_PAGES.has(route) ? MAP_PAGE_JS_BUDGET_GZIP_BYTES : JS_BUDGET_GZIP_BYTES);

export interface RouteWeight {
  route: string;
  files: number;
  jsBytes: number;
  jsGzipBytes: number;
  cssBytes: number;
}

function arrayAfter(text: string, name: string): string[] {
  const match = new RegExp(`${name}\\s*[:=]\\s*\\[([^\\]]*)\\]`).exec(text);
  return match ? [...match[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) : [];
}

export function pageWeights(output = ".svelte-kit/output"): RouteWeight[] {
  const manifestPath = join(output, "server/manifest.js");
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: run npm run build first`);
  const manifest = readFileSync(manifestPath, "utf8");
  const clientBlock = /client:\s*\{([^}]*)\}/.exec(manifest)?.[1] ?? "";
  const entry = arrayAfter(clientBlock, "imports");
  const size = new Map<string, { raw: number; gzip: number }>();
  const measure = (file: string) => {
    let known = size.get(file);
    if (!known) {
      const bytes = readFileSync(join(output, "client", file));
      known = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
      size.set(file, known);
    }
    return known;
  };
  const node = (index: number) => {
    const text = readFileSync(join(output, `server/nodes/${index}.js`), "utf8");
    return { js: arrayAfter(text, "imports"), css: arrayAfter(text, "stylesheets") };
  };
  const weights: RouteWeight[] = [];
  for (const m of manifest.matchAll(/id:\s*"([^"]+)"[^]*?(?=id:\s*"|$)/g)) {
    const page = /page:\s*\{\s*layouts:\s*\[([^\]]*)\][^}]*leaf:\s*(\d+)/.exec(m[0]);
    if (!page) continue; // an endpoint (+server.ts), no page
    const nodes = [...page[1]!.split(",").filter((s) => s.trim() !== "").map(Number), Number(page[2])].map(node);
    const js = new Set([...entry, ...nodes.flatMap((n) => n.js)]);
    const css = new Set(nodes.flatMap((n) => n.css));
    let raw = 0, gzip = 0, cssBytes = 0;
    for (const f of js) {
      const s = measure(f);
      raw += s.raw;
      gzip += s.gzip;
    }
    for (const f of css) cssBytes += measure(f).raw;
    const path = m[1]!.replace(/\/\([^)]+\)/g, "") || "/";
    weights.push({ route: path, files: js.size, jsBytes: raw, jsGzipBytes: gzip, cssBytes });
  }
  return weights.sort((a, b) => a.route.localeCompare(b.route));
}

export function formatWeights(weights: RouteWeight[]): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const rows = weights.map((w) => [w.route, String(w.files), kb(w.jsBytes), kb(w.jsGzipBytes), kb(w.cssBytes)]);
  const head = ["route", "JS files", "JS", "JS gzip", "CSS"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), ...rows.map(line), `budget: at most ${kb(JS_BUDGET_GZIP_BYTES)} of gzipped JS per route, ${kb(MAP_PAGE_JS_BUDGET_GZIP_BYTES)} on the map page (${[...MAP_PAGES].join(", ")})`].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatWeights(pageWeights()));
}
