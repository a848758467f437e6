/**
 * Refused attempts: who tried what, when, and why it was refused. Kept apart from the transition
 * log: these are attempts, not decisions, and they are not part of the hash chain.
 *
 * An authenticated caller's refusals are kept one row each (security_events). Refusals of callers
 * without a valid token are counted per source, minute and kind of refusal (refused_attempts):
 * anonymous noise costs one row per minute, not one per request. Both are pruned after the
 * retention period.
 */
import { and, asc, eq, gt, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { refusedAttempts, securityEvents, type SecurityEventRow } from '../db/schema.js';
import { DEFAULT_PAGE_SIZE, decodeKeyCursor, decodeSeqCursor, encodeKeyCursor, encodeSeqCursor, pageOf } from '../http/paging.js';

export type NewSecurityEvent = Omit<SecurityEventRow, 'id'>;

export function recordSecurityEvent(db: Executor, event: NewSecurityEvent): void {
  db.insert(securityEvents).values(event).run();
}

export interface SecurityEventQuery {
  actorId?: string;
  source?: string;
  status?: number;
  projectId?: string;
  /** ISO-8601 UTC, inclusive. */
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface SecurityEventView {
  id: number;
  at: string;
  requestId: string;
  actor: { id: string | null; role: string | null };
  method: string;
  route: string;
  url: string;
  status: number;
  problemType: string;
  detail: string;
  projectId: string | null;
  event: string | null;
  subject: { kind: string; id: string } | null;
  source: string | null;
}

const toView = ({ actorId, actorRole, ...row }: SecurityEventRow): SecurityEventView => ({
  id: row.id,
  at: row.at,
  requestId: row.requestId,
  actor: { id: actorId, role: actorRole },
  method: row.method,
  route: row.route,
  url: row.url,
  status: row.status,
  problemType: row.problemType,
  detail: row.detail,
  projectId: row.projectId,
  event: row.event,
  subject: row.subjectKind && row.subjectId ? { kind: row.subjectKind, id: row.subjectId } : null,
  source: row.source,
});

/** Oldest first, by id; the cursor is the last id seen. */
export function querySecurityEvents(db: Executor, query: SecurityEventQuery): { items: SecurityEventView[]; nextCursor: string | null } {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const conditions: SQL[] = [];
  if (query.cursor) conditions.push(gt(securityEvents.id, decodeSeqCursor(query.cursor)));
  if (query.actorId) conditions.push(eq(securityEvents.actorId, query.actorId));
  if (query.source) conditions.push(eq(securityEvents.source, query.source));
  if (query.status !== undefined) conditions.push(eq(securityEvents.status, query.status));
  if (query.projectId) conditions.push(eq(securityEvents.projectId, query.projectId));
  if (query.from) conditions.push(gte(securityEvents.at, new Date(query.from).toISOString()));
  if (query.to) conditions.push(lte(securityEvents.at, new Date(query.to).toISOString()));
  const rows = db
    .select()
    .from(securityEvents)
    .where(and(...conditions))
    .orderBy(asc(securityEvents.id))
    .limit(limit + 1)
    .all();
  const items = rows.slice(0, limit).map(toView);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeSeqCursor(last.id) : null };
}

/** One refusal of a caller without a valid token, to be counted in its source's minute. */
export interface RefusedAttempt {
  source: string;
  method: string;
  route: string;
  status: number;
  problemType: string;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
  requestId: string;
}

/** The minute of an ISO-8601 UTC time, as refused_attempts keys it: 2026-12-02T16:43Z. */
export const minuteOf = (iso: string): string => `${iso.slice(0, 16)}Z`;

/** Counts the attempt in its group: one upsert, a new row only for the group's first attempt. */
export function countRefusedAttempt(db: Executor, attempt: RefusedAttempt): void {
  db.insert(refusedAttempts)
    .values({
      source: attempt.source,
      minute: minuteOf(attempt.at),
      method: attempt.method,
      route: attempt.route,
      status: attempt.status,
      problemType: attempt.problemType,
      count: 1,
      firstAt: attempt.at,
      lastAt: attempt.at,
      lastRequestId: attempt.requestId,
    })
    .onConflictDoUpdate({
      target: [refusedAttempts.source, refusedAttempts.minute, refusedAttempts.method, refusedAttempts.route, refusedAttempts.status, refusedAttempts.problemType],
      set: { count: sql`${refusedAttempts.count} + 1`, lastAt: attempt.at, lastRequestId: attempt.requestId },
    })
    .run();
}

/** Deletes the refusals older than `cutoff` (ISO-8601 UTC) from both tables; the numbers of rows deleted. */
export function pruneRefusals(db: Executor, cutoff: string): { securityEvents: number; refusedAttempts: number } {
  const events = db.delete(securityEvents).where(lt(securityEvents.at, cutoff)).run();
  const attempts = db
    .delete(refusedAttempts)
    .where(lt(refusedAttempts.minute, minuteOf(cutoff)))
    .run();
  return { securityEvents: events.changes, refusedAttempts: attempts.changes };
}

export interface RefusedAttemptQuery {
  source?: string;
  /** ISO-8601 UTC: minutes from this one's, inclusive. */
  from?: string;
  /** ISO-8601 UTC: minutes up to this one's, inclusive. */
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface RefusedAttemptView {
  source: string;
  minute: string;
  method: string;
  route: string;
  status: number;
  problemType: string;
  count: number;
  firstAt: string;
  lastAt: string;
  lastRequestId: string;
}

/**
 * Oldest minute first, then in the order the groups began (ties by the group's key); the cursor is
 * the last group's [minute, firstAt, source, method, route, status, problemType].
 */
export function queryRefusedAttempts(db: Executor, query: RefusedAttemptQuery): { items: RefusedAttemptView[]; nextCursor: string | null } {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const t = refusedAttempts;
  const conditions: SQL[] = [];
  if (query.cursor) {
    const [minute, firstAt, source, method, route, status, problemType] = decodeKeyCursor(query.cursor, [
      'string',
      'string',
      'string',
      'string',
      'string',
      'number',
      'string',
    ] as const);
    conditions.push(
      or(
        gt(t.minute, minute),
        and(
          eq(t.minute, minute),
          sql`(${t.firstAt}, ${t.source}, ${t.method}, ${t.route}, ${t.status}, ${t.problemType}) > (${firstAt}, ${source}, ${method}, ${route}, ${status}, ${problemType})`,
        ),
      )!,
    );
  }
  if (query.source) conditions.push(eq(t.source, query.source));
  if (query.from) conditions.push(gte(t.minute, minuteOf(new Date(query.from).toISOString())));
  if (query.to) conditions.push(lte(t.minute, minuteOf(new Date(query.to).toISOString())));
  const rows = db
    .select({
      source: t.source,
      minute: t.minute,
      method: t.method,
      route: t.route,
      status: t.status,
      problemType: t.problemType,
      count: t.count,
      firstAt: t.firstAt,
      lastAt: t.lastAt,
      lastRequestId: t.lastRequestId,
    })
    .from(t)
    .where(and(...conditions))
    .orderBy(asc(t.minute), asc(t.firstAt), asc(t.source), asc(t.method), asc(t.route), asc(t.status), asc(t.problemType))
    .limit(limit + 1)
    .all();
  return pageOf(
    rows,
    limit,
    (row) => encodeKeyCursor([row.minute, row.firstAt, row.source, row.method, row.route, row.status, row.problemType]),
    (row) => row,
  );
}
