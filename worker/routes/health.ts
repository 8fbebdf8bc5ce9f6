import { createRoute, z } from "@hono/zod-openapi";
import { configProblems } from "../config";
import type { Env } from "../env";
import { workloads } from "../jobs/queues";
import { createRouter } from "../openapi";

const checkSchema = z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() });
const healthResponse = z
  .object({
    status: z.enum(["ok", "degraded"]),
    checks: z.record(z.string(), checkSchema),
    failed: z.array(z.string()),
  })
  .openapi("Health");

const healthRoute = createRoute({
  method: "get",
  path: "/health",
  summary: "Checks each binding",
  security: [],
  responses: {
    200: { description: "Every binding answered", content: { "application/json": { schema: healthResponse } } },
    503: { description: "At least one binding failed", content: { "application/json": { schema: healthResponse } } },
  },
});

type Check = z.infer<typeof checkSchema>;

async function timed(probe: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  try {
    await probe();
    return { ok: true, ms: performance.now() - started };
  } catch (error) {
    return { ok: false, ms: performance.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

/** One probe per binding; each must do a real round trip, not just exist. */
export const bindingProbes: Record<string, (env: Env) => Promise<unknown>> = {
  db: (env) => env.DB.prepare("SELECT 1 AS ok").first(),
  kv: (env) => env.CACHE.get("health:probe"),
  r2: (env) => env.FRAMES.head("health/probe"),
  queue: async (env) => {
    const missing = Object.values(workloads)
      .map((w) => w.binding)
      .filter((binding) => typeof env[binding]?.send !== "function");
    if (missing.length) throw new Error(`queue binding missing: ${missing.join(", ")}`);
  },
  // Every configuration section parses (worker/config.ts): a bad value names itself here.
  config: async (env) => {
    const problems = configProblems(env);
    if (problems.length) throw new Error(problems.join("; "));
  },
  image_link_secret: async (env) => {
    if (!env.IMAGE_LINK_SECRET || env.IMAGE_LINK_SECRET.length < 32) throw new Error("IMAGE_LINK_SECRET is missing or shorter than 32 characters");
  },
  jwt_secret: async (env) => {
    if (!env.JWT_SECRET || env.JWT_SECRET.length < 32) throw new Error("JWT_SECRET is missing or shorter than 32 characters");
  },
};

export const healthRoutes = createRouter().openapi(healthRoute, async (c) => {
  const names = Object.keys(bindingProbes);
  const results = await Promise.all(names.map((name) => timed(() => bindingProbes[name]!(c.env))));
  const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
  const failed = names.filter((_, i) => !results[i]!.ok);
  const body = { status: failed.length ? ("degraded" as const) : ("ok" as const), checks, failed };
  return failed.length ? c.json(body, 503) : c.json(body, 200);
});
