/**
 * The only writer of the transition log. Appends happen inside the caller's transaction, so the
 * sequence number and the chain stay gap-free: a rolled-back event leaves no row and no hole.
 */
import { and, asc, desc, eq, gt, gte, lte, type SQL } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Executor } from '../db/executor.js';
import { transitionLog, type TransitionLogRow } from '../db/schema.js';
import { GENESIS_HASH, entryHash, type UnhashedEntry } from './hash-chain.js';

export type NewEntry = Omit<UnhashedEntry, 'seq' | 'prevHash'>;

export function appendEntry(tx: Executor, entry: NewEntry): TransitionLogRow {
  const head = tx
    .select({ seq: transitionLog.seq, hash: transitionLog.hash })
    .from(transitionLog)
    .orderBy(desc(transitionLog.seq))
    .limit(1)
    .get();
  const unhashed: UnhashedEntry = { ...entry, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
  const row: TransitionLogRow = { ...unhashed, hash: entryHash(unhashed) };
  tx.insert(transitionLog).values(row).run();
  return row;
}

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

/** Every row in sequence order, one at a time: constant memory for any log size. */
export function* iterateLog(sqlite: Database.Database): Generator<TransitionLogRow> {
  const statement = sqlite.prepare(
    `SELECT seq, project_id AS projectId, event, from_state AS fromState, to_state AS toState, payload,
            actor_id AS actorId, actor_role AS actorRole, actor_unit_id AS actorUnitId, at, request_id AS requestId,
            machine_id AS machineId, machine_version AS machineVersion, prev_hash AS prevHash, hash
       FROM transition_log ORDER BY seq`,
  );
  yield* statement.iterate() as IterableIterator<TransitionLogRow>;
}
