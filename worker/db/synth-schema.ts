// Synthetic-data lab (worker/synth): datasets with their metadata, runs, and one
// job per synthesizer of a run. CSVs, results and reports live in R2 (keys here).
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Metadata } from "../synth/metadata";

const timestamp = (name: string) => integer(name, { mode: "timestamp_ms" });
const createdAt = () => timestamp("created_at").notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const synthDatasets = sqliteTable(
  "synth_datasets",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    name: text("name").notNull(),
    /** "upload", or the dataset source and its name (e.g. "vega-datasets:weather.csv"). */
    source: text("source").notNull(),
    rows: integer("rows").notNull(),
    columns: integer("columns").notNull(),
    bytes: integer("bytes").notNull(),
    csvKey: text("csv_key").notNull(),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>().notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [index("synth_datasets_owner").on(t.ownerId, t.createdAt)],
);

export const SYNTH_RUN_STATUSES = ["running", "done", "failed"] as const;
export const SYNTH_JOB_STATUSES = ["queued", "fitting", "sampling", "scoring", "done", "failed"] as const;
export type SynthJobStatus = (typeof SYNTH_JOB_STATUSES)[number];

export const synthRuns = sqliteTable(
  "synth_runs",
  {
    id: text("id").primaryKey(),
    datasetId: text("dataset_id").notNull().references(() => synthDatasets.id),
    ownerId: text("owner_id").notNull(),
    seed: integer("seed").notNull(),
    epsilon: real("epsilon").notNull(),
    /** The metadata as it was when the run started (later edits do not change a run). */
    metadata: text("metadata", { mode: "json" }).$type<Metadata>().notNull(),
    status: text("status", { enum: SYNTH_RUN_STATUSES }).notNull(),
    winner: text("winner"),
    reportKey: text("report_key"),
    error: text("error"),
    createdAt: createdAt(),
    finishedAt: timestamp("finished_at"),
  },
  (t) => [index("synth_runs_owner").on(t.ownerId, t.createdAt)],
);

/** The headline figures of one job; the full scores (per column, per pair, histograms) are in R2 at resultKey. */
export interface SynthJobSummary {
  quality: number;
  columnShapes: number;
  columnPairTrends: number;
  diagnostic: number;
  dcrBaselineProtection: number;
  dcrOverfittingProtection: number;
  newRowSynthesis: number;
  efficacy: { metric: string; synthetic: number; real: number } | null;
  fitSeconds: number;
  sampleSeconds: number;
  peakMemoryBytes: number | null;
}

export const synthJobs = sqliteTable(
  "synth_jobs",
  {
    runId: text("run_id").notNull().references(() => synthRuns.id),
    synthesizer: text("synthesizer").notNull(),
    status: text("status", { enum: SYNTH_JOB_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    summary: text("summary", { mode: "json" }).$type<SynthJobSummary>(),
    csvKey: text("csv_key"),
    resultKey: text("result_key"),
    error: text("error"),
    startedAt: timestamp("started_at"),
    finishedAt: timestamp("finished_at"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.synthesizer] })],
);
