-- The transition log is append-only, twice over on PostgreSQL. The database refuses every UPDATE,
-- DELETE and TRUNCATE of it by trigger, whoever asks; and the service's statements run as the role
-- lixiang_service (SET ROLE after connecting), which holds no UPDATE, DELETE or TRUNCATE right on it.
CREATE FUNCTION "transition_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'transition_log is append-only' USING ERRCODE = 'P0001';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "transition_log_no_update" BEFORE UPDATE ON "transition_log" FOR EACH ROW EXECUTE FUNCTION "transition_log_append_only"();
--> statement-breakpoint
CREATE TRIGGER "transition_log_no_delete" BEFORE DELETE ON "transition_log" FOR EACH ROW EXECUTE FUNCTION "transition_log_append_only"();
--> statement-breakpoint
CREATE TRIGGER "transition_log_no_truncate" BEFORE TRUNCATE ON "transition_log" FOR EACH STATEMENT EXECUTE FUNCTION "transition_log_append_only"();
--> statement-breakpoint
-- The role is the cluster's, shared by its databases: created once, by whichever migration comes first.
DO $$
BEGIN
  CREATE ROLE "lixiang_service" NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
GRANT "lixiang_service" TO CURRENT_USER;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO "lixiang_service";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "lixiang_service";
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "lixiang_service";
--> statement-breakpoint
-- Tables and sequences later migrations create get the same rights; the log's are taken back below and by later migrations that touch it.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "lixiang_service";
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "lixiang_service";
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON "transition_log" FROM "lixiang_service";
