CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`use_count` integer DEFAULT 0 NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_user` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `revoked_sessions` (
	`jti` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `revoked_sessions_expires` ON `revoked_sessions` (`expires_at`);--> statement-breakpoint
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
CREATE TABLE `synth_datasets` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`name` text NOT NULL,
	`source` text NOT NULL,
	`rows` integer NOT NULL,
	`columns` integer NOT NULL,
	`bytes` integer NOT NULL,
	`csv_key` text NOT NULL,
	`metadata` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `synth_datasets_owner` ON `synth_datasets` (`owner_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `synth_jobs` (
	`run_id` text NOT NULL,
	`synthesizer` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`summary` text,
	`csv_key` text,
	`result_key` text,
	`error` text,
	`started_at` integer,
	`finished_at` integer,
	PRIMARY KEY(`run_id`, `synthesizer`),
	FOREIGN KEY (`run_id`) REFERENCES `synth_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `synth_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`dataset_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`seed` integer NOT NULL,
	`epsilon` real NOT NULL,
	`metadata` text NOT NULL,
	`status` text NOT NULL,
	`winner` text,
	`report_key` text,
	`error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`dataset_id`) REFERENCES `synth_datasets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `synth_runs_owner` ON `synth_runs` (`owner_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `nowcasts` ADD `source` text DEFAULT 'fmi' NOT NULL;--> statement-breakpoint
CREATE INDEX `nowcasts_issued` ON `nowcasts` (`issued_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `sessions_valid_after` integer;