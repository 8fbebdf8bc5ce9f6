// The ETL capability's shapes, one place: a job's source and options (validated at the routes and
// stored with the job), the sniffed settings a run records, and a dataset's registered columns.
import { z } from "@hono/zod-openapi";

/** The ladder sniffing climbs, in order: the first type every sampled value fits wins. */
export const COLUMN_TYPES = ["boolean", "integer", "real", "date", "timestamp", "text"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export const columnSchema = z.object({
  /** The name in the file's header (or column_N without one). */
  name: z.string().min(1).max(200),
  type: z.enum(COLUMN_TYPES),
  /** For date and timestamp: the strftime-style format, e.g. %Y-%m-%d. */
  format: z.string().max(64).nullable().optional(),
});
export type SniffColumn = z.infer<typeof columnSchema>;

export const DELIMITERS = [",", ";", "\t", "|"] as const;

export const dialectSchema = z.object({
  delimiter: z.enum(DELIMITERS),
  quote: z.enum(['"', "'"]),
  /** The escape of a quote inside a quoted field: the quote doubled, or a backslash. */
  escape: z.enum(['"', "'", "\\"]),
  header: z.boolean(),
  bom: z.boolean(),
});

/** How a run read its file: every detected setting, after the job's overrides; stored with the run. */
export const sniffRecordSchema = dialectSchema.extend({
  encoding: z.literal("utf-8"),
  columns: z.array(columnSchema),
  nullTokens: z.array(z.string()),
  trueTokens: z.array(z.string()),
  falseTokens: z.array(z.string()),
  sampleRows: z.number().int(),
  /** Which settings came from the job's overrides rather than detection. */
  overridden: z.array(z.string()),
});
export type SniffRecord = z.infer<typeof sniffRecordSchema>;

export const SCHEMA_POLICIES = ["evolve", "freeze", "discard_row", "discard_value"] as const;
export type SchemaPolicy = (typeof SCHEMA_POLICIES)[number];

export const optionsSchema = z
  .object({
    /** replace: the run's rows become the dataset; append: added, upserted on `key` when one is given. */
    mode: z.enum(["replace", "append"]).default("replace"),
    key: z.array(z.string().min(1).max(200)).max(8).optional(),
    /** A run fails when more rows than this are refused. */
    rejectLimit: z.number().int().min(0).max(100_000).default(1000),
    /** When a later run sees new or changed columns. */
    schemaPolicy: z.enum(SCHEMA_POLICIES).default("evolve"),
    trim: z.boolean().default(true),
    nullTokens: z.array(z.string().max(32)).max(16).optional(),
    trueTokens: z.array(z.string().max(32)).max(16).optional(),
    falseTokens: z.array(z.string().max(32)).max(16).optional(),
    /** Overrides of what sniffing detects. */
    delimiter: z.enum(DELIMITERS).optional(),
    quote: z.enum(['"', "'"]).optional(),
    escape: z.enum(['"', "'", "\\"]).optional(),
    header: z.boolean().optional(),
    /** Per-column overrides by header name: a type and, for dates and timestamps, a format. */
    columns: z.record(z.string(), z.object({ type: z.enum(COLUMN_TYPES), format: z.string().max(64).optional() })).optional(),
  })
  .openapi("EtlOptions");
export type EtlOptions = z.infer<typeof optionsSchema>;

export const sourceSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("url"), url: z.url({ protocol: /^https?$/ }).max(2000) }),
    z.object({ kind: z.literal("upload"), key: z.string().regex(/^etl\/uploads\/[\w-]+\/[\w-]+\.csv$/) }),
  ])
  .openapi("EtlSource");
export type EtlSource = z.infer<typeof sourceSchema>;

/** A registered column: its name in the file, its column in the dataset's table, and its type. */
export interface DatasetColumn {
  name: string;
  column: string;
  type: ColumnType;
  format?: string | null;
}

export const STEPS = ["fetch", "sniff", "transform", "load", "export"] as const;
export type StepName = (typeof STEPS)[number];
