/**
 * Verification of the whole chain on worker threads, off the event loop. The log is cut into
 * contiguous ranges of sequence numbers; each worker, on its own read-only connection, checks its
 * range exactly as `verifyChain` does (gap-free numbers, each prevHash equal to the hash before it,
 * each hash recomputed) and hands back where its range starts and ends; the ranges are then
 * stitched, first prevHash to previous last hash. The answer is the one `verifyChain` gives, to
 * the first bad row and its reason; a test holds the two to that on tampered logs.
 *
 * Each worker first lets the native chain walk (src/audit/native/chain-walk.c) vouch for its range:
 * it reads, serialises and hashes every row inside SQLite, where JavaScript is capped by building a
 * string per column. Where it is in doubt, or was not built, the range is walked in JavaScript and
 * that walk's verdict is the answer. The work spreads over every core, and an auditor's
 * verification never stalls the requests the service answers meanwhile.
 */
import { onPostgres } from '../db/dialect.js';
import { createRequire } from 'node:module';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { ENTRY_BYTES_SQL, GENESIS_HASH, HASH_ALGORITHM, entryBytes, verifyChain, type VerifyResult } from '../workflow/hash-chain.js';
import { findRepositoryPath } from '../repo-files.js';
import { iterateLog } from './transition-log.repository.js';

interface RangeResult {
  from: number;
  to: number;
  /** Rows verified before the first failure (all of them when none). */
  count: number;
  /** The first row's prevHash; null for an empty range. */
  firstPrevHash: string | null;
  firstSeq: number | null;
  lastHash: string | null;
  failure: { seq: number; reason: string } | null;
  /** Who vouched for the range: the native walk, or JavaScript (its verdict, whatever it is). */
  walker: Walker;
}

export type Walker = 'native' | 'javascript';

/**
 * The native chain walk (src/audit/native/chain-walk.c, built after install into dist/native), or
 * null where it was not built (no C compiler): verification then runs in JavaScript alone.
 */
export function nativeChainWalk(): string | null {
  try {
    return findRepositoryPath(import.meta.url, 'dist/native/lixiang-chain-walk.so');
  } catch {
    return null;
  }
}

// The worker runs the very function that appends use: its source is taken from `entryBytes`
// itself, so the bytes hashed here can never drift from the bytes hashed at append time. Most rows
// are hashed from the bytes SQLite builds (ENTRY_BYTES_SQL, one string instead of seventeen); a row
// whose SQL bytes miss is re-checked with `entryBytes`, and if SQLite cannot build the bytes at all
// (a text column tampered into a BLOB) the whole range is walked with `entryBytes`.
const COLUMNS =
  'seq, prev_hash, hash, subject_id, event, from_state, to_state, payload, actor_id, actor_role, actor_unit_id, at, request_id, machine_id, machine_version, subject_kind, format';

/** The native walk over a range of sequence numbers: its arguments in the order chain-walk.c reads them. */
export const NATIVE_WALK_SQL = `SELECT lixiang_chain_walk(${COLUMNS}) FROM transition_log WHERE seq BETWEEN ? AND ?`;
const workerSource = () => `
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const Database = require(workerData.driver);
const __name = (target) => target;
const entryBytes = ${entryBytes.toString()};
const hash = crypto.hash
  ? (bytes) => crypto.hash(${JSON.stringify(HASH_ALGORITHM)}, bytes, 'hex')
  : (bytes) => crypto.createHash(${JSON.stringify(HASH_ALGORITHM)}).update(bytes).digest('hex');
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
const fast = db.prepare(${JSON.stringify(`SELECT seq, prev_hash, hash, ${ENTRY_BYTES_SQL} FROM transition_log WHERE seq BETWEEN ? AND ? ORDER BY seq`)}).raw();
const full = db.prepare(${JSON.stringify(`SELECT ${COLUMNS} FROM transition_log WHERE seq BETWEEN ? AND ? ORDER BY seq`)}).raw();
const one = db.prepare(${JSON.stringify(`SELECT ${COLUMNS} FROM transition_log WHERE seq = ?`)}).raw();
// The reference check of one full row: entryBytes, as at append time.
const referenceMatches = (r) => {
  try {
    const entry = { seq: r[0], prevHash: r[1], subjectId: r[3], event: r[4], fromState: r[5], toState: r[6], payload: r[7], actorId: r[8],
      actorRole: r[9], actorUnitId: r[10], at: r[11], requestId: r[12], machineId: r[13], machineVersion: r[14], subjectKind: r[15], format: r[16] };
    return hash(entryBytes(entry)) === r[2];
  } catch {
    return false; // a value entryBytes cannot serialise was never appended
  }
};
const { from, to } = workerData;
// The native walk (chain-walk.c) vouches for a whole range or is in doubt; in doubt, the range is
// walked below and that walk's verdict is the answer.
function nativeWalk() {
  if (!workerData.native) return null;
  let answer;
  try {
    db.loadExtension(workerData.native);
    answer = db.prepare(${JSON.stringify(NATIVE_WALK_SQL)}).pluck().get(from, to);
  } catch {
    return null;
  }
  if (typeof answer !== 'string') return null;
  const [ok, count, firstSeq, firstPrevHash, lastHash] = answer.split(' ');
  if (ok !== 'ok' || Number(firstSeq) !== from || Number(count) !== to - from + 1) return null;
  return { expected: to + 1, count: Number(count), prevHash: lastHash, firstPrevHash, firstSeq: from, failure: null };
}
function walk(rows, matches) {
  const walked = { expected: from, count: 0, prevHash: null, firstPrevHash: null, firstSeq: null, failure: null };
  for (const r of rows) {
    const seq = r[0];
    if (walked.firstSeq === null) { walked.firstSeq = seq; walked.firstPrevHash = r[1]; }
    if (seq !== walked.expected) {
      walked.failure = { seq: walked.expected, reason: seq > walked.expected ? 'sequence gap: row ' + walked.expected + ' is missing (next is ' + seq + ')' : 'sequence out of order: found ' + seq };
      return walked;
    }
    if (walked.prevHash !== null && r[1] !== walked.prevHash) { walked.failure = { seq, reason: 'prev_hash does not match the hash of the previous row' }; return walked; }
    if (!matches(r)) { walked.failure = { seq, reason: 'hash does not match the row content' }; return walked; }
    walked.prevHash = r[2];
    walked.expected += 1;
    walked.count += 1;
  }
  return walked;
}
let walked = nativeWalk();
const walker = walked ? 'native' : 'javascript';
if (!walked) {
  try {
    walked = walk(fast.iterate(from, to), (r) => (typeof r[3] === 'string' && hash(r[3]) === r[2]) || referenceMatches(one.get(r[0])));
  } catch {
    walked = walk(full.iterate(from, to), referenceMatches);
  }
}
db.close();
const { count, prevHash, firstPrevHash, firstSeq, failure, expected } = walked;
parentPort.postMessage({ from, to, walker, count, firstPrevHash, firstSeq, lastHash: prevHash, failure, end: expected });
`;

function runRange(file: string, driver: string, native: string | null, from: number, to: number): Promise<RangeResult & { end: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource(), { eval: true, workerData: { file, driver, native, from, to } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`verification worker exited with ${code}`));
    });
  });
}

export interface ParallelVerifyOptions {
  /** Worker threads; default: the available parallelism. */
  workers?: number;
  /** Whether the native walk may vouch for ranges (default: where it was built). */
  native?: boolean;
  /** Told, for each range, who vouched for it. */
  onRange?: (range: { from: number; to: number; walker: Walker }) => void;
}

/**
 * Verifies the chain of the SQLite file `file` up to its head at the time of the call (the log only
 * grows, so entries appended meanwhile are left for the next verification).
 */
export async function verifyChainParallel(file: string, head: number, options: ParallelVerifyOptions = {}): Promise<VerifyResult> {
  if (head === 0) return { valid: true, count: 0, headSeq: 0, headHash: GENESIS_HASH };
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const workers = Math.max(1, Math.min(options.workers ?? os.availableParallelism(), head));
  const size = Math.ceil(head / workers);
  const ranges = Array.from({ length: workers }, (_, i) => ({ from: i * size + 1, to: Math.min(head, (i + 1) * size) })).filter((r) => r.from <= r.to);
  const native = options.native === false ? null : nativeChainWalk();
  const results = await Promise.all(ranges.map((r) => runRange(file, driver, native, r.from, r.to)));
  for (const { from, to, walker } of results) options.onRange?.({ from, to, walker });

  let count = 0;
  let prevHash = GENESIS_HASH;
  for (const range of results) {
    // Where the range's rows stop short of its end without a failure, the next row is missing.
    // The stitch: a range that starts where it should must continue the chain of the one before.
    if (range.firstSeq === range.from && range.firstPrevHash !== prevHash) {
      return { valid: false, count, firstBadSeq: range.from, reason: 'prev_hash does not match the hash of the previous row' };
    }
    if (range.failure) return { valid: false, count: count + range.count, firstBadSeq: range.failure.seq, reason: range.failure.reason };
    if (range.end !== range.to + 1) {
      // Rows missing at the end of the range (possibly all of it): the gap runs into the next range.
      const next = results.find((r) => r.from > range.to && r.firstSeq !== null);
      return {
        valid: false,
        count: count + range.count,
        firstBadSeq: range.end,
        reason: next ? `sequence gap: row ${range.end} is missing (next is ${next.firstSeq})` : `sequence gap: row ${range.end} is missing`,
      };
    }
    count += range.count;
    prevHash = range.lastHash ?? prevHash;
  }
  return { valid: true, count, headSeq: count, headHash: prevHash };
}

/** Below this many entries the workers' start-up costs more than they save. */
export const PARALLEL_THRESHOLD = 50_000;

/**
 * The verification the service and the CLI run: on worker threads for a file database of some
 * size, in this thread otherwise (an in-memory database has no file for the workers to open).
 * The workers' ranges cover sequence numbers 1..max; every row is still covered: a row below 1
 * (seq 0 or -5) is found by its minimum, as the single walk finds it first, and the row count
 * must equal the head.
 */
export async function verifyLog(sqlite: Database.Database, options: ParallelVerifyOptions & { threshold?: number } = {}): Promise<VerifyResult> {
  const { rows, low, head } = sqlite.prepare('SELECT count(*) AS rows, min(seq) AS low, max(seq) AS head FROM transition_log').get() as {
    rows: number;
    low: number | null;
    head: number | null;
  };
  return verifyUpTo(sqlite, head ?? 0, { rows, low }, options);
}

/** Verifies the first `size` entries (a checkpoint's prefix): sequence numbers 1..size, nothing below. */
export async function verifyPrefix(sqlite: Database.Database, size: number, options: ParallelVerifyOptions & { threshold?: number } = {}): Promise<VerifyResult> {
  const { rows, low } = sqlite.prepare('SELECT count(*) AS rows, min(seq) AS low FROM transition_log WHERE seq <= ?').get(size) as { rows: number; low: number | null };
  return verifyUpTo(sqlite, size, { rows, low }, options);
}

async function verifyUpTo(
  sqlite: Database.Database,
  head: number,
  { rows, low }: { rows: number; low: number | null },
  options: ParallelVerifyOptions & { threshold?: number },
): Promise<VerifyResult> {
  // PostgreSQL: the walk reads through the connection, in this thread (the workers read SQLite files).
  if (sqlite.memory || onPostgres(sqlite) || head < (options.threshold ?? PARALLEL_THRESHOLD)) {
    const result = verifyChain(iterateLog(sqlite, head));
    // The walk stops at `head`; the prefix it covers must be exactly 1..head.
    if (result.valid && result.headSeq !== head)
      return { valid: false, count: result.count, firstBadSeq: result.headSeq + 1, reason: `sequence gap: row ${result.headSeq + 1} is missing` };
    return result;
  }
  // A row below 1 comes first in sequence order: the single walk's verdict on it.
  if (low !== null && low < 1) return { valid: false, count: 0, firstBadSeq: 1, reason: `sequence out of order: found ${low}` };
  const result = await verifyChainParallel(sqlite.name, head, options);
  if (result.valid && rows !== head) return { valid: false, count: result.count, firstBadSeq: 1, reason: `the log has ${rows} rows up to entry ${head}` };
  return result;
}
