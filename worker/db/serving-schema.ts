import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Leases: a named job (the warm-up, the retention run) is held by one runner until it
 * releases it or the lease expires, so overlapping cron runs do not all do the work.
 */
export const leases = sqliteTable("leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
});

/** Served requests per location and UTC day, aggregated from the request log before it is pruned. */
export const requestDailyCounts = sqliteTable(
  "request_daily_counts",
  {
    day: text("day").notNull(),
    locationId: integer("location_id").notNull(),
    requests: integer("requests").notNull(),
    hits: integer("hits").notNull(),
    stale: integer("stale").notNull(),
    misses: integer("misses").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.locationId] })],
);
