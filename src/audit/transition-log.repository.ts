/**
 * Reads of the transition log. Its only writer is ProjectStore.appendLog (src/projects), which
 * appends inside the event's transaction, so the sequence and the chain stay gap-free: a
 * rolled-back event leaves no row and no hole.
 */
import { and, asc, eq, gt, gte, inArray, lte, type SQL } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Executor } from '../db/executor.js';
import { SUBJECT_KINDS, transitionLog, type SubjectKind, type TransitionLogRow } from '../db/schema.js';

/** The entries of one subject, oldest first: a range of transition_log_subject_idx. */
export function entriesOfSubject(db: Executor, kind: SubjectKind, id: string): TransitionLogRow[] {
  return db
    .select()
    .from(transitionLog)
    .where(and(eq(transitionLog.subjectKind, kind), eq(transitionLog.subjectId, id)))
    .orderBy(asc(transitionLog.seq))
    .all();
}

export interface LogQuery {
  afterSeq?: number;
  subjectKind?: SubjectKind;
  subjectId?: string;
  /** Shorthand for subject kind `project` and this id; every filter given must hold. */
  projectId?: string;
  actorId?: string;
  from?: string;
  to?: string;
  limit: number;
}

export function queryEntries(db: Executor, query: LogQuery): TransitionLogRow[] {
  const conditions: SQL[] = [];
  if (query.afterSeq !== undefined) conditions.push(gt(transitionLog.seq, query.afterSeq));
  if (query.subjectKind) conditions.push(eq(transitionLog.subjectKind, query.subjectKind));
  // An id without a kind still walks the (kind, id, seq) index: one probe per kind.
  if (query.subjectId) {
    if (!query.subjectKind) conditions.push(inArray(transitionLog.subjectKind, [...SUBJECT_KINDS]));
    conditions.push(eq(transitionLog.subjectId, query.subjectId));
  }
  if (query.projectId) conditions.push(eq(transitionLog.subjectKind, 'project'), eq(transitionLog.subjectId, query.projectId));
  if (query.actorId) conditions.push(eq(transitionLog.actorId, query.actorId));
  if (query.from) conditions.push(gte(transitionLog.at, query.from));
  if (query.to) conditions.push(lte(transitionLog.at, query.to));
  return db
    .select()
    .from(transitionLog)
    .where(and(...conditions))
    .orderBy(asc(transitionLog.seq))
    .limit(query.limit)
    .all();
}

/**
 * Every row in sequence order, one at a time: constant memory for any log size. Rows are read as
 * arrays and shaped here, which is faster than better-sqlite3 building each object natively.
 */
export function* iterateLog(sqlite: Database.Database, upTo?: number): Generator<TransitionLogRow> {
  const statement = sqlite
    .prepare(
      `SELECT seq, format, subject_kind, subject_id, event, from_state, to_state, payload, actor_id, actor_role, actor_unit_id, at,
              request_id, machine_id, machine_version, prev_hash, hash
         FROM transition_log ${upTo === undefined ? '' : 'WHERE seq <= ?'} ORDER BY seq`,
    )
    .raw();
  for (const r of statement.iterate(...(upTo === undefined ? [] : [upTo])) as IterableIterator<unknown[]>) {
    yield {
      seq: r[0] as number,
      format: r[1] as number,
      subjectKind: r[2] as SubjectKind,
      subjectId: r[3] as string,
      event: r[4] as string,
      fromState: r[5] as string,
      toState: r[6] as string,
      payload: r[7] as string,
      actorId: r[8] as string,
      actorRole: r[9] as string,
      actorUnitId: r[10] as string | null,
      at: r[11] as string,
      requestId: r[12] as string,
      machineId: r[13] as string,
      machineVersion: r[14] as number,
      prevHash: r[15] as string,
      hash: r[16] as string,
    };
  }
}
