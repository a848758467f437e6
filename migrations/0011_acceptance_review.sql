CREATE TABLE `acceptance_assignments` (
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
CREATE INDEX `acceptance_assignments_reviewer_idx` ON `acceptance_assignments` (`reviewer_id`);--> statement-breakpoint
CREATE TABLE `acceptance_reviews` (
	`project_id` text NOT NULL,
	`reviewer_id` text NOT NULL,
	`scores` text NOT NULL,
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
ALTER TABLE `rounds` ADD `acceptance_criteria` text DEFAULT '[{"key":"completion","label":{"zh":"目标完成情况","en":"Targets achieved"}},{"key":"effect","label":{"zh":"实际成效","en":"Actual effect"}},{"key":"documentation","label":{"zh":"材料规范","en":"Documentation in order"}}]' NOT NULL;--> statement-breakpoint
ALTER TABLE `rounds` ADD `min_acceptance_reviews` integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE `rounds` ADD `prize_caps` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `rounds` ADD `recommendable_grades` text DEFAULT '["first"]' NOT NULL;