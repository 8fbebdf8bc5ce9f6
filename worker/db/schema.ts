import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Times are epoch milliseconds (integer, mode timestamp_ms) throughout.
const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    // JSON array of roles, e.g. ["user","admin"]
    roles: text("roles", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: createdAt(),
    // Tokens issued before this (a password change) are refused.
    sessionsValidAfter: integer("sessions_valid_after", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email)],
);

// A signed-in user's saved places: the app shows each one's next-hour sentence and alerts on rain there.
// user_id is the principal's subject, which may be an external identity with no users row, so no
// foreign key; deleting an account deletes its places (routes/account.ts).
export const savedPlaces = sqliteTable(
  "saved_places",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    lat: real("lat").notNull(),
    lon: real("lon").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("saved_places_user_name_unique").on(t.userId, t.name)],
);

export const locations = sqliteTable(
  "locations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    country: text("country"),
    lat: real("lat").notNull(),
    lon: real("lon").notNull(),
    // GeoNames id when the location came from the gazetteer
    geonameId: integer("geoname_id"),
    createdAt: createdAt(),
  },
  (t) => [index("locations_lat_lon").on(t.lat, t.lon), uniqueIndex("locations_geoname_unique").on(t.geonameId)],
);

export const nowcasts = sqliteTable(
  "nowcasts",
  {
    id: text("id").primaryKey(),
    locationId: integer("location_id")
      .notNull()
      .references(() => locations.id),
    issuedAt: integer("issued_at", { mode: "timestamp_ms" }).notNull(),
    // observation time of the newest radar frame the nowcast starts from
    radarTime: integer("radar_time", { mode: "timestamp_ms" }).notNull(),
    // the radar source of its frames (the observed-frame images are keyed by it)
    source: text("source").notNull().default("fmi"),
    model: text("model").notNull(),
    backend: text("backend").notNull(),
    // R2 key prefix of this nowcast's frames and animation
    assetsPrefix: text("assets_prefix").notNull(),
    summary: text("summary", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("nowcasts_location_issued").on(t.locationId, t.issuedAt), index("nowcasts_issued").on(t.issuedAt)],
);

export const requests = sqliteTable(
  "requests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    locationId: integer("location_id")
      .notNull()
      .references(() => locations.id),
    userId: text("user_id"),
    requestedAt: integer("requested_at", { mode: "timestamp_ms" }).notNull(),
    cacheStatus: text("cache_status", { enum: ["HIT", "MISS", "STALE"] }).notNull(),
  },
  (t) => [index("requests_requested_location").on(t.requestedAt, t.locationId)],
);

export type User = typeof users.$inferSelect;
export type Location = typeof locations.$inferSelect;

/** One hourly cache warm-up: what it planned and how it went. */
export const warmupRuns = sqliteTable("warmup_runs", {
  id: text("id").primaryKey(),
  startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
  finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  planned: integer("planned").notNull(),
  done: integer("done").notNull().default(0),
  failed: integer("failed").notNull().default(0),
  // "history" (top requested), "defaults" (no history yet) or "frame" (the popular set, on a newer radar frame)
  source: text("source", { enum: ["history", "defaults", "frame"] }).notNull(),
});

/** Messages that exhausted their retries, as the dead-letter queue consumer saw them. */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    queue: text("queue").notNull(),
    kind: text("kind"),
    body: text("body").notNull(),
    attempts: integer("attempts").notNull(),
    receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("dead_letters_received").on(t.receivedAt)],
);

/** Per-frame parameters of every ingested radar composite; the raw bytes live in R2 at r2Key. */
export const radarFrames = sqliteTable(
  "radar_frames",
  {
    key: text("key").primaryKey(),
    source: text("source").notNull(),
    obstime: integer("obstime", { mode: "timestamp_ms" }).notNull(),
    r2Key: text("r2_key").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    sha256: text("sha256").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    fractionAbove05: real("fraction_above_0_5").notNull(),
    fractionAbove5: real("fraction_above_5").notNull(),
    meanDbz: real("mean_dbz"),
    maxDbz: real("max_dbz"),
    centroidLat: real("centroid_lat"),
    centroidLon: real("centroid_lon"),
    motionUPx: real("motion_u_px"),
    motionVPx: real("motion_v_px"),
    ingestedAt: integer("ingested_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("radar_frames_source_obstime").on(t.source, t.obstime)],
);

/**
 * Radar ingest counters (the cron's fetches and refusals by reason, the consumer's batches,
 * batch sizes and redeliveries), each updated in the same D1 batch as the work it counts.
 */
export const ingestCounters = sqliteTable("ingest_counters", {
  name: text("name").primaryKey(),
  // how a new value meets the stored one: added to it, kept when larger, or replacing it
  kind: text("kind", { enum: ["sum", "max", "last"] }).notNull(),
  value: integer("value").notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/** Radar composites the ingest refused, with the reason; a refused file is never stored as a frame. */
export const ingestRefusals = sqliteTable(
  "ingest_refusals",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    source: text("source").notNull(),
    // the observation time the file was fetched for (its URL), not what its header says
    obstime: integer("obstime", { mode: "timestamp_ms" }).notNull(),
    url: text("url").notNull(),
    reason: text("reason").notNull(),
    message: text("message").notNull(),
    sizeBytes: integer("size_bytes"),
    sha256: text("sha256"),
    refusedAt: integer("refused_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("ingest_refusals_refused").on(t.refusedAt)],
);

// Tables of the city weather observations live beside these, in one folder.
export * from "./weather-schema";
export * from "./account-schema";
export * from "./serving-schema";
export * from "./synth-schema";
export * from "./verification-schema";

// CSV ETL jobs (worker/etl): a job's source, options and trigger; each run (one Cloudflare Workflow
// instance) with its counts, ms per step and inferred schema; the rows it refused; the dataset registry.
// A dataset's rows live in a table of its own (etl_datasets.table_name), created by the load step.
export const etlJobs = sqliteTable(
  "etl_jobs",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    name: text("name").notNull(),
    // {"kind":"url","url":...} or {"kind":"upload","key":...} (an upload kept in R2)
    source: text("source", { mode: "json" }).$type<import("../etl/contract").EtlSource>().notNull(),
    options: text("options", { mode: "json" }).$type<import("../etl/contract").EtlOptions>().notNull(),
    // a cron expression (UTC), or null for manual runs only
    schedule: text("schedule"),
    datasetId: text("dataset_id").notNull(),
    // the last cron tick a scheduled run was started for
    lastScheduledAt: integer("last_scheduled_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [index("etl_jobs_owner").on(t.ownerId), index("etl_jobs_schedule").on(t.schedule)],
);

export const etlRuns = sqliteTable(
  "etl_runs",
  {
    // the Workflow instance id
    id: text("id").primaryKey(),
    jobId: text("job_id").notNull(),
    ownerId: text("owner_id").notNull(),
    trigger: text("trigger", { enum: ["manual", "cron"] }).notNull(),
    status: text("status", { enum: ["queued", "running", "succeeded", "unchanged", "failed"] }).notNull(),
    // the step now running (or the one that failed)
    step: text("step"),
    // sha-256 of the source bytes plus the options: the same input gives the same key
    runKey: text("run_key"),
    sourceHash: text("source_hash"),
    etag: text("etag"),
    bytes: integer("bytes"),
    rowsRead: integer("rows_read"),
    rowsLoaded: integer("rows_loaded"),
    rowsRejected: integer("rows_rejected"),
    stepMs: text("step_ms", { mode: "json" }).$type<Record<string, number>>().notNull(),
    // the sniffed (and overridden) settings: a reproducible record of how the file was read
    schema: text("schema", { mode: "json" }).$type<import("../etl/contract").SniffRecord>(),
    rawKey: text("raw_key"),
    parquetKey: text("parquet_key"),
    message: text("message"),
    error: text("error"),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("etl_runs_job_started").on(t.jobId, t.startedAt), index("etl_runs_owner").on(t.ownerId), index("etl_runs_key").on(t.jobId, t.runKey)],
);

export const etlRejects = sqliteTable(
  "etl_rejects",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: text("run_id").notNull(),
    line: integer("line").notNull(),
    byteOffset: integer("byte_offset").notNull(),
    column: text("column"),
    expected: text("expected"),
    raw: text("raw").notNull(),
    reason: text("reason").notNull(),
  },
  (t) => [index("etl_rejects_run").on(t.runId, t.line)],
);

export const etlDatasets = sqliteTable(
  "etl_datasets",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    name: text("name").notNull(),
    // the D1 table holding its rows (ds_<id>): the name SQL queries use
    tableName: text("table_name").notNull(),
    columns: text("columns", { mode: "json" }).$type<import("../etl/contract").DatasetColumn[]>().notNull(),
    rowCount: integer("row_count").notNull().default(0),
    source: text("source").notNull(),
    lastRunId: text("last_run_id"),
    parquetKey: text("parquet_key"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("etl_datasets_owner_name").on(t.ownerId, t.name), uniqueIndex("etl_datasets_table").on(t.tableName)],
);
