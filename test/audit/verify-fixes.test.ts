/**
 * Two gaps of the verification, closed: the parallel verification covers every row whatever its
 * seq (a forged row at seq 0 or -5 is invalid, as in the single walk), and a kept checkpoint is
 * checked against the whole prefix it signs (a middle row edited, deleted or swapped makes it
 * inconsistent, not only a changed last row).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyLog, verifyPrefix } from '../../src/audit/parallel-verify.js';
import { iterateLog } from '../../src/audit/transition-log.repository.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { verifyChain } from '../../src/workflow/hash-chain.js';
import { TransitionLogRepository } from '../../src/workflow/transition-log.repository.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { createWorld, driveTo, type World } from '../helpers/world.js';
import { allowLogEdits } from '../helpers/postgres.js';

const ROWS = 600;
let dir: string;
let pristine: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-verify-fixes-'));
  pristine = path.join(dir, 'pristine.db');
  const db = openDatabase(pristine);
  migrateDatabase(db);
  const log = new TransitionLogRepository(db.$client);
  db.$client.transaction(() => {
    for (let i = 1; i <= ROWS; i += 1) {
      log.append({
        subjectKind: 'project',
        subjectId: `p-${i % 13}`,
        event: 'SUBMIT_PROGRESS_REPORT',
        fromState: 'in_progress',
        toState: 'in_progress',
        payload: JSON.stringify({ text: `进展 ${i}` }),
        actorId: 'applicant-1',
        actorRole: 'applicant',
        actorUnitId: 'unit-1',
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

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let copies = 0;
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

/** A copy of row 1 stored under another seq: a forged row the ranges 1..max never read. */
const forgedAt = (seq: number) => (sqlite: Database.Database) =>
  sqlite
    .prepare(
      'INSERT INTO transition_log SELECT ? AS seq, format, subject_kind, subject_id, event, from_state, to_state, payload, actor_id, actor_role, actor_unit_id, at, request_id, machine_id, machine_version, prev_hash, hash FROM transition_log WHERE seq = 1',
    )
    .run(seq);

describe('the parallel verification covers every row, whatever its seq', () => {
  it.each([0, -5])('a forged row at seq %i: invalid, as the single walk says', async (seq) => {
    const sqlite = new Database(tampered(forgedAt(seq)), { readonly: true });
    try {
      const serial = verifyChain(iterateLog(sqlite));
      expect(serial).toEqual({ valid: false, count: 0, firstBadSeq: 1, reason: `sequence out of order: found ${seq}` });
      // On worker threads (threshold 1: any size) and in this thread.
      expect(await verifyLog(sqlite, { threshold: 1, workers: 2 })).toEqual(serial);
      expect(await verifyLog(sqlite)).toEqual(serial);
    } finally {
      sqlite.close();
    }
  });

  it('an intact log: valid both ways', async () => {
    const sqlite = new Database(pristine, { readonly: true });
    try {
      const parallel = await verifyLog(sqlite, { threshold: 1, workers: 2 });
      expect(parallel).toMatchObject({ valid: true, count: ROWS, headSeq: ROWS });
      expect(parallel).toEqual(verifyChain(iterateLog(sqlite)));
    } finally {
      sqlite.close();
    }
  });

  it('the prefix of a checkpoint on worker threads: a middle row edited is found; rows after the prefix do not count', async () => {
    const sqlite = new Database(
      tampered((db) => db.prepare('UPDATE transition_log SET payload = \'{"text":"改"}\' WHERE seq = 200').run()),
      { readonly: true },
    );
    try {
      expect(await verifyPrefix(sqlite, 400, { threshold: 1, workers: 2 })).toMatchObject({ valid: false, firstBadSeq: 200, reason: 'hash does not match the row content' });
      expect(await verifyPrefix(sqlite, 400)).toMatchObject({ valid: false, firstBadSeq: 200 });
      expect(await verifyPrefix(sqlite, 150, { threshold: 1, workers: 2 })).toMatchObject({ valid: true, headSeq: 150 });
    } finally {
      sqlite.close();
    }
  });
});

describe('POST /audit/checkpoints/verify checks the whole prefix up to the note', () => {
  let t: TestApp;
  let world: World;
  let note: string;

  beforeEach(async () => {
    t = await createTestApp();
    world = await createWorld(t.app);
    await driveTo(world, 'in_progress');
    const signed = await call(t.app, world.auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints' });
    note = (signed.body as { note: string }).note;
    await driveTo(world, 'submitted'); // entries after the checkpoint
    allowLogEdits(t.owner());
  });

  afterEach(async () => t.close());

  const verdict = async () => (await call(t.app, world.auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints/verify', payload: { note } })).body;
  const middle = () => (t.owner().prepare('SELECT min(seq) + 2 AS seq FROM transition_log').get() as { seq: number }).seq;

  it('intact: consistent', async () => {
    expect(await verdict()).toMatchObject({ consistent: true, reasons: [] });
  });

  it('a middle row edited: inconsistent, naming the row', async () => {
    const seq = middle();
    t.owner().prepare("UPDATE transition_log SET payload = '{}' WHERE seq = ?").run(seq);
    const answer = await verdict();
    expect(answer.consistent).toBe(false);
    expect(answer.reasons.join('\n')).toContain(`entry ${seq}: hash does not match the row content`);
  });

  it('a middle row deleted: inconsistent', async () => {
    const seq = middle();
    t.owner().prepare('DELETE FROM transition_log WHERE seq = ?').run(seq);
    const answer = await verdict();
    expect(answer.consistent).toBe(false);
    expect(answer.reasons.join('\n')).toContain(`sequence gap: row ${seq} is missing`);
  });

  it('two middle rows swapped: inconsistent', async () => {
    const seq = middle();
    const columns = 'subject_id, event, from_state, to_state, payload, actor_id, actor_role, actor_unit_id, at, request_id, prev_hash, hash';
    const a = t.owner().prepare(`SELECT ${columns} FROM transition_log WHERE seq = ?`).get(seq) as Record<string, unknown>;
    const b = t
      .owner()
      .prepare(`SELECT ${columns} FROM transition_log WHERE seq = ?`)
      .get(seq + 1) as Record<string, unknown>;
    const set = t.owner().prepare(
      `UPDATE transition_log SET ${columns
        .split(', ')
        .map((c) => `${c} = @${c}`)
        .join(', ')} WHERE seq = @seq`,
    );
    set.run({ ...b, seq });
    set.run({ ...a, seq: seq + 1 });
    const answer = await verdict();
    expect(answer.consistent).toBe(false);
    expect(answer.reasons.join('\n')).toMatch(new RegExp(`entry ${seq}: `));
  });
});
