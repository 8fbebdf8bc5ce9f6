CREATE TABLE `ingest_counters` (
	`name` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`value` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ingest_refusals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`obstime` integer NOT NULL,
	`url` text NOT NULL,
	`reason` text NOT NULL,
	`message` text NOT NULL,
	`size_bytes` integer,
	`sha256` text,
	`refused_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ingest_refusals_refused` ON `ingest_refusals` (`refused_at`);