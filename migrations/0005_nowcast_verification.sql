CREATE TABLE `nowcast_verifications` (
	`nowcast_id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`model` text NOT NULL,
	`radar_time` integer NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`leads_scored` integer NOT NULL,
	`experimental` text,
	`verified_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `nowcast_verifications_radar_time` ON `nowcast_verifications` (`radar_time`);--> statement-breakpoint
CREATE TABLE `verification_daily` (
	`day` text NOT NULL,
	`source` text NOT NULL,
	`model` text NOT NULL,
	`lead_minutes` integer NOT NULL,
	`threshold_mm_per_hour` real NOT NULL,
	`nowcasts` integer NOT NULL,
	`hits` integer NOT NULL,
	`misses` integer NOT NULL,
	`false_alarms` integer NOT NULL,
	`correct_negatives` integer NOT NULL,
	`point_hits` integer NOT NULL,
	`point_misses` integer NOT NULL,
	`point_false_alarms` integer NOT NULL,
	`point_correct_negatives` integer NOT NULL,
	`brier_sum` real NOT NULL,
	`brier_count` integer NOT NULL,
	PRIMARY KEY(`day`, `source`, `model`, `lead_minutes`, `threshold_mm_per_hour`)
);
--> statement-breakpoint
CREATE TABLE `verification_outcomes_daily` (
	`day` text NOT NULL,
	`source` text NOT NULL,
	`model` text NOT NULL,
	`nowcasts` integer NOT NULL,
	`rain_hits` integer NOT NULL,
	`rain_misses` integer NOT NULL,
	`rain_false_alarms` integer NOT NULL,
	`rain_correct_negatives` integer NOT NULL,
	`onset_cases` integer NOT NULL,
	`onset_abs_error_minutes` integer NOT NULL,
	`sentences` integer NOT NULL,
	`sentences_true` integer NOT NULL,
	PRIMARY KEY(`day`, `source`, `model`)
);
