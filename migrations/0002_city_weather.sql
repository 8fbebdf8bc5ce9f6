CREATE TABLE `weather_cities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`country` text,
	`latitude` real NOT NULL,
	`longitude` real NOT NULL,
	`timezone` text NOT NULL,
	`provider` text DEFAULT 'open-meteo' NOT NULL,
	`station` text,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`removed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `weather_cities_slug_unique` ON `weather_cities` (`slug`);--> statement-breakpoint
CREATE TABLE `weather_classifier_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`trained_at` integer NOT NULL,
	`model` text NOT NULL,
	`samples` integer NOT NULL,
	`folds` integer NOT NULL,
	`accuracy` real NOT NULL,
	`baseline` real NOT NULL,
	`result` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `weather_classifier_runs_trained` ON `weather_classifier_runs` (`trained_at`);--> statement-breakpoint
CREATE TABLE `weather_codes` (
	`code` integer PRIMARY KEY NOT NULL,
	`description` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `weather_fetches` (
	`id` text PRIMARY KEY NOT NULL,
	`city_id` integer NOT NULL,
	`provider` text NOT NULL,
	`attempted_at` integer NOT NULL,
	`attempt` integer NOT NULL,
	`outcome` text NOT NULL,
	`http_status` integer,
	`duration_ms` integer NOT NULL,
	`raw_key` text,
	`message` text,
	FOREIGN KEY (`city_id`) REFERENCES `weather_cities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `weather_fetches_attempted` ON `weather_fetches` (`attempted_at`);--> statement-breakpoint
CREATE INDEX `weather_fetches_outcome` ON `weather_fetches` (`outcome`);--> statement-breakpoint
CREATE TABLE `weather_observations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`city_id` integer NOT NULL,
	`observed_at` integer NOT NULL,
	`utc_offset_seconds` integer NOT NULL,
	`interval_seconds` integer NOT NULL,
	`source` text NOT NULL,
	`unit_set_id` integer NOT NULL,
	`temperature` real,
	`temperature_min` real,
	`temperature_max` real,
	`precipitation` real,
	`wind_speed` real,
	`relative_humidity` real,
	`weather_code` integer,
	`raw_key` text NOT NULL,
	FOREIGN KEY (`city_id`) REFERENCES `weather_cities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_set_id`) REFERENCES `weather_unit_sets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`weather_code`) REFERENCES `weather_codes`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `weather_observations_city_time_unique` ON `weather_observations` (`city_id`,`observed_at`);--> statement-breakpoint
CREATE INDEX `weather_observations_observed` ON `weather_observations` (`observed_at`);--> statement-breakpoint
CREATE TABLE `weather_unit_sets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`temperature` text NOT NULL,
	`precipitation` text NOT NULL,
	`wind_speed` text NOT NULL,
	`relative_humidity` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `weather_unit_sets_unique` ON `weather_unit_sets` (`temperature`,`precipitation`,`wind_speed`,`relative_humidity`);