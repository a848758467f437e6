/**
 * Opens the SQLite database with the settings the engine's guarantees rest on, and checks them:
 * better-sqlite3 silently reopens a WAL database at synchronous=NORMAL, which would make an
 * acknowledged transition losable on power failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { findRepositoryPath } from '../repo-files.js';
import { onPostgres } from './dialect.js';
import { isPostgresUrl, PgSyncClient, type PgClientOptions } from './pg/sync-client.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const SYNCHRONOUS_FULL = 2;

/**
 * Opens the service's database: a PostgreSQL URL (postgres://…) or a SQLite file path (':memory:'
 * for a throwaway one). Both answer through the same connection interface (./pg/sync-client.ts).
 */
export function openDatabase(databasePath: string, options: PgClientOptions = {}): Db {
  if (isPostgresUrl(databasePath)) {
    const client = new PgSyncClient(databasePath, options);
    const db: Db = drizzle({ client: client as unknown as Database.Database, schema, casing: 'snake_case' });
    return db;
  }
  if (databasePath !== ':memory:') fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  const sqlite = new Database(databasePath);
  try {
    if (databasePath !== ':memory:') {
      const mode = sqlite.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`journal_mode is ${String(mode)}, expected wal`);
    }
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const synchronous = sqlite.pragma('synchronous', { simple: true });
    if (synchronous !== SYNCHRONOUS_FULL) throw new Error(`synchronous is ${String(synchronous)}, expected FULL (2)`);
    if (sqlite.pragma('foreign_keys', { simple: true }) !== 1) throw new Error('foreign keys could not be enabled');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db: Db = drizzle({ client: sqlite, schema, casing: 'snake_case' });
  return db;
}

/** The migrations folder of the repository, found from this file in src/ or in dist/. */
export function migrationsFolder(): string {
  return path.dirname(path.dirname(findRepositoryPath(import.meta.url, path.join('migrations', 'meta', '_journal.json'))));
}

export function migrateDatabase(db: Db): void {
  if (onPostgres(db.$client)) {
    (db.$client as unknown as PgSyncClient).migrate(path.join(migrationsFolder(), 'pg'));
    return;
  }
  migrate(db, { migrationsFolder: migrationsFolder() });
}
