/**
 * The transition log's only writer. It appends inside the step's transaction, so the sequence and
 * the chain stay gap-free: a rolled-back event leaves no row and no hole. Its statements are
 * prepared once per connection: this runs on every event.
 *
 * Every append is sealed (src/audit/seal.ts) when a sealer is bound to the connection, as the
 * service and the command line bind one: within the group committer's batch once at its end,
 * anywhere else at once, in the append's transaction. No caller has to remember; and while the
 * start-up check refuses the head, appending throws 'head-refused'.
 */
import type Database from 'better-sqlite3';
import { ENTRY_FORMAT, GENESIS_HASH, entryHash, type UnhashedEntry } from './hash-chain.js';
import { SUBJECT_KINDS, type TransitionLogRow } from '../db/schema.js';
import { sealerOf } from '../audit/seal.js';

/** A log entry as its writer gives it: `{ subjectKind, subjectId, event, ... }`; the repository numbers, formats and chains it. */
export type NewLogEntry = Omit<UnhashedEntry, 'seq' | 'prevHash' | 'format'>;

const SUBJECT_KIND_SET: ReadonlySet<string> = new Set(SUBJECT_KINDS);

export class TransitionLogRepository {
  private readonly head;
  private readonly insert;

  constructor(private readonly sqlite: Database.Database) {
    this.head = sqlite.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM transition_log ORDER BY seq DESC LIMIT 1');
    this.insert = sqlite.prepare(
      `INSERT INTO transition_log (seq, format, subject_kind, subject_id, event, from_state, to_state, payload, actor_id, actor_role,
         actor_unit_id, at, request_id, machine_id, machine_version, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Appends one hash-chained entry in the current format after the current head; the subject's kind must be one of SUBJECT_KINDS. */
  append(entry: NewLogEntry): TransitionLogRow {
    if (!SUBJECT_KIND_SET.has(entry.subjectKind)) throw new TypeError(`unknown subject kind ${JSON.stringify(entry.subjectKind)}`);
    const sealer = sealerOf(this.sqlite);
    if (sealer) {
      sealer.assertWritable();
      // The entry and its seal commit together.
      if (!this.sqlite.inTransaction) return this.sqlite.transaction(() => this.append(entry)).immediate();
    }
    const head = this.head.get();
    const unhashed: UnhashedEntry = { ...entry, format: ENTRY_FORMAT, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
    const row: TransitionLogRow = { ...unhashed, hash: entryHash(unhashed) };
    // Positional: binding seventeen values by name looks each up on the row, on every event.
    this.insert.run(
      row.seq,
      row.format,
      row.subjectKind,
      row.subjectId,
      row.event,
      row.fromState,
      row.toState,
      row.payload,
      row.actorId,
      row.actorRole,
      row.actorUnitId,
      row.at,
      row.requestId,
      row.machineId,
      row.machineVersion,
      row.prevHash,
      row.hash,
    );
    sealer?.appended();
    return row;
  }
}
