/**
 * Refused write attempts: who tried what, when, and why it was refused. Kept apart from the
 * transition log: these are attempts, not decisions, and they are not part of the hash chain.
 */
import { and, asc, eq, gt, gte, lte, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { securityEvents, type SecurityEventRow } from '../db/schema.js';
import { DEFAULT_PAGE_SIZE, decodeSeqCursor, encodeSeqCursor } from '../http/paging.js';

export type NewSecurityEvent = Omit<SecurityEventRow, 'id'>;

export function recordSecurityEvent(db: Executor, event: NewSecurityEvent): void {
  db.insert(securityEvents).values(event).run();
}

export interface SecurityEventQuery {
  actorId?: string;
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
});

/** Oldest first, by id; the cursor is the last id seen. */
export function querySecurityEvents(db: Executor, query: SecurityEventQuery): { items: SecurityEventView[]; nextCursor: string | null } {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const conditions: SQL[] = [];
  if (query.cursor) conditions.push(gt(securityEvents.id, decodeSeqCursor(query.cursor)));
  if (query.actorId) conditions.push(eq(securityEvents.actorId, query.actorId));
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
