-- The transition log is append-only: every UPDATE and DELETE is refused by the database itself.
CREATE TRIGGER `transition_log_no_update` BEFORE UPDATE ON `transition_log`
BEGIN
  SELECT RAISE(ABORT, 'transition_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `transition_log_no_delete` BEFORE DELETE ON `transition_log`
BEGIN
  SELECT RAISE(ABORT, 'transition_log is append-only');
END;
