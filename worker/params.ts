import { z } from "@hono/zod-openapi";

/**
 * A decimal number in a query string. Unlike z.coerce.number() it refuses an
 * empty value ("" would coerce to 0) and text like "12abc".
 */
export function numberParam(min: number, max: number, what: string) {
  return z
    .string()
    .trim()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, `${what} must be a number`)
    .transform(Number)
    .pipe(z.number().min(min, `${what} must be at least ${min}`).max(max, `${what} must be at most ${max}`));
}

/** "1"/"true" or "0"/"false". */
export const flagParam = z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true");

/** A radar source id in a query, e.g. "fmi" (the default). */
export const sourceParam = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, "source must be a radar source id")
  .default("fmi")
  .openapi({ param: { name: "source", in: "query" }, example: "fmi" });
