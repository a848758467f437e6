/**
 * The transition log as a test reads it back: a subject's entries in order, their payloads parsed,
 * and how many entries the log holds.
 */
import type Database from 'better-sqlite3';

export interface SubjectEntry {
  event: string;
  fromState: string;
  toState: string;
  payload: Record<string, unknown>;
  actorId: string;
}

export function subjectEntries(sqlite: Database.Database, kind: string, id: string): SubjectEntry[] {
  return sqlite
    .prepare<[string, string], Omit<SubjectEntry, 'payload'> & { payload: string }>(
      'SELECT event, from_state AS fromState, to_state AS toState, payload, actor_id AS actorId FROM transition_log WHERE subject_kind = ? AND subject_id = ? ORDER BY seq',
    )
    .all(kind, id)
    .map((row) => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> }));
}

export const logLength = (sqlite: Database.Database): number => sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM transition_log').get()!.n;
