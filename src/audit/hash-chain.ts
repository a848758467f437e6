/**
 * The transition log's hash chain: each row's SHA-256 covers its own fields and the previous
 * row's hash, serialised with RFC 8785 JSON canonicalisation so that any verifier, in any
 * language, recomputes the same bytes.
 */
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import type { TransitionLogRow } from '../db/schema.js';

export const GENESIS_HASH = '0'.repeat(64);
export const HASH_ALGORITHM = 'sha256';
export const CANONICALIZATION = 'RFC8785';

// The package is CommonJS whose module.exports is the function its types call `default`.
const canonicalize = canonicalizeModule as unknown as typeof canonicalizeModule.default;

export type UnhashedEntry = Omit<TransitionLogRow, 'hash'>;

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalised');
  return text;
}

/** The exact bytes that are hashed: every column but `hash`, keys in RFC 8785 order. */
export function entryBytes(entry: UnhashedEntry): string {
  return canonicalJson({
    seq: entry.seq,
    projectId: entry.projectId,
    event: entry.event,
    fromState: entry.fromState,
    toState: entry.toState,
    payload: entry.payload,
    actorId: entry.actorId,
    actorRole: entry.actorRole,
    actorUnitId: entry.actorUnitId,
    at: entry.at,
    requestId: entry.requestId,
    machineId: entry.machineId,
    machineVersion: entry.machineVersion,
    prevHash: entry.prevHash,
  });
}

export function entryHash(entry: UnhashedEntry): string {
  return createHash(HASH_ALGORITHM).update(entryBytes(entry)).digest('hex');
}

export type VerifyResult =
  | { valid: true; count: number; headSeq: number; headHash: string }
  | { valid: false; count: number; firstBadSeq: number; reason: string };

/**
 * Walks the chain in sequence order, in constant memory: sequence numbers gap-free from 1, each
 * prevHash equal to the hash before it, each hash equal to the recomputed one.
 */
export function verifyChain(rows: Iterable<TransitionLogRow>): VerifyResult {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (const row of rows) {
    if (row.seq !== expectedSeq) {
      return {
        valid: false,
        count,
        firstBadSeq: expectedSeq,
        reason: row.seq > expectedSeq ? `sequence gap: row ${expectedSeq} is missing (next is ${row.seq})` : `sequence out of order: found ${row.seq}`,
      };
    }
    if (row.prevHash !== prevHash) {
      return { valid: false, count, firstBadSeq: row.seq, reason: 'prev_hash does not match the hash of the previous row' };
    }
    const { hash, ...unhashed } = row;
    if (entryHash(unhashed) !== hash) {
      return { valid: false, count, firstBadSeq: row.seq, reason: 'hash does not match the row content' };
    }
    prevHash = hash;
    expectedSeq += 1;
    count += 1;
  }
  return { valid: true, count, headSeq: count, headHash: prevHash };
}
