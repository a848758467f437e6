CREATE TABLE `checkpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`size` integer NOT NULL,
	`head_hash` text NOT NULL,
	`key_id` text NOT NULL,
	`note` text NOT NULL,
	`signature` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `security_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`request_id` text NOT NULL,
	`actor_id` text,
	`actor_role` text,
	`method` text NOT NULL,
	`route` text NOT NULL,
	`url` text NOT NULL,
	`status` integer NOT NULL,
	`problem_type` text NOT NULL,
	`detail` text NOT NULL,
	`project_id` text,
	`event` text
);
--> statement-breakpoint
CREATE INDEX `security_events_at_idx` ON `security_events` (`at`);--> statement-breakpoint
CREATE INDEX `security_events_actor_idx` ON `security_events` (`actor_id`);