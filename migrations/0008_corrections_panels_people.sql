CREATE TABLE `letter_revisions` (
	`project_id` text NOT NULL,
	`revision` integer NOT NULL,
	`letter` text NOT NULL,
	`saved_by` text NOT NULL,
	`saved_at` text NOT NULL,
	PRIMARY KEY(`project_id`, `revision`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`saved_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `panel_members` (
	`round_id` text NOT NULL,
	`kind` text NOT NULL,
	`user_id` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`added_by` text NOT NULL,
	`added_at` text NOT NULL,
	`removed_at` text,
	`remove_reason` text,
	PRIMARY KEY(`round_id`, `kind`, `user_id`),
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`added_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `panel_members_user_idx` ON `panel_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `panels` (
	`round_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`round_id`, `kind`),
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `round_extensions` (
	`round_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`submission_deadline` text NOT NULL,
	`reason` text NOT NULL,
	`granted_by` text NOT NULL,
	`granted_at` text NOT NULL,
	PRIMARY KEY(`round_id`, `unit_id`),
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`granted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `reviewer_assignments` ADD `state` text DEFAULT 'assigned' NOT NULL;--> statement-breakpoint
ALTER TABLE `reviewer_assignments` ADD `replaced_by` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `reviewer_assignments` ADD `replaced_at` text;--> statement-breakpoint
ALTER TABLE `reviewer_assignments` ADD `replace_reason` text;--> statement-breakpoint
ALTER TABLE `rounds` ADD `conflict_scope` text DEFAULT 'family' NOT NULL;--> statement-breakpoint
ALTER TABLE `rounds` ADD `contacts` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `units` ADD `active` integer DEFAULT true NOT NULL;