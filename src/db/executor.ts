import type Database from 'better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';

/** The database or a transaction on it: repository functions run inside either. */
export type Executor = BaseSQLiteDatabase<'sync', Database.RunResult, typeof schema>;
