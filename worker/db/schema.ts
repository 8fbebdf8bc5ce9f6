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
