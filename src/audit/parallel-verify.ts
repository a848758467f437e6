/**
 * Verification of the whole chain on worker threads, off the event loop. The log is cut into
 * contiguous ranges of sequence numbers; each worker, on its own read-only connection, checks its
 * range exactly as `verifyChain` does (gap-free numbers, each prevHash equal to the hash before it,
 * each hash recomputed) and hands back where its range starts and ends; the ranges are then
 * stitched, first prevHash to previous last hash. The answer is the one `verifyChain` gives, to
 * the first bad row and its reason; a test holds the two to that on tampered logs.
 *
 * Reading the rows is most of the cost (better-sqlite3 builds a JS string per column), so the
 * work spreads over every core, and an auditor's verification never stalls the requests the
 * service answers meanwhile.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { GENESIS_HASH, HASH_ALGORITHM, entryBytes, verifyChain, type VerifyResult } from './hash-chain.js';
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
}

// The worker runs the very function that appends use: its source is taken from `entryBytes`
// itself, so the bytes hashed here can never drift from the bytes hashed at append time.
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
const statement = db
  .prepare('SELECT seq, project_id, event, from_state, to_state, payload, actor_id, actor_role, actor_unit_id, at, request_id, machine_id, machine_version, prev_hash, hash FROM transition_log WHERE seq BETWEEN ? AND ? ORDER BY seq')
  .raw();
const { from, to } = workerData;
let expected = from;
let count = 0;
let prevHash = null;
let firstPrevHash = null;
let firstSeq = null;
let failure = null;
for (const r of statement.iterate(from, to)) {
  const seq = r[0];
  if (firstSeq === null) { firstSeq = seq; firstPrevHash = r[13]; }
  if (seq !== expected) {
    failure = { seq: expected, reason: seq > expected ? 'sequence gap: row ' + expected + ' is missing (next is ' + seq + ')' : 'sequence out of order: found ' + seq };
    break;
  }
  if (prevHash !== null && r[13] !== prevHash) { failure = { seq, reason: 'prev_hash does not match the hash of the previous row' }; break; }
  const entry = { seq, projectId: r[1], event: r[2], fromState: r[3], toState: r[4], payload: r[5], actorId: r[6], actorRole: r[7],
    actorUnitId: r[8], at: r[9], requestId: r[10], machineId: r[11], machineVersion: r[12], prevHash: r[13] };
  if (hash(entryBytes(entry)) !== r[14]) { failure = { seq, reason: 'hash does not match the row content' }; break; }
  prevHash = r[14];
  expected += 1;
  count += 1;
}
db.close();
parentPort.postMessage({ from, to, count, firstPrevHash, firstSeq, lastHash: prevHash, failure, end: expected });
`;

function runRange(file: string, driver: string, from: number, to: number): Promise<RangeResult & { end: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource(), { eval: true, workerData: { file, driver, from, to } });
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
  const results = await Promise.all(ranges.map((r) => runRange(file, driver, r.from, r.to)));

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
 */
export async function verifyLog(sqlite: Database.Database, options: ParallelVerifyOptions & { threshold?: number } = {}): Promise<VerifyResult> {
  const head = (sqlite.prepare('SELECT max(seq) AS head FROM transition_log').get() as { head: number | null }).head ?? 0;
  if (sqlite.memory || head < (options.threshold ?? PARALLEL_THRESHOLD)) return verifyChain(iterateLog(sqlite));
  return verifyChainParallel(sqlite.name, head, options);
}
