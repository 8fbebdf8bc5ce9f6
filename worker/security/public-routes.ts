// Which routes anyone may call, derived from the OpenAPI document: a route is public exactly when it
// declares `security: []`. Everything else needs a verified token, so a route added later is closed
// unless it says otherwise.

interface OpenApiDoc {
  paths?: object;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

function pathPattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}/]+\}/g, "[^/]+");
  return new RegExp(`^${escaped}$`);
}

/** Builds the matcher from the document on first use (the routes are all registered by then). */
export function publicRouteMatcher(document: () => OpenApiDoc): (method: string, path: string) => boolean {
  let routes: { method: string; pattern: RegExp }[] | null = null;
  return (method, path) => {
    routes ??= Object.entries((document().paths ?? {}) as Record<string, Record<string, { security?: unknown[] } | undefined>>).flatMap(([template, operations]) =>
      METHODS.filter((m) => {
        const op = operations[m];
        return op !== undefined && Array.isArray(op.security) && op.security.length === 0;
      }).map((m) => ({ method: m.toUpperCase(), pattern: pathPattern(template) })),
    );
    const asked = method === "HEAD" ? "GET" : method;
    return routes.some((r) => r.method === asked && r.pattern.test(path));
  };
}
