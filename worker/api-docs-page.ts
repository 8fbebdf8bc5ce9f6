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

/** A readable, self-contained docs page rendered from the OpenAPI document (no CDN: works offline). */
export function renderApiDocs(doc: OpenApiDocument) {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, OperationObject>).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${doc.info.title} API</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
          section { border-top: 1px solid #d0d7de; padding: 0.75rem 0; }
          code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
          pre { background: #f6f8fa; padding: 0.75rem; overflow-x: auto; }
          .method { font-weight: 700; display: inline-block; min-width: 4.5rem; }
          .public { color: #1a7f37; font-size: 0.85em; margin-left: 0.5rem; }
        </style>
      </head>
      <body>
        <h1>${doc.info.title} API <small>v${doc.info.version}</small></h1>
        <p>${doc.info.description ?? ""}</p>
        <p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).
          Authenticate with <code>Authorization: Bearer &lt;JWT&gt;</code> from <code>POST /api/auth/login</code>.</p>
        ${operations.map(
          ({ path, method, op }) => html`<section>
            <h2><span class="method">${method}</span><code>${path}</code>${
              op.security && op.security.length === 0 ? html`<span class="public">public</span>` : ""
            }</h2>
            <p>${op.summary ?? ""}</p>
            ${op.description ? html`<p>${op.description}</p>` : ""}
            ${op.parameters?.length
              ? html`<h3>Parameters</h3><ul>${op.parameters.map(
                  (p) => html`<li><code>${p.name}</code> (${p.in}${p.required ? ", required" : ""}) ${p.description ?? ""}</li>`,
                )}</ul>`
              : ""}
            ${op.requestBody ? html`<h3>Body</h3><pre>${JSON.stringify(op.requestBody, null, 2)}</pre>` : ""}
            <h3>Responses</h3>
            <ul>${Object.entries(op.responses ?? {}).map(([code, r]) => html`<li><code>${code}</code> ${r.description ?? ""}</li>`)}</ul>
          </section>`,
        )}
        <section>
          <h2>Schemas</h2>
          <pre>${raw(escapeHtml(JSON.stringify(doc.components?.schemas ?? {}, null, 2)))}</pre>
        </section>
      </body>
    </html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
