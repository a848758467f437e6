/**
 * Keyset paging shared by every list and history: a page is read with `LIMIT limit + 1` after the
 * last key of the previous page, so memory is bounded by the page size whatever the table holds.
 * The cursor is the base64url of that key (a JSON array of the ordering columns' values); clients
 * treat it as opaque.
 */
import { and, eq, gt, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { Problem } from './problems.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
}

type KeyPart = string | number;
type KeyKind = 'string' | 'number';
type KeyOf<K extends readonly KeyKind[]> = { [I in keyof K]: K[I] extends 'number' ? number : string };

const invalidCursor = () => new Problem('validation-failed', '分页游标无效 / Invalid cursor', { field: 'cursor' });

export function encodeKeyCursor(key: readonly KeyPart[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key a cursor holds, checked against the kinds of the ordering columns; 400 when it is not one of ours. */
export function decodeKeyCursor<K extends readonly KeyKind[]>(cursor: string, kinds: K): KeyOf<K> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length) throw invalidCursor();
  parsed.forEach((part: unknown, i) => {
    const ok = kinds[i] === 'number' ? Number.isSafeInteger(part) : typeof part === 'string' && part.length > 0 && part.length <= 200;
    if (!ok) throw invalidCursor();
  });
  return parsed as KeyOf<K>;
}

/** The log's cursor (the last seq seen), as the audit routes have always written it. */
export const encodeSeqCursor = (seq: number): string => Buffer.from(String(seq)).toString('base64url');

export function decodeSeqCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(seq)) throw invalidCursor();
  return seq;
}

/** Rows strictly after `key` in the order of `columns` (ascending, the last column unique within the rest). */
export function after(columns: readonly AnyColumn[], key: readonly KeyPart[]): SQL {
  const [column, ...rest] = columns;
  const [value, ...restKey] = key;
  if (!column || value === undefined) throw new Error('after() needs as many key values as columns');
  if (rest.length === 0) return gt(column, value);
  return or(gt(column, value), and(eq(column, value), after(rest, restKey)))!;
}

export const pageSize = (query: PageQuery): number => query.limit ?? DEFAULT_PAGE_SIZE;

/** The page from `limit + 1` rows read: at most `limit` items, and the last one's cursor when there was one more. */
export function pageOf<R, V>(rows: readonly R[], limit: number, cursorOf: (row: R) => string, view: (row: R) => V): Page<V> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return { items: kept.map(view), nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
