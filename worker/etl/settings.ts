// The ETL's limits, parsed once from the environment with a schema.
import { z } from "zod";

const settingsSchema = z.object({
  /** The largest source file a run reads; past it the fetch stops and the run fails (nothing is loaded). */
  ETL_MAX_SOURCE_BYTES: z.coerce.number().int().positive().default(64 * 1024 * 1024),
  /** The longest record (characters), so one unbalanced quote cannot swallow the file into one field. */
  ETL_MAX_LINE_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  ETL_FETCH_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
});

export interface EtlSettings {
  maxSourceBytes: number;
  maxLineBytes: number;
  fetchTimeoutMs: number;
}

export function etlSettings(env: Partial<Record<keyof z.infer<typeof settingsSchema>, string | undefined>>): EtlSettings {
  const parsed = settingsSchema.parse({
    ETL_MAX_SOURCE_BYTES: env.ETL_MAX_SOURCE_BYTES || undefined,
    ETL_MAX_LINE_BYTES: env.ETL_MAX_LINE_BYTES || undefined,
    ETL_FETCH_TIMEOUT_MS: env.ETL_FETCH_TIMEOUT_MS || undefined,
  });
  return { maxSourceBytes: parsed.ETL_MAX_SOURCE_BYTES, maxLineBytes: parsed.ETL_MAX_LINE_BYTES, fetchTimeoutMs: parsed.ETL_FETCH_TIMEOUT_MS };
}

/** A permanent failure of a run's input (not CSV, too large, too many rejects): retrying cannot help. */
export class EtlInputError extends Error {
  override readonly name = "EtlInputError";
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
