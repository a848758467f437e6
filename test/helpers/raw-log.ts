/**
 * The transition log as an attacker with the database file sees it: raw rows (snake_case columns),
 * turned back into entries to re-hash, and the statement that writes one back.
 */
import type { UnhashedEntry } from '../../src/workflow/hash-chain.js';

export type RawLogRow = Record<string, unknown> & { seq: number; hash: string; prev_hash: string };

/** A raw row as the entry its hash covers (every column but the hash). */
export const asEntry = (r: RawLogRow): UnhashedEntry => ({
  seq: r.seq,
  format: r.format as number,
  subjectKind: r.subject_kind as UnhashedEntry['subjectKind'],
  subjectId: r.subject_id as string,
  event: r.event as string,
  fromState: r.from_state as string,
  toState: r.to_state as string,
  payload: r.payload as string,
  actorId: r.actor_id as string,
  actorRole: r.actor_role as string,
  actorUnitId: r.actor_unit_id as string | null,
  at: r.at as string,
  requestId: r.request_id as string,
  machineId: r.machine_id as string,
  machineVersion: r.machine_version as number,
  prevHash: r.prev_hash,
});

/** Inserts an entry with its hash, named parameters as the entry's fields. */
export const INSERT_ENTRY = `INSERT INTO transition_log (seq, format, subject_kind, subject_id, event, from_state, to_state, payload, actor_id, actor_role, actor_unit_id, at, request_id, machine_id, machine_version, prev_hash, hash)
  VALUES (@seq, @format, @subjectKind, @subjectId, @event, @fromState, @toState, @payload, @actorId, @actorRole, @actorUnitId, @at, @requestId, @machineId, @machineVersion, @prevHash, @hash)`;
