/**
 * Verification on worker threads answers exactly what the single-threaded walk answers: on an
 * intact log, and on logs tampered at, before and after every boundary between the workers'
 * ranges (edited, re-linked, deleted rows, values of the wrong type), with the native chain walk
 * vouching for the ranges it can and with JavaScript alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, verifyChain } from '../../src/workflow/hash-chain.js';
import { nativeChainWalk, verifyChainParallel, verifyLog, type Walker } from '../../src/audit/parallel-verify.js';
import { iterateLog } from '../../src/audit/transition-log.repository.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { TransitionLogRepository } from '../../src/workflow/transition-log.repository.js';

const ROWS = 1_200;
let dir: string;
let pristine: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-pverify-'));
  pristine = path.join(dir, 'pristine.db');
  const db = openDatabase(pristine);
  migrateDatabase(db);
  const log = new TransitionLogRepository(db.$client);
  db.$client.transaction(() => {
    for (let i = 1; i <= ROWS; i += 1) {
      log.append({
        subjectKind: i % 5 === 0 ? 'round' : 'project',
        subjectId: `p-${i % 37}`,
        event: 'SUBMIT_PROGRESS_REPORT',
        fromState: 'in_progress',
        toState: 'in_progress',
        payload: JSON.stringify({ text: `第${i}次进展：“红色旋律”主题党日 \u2028 ${'\\'}` }),
        actorId: 'applicant-1',
        actorRole: 'applicant',
        actorUnitId: i % 3 === 0 ? null : 'unit-1',
        at: new Date(Date.UTC(2023, 4, 1) + i * 1000).toISOString(),
        requestId: `req-${i}`,
        machineId: 'project',
        machineVersion: 1,
      });
    }
  })();
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.close();
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let copies = 0;
/** A copy of the intact log, tampered by `attack` through a connection without the triggers. */
function tampered(attack: (sqlite: Database.Database) => void): string {
  const file = path.join(dir, `copy-${(copies += 1)}.db`);
  fs.copyFileSync(pristine, file);
  const sqlite = new Database(file);
  sqlite.exec('DROP TRIGGER transition_log_no_update; DROP TRIGGER transition_log_no_delete;');
  attack(sqlite);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  return file;
}

async function bothWays(file: string) {
  const sqlite = new Database(file, { readonly: true });
  try {
    const serial = verifyChain(iterateLog(sqlite));
    const head = (sqlite.prepare('SELECT max(seq) AS head FROM transition_log').get() as { head: number | null }).head ?? 0;
    // With the native walk (where built) vouching for ranges, and with JavaScript alone.
    const walkers: Walker[] = [];
    const onRange = ({ walker }: { walker: Walker }) => walkers.push(walker);
    const parallel = await Promise.all(
      [2, 4].flatMap((workers) => [verifyChainParallel(file, head, { workers, onRange }), verifyChainParallel(file, head, { workers, native: false })]),
    );
    return { serial, parallel, walkers };
  } finally {
    sqlite.close();
  }
}

describe('verification on worker threads', () => {
  it('accepts the intact log with the same count and head as the serial walk', async () => {
    const { serial, parallel, walkers } = await bothWays(pristine);
    expect(serial).toMatchObject({ valid: true, count: ROWS });
    for (const result of parallel) expect(result).toEqual(serial);
    // The native walk, where built, vouches for every range of an intact log.
    expect(walkers).toEqual(Array(6).fill(nativeChainWalk() ? 'native' : 'javascript'));
  });

  // The ranges of 2 and 4 workers start at 1, 301, 601 and 901: tamper around each.
  const positions = [1, 300, 301, 600, 601, 602, 900, 901, 1200];

  it('finds the same first bad row and reason for an edited row anywhere', async () => {
    for (const seq of positions) {
      const file = tampered((s) => s.prepare('UPDATE transition_log SET payload = \'{"text":"改"}\' WHERE seq = ?').run(seq));
      const { serial, parallel } = await bothWays(file);
      expect(serial).toMatchObject({ valid: false, firstBadSeq: seq });
      for (const result of parallel) expect(result, `edited ${seq}`).toEqual(serial);
    }
  });

  it('finds the same break for a row re-hashed without its successor, at every boundary', async () => {
    for (const seq of positions.filter((s) => s < ROWS)) {
      const file = tampered((s) => {
        s.prepare('UPDATE transition_log SET payload = \'{"text":"改"}\' WHERE seq = ?').run(seq);
        const entry = [...iterateLog(s)].find((e) => e.seq === seq)!;
        s.prepare('UPDATE transition_log SET hash = ? WHERE seq = ?').run(entryHash(entry), seq);
      });
      const { serial, parallel } = await bothWays(file);
      expect(serial).toMatchObject({ valid: false, firstBadSeq: seq + 1, reason: 'prev_hash does not match the hash of the previous row' });
      for (const result of parallel) expect(result, `re-hashed ${seq}`).toEqual(serial);
    }
  });

  it('finds the same gap for deleted rows, single or spanning a boundary', async () => {
    const cuts: Array<[number, number]> = [
      [1, 1],
      [1, 5],
      [300, 300],
      [301, 301],
      [298, 305],
      [295, 640],
      [601, 601],
      [850, 905],
      [1199, 1199],
    ];
    for (const [from, to] of cuts) {
      const file = tampered((s) => s.prepare('DELETE FROM transition_log WHERE seq BETWEEN ? AND ?').run(from, to));
      const { serial, parallel } = await bothWays(file);
      expect(serial).toMatchObject({ valid: false, firstBadSeq: from });
      for (const result of parallel) expect(result, `deleted ${from}..${to}`).toEqual(serial);
    }
  });

  it('gives the same verdict when a column holds a value of the wrong type', async () => {
    const attacks: Array<[number, string]> = [
      [5, "UPDATE transition_log SET payload = x'7b7d' WHERE seq = ?"], // a BLOB SQLite cannot quote
      [301, 'UPDATE transition_log SET machine_version = 1.5 WHERE seq = ?'], // not an integer
      [602, 'UPDATE transition_log SET actor_id = 42 WHERE seq = ?'], // a number where text was
      [900, "UPDATE transition_log SET event = CAST(x'c0af' AS TEXT) WHERE seq = ?"], // text that is not UTF-8
      [1200, "UPDATE transition_log SET event = x'00' WHERE seq = ?"], // the last row, a BLOB again
    ];
    for (const [seq, sql] of attacks) {
      const file = tampered((s) => s.prepare(sql).run(seq));
      const { serial, parallel } = await bothWays(file);
      expect(serial, sql).toMatchObject({ valid: false, firstBadSeq: seq, reason: 'hash does not match the row content' });
      for (const result of parallel) expect(result, sql).toEqual(serial);
    }
  });

  it('runs the serial walk for a small or in-memory log and the workers past the threshold', async () => {
    const sqlite = new Database(pristine, { readonly: true });
    try {
      const serial = verifyChain(iterateLog(sqlite));
      expect(await verifyLog(sqlite)).toEqual(serial);
      expect(await verifyLog(sqlite, { threshold: 1, workers: 2 })).toEqual(serial);
    } finally {
      sqlite.close();
    }
  });
});
