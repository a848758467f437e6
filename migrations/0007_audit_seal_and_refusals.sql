CREATE TABLE `refused_attempts` (
	`source` text NOT NULL,
	`minute` text NOT NULL,
	`method` text NOT NULL,
	`route` text NOT NULL,
	`status` integer NOT NULL,
	`problem_type` text NOT NULL,
	`count` integer NOT NULL,
	`first_at` text NOT NULL,
	`last_at` text NOT NULL,
	`last_request_id` text NOT NULL,
	PRIMARY KEY(`source`, `minute`, `method`, `route`, `status`, `problem_type`)
);
--> statement-breakpoint
CREATE INDEX `refused_attempts_minute_idx` ON `refused_attempts` (`minute`);--> statement-breakpoint
CREATE TABLE `sealed_head` (
	`id` integer PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`head_hash` text NOT NULL,
	`checkpoint_id` integer NOT NULL,
	`key_id` text NOT NULL,
	`mac` text NOT NULL,
	`sealed_at` text NOT NULL,
	CONSTRAINT "sealed_head_single_row" CHECK("sealed_head"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE `security_events` ADD `subject_kind` text;--> statement-breakpoint
ALTER TABLE `security_events` ADD `subject_id` text;--> statement-breakpoint
ALTER TABLE `security_events` ADD `source` text;--> statement-breakpoint
CREATE INDEX `security_events_subject_idx` ON `security_events` (`subject_kind`,`subject_id`);