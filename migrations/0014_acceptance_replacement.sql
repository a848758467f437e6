ALTER TABLE `acceptance_assignments` ADD `state` text DEFAULT 'assigned' NOT NULL;--> statement-breakpoint
ALTER TABLE `acceptance_assignments` ADD `replaced_by` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `acceptance_assignments` ADD `replaced_at` text;--> statement-breakpoint
ALTER TABLE `acceptance_assignments` ADD `replace_reason` text;