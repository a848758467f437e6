/**
 * Where the two databases need different SQL, the statement asks which one it runs on. Everything
 * else is written once, in the SQL they share.
 */
import type Database from 'better-sqlite3';
import { PgSyncClient } from './pg/sync-client.js';

/** Whether the connection is PostgreSQL's (else SQLite's). */
export const onPostgres = (client: Database.Database | PgSyncClient): boolean => client instanceof PgSyncClient;

/** `$.a.b` as PostgreSQL's path array: '{a,b}'. */
const pgPath = (path: string): string => `'{${path.replace(/^\$\./, '').split('.').join(',')}}'`;

/** A JSON text column's scalar at `path` ('$.a.b'), as text (strings without their quotes). */
export function jsonText(client: Database.Database | PgSyncClient, column: string, path: string): string {
  return onPostgres(client) ? `(${column}::jsonb #>> ${pgPath(path)})` : `json_extract(${column}, '${path}')`;
}

/** A JSON text column's number at `path` ('$.a.b'), NULL when absent. */
export function jsonNumber(client: Database.Database | PgSyncClient, column: string, path: string): string {
  return onPostgres(client) ? `((${column}::jsonb #>> ${pgPath(path)})::numeric)` : `json_extract(${column}, '${path}')`;
}

/** The elements of a JSON array given as one parameter (`?`), as rows of one column `value`. */
export function jsonArrayValues(client: Database.Database | PgSyncClient): string {
  return onPostgres(client) ? 'SELECT jsonb_array_elements_text(?::jsonb) AS value' : 'SELECT value FROM json_each(?)';
}
