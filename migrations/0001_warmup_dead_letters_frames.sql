CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`kind` text,
	`body` text NOT NULL,
	`attempts` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dead_letters_received` ON `dead_letters` (`received_at`);--> statement-breakpoint
CREATE TABLE `radar_frames` (
	`key` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`obstime` integer NOT NULL,
	`r2_key` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`fraction_above_0_5` real NOT NULL,
	`fraction_above_5` real NOT NULL,
	`mean_dbz` real,
	`max_dbz` real,
	`centroid_lat` real,
	`centroid_lon` real,
	`motion_u_px` real,
	`motion_v_px` real,
	`ingested_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `radar_frames_source_obstime` ON `radar_frames` (`source`,`obstime`);--> statement-breakpoint
CREATE TABLE `warmup_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`planned` integer NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`source` text NOT NULL
);
