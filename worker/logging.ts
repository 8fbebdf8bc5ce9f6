import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** One JSON object a line, so Workers Logs and `wrangler tail` can filter on fields. */
export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const status = c.res.status;
  log(status >= 500 ? "error" : status >= 400 ? "warn" : "info", "request", {
    requestId: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    status,
    ms: Math.round((performance.now() - started) * 10) / 10,
    sub: c.get("principal")?.sub,
  });
});
