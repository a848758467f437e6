CREATE TABLE `idempotency_records` (
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status_code` integer NOT NULL,
	`response_body` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`user_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`round_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`category` text NOT NULL,
	`direction` text NOT NULL,
	`title` text NOT NULL,
	`letter` text NOT NULL,
	`state` text NOT NULL,
	`context` text NOT NULL,
	`machine_id` text NOT NULL,
	`machine_version` integer NOT NULL,
	`version` integer NOT NULL,
	`grade` text,
	`funding` integer,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `projects_state_idx` ON `projects` (`state`);--> statement-breakpoint
CREATE INDEX `projects_round_idx` ON `projects` (`round_id`);--> statement-breakpoint
CREATE INDEX `projects_unit_idx` ON `projects` (`unit_id`);--> statement-breakpoint
CREATE TABLE `reviewer_assignments` (
	`project_id` text NOT NULL,
	`reviewer_id` text NOT NULL,
	`assigned_by` text NOT NULL,
	`assigned_at` text NOT NULL,
	PRIMARY KEY(`project_id`, `reviewer_id`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `assignments_reviewer_idx` ON `reviewer_assignments` (`reviewer_id`);--> statement-breakpoint
CREATE TABLE `reviews` (
	`project_id` text NOT NULL,
	`reviewer_id` text NOT NULL,
	`direction` integer NOT NULL,
	`innovation` integer NOT NULL,
	`practicality` integer NOT NULL,
	`breadth` integer NOT NULL,
	`exemplarity` integer NOT NULL,
	`total` integer NOT NULL,
	`comment` text NOT NULL,
	`log_seq` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`project_id`, `reviewer_id`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `rounds` (
	`id` text PRIMARY KEY NOT NULL,
	`year` integer NOT NULL,
	`title` text NOT NULL,
	`document_number` text NOT NULL,
	`submission_deadline` text NOT NULL,
	`revision_deadline` text,
	`final_acceptance_date` text NOT NULL,
	`funding_first` integer NOT NULL,
	`funding_second` integer NOT NULL,
	`funding_third` integer NOT NULL,
	`funding_qualified` integer NOT NULL,
	`min_reviews` integer NOT NULL,
	`score_min` integer NOT NULL,
	`score_max` integer NOT NULL,
	`created_at` text NOT NULL,
	CONSTRAINT "rounds_scale_check" CHECK("rounds"."score_min" >= 0 AND "rounds"."score_max" > "rounds"."score_min"),
	CONSTRAINT "rounds_min_reviews_check" CHECK("rounds"."min_reviews" >= 1)
);
--> statement-breakpoint
CREATE TABLE `transition_log` (
	`seq` integer PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`event` text NOT NULL,
	`from_state` text NOT NULL,
	`to_state` text NOT NULL,
	`payload` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_role` text NOT NULL,
	`actor_unit_id` text,
	`at` text NOT NULL,
	`request_id` text NOT NULL,
	`machine_id` text NOT NULL,
	`machine_version` integer NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `transition_log_project_idx` ON `transition_log` (`project_id`,`seq`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`parent_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `units_parent_idx` ON `units` (`parent_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`unit_id` text,
	`token_hash` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_token_hash_idx` ON `users` (`token_hash`);--> statement-breakpoint
CREATE INDEX `users_unit_idx` ON `users` (`unit_id`);