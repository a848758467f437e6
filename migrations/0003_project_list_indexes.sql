DROP INDEX `projects_state_idx`;--> statement-breakpoint
DROP INDEX `projects_round_idx`;--> statement-breakpoint
DROP INDEX `projects_unit_idx`;--> statement-breakpoint
CREATE INDEX `projects_state_id_idx` ON `projects` (`state`,`id`);--> statement-breakpoint
CREATE INDEX `projects_round_id_idx` ON `projects` (`round_id`,`id`);--> statement-breakpoint
CREATE INDEX `projects_unit_id_idx` ON `projects` (`unit_id`,`id`);