/**
 * The transition log's hash chain: each row's SHA-256 covers its own fields and the previous
 * row's hash, serialised with RFC 8785 JSON canonicalisation so that any verifier, in any
 * language, recomputes the same bytes.
 */
import { canonicalize, sha256Hex } from '../audit/table-rules.js';
import type { TransitionLogRow } from '../db/schema.js';

export const GENESIS_HASH = '0'.repeat(64);
export const HASH_ALGORITHM = 'sha256';
export const CANONICALIZATION = 'RFC8785';

export type UnhashedEntry = Omit<TransitionLogRow, 'hash'>;

/**
 * RFC 8785 canonical JSON by the table replay's own function (src/audit/tables-replay.mjs): the
 * service writes payloads and the verifiers check them with the very same code. A test holds it byte
 * for byte equal to the `canonicalize` package, an independent implementation. Throws a TypeError
 * for what JSON cannot carry (undefined, a function, NaN, Infinity, a BigInt).
 */
export function canonicalJson(value: unknown): string {
  return canonicalize(value);
}

/**
 * The layouts of the bytes a row's hash covers; each row stores the one it was written in, since
 * a hashed row can never be re-hashed. Format 2 (every row appended now): every column but `hash`,
 * `format` included. Format 1 (rows written before subjects had a kind, migrated as they were):
 * every column of those days, the subject's id under the key `projectId`, no kind and no format.
 * Its kind was its machine's (`project` or `round`), so a format-1 row passes only with
 * `subjectKind` equal to `machineId`: the kind stays bound to the hashed content.
 */
export const ENTRY_FORMAT = 2;
export const ENTRY_FORMATS = [1, 2] as const;

/**
 * The exact bytes that are hashed: the row's fields, as its format lays them out, as one RFC 8785
 * object. Written out by hand because this runs once per row on every append and every
 * verification (the generic canonicaliser capped verification at ~70k rows/s): the members are
 * already in RFC 8785 order (UTF-16 code units), strings are serialised exactly as RFC 8785
 * requires (ECMAScript JSON.stringify), and the numbers are safe integers. `entryBytesGeneric` is
 * the reference a test compares this against. Self-contained (no module names): verification
 * workers run its source.
 */
export function entryBytes(e: UnhashedEntry): string {
  if (!Number.isSafeInteger(e.seq) || !Number.isSafeInteger(e.machineVersion)) throw new TypeError('seq and machineVersion must be safe integers');
  const s = JSON.stringify;
  const head =
    `{"actorId":${s(e.actorId)},"actorRole":${s(e.actorRole)},"actorUnitId":${e.actorUnitId === null ? 'null' : s(e.actorUnitId)},` + `"at":${s(e.at)},"event":${s(e.event)},`;
  if (e.format === 2) {
    return (
      `${head}"format":2,"fromState":${s(e.fromState)},"machineId":${s(e.machineId)},"machineVersion":${e.machineVersion},` +
      `"payload":${s(e.payload)},"prevHash":${s(e.prevHash)},"requestId":${s(e.requestId)},"seq":${e.seq},` +
      `"subjectId":${s(e.subjectId)},"subjectKind":${s(e.subjectKind)},"toState":${s(e.toState)}}`
    );
  }
  if (e.format === 1 && e.subjectKind === e.machineId) {
    return (
      `${head}"fromState":${s(e.fromState)},"machineId":${s(e.machineId)},"machineVersion":${e.machineVersion},` +
      `"payload":${s(e.payload)},"prevHash":${s(e.prevHash)},"projectId":${s(e.subjectId)},"requestId":${s(e.requestId)},` +
      `"seq":${e.seq},"toState":${s(e.toState)}}`
    );
  }
  throw new TypeError(e.format === 1 ? 'a format-1 entry is of the kind of its machine' : `unknown entry format ${String(e.format)}`);
}

/**
 * The same bytes built by SQLite, for bulk verification: one string per row crosses into
 * JavaScript instead of seventeen columns. `json_quote` escapes exactly as JSON.stringify does
 * (a test holds the two equal over every BMP character and random strings), and a row whose SQL
 * bytes do not hash to its hash (or that has no SQL bytes: NULL, for a format it does not know)
 * is re-checked with `entryBytes`, so a disagreement can cost time but never a verdict. A text
 * column tampered to hold a BLOB makes `json_quote` fail; the caller then walks the range with
 * `entryBytes`.
 */
const HEAD_SQL = [
  `'{"actorId":'||json_quote(actor_id)`,
  `',"actorRole":'||json_quote(actor_role)`,
  `',"actorUnitId":'||json_quote(actor_unit_id)`,
  `',"at":'||json_quote(at)`,
  `',"event":'||json_quote(event)`,
].join('||');
const TAIL_SQL = [
  `',"fromState":'||json_quote(from_state)`,
  `',"machineId":'||json_quote(machine_id)`,
  `',"machineVersion":'||machine_version`,
  `',"payload":'||json_quote(payload)`,
  `',"prevHash":'||json_quote(prev_hash)`,
];
export const ENTRY_BYTES_SQL =
  `CASE WHEN format = 2 THEN ${HEAD_SQL}||',"format":2'||${[
    ...TAIL_SQL,
    `',"requestId":'||json_quote(request_id)`,
    `',"seq":'||seq`,
    `',"subjectId":'||json_quote(subject_id)`,
    `',"subjectKind":'||json_quote(subject_kind)`,
    `',"toState":'||json_quote(to_state)||'}'`,
  ].join('||')} ` +
  `WHEN format = 1 AND subject_kind = machine_id THEN ${HEAD_SQL}||${[
    ...TAIL_SQL,
    `',"projectId":'||json_quote(subject_id)`,
    `',"requestId":'||json_quote(request_id)`,
    `',"seq":'||seq`,
    `',"toState":'||json_quote(to_state)||'}'`,
  ].join('||')} END`;

/** The same bytes through the generic RFC 8785 implementation. */
export function entryBytesGeneric(entry: UnhashedEntry): string {
  const common = {
    seq: entry.seq,
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
  };
  if (entry.format === 2) return canonicalJson({ ...common, format: entry.format, subjectKind: entry.subjectKind, subjectId: entry.subjectId });
  if (entry.format === 1 && entry.subjectKind === entry.machineId) return canonicalJson({ ...common, projectId: entry.subjectId });
  throw new TypeError(`no bytes for an entry of format ${String(entry.format)} and kind ${String(entry.subjectKind)}`);
}

/** The entry's SHA-256 (HASH_ALGORITHM), by the replay's one-shot digest. */
export function entryHash(entry: UnhashedEntry): string {
  return sha256Hex(entryBytes(entry));
}

/** Whether a stored row hashes to its hash; a value entryBytes cannot serialise was never appended. */
function hashMatches(row: TransitionLogRow): boolean {
  try {
    return entryHash(row) === row.hash;
  } catch {
    return false;
  }
}

export type VerifyResult = { valid: true; count: number; headSeq: number; headHash: string } | { valid: false; count: number; firstBadSeq: number; reason: string };

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
    const hash = row.hash;
    if (!hashMatches(row)) {
      return { valid: false, count, firstBadSeq: row.seq, reason: 'hash does not match the row content' };
    }
    prevHash = hash;
    expectedSeq += 1;
    count += 1;
  }
  return { valid: true, count, headSeq: count, headHash: prevHash };
}
