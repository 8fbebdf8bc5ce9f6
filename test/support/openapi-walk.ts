import { call } from "./helpers";

export interface Operation {
  method: string;
  path: string;
  /** true when the route declares `security: []` */
  isPublic: boolean;
  parameters: { name: string; in: "query" | "path" | "header"; required?: boolean; schema: Record<string, unknown> }[];
  bodySchema: Record<string, unknown> | null;
}

/** Every operation of the running API's own /api/openapi.json. */
export async function operations(): Promise<Operation[]> {
  const doc = (await (await call("/api/openapi.json")).json()) as {
    paths: Record<string, Record<string, { security?: unknown[]; parameters?: Operation["parameters"]; requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> } }>>;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      isPublic: Array.isArray(op.security) && op.security.length === 0,
      parameters: op.parameters ?? [],
      bodySchema: op.requestBody?.content?.["application/json"]?.schema ?? null,
    })),
  );
}

/** A plausible value for a path parameter, so the route (not the 404 handler) answers. */
export function samplePathValue(schema: Record<string, unknown>): string {
  if (schema.format === "uuid") return crypto.randomUUID();
  if (typeof schema.example === "string") return schema.example;
  if (typeof schema.pattern === "string" && schema.pattern.includes("animation")) return "animation.gif";
  return "sample";
}

export function fillPath(op: Operation, value: (p: Operation["parameters"][number]) => string): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const param = op.parameters.find((p) => p.in === "path" && p.name === name);
    return encodeURIComponent(value(param ?? { name, in: "path", schema: {} }));
  });
}
