/**
 * Reads of the transition log. Its only writer is ProjectStore.appendLog (src/projects), which
 * appends inside the event's transaction, so the sequence and the chain stay gap-free: a
 * rolled-back event leaves no row and no hole.
 */
import { and, asc, eq, gt, gte, lte, type SQL } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Executor } from '../db/executor.js';
import { transitionLog, type TransitionLogRow } from '../db/schema.js';

export function entriesOfProject(db: Executor, projectId: string): TransitionLogRow[] {
  return db.select().from(transitionLog).where(eq(transitionLog.projectId, projectId)).orderBy(asc(transitionLog.seq)).all();
}

export interface LogQuery {
  afterSeq?: number;
  projectId?: string;
  actorId?: string;
  from?: string;
  to?: string;
  limit: number;
}

export function queryEntries(db: Executor, query: LogQuery): TransitionLogRow[] {
  const conditions: SQL[] = [];
  if (query.afterSeq !== undefined) conditions.push(gt(transitionLog.seq, query.afterSeq));
  if (query.projectId) conditions.push(eq(transitionLog.projectId, query.projectId));
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
export function* iterateLog(sqlite: Database.Database): Generator<TransitionLogRow> {
  const statement = sqlite
    .prepare(
      `SELECT seq, project_id, event, from_state, to_state, payload, actor_id, actor_role, actor_unit_id, at, request_id,
              machine_id, machine_version, prev_hash, hash
         FROM transition_log ORDER BY seq`,
    )
    .raw();
  for (const r of statement.iterate() as IterableIterator<unknown[]>) {
    yield {
      seq: r[0] as number,
      projectId: r[1] as string,
      event: r[2] as string,
      fromState: r[3] as string,
      toState: r[4] as string,
      payload: r[5] as string,
      actorId: r[6] as string,
      actorRole: r[7] as string,
      actorUnitId: r[8] as string | null,
      at: r[9] as string,
      requestId: r[10] as string,
      machineId: r[11] as string,
      machineVersion: r[12] as number,
      prevHash: r[13] as string,
      hash: r[14] as string,
    };
  }
}
