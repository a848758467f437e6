CREATE TABLE `files` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`kind` text NOT NULL,
	`file_name` text NOT NULL,
	`media_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`content` blob NOT NULL,
	`uploaded_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `files_project_idx` ON `files` (`project_id`,`kind`,`created_at`);--> statement-breakpoint
ALTER TABLE `rounds` ADD `require_signed_letter` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `rounds` ADD `state` text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE `rounds` ADD `context` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `rounds` ADD `machine_id` text DEFAULT 'round' NOT NULL;--> statement-breakpoint
ALTER TABLE `rounds` ADD `machine_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `rounds` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `rounds` ADD `updated_at` text;