/**
 * Whether the log's head is an extension of its past: the start-up check (before any write is
 * served) and the `head` section of the online verification.
 *
 *   - the sealed head's MAC verifies under this service's key, and it states the real head (size,
 *     hash) and the latest checkpoint id;
 *   - every checkpoint row is a prefix of the log (the log has that hash at that size), their ids
 *     run without gaps, and the latest is signed by this service's key (every one, in full);
 *   - the witness's last checkpoint (every one, in full) is signed by this key, a prefix of the log
 *     and present in the checkpoints table.
 *
 * Checkpoints that an operator's acknowledgement (an ACKNOWLEDGE_HEAD entry, `lixiang audit
 * acknowledge`) lists as superseded are reported as superseded, not as failures.
 */
import { onPostgres } from '../db/dialect.js';
import type Database from 'better-sqlite3';
import type { FastifyBaseLogger } from 'fastify';
import { GENESIS_HASH } from '../workflow/hash-chain.js';
import { parseCheckpoint, signedBy, type SigningKey } from './checkpoints.js';
import { currentValues, readSeal, sealerOf, sealValid, type HeadSealer } from './seal.js';
import type { Witness, WitnessRecord } from './witness.js';
import type { RecordEvent } from '../workflow/records.js';

/** The event of an operator's acknowledgement of a refused head. */
export const ACKNOWLEDGE_EVENT = 'ACKNOWLEDGE_HEAD' satisfies RecordEvent;

export interface HeadContext {
  key: Pick<SigningKey, 'name' | 'keyId' | 'keyIdHex' | 'publicKey' | 'macKey'>;
  origin: string;
  witness: Witness | null;
}

/** A checkpoint named by id and what it signed; size and hash null for a row missing from the table. */
export interface CheckpointRef {
  id: number;
  size: number | null;
  headHash: string | null;
}

export interface HeadExamination {
  ok: boolean;
  reasons: string[];
  /** No sealed_head row (a database from before the seal, or one whose seal was removed). */
  sealMissing: boolean;
  found: {
    size: number;
    headHash: string;
    checkpointId: number;
    seal: { size: number; headHash: string; checkpointId: number; keyId: string; valid: boolean } | null;
  };
  expected: {
    seal: { size: number; headHash: string; checkpointId: number } | null;
    witness: { id: number; size: number; headHash: string } | null;
  };
  checkpoints: { count: number; latestId: number };
  witness: { file: string; count: number } | null;
  /** Checkpoints (rows, missing rows, witness records) that fail: what an acknowledgement supersedes. */
  failing: CheckpointRef[];
  /** Checkpoints an acknowledgement superseded, with the acknowledging entry's seq. */
  superseded: Array<CheckpointRef & { acknowledgedBy: number }>;
}

const refKey = (ref: CheckpointRef) => (ref.size === null ? `missing:${ref.id}` : `${ref.id}:${ref.size}:${ref.headHash}`);

/** Every checkpoint some acknowledgement superseded: its key → the acknowledging entry's seq. */
function supersededByAcknowledgements(sqlite: Database.Database): Map<string, number> {
  const rows = sqlite
    .prepare("SELECT seq, payload FROM transition_log WHERE subject_kind = 'log' AND subject_id = 'head' AND event = ? ORDER BY seq")
    .all(ACKNOWLEDGE_EVENT) as Array<{ seq: number; payload: string }>;
  const map = new Map<string, number>();
  for (const row of rows) {
    try {
      const payload = JSON.parse(row.payload) as { supersedes?: CheckpointRef[] };
      for (const ref of payload.supersedes ?? []) map.set(refKey(ref), row.seq);
    } catch {
      // an entry whose payload is not JSON supersedes nothing (the chain check names a changed row)
    }
  }
  return map;
}

/** Whether `note` is signed by this key and states exactly `size` and `headHash`. */
function noteSigned(note: string, key: HeadContext['key'], size: number, headHash: string): boolean {
  try {
    const parsed = parseCheckpoint(note);
    return parsed.size === size && parsed.headHash === headHash && signedBy(parsed, key);
  } catch {
    return false;
  }
}

/**
 * @param full every checkpoint's signature and every witness record (the online verification);
 *   otherwise the latest of each (the start-up check, bounded however long the service has run)
 */
export function examineHead(sqlite: Database.Database, context: HeadContext, full: boolean): HeadExamination {
  // One read transaction: one snapshot of the log, the seal and the checkpoints.
  return sqlite.transaction(() => examine(sqlite, context, full))();
}

function examine(sqlite: Database.Database, { key, origin, witness }: HeadContext, full: boolean): HeadExamination {
  const reasons: string[] = [];
  const failing: CheckpointRef[] = [];
  const superseded: HeadExamination['superseded'] = [];
  const acknowledged = supersededByAcknowledgements(sqlite);
  const fail = (ref: CheckpointRef, reason: string) => {
    const by = acknowledged.get(refKey(ref));
    if (by !== undefined) {
      superseded.push({ ...ref, acknowledgedBy: by });
      return;
    }
    failing.push(ref);
    reasons.push(reason);
  };
  const now = currentValues(sqlite);
  const hashAt = sqlite.prepare<[number], { hash: string }>('SELECT hash FROM transition_log WHERE seq = ?');
  const isPrefix = (size: number, headHash: string) => (size === 0 ? headHash === GENESIS_HASH : hashAt.get(size)?.hash === headHash);

  // The seal.
  const seal = readSeal(sqlite);
  let sealFound: HeadExamination['found']['seal'] = null;
  if (seal) {
    const valid = sealValid(seal, key, origin);
    sealFound = { size: seal.size, headHash: seal.headHash, checkpointId: seal.checkpointId, keyId: seal.keyId, valid };
    if (!valid) {
      reasons.push(
        seal.keyId === key.keyIdHex
          ? 'the sealed head does not verify under this service’s key: it was written without the key'
          : `the sealed head was made with key ${seal.keyId}, not this service’s key ${key.keyIdHex}`,
      );
    } else {
      if (seal.size !== now.size || seal.headHash !== now.headHash) {
        const what =
          now.size < seal.size
            ? 'entries were removed (truncated or rolled back)'
            : now.size > seal.size
              ? 'entries were appended without the key'
              : 'the head entry was rewritten';
        reasons.push(`the log's head is entry ${now.size} (${now.headHash.slice(0, 12)}…) but the seal says entry ${seal.size} (${seal.headHash.slice(0, 12)}…): ${what}`);
      }
      if (seal.checkpointId !== now.checkpointId) {
        reasons.push(`the latest checkpoint is ${now.checkpointId} but the seal says ${seal.checkpointId}: checkpoint rows were deleted or added without the key`);
      }
    }
  }

  // The checkpoint rows: prefixes, ids without gaps, signatures.
  const rows = sqlite
    .prepare(
      `SELECT c.id, c.size, c.head_hash AS headHash, CASE WHEN c.size = 0 THEN ? ELSE t.hash END AS logHash
         FROM checkpoints c LEFT JOIN transition_log t ON t.seq = c.size ORDER BY c.id`,
    )
    .all(GENESIS_HASH) as Array<{ id: number; size: number; headHash: string; logHash: string | null }>;
  const note = sqlite.prepare<[number], { note: string }>('SELECT note FROM checkpoints WHERE id = ?');
  let expectedId = 1;
  for (const row of rows) {
    for (; expectedId < row.id; expectedId += 1) fail({ id: expectedId, size: null, headHash: null }, `checkpoint ${expectedId} is missing from the checkpoints table`);
    expectedId = row.id + 1;
    const ref = { id: row.id, size: row.size, headHash: row.headHash };
    if (row.logHash !== row.headHash) {
      fail(
        ref,
        row.size > now.size
          ? `checkpoint ${row.id} covers ${row.size} entries but the log has ${now.size}`
          : `checkpoint ${row.id}: entry ${row.size} has hash ${row.logHash?.slice(0, 12) ?? '(none)'}…, the checkpoint signed ${row.headHash.slice(0, 12)}…`,
      );
    } else if ((full || row === rows.at(-1)) && !noteSigned(note.get(row.id)!.note, key, row.size, row.headHash)) {
      fail(ref, `checkpoint ${row.id} is not signed by this service's key ${key.keyIdHex}`);
    }
  }

  // Rows missing after the last one: ids the table handed out (its autoincrement mark) or the seal names.
  const handedOut =
    (
      sqlite
        .prepare(
          onPostgres(sqlite)
            ? 'SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS seq FROM checkpoints_id_seq'
            : "SELECT seq FROM sqlite_sequence WHERE name = 'checkpoints'",
        )
        .get() as { seq: number } | undefined
    )?.seq ?? 0;
  const named = Math.max(handedOut, seal && sealFound?.valid ? seal.checkpointId : 0);
  for (; expectedId <= named; expectedId += 1) fail({ id: expectedId, size: null, headHash: null }, `checkpoint ${expectedId} is missing from the checkpoints table`);

  // The witness.
  let witnessRecords: WitnessRecord[] = [];
  if (witness) {
    if (full) {
      const contents = witness.readAll();
      witnessRecords = contents.records;
      reasons.push(...contents.problems);
    } else {
      const last = witness.last();
      witnessRecords = last ? [last] : [];
    }
    const stored = sqlite.prepare<[number], { note: string }>('SELECT note FROM checkpoints WHERE id = ?');
    for (const record of witnessRecords) {
      const ref = { id: record.id, size: record.size, headHash: record.headHash };
      if (!noteSigned(record.note, key, record.size, record.headHash)) {
        fail(ref, `the witness's checkpoint ${record.id} is not signed by this service's key ${key.keyIdHex}`);
      } else if (!isPrefix(record.size, record.headHash)) {
        fail(
          ref,
          record.size > now.size
            ? `the witness's checkpoint ${record.id} covers ${record.size} entries but the log has ${now.size}: the log was cut or rolled back`
            : `the witness's checkpoint ${record.id}: entry ${record.size} no longer has the hash it signed: the log was rewritten`,
        );
      } else if (stored.get(record.id)?.note !== record.note) {
        fail(ref, `the witness's checkpoint ${record.id} is missing from the checkpoints table`);
      }
    }
  }
  const witnessLast = full ? witnessRecords.at(-1) : witnessRecords[0];

  if (!seal && witnessRecords.length > 0) {
    reasons.push(`the log has no sealed head, but the witness holds checkpoints (the last: ${witnessLast!.id}): the seal was removed`);
  } else if (!seal && full) {
    reasons.push('the log has no sealed head (a database from before the seal is sealed at its first start)');
  }

  return {
    ok: reasons.length === 0,
    reasons,
    sealMissing: seal === null,
    found: { size: now.size, headHash: now.headHash, checkpointId: now.checkpointId, seal: sealFound },
    expected: {
      seal: seal && sealFound?.valid ? { size: seal.size, headHash: seal.headHash, checkpointId: seal.checkpointId } : null,
      witness: witnessLast ? { id: witnessLast.id, size: witnessLast.size, headHash: witnessLast.headHash } : null,
    },
    checkpoints: { count: rows.length, latestId: now.checkpointId },
    witness: witness ? { file: witness.file, count: witnessRecords.length } : null,
    failing,
    superseded,
  };
}

/**
 * examineHead on one view of the database. On PostgreSQL other instances append meanwhile: the log's
 * head, the seal and the checkpoints are read inside one transaction under the write lock, so that
 * a seal written between two reads is never taken for a cut log. (SQLite: this process is the writer.)
 */
export function examineHeadAtOnce(sqlite: Database.Database, context: HeadContext, full: boolean): HeadExamination {
  return onPostgres(sqlite) ? sqlite.transaction(() => examineHead(sqlite, context, full))() : examineHead(sqlite, context, full);
}

export interface HeadWatch {
  /** Runs the check now: true when writes are allowed. */
  check(): boolean;
  stop(): void;
}

/**
 * The start-up check, before any write is served: a head that passes is writable (one from before
 * the seal is sealed now, with a warning); one that fails is refused, said at error level, and
 * re-checked every `recheckMs` (an unref'd timer, stopped when it passes or at close) until it
 * passes: an operator acknowledged, or what was missing (the witness's volume) came back.
 */
export function watchHead(sealer: HeadSealer, context: HeadContext, log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error' | 'debug'>, recheckMs: number): HeadWatch {
  let timer: NodeJS.Timeout | null = null;
  let said = '';
  const check = (): boolean => {
    let exam: Pick<HeadExamination, 'ok' | 'reasons' | 'sealMissing' | 'found'>;
    try {
      exam = examineHeadAtOnce(sealer.sqlite, context, false);
    } catch (error) {
      exam = {
        ok: false,
        reasons: [`the head could not be checked: ${(error as Error).message}`],
        sealMissing: false,
        found: { size: 0, headHash: '', checkpointId: 0, seal: null },
      };
    }
    if (exam.ok) {
      const wasRefused = !sealer.writable;
      sealer.setRefused([]);
      // (An unbound sealer, sealing off, writes no seal at all.)
      if (exam.sealMissing && sealerOf(sealer.sqlite) === sealer) {
        sealer.sqlite.transaction(() => sealer.seal(true)).immediate();
        if (exam.found.size > 0) {
          log.warn(
            { size: exam.found.size, headHash: exam.found.headHash },
            'the log had no sealed head (a database from before the seal); it extends its checkpoints and the witness, so it is sealed now',
          );
        }
      }
      if (wasRefused) log.info('the log head checks out again: writes resume');
      said = '';
      return true;
    }
    sealer.setRefused(exam.reasons);
    const saying = exam.reasons.join('\n');
    if (saying !== said) {
      log.error(
        { reasons: exam.reasons },
        'the log head is not an extension of its past: serving reads only, until an operator runs `lixiang audit acknowledge --reason "..."` on this database',
      );
      said = saying;
    } else {
      log.debug({ reasons: exam.reasons }, 'the log head is still refused');
    }
    return false;
  };
  if (!check()) {
    timer = setInterval(() => {
      if (check() && timer) {
        clearInterval(timer);
        timer = null;
      }
    }, recheckMs);
    timer.unref();
  }
  return {
    check,
    stop: () => {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
