/**
 * The transition log's only writer. It appends inside the step's transaction, so the sequence and
 * the chain stay gap-free: a rolled-back event leaves no row and no hole. Its statements are
 * prepared once per connection: this runs on every event.
 */
import type Database from 'better-sqlite3';
import { GENESIS_HASH, entryHash, type UnhashedEntry } from '../audit/hash-chain.js';
import type { TransitionLogRow } from '../db/schema.js';
import type { SubjectKind } from './step.js';

/** A new entry as the step states it: its subject by kind and id, the rest as the row has it. */
export type NewLogEntry = Omit<UnhashedEntry, 'seq' | 'prevHash' | 'projectId'> & { subjectKind: SubjectKind; subjectId: string };

export class TransitionLogRepository {
  private readonly head;
  private readonly insert;

  constructor(sqlite: Database.Database) {
    this.head = sqlite.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM transition_log ORDER BY seq DESC LIMIT 1');
    this.insert = sqlite.prepare(
      `INSERT INTO transition_log (seq, project_id, event, from_state, to_state, payload, actor_id, actor_role, actor_unit_id,
         at, request_id, machine_id, machine_version, prev_hash, hash)
       VALUES (@seq, @projectId, @event, @fromState, @toState, @payload, @actorId, @actorRole, @actorUnitId,
         @at, @requestId, @machineId, @machineVersion, @prevHash, @hash)`,
    );
  }

  /** Appends one hash-chained entry after the current head. */
  append(entry: NewLogEntry): TransitionLogRow {
    const head = this.head.get();
    const { subjectKind: _kind, subjectId, ...rest } = entry;
    const unhashed: UnhashedEntry = { ...rest, projectId: subjectId, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
    const row: TransitionLogRow = { ...unhashed, hash: entryHash(unhashed) };
    this.insert.run(row);
    return row;
  }
}
