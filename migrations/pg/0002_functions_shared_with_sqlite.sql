-- The few functions of SQLite's that the engine's shared SQL calls, defined on PostgreSQL with the same results.
CREATE FUNCTION "instr"("haystack" text, "needle" text) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT strpos("haystack", "needle") $$;
--> statement-breakpoint
-- SQLite numbers a row whose INTEGER PRIMARY KEY is given NULL; these tables' rows are inserted so.
CREATE FUNCTION "next_id_when_null"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS NULL THEN
    NEW.id := nextval(pg_get_serial_sequence(TG_TABLE_NAME, 'id'));
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "security_events_next_id" BEFORE INSERT ON "security_events" FOR EACH ROW EXECUTE FUNCTION "next_id_when_null"();
--> statement-breakpoint
CREATE TRIGGER "checkpoints_next_id" BEFORE INSERT ON "checkpoints" FOR EACH ROW EXECUTE FUNCTION "next_id_when_null"();
