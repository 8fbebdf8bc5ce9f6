// One typed configuration: each capability declares a section, a zod schema over
// the Env's string variables, and reads it through the getter it gets back. A
// section is parsed once per Env object (one per isolate when deployed; tests
// that pass an altered copy get their own parse), and a bad value throws a
// ConfigError naming the variable instead of silently becoming a default.
// /api/health parses every section (configProblems) and fails with the messages.
import { z } from "zod";
import type { Env } from "./env";

export class ConfigError extends Error {
  constructor(
    readonly section: string,
    readonly problems: string[],
  ) {
    super(`configuration (${section}): ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

type Vars = Record<string, unknown>;
const sections = new Map<string, (env: Env) => unknown>();
const parsed = new WeakMap<object, Map<string, { value?: unknown; error?: ConfigError }>>();

/**
 * Declares a configuration section; returns its getter. The schema reads the
 * Env (its variables are strings, unset or empty where wrangler.toml leaves them so).
 */
export function configSection<T>(name: string, schema: z.ZodType<T>): (env: Env) => T {
  const get = (env: Env): T => {
    let cache = parsed.get(env);
    if (!cache) parsed.set(env, (cache = new Map()));
    let entry = cache.get(name);
    if (!entry) {
      const result = schema.safeParse(env as unknown as Vars);
      entry = result.success
        ? { value: result.data }
        : { error: new ConfigError(name, result.error.issues.map((i) => `${i.path.join(".") || name}: ${i.message}`)) };
      cache.set(name, entry);
    }
    if (entry.error) throw entry.error;
    return entry.value as T;
  };
  sections.set(name, get);
  return get;
}

/** Every declared section's problems (empty when all parse): what health reports. */
export function configProblems(env: Env): string[] {
  const problems: string[] = [];
  for (const get of sections.values()) {
    try {
      get(env);
    } catch (error) {
      if (error instanceof ConfigError) problems.push(error.message);
      else throw error;
    }
  }
  return problems;
}

const blank = (s: unknown): boolean => s === undefined || s === null || (typeof s === "string" && s.trim() === "");

/** A number variable: unset or empty = the default; anything else must parse and lie in bounds. */
export function numberVar(fallback: number, bounds: { min?: number; max?: number; greaterThan?: number; integer?: boolean } = {}) {
  return z.unknown().transform((raw, ctx): number => {
    if (blank(raw)) return fallback;
    const n = Number(raw);
    const problem = !Number.isFinite(n)
      ? `"${String(raw)}" is not a number`
      : bounds.integer && !Number.isInteger(n)
        ? `"${String(raw)}" is not a whole number`
        : bounds.min !== undefined && n < bounds.min
          ? `${n} is below ${bounds.min}`
          : bounds.greaterThan !== undefined && n <= bounds.greaterThan
            ? `${n} must be greater than ${bounds.greaterThan}`
            : bounds.max !== undefined && n > bounds.max
              ? `${n} is above ${bounds.max}`
              : null;
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return n;
  });
}

/** One of a few words; unset or empty = the default. */
export function enumVar<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z.unknown().transform((raw, ctx): T[number] => {
    if (blank(raw)) return fallback;
    const text = String(raw).trim();
    if (!(values as readonly string[]).includes(text)) {
      ctx.addIssue({ code: "custom", message: `"${text}" is not one of ${values.join(", ")}` });
      return z.NEVER;
    }
    return text as T[number];
  });
}

/** A string variable; unset or empty = the default (null for "off"). */
export function textVar<T extends string | null>(fallback: T) {
  return z.unknown().transform((raw): string | T => (blank(raw) ? fallback : String(raw).trim()));
}

/** A comma-separated list. */
export const listVar = z.unknown().transform((raw): string[] =>
  blank(raw)
    ? []
    : String(raw)
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
);

/** "true"/"false" (also 1/0, on/off); unset or empty = the default. */
export function flagVar(fallback: boolean) {
  return z.unknown().transform((raw, ctx): boolean => {
    if (blank(raw)) return fallback;
    const text = String(raw).trim().toLowerCase();
    if (["true", "1", "on", "yes"].includes(text)) return true;
    if (["false", "0", "off", "no"].includes(text)) return false;
    ctx.addIssue({ code: "custom", message: `"${text}" is not true or false` });
    return z.NEVER;
  });
}
