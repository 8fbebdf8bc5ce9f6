CREATE TABLE `locations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`country` text,
	`lat` real NOT NULL,
	`lon` real NOT NULL,
	`geoname_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `locations_lat_lon` ON `locations` (`lat`,`lon`);--> statement-breakpoint
CREATE UNIQUE INDEX `locations_geoname_unique` ON `locations` (`geoname_id`);--> statement-breakpoint
CREATE TABLE `nowcasts` (
	`id` text PRIMARY KEY NOT NULL,
	`location_id` integer NOT NULL,
	`issued_at` integer NOT NULL,
	`radar_time` integer NOT NULL,
	`model` text NOT NULL,
	`backend` text NOT NULL,
	`assets_prefix` text NOT NULL,
	`summary` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `nowcasts_location_issued` ON `nowcasts` (`location_id`,`issued_at`);--> statement-breakpoint
CREATE TABLE `requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`location_id` integer NOT NULL,
	`user_id` text,
	`requested_at` integer NOT NULL,
	`cache_status` text NOT NULL,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `requests_requested_location` ON `requests` (`requested_at`,`location_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`roles` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);