CREATE TABLE `etl_datasets` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`name` text NOT NULL,
	`table_name` text NOT NULL,
	`columns` text NOT NULL,
	`row_count` integer DEFAULT 0 NOT NULL,
	`source` text NOT NULL,
	`last_run_id` text,
	`parquet_key` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `etl_datasets_owner_name` ON `etl_datasets` (`owner_id`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `etl_datasets_table` ON `etl_datasets` (`table_name`);--> statement-breakpoint
CREATE TABLE `etl_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`name` text NOT NULL,
	`source` text NOT NULL,
	`options` text NOT NULL,
	`schedule` text,
	`dataset_id` text NOT NULL,
	`last_scheduled_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `etl_jobs_owner` ON `etl_jobs` (`owner_id`);--> statement-breakpoint
CREATE INDEX `etl_jobs_schedule` ON `etl_jobs` (`schedule`);--> statement-breakpoint
CREATE TABLE `etl_rejects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`line` integer NOT NULL,
	`byte_offset` integer NOT NULL,
	`column` text,
	`expected` text,
	`raw` text NOT NULL,
	`reason` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `etl_rejects_run` ON `etl_rejects` (`run_id`,`line`);--> statement-breakpoint
CREATE TABLE `etl_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`job_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`step` text,
	`run_key` text,
	`source_hash` text,
	`etag` text,
	`bytes` integer,
	`rows_read` integer,
	`rows_loaded` integer,
	`rows_rejected` integer,
	`step_ms` text NOT NULL,
	`schema` text,
	`raw_key` text,
	`parquet_key` text,
	`message` text,
	`error` text,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `etl_runs_job_started` ON `etl_runs` (`job_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `etl_runs_owner` ON `etl_runs` (`owner_id`);--> statement-breakpoint
CREATE INDEX `etl_runs_key` ON `etl_runs` (`job_id`,`run_key`);