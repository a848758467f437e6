-- The transition log names its subject by kind and id instead of a project_id that held round ids
-- too, and each row records the layout of the bytes its hash covers (format). Rows already written
-- keep their bytes and their hashes, as an append-only log must: they become format 1, whose bytes
-- name the subject "projectId", and their kind is their machine's, 'project' or 'round' (the only
-- machines that wrote entries before); any other machine id leaves the kind NULL, which fails the
-- copy and the whole migration rather than guess. The append-only triggers are dropped while the
-- table is rebuilt and created again, unchanged, at the end: all inside the migration's transaction.
DROP TRIGGER `transition_log_no_update`;--> statement-breakpoint
DROP TRIGGER `transition_log_no_delete`;--> statement-breakpoint
CREATE TABLE `__new_transition_log` (
	`seq` integer PRIMARY KEY NOT NULL,
	`format` integer NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
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
INSERT INTO `__new_transition_log` (`seq`, `format`, `subject_kind`, `subject_id`, `event`, `from_state`, `to_state`, `payload`, `actor_id`,
  `actor_role`, `actor_unit_id`, `at`, `request_id`, `machine_id`, `machine_version`, `prev_hash`, `hash`)
SELECT `seq`, 1, CASE `machine_id` WHEN 'project' THEN 'project' WHEN 'round' THEN 'round' END, `project_id`, `event`, `from_state`,
  `to_state`, `payload`, `actor_id`, `actor_role`, `actor_unit_id`, `at`, `request_id`, `machine_id`, `machine_version`, `prev_hash`, `hash`
FROM `transition_log`;--> statement-breakpoint
DROP TABLE `transition_log`;--> statement-breakpoint
ALTER TABLE `__new_transition_log` RENAME TO `transition_log`;--> statement-breakpoint
CREATE INDEX `transition_log_subject_idx` ON `transition_log` (`subject_kind`,`subject_id`,`seq`);--> statement-breakpoint
CREATE TRIGGER `transition_log_no_update` BEFORE UPDATE ON `transition_log`
BEGIN
  SELECT RAISE(ABORT, 'transition_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `transition_log_no_delete` BEFORE DELETE ON `transition_log`
BEGIN
  SELECT RAISE(ABORT, 'transition_log is append-only');
END;
