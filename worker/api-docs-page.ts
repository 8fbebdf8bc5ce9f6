import { html, raw } from "hono/html";

interface OperationObject {
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: unknown;
  responses?: Record<string, { description?: string }>;
}
interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, object>;
  components?: { schemas?: Record<string, unknown> };
}

/** `code` in the OpenAPI descriptions, as <code>; everything else escaped. */
function prose(text: string | undefined) {
  if (!text) return "";
  return raw(escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>"));
}

/** Sentences about the project's own benchmarks are notes for its developers, not for API users. */
function forReaders(text: string | undefined): string | undefined {
  return text
    ?.split(/(?<=\.)\s+/)
    .filter((sentence) => !/\bbench(mark)?\b|npm run/i.test(sentence))
    .join(" ");
}

const CURL = `# 1. Sign in: a JWT for the Authorization header
TOKEN=$(curl -s -X POST https://nowcast.example/api/auth/login \\
  -H 'content-type: application/json' \\
  -d '{"email":"you@example.com","password":"your password"}' | jq -r .token)

# 2. Find a place (typo tolerant)
curl -s -H "Authorization: Bearer $TOKEN" 'https://nowcast.example/api/places?q=Helsnki'

# 3. The next hour there: series, chance of rain and one sentence in your time zone
curl -s -H "Authorization: Bearer $TOKEN" \\
  'https://nowcast.example/api/nowcast?place=Helsinki&tz=Europe/Helsinki' | jq .summary.text`;

/** The API reference, in the site's frame, rendered from the OpenAPI document (no CDN: works offline). */
export function renderApiDocs(doc: OpenApiDocument) {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, OperationObject>).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  const groups = new Map<string, typeof operations>();
  for (const o of operations) {
    const group = o.path.split("/")[2] ?? "";
    groups.set(group, [...(groups.get(group) ?? []), o]);
  }
  const anchor = (method: string, path: string) => `${method}-${path}`.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <title>API reference · ${doc.info.title}</title>
        <style>
          :root { --bg: #f6f8fa; --text: #1b1f24; --muted: #57606a; --panel: #fff; --border: #d0d7de; --link: #0a55c2; --code: #eef1f4; --ok: #1a7f37; }
          @media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --text: #e6edf3; --muted: #a3aeba; --panel: #161b22; --border: #3a424c; --link: #7cb4ff; --code: #1f2630; --ok: #56d364; } }
          body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--text); background: var(--bg); }
          header { display: flex; gap: 1rem; align-items: center; justify-content: space-between; flex-wrap: wrap; padding: 0.75rem 1rem; background: #0d1b2a; color: #fff; }
          header a { color: #fff; }
          .brand { font-weight: 700; text-decoration: none; font-size: 1.15rem; }
          main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
          a { color: var(--link); }
          section.op { background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 0.5rem 1rem; margin: 0.75rem 0; }
          h2 { margin-top: 2rem; }
          h3 { font-size: 1.05rem; margin: 0.3rem 0; overflow-wrap: anywhere; }
          h4 { font-size: 0.95rem; margin: 0.6rem 0 0.2rem; }
          code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
          code { background: var(--code); padding: 0 0.2em; border-radius: 3px; overflow-wrap: anywhere; }
          pre { background: var(--code); padding: 0.75rem; white-space: pre-wrap; overflow-wrap: anywhere; border-radius: 6px; }
          .method { font-weight: 700; display: inline-block; min-width: 4rem; }
          .public { color: var(--ok); font-size: 0.85em; margin-left: 0.5rem; }
          nav.toc ul { columns: 2 14rem; padding-left: 1.2rem; }
          details { margin: 0.4rem 0; }
          footer { text-align: center; color: var(--muted); font-size: 0.85rem; padding: 2rem 1rem; }
        </style>
      </head>
      <body>
        <header>
          <a class="brand" href="/">Nowcast Edge</a>
          <nav aria-label="Main"><a href="/app">Nowcast</a> · <a href="/weather">City weather</a> · <a href="/api/openapi.json">OpenAPI JSON</a></nav>
        </header>
        <main>
          <h1>API reference <small>v${doc.info.version}</small></h1>
          <p>${prose(forReaders(doc.info.description))}</p>
          <p>Every call but sign-in needs <code>Authorization: Bearer &lt;JWT&gt;</code> from <code>POST /api/auth/login</code>
            (or an API token from your account page). Errors are JSON: <code>{"error": {"code", "message"}}</code> with a proper status.
            Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
          <h2 id="quick-start">Quick start</h2>
          <pre>${CURL}</pre>
          <nav class="toc" aria-label="Operations">
            <h2>Operations</h2>
            <ul>${operations.map(({ path, method, op }) => html`<li><a href="#${anchor(method, path)}">${method} ${path}</a>: ${op.summary ?? ""}</li>`)}</ul>
          </nav>
          ${[...groups.entries()].map(
            ([group, ops]) => html`<h2>${group || "root"}</h2>
              ${ops.map(
                ({ path, method, op }) => html`<section class="op" id="${anchor(method, path)}">
                  <h3><span class="method">${method}</span><code>${path}</code>${
                    op.security && op.security.length === 0 ? html`<span class="public">public</span>` : ""
                  }</h3>
                  <p>${op.summary ?? ""}</p>
                  ${op.description ? html`<p>${prose(forReaders(op.description))}</p>` : ""}
                  ${op.parameters?.length
                    ? html`<h4>Parameters</h4><ul>${op.parameters.map(
                        (p) => html`<li><code>${p.name}</code> (${p.in}${p.required ? ", required" : ""}) ${prose(forReaders(p.description))}</li>`,
                      )}</ul>`
                    : ""}
                  ${op.requestBody ? html`<details><summary>Request body</summary><pre>${JSON.stringify(op.requestBody, null, 2)}</pre></details>` : ""}
                  <h4>Responses</h4>
                  <ul>${Object.entries(op.responses ?? {}).map(([code, r]) => html`<li><code>${code}</code> ${prose(forReaders(r.description))}</li>`)}</ul>
                </section>`,
              )}`,
          )}
          <h2>Schemas</h2>
          ${Object.entries(doc.components?.schemas ?? {}).map(
            ([name, schema]) => html`<details><summary><code>${name}</code></summary><pre>${raw(escapeHtml(JSON.stringify(schema, null, 2)))}</pre></details>`,
          )}
        </main>
        <footer>Radar data: Finnish Meteorological Institute, CC BY 4.0</footer>
      </body>
    </html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
