CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `request_daily_counts` (
	`day` text NOT NULL,
	`location_id` integer NOT NULL,
	`requests` integer NOT NULL,
	`hits` integer NOT NULL,
	`stale` integer NOT NULL,
	`misses` integer NOT NULL,
	PRIMARY KEY(`day`, `location_id`)
);
--> statement-breakpoint
ALTER TABLE `nowcasts` ADD `source` text DEFAULT 'fmi' NOT NULL;--> statement-breakpoint
CREATE INDEX `nowcasts_issued` ON `nowcasts` (`issued_at`);