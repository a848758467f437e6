/**
 * The seams of the second database: the placeholders and names the shared SQL is translated with,
 * the PostgreSQL schema derived from the one schema, and (with TEST_POSTGRES_URL) the database's
 * own refusal to change the log.
 */
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { is } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { bindValues, translatePlaceholders } from '../../src/db/pg/sql-params.js';
import * as pgSchema from '../../src/db/schema.pg.js';
import * as schema from '../../src/db/schema.js';
import { freshDatabase, onPostgres } from '../helpers/postgres.js';

describe('the shared SQL on PostgreSQL', () => {
  it('numbers positional, numbered and named placeholders, leaving literals, quoted names and comments alone', () => {
    const { text, slots } = translatePlaceholders('SELECT a AS unitId, \'?\' AS q, "x?" FROM t -- ?\nWHERE b = ? AND c = @name AND d = ?2 AND e = :name AND f = $other');
    expect(text).toBe('SELECT a AS "unitId", \'?\' AS q, "x?" FROM t -- ?\nWHERE b = $1 AND c = $2 AND d = $3 AND e = $2 AND f = $4');
    expect(slots).toEqual([0, 'name', 1, 'other']);
    expect(bindValues(slots, [7, 8, { name: 'n', other: true }])).toEqual([7, 'n', 8, 1]);
  });

  it('names bare columns in the conflict target Drizzle writes for SQLite', () => {
    expect(translatePlaceholders('insert into "t" ("a") values (?) on conflict ("t"."a", "t"."b") do nothing').text).toBe(
      'insert into "t" ("a") values ($1) on conflict ("a", "b") do nothing',
    );
  });

  it('refuses a missing value rather than binding NULL for it', () => {
    expect(() => bindValues(translatePlaceholders('SELECT ? + ?').slots, [1])).toThrow(/missing value for parameter 2/);
  });

  it('derives every table of the schema, with the same columns, keys and indexes', () => {
    const sqliteTables = (Object.values(schema) as unknown[]).filter((value): value is SQLiteTable => is(value, SQLiteTable));
    const pgTables = new Map(
      (Object.values(pgSchema) as unknown[]).filter((value): value is PgTable => is(value, PgTable)).map((table) => [pgTableConfig(table).name, pgTableConfig(table)]),
    );
    expect(pgTables.size).toBe(sqliteTables.length);
    for (const table of sqliteTables) {
      const lite = sqliteTableConfig(table);
      const pg = pgTables.get(lite.name);
      expect(pg, lite.name).toBeDefined();
      expect(pg!.columns.map((c) => [c.name, c.notNull, c.primary])).toEqual(lite.columns.map((c) => [c.name, c.notNull, c.primary]));
      expect(pg!.indexes.map((i) => i.config.name).sort()).toEqual(lite.indexes.map((i) => i.config.name).sort());
      expect(pg!.foreignKeys.length).toBe(lite.foreignKeys.length);
      expect(pg!.primaryKeys.length).toBe(lite.primaryKeys.length);
      expect(pg!.checks.map((c) => c.name)).toEqual(lite.checks.map((c) => c.name));
    }
  });
});

describe.skipIf(!onPostgres)('the log on PostgreSQL (npm run test:pg)', () => {
  it('is append-only: the service role may not UPDATE or DELETE it, and the trigger refuses even its owner', async () => {
    const fresh = await freshDatabase();
    const service = openDatabase(fresh.url);
    const owner = openDatabase(fresh.url, { role: null });
    try {
      migrateDatabase(service);
      const insert = `INSERT INTO transition_log (seq, format, subject_kind, subject_id, event, from_state, to_state, payload, actor_id, actor_role,
        actor_unit_id, at, request_id, machine_id, machine_version, prev_hash, hash) VALUES (1, 2, 'project', 'p', 'CREATE', 'none', 'draft', '{}', 'u', 'admin', NULL, 't', 'r', 'project', 1, 'a', 'b')`;
      service.$client.prepare(insert).run();
      expect(() => service.$client.prepare("UPDATE transition_log SET event = 'X'").run()).toThrow(/permission denied/);
      expect(() => service.$client.prepare('DELETE FROM transition_log').run()).toThrow(/permission denied/);
      expect(() => owner.$client.prepare("UPDATE transition_log SET event = 'X'").run()).toThrow(/append-only/);
      expect(() => owner.$client.prepare('DELETE FROM transition_log').run()).toThrow(/append-only/);
      expect(() => owner.$client.exec('TRUNCATE transition_log')).toThrow(/append-only/);
      expect(owner.$client.prepare('SELECT count(*) AS n, max(event) AS event FROM transition_log').get()).toEqual({ n: 1, event: 'CREATE' });
    } finally {
      service.$client.close();
      owner.$client.close();
      await fresh.drop();
    }
  });
});
