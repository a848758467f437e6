/**
 * The suite on PostgreSQL: with TEST_DATABASE=postgres (`npm run test:pg`), on the server of
 * TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres, trust auth), every test app
 * gets a database of its own, created from a template that holds the migrated schema (made once per
 * run, under an advisory lock, and remade when the migrations change), and dropped when the app closes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** The server the PostgreSQL runs use (a database `postgres` to connect to while creating the others). */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';
/** Whether this run of the suite is on PostgreSQL: `npm run test:pg` sets TEST_DATABASE=postgres. */
export const onPostgres = process.env.TEST_DATABASE === 'postgres';

const TEMPLATE_LOCK = 7_431_100;
let serial = 0;
let template: Promise<string> | null = null;

export function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The migrations' fingerprint: a template made from other migrations is not used. */
function migrationsHash(): string {
  const folder = path.resolve(import.meta.dirname, '../../migrations/pg');
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(folder).sort()) if (file.endsWith('.sql')) hash.update(file).update(fs.readFileSync(path.join(folder, file)));
  return hash.digest('hex').slice(0, 12);
}

async function ensureTemplate(): Promise<string> {
  const name = `lixiang_template_${migrationsHash()}`;
  await withAdmin(async (admin) => {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      // Databases of earlier runs whose process is gone.
      const left = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'lixiang\\_test\\_%'");
      for (const { datname } of left.rows) {
        const pid = Number(datname.split('_')[2]);
        if (pid !== process.pid && !alive(pid)) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
      // Templates of other migrations.
      const old = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'lixiang\\_template\\_%' AND datname <> $1", [name]);
      for (const { datname } of old.rows) {
        await admin.query(`ALTER DATABASE "${datname}" WITH IS_TEMPLATE false`);
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount) return;
      await admin.query(`CREATE DATABASE "${name}"`);
      const { migrateDatabase, openDatabase } = await import('../../src/db/client.js');
      const db = openDatabase(databaseUrl(name));
      try {
        migrateDatabase(db);
      } finally {
        db.$client.close();
      }
      await admin.query(`ALTER DATABASE "${name}" WITH IS_TEMPLATE true`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  });
  return name;
}

/** A fresh, migrated database for one test app: its URL and how to drop it. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  template ??= ensureTemplate();
  const from = await template;
  const name = `lixiang_test_${process.pid}_${Date.now().toString(36)}_${serial++}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${from}"`));
  return {
    url: databaseUrl(name),
    // Dropped in the background (the next test need not wait); what a stopped run leaves is dropped by the next (ensureTemplate).
    drop: () => {
      void withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch(() => undefined);
      return Promise.resolve();
    },
  };
}

/** Lets a test edit the log below the service (on a connection with the owner's rights): its append-only triggers off. */
export function allowLogEdits(owner: { exec(sql: string): unknown }): void {
  if (onPostgres) owner.exec('ALTER TABLE transition_log DISABLE TRIGGER USER');
  else owner.exec('DROP TRIGGER transition_log_no_update; DROP TRIGGER transition_log_no_delete;');
}

/**
 * Every byte the database holds, as a test reading for a secret sees it: SQLite's file image; on
 * PostgreSQL every row of every table of the schema, as text.
 */
export function databaseImage(owner: { serialize?: () => Buffer; prepare(sql: string): { all(): unknown[] } }): Buffer {
  if (!onPostgres) return owner.serialize!();
  const tables = owner.prepare("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1").all() as Array<{ name: string }>;
  const texts = tables.flatMap(({ name }) => (owner.prepare(`SELECT t::text AS row FROM "${name}" t`).all() as Array<{ row: string }>).map((r) => r.row));
  return Buffer.from(texts.join('\n'), 'utf8');
}

/** Drops a database a test made on the server (not one of freshDatabase's). */
export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
