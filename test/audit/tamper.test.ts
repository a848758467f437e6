/**
 * The transition log against an attacker with write access to the database file: the append-only
 * triggers stop casual edits through SQL, and when the attacker drops them, GET /audit/verify
 * still finds every edit, deletion and reordering and names the first bad sequence number.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, entryHash, verifyChain, type UnhashedEntry } from '../../src/workflow/hash-chain.js';
import type { SubjectKind, TransitionLogRow } from '../../src/db/schema.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { NEW_ROUND_ENTRIES, WORLD_ENTRIES, createWorld, driveTo, type World } from '../helpers/world.js';

interface RawRow {
  seq: number;
  format: number;
  subject_kind: SubjectKind;
  subject_id: string;
  event: string;
  from_state: string;
  to_state: string;
  payload: string;
  actor_id: string;
  actor_role: string;
  actor_unit_id: string | null;
  at: string;
  request_id: string;
  machine_id: string;
  machine_version: number;
  prev_hash: string;
  hash: string;
}

const CONTENT_COLUMNS = [
  'format',
  'subject_kind',
  'subject_id',
  'event',
  'from_state',
  'to_state',
  'payload',
  'actor_id',
  'actor_role',
  'actor_unit_id',
  'at',
  'request_id',
  'machine_id',
  'machine_version',
  'prev_hash',
  'hash',
] as const;

function toEntry(row: RawRow): TransitionLogRow {
  return {
    seq: row.seq,
    format: row.format,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    event: row.event,
    fromState: row.from_state,
    toState: row.to_state,
    payload: row.payload,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    actorUnitId: row.actor_unit_id,
    at: row.at,
    requestId: row.request_id,
    machineId: row.machine_id,
    machineVersion: row.machine_version,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

describe('tampering with the database file', () => {
  let dir: string;
  let file: string;
  let t: TestApp;
  let world: World;
  let rowCount: number;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-tamper-'));
    file = path.join(dir, 'lixiang.db');
    t = await createTestApp({ path: file });
    world = await createWorld(t.app);
    // In a round of its own: the round's entries, CREATE_PROJECT, 2 × ASSIGN_REVIEWER; SUBMIT, PASS, CLOSE_SUBMISSIONS,
    // START_REVIEW, 2 × SUBMIT_REVIEW, COMPLETE, APPROVE, CONCLUDE_DECISIONS, the signed list's upload, PUBLISH_LIST
    // and the START inside it.
    await driveTo(world, 'in_progress');
    await driveTo(world, 'submitted'); // CREATE_PROJECT, SUBMIT
    rowCount = (t.db.$client.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n;
    expect(rowCount).toBe(WORLD_ENTRIES + NEW_ROUND_ENTRIES + 15 + 2);
  });

  afterEach(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A second connection to the same file, as an attacker would open it, without the triggers. */
  function tamper(act: (sqlite: Database.Database) => void): void {
    const sqlite = new Database(file);
    try {
      sqlite.exec('DROP TRIGGER transition_log_no_update; DROP TRIGGER transition_log_no_delete;');
      act(sqlite);
    } finally {
      sqlite.close();
    }
  }

  const rows = (sqlite: Database.Database): RawRow[] => sqlite.prepare('SELECT * FROM transition_log ORDER BY seq').all() as RawRow[];

  async function verify() {
    const response = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(response.status).toBe(200);
    return response.body as { valid: boolean; count: number; headSeq?: number; headHash?: string; firstBadSeq?: number; reason?: string };
  }

  it('untampered: valid, with the count and the head hash of the last row', async () => {
    const last = t.db.$client.prepare('SELECT seq, hash FROM transition_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    const result = await verify();
    expect(result).toMatchObject({
      valid: true,
      chainValid: true,
      count: rowCount,
      headSeq: rowCount,
      headHash: last.hash,
      tables: { valid: true, divergenceCount: 0 },
      head: expect.objectContaining({ valid: true, reasons: [], log: { size: rowCount, headHash: last.hash } }),
    });
    expect(last.seq).toBe(rowCount);
  });

  it('the org_dept may verify too, an applicant may not', async () => {
    expect((await call(t.app, world.orgDept.token, { method: 'GET', url: '/api/v1/audit/verify' })).body.valid).toBe(true);
    const applicant = await call(t.app, world.applicant.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(applicant.status).toBe(403);
  });

  it('with the triggers in place, UPDATE and DELETE through SQL fail with "append-only" and change nothing', async () => {
    const sqlite = t.db.$client;
    const before = rows(sqlite);
    expect(() => sqlite.prepare("UPDATE transition_log SET payload = '{}' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare("UPDATE transition_log SET to_state = 'graded'").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare('DELETE FROM transition_log WHERE seq = 3').run()).toThrow(/append-only/);
    expect(() => sqlite.prepare('DELETE FROM transition_log').run()).toThrow(/append-only/);
    // Also through a separate connection to the file.
    const other = new Database(file);
    try {
      expect(() => other.prepare('DELETE FROM transition_log WHERE seq = 8').run()).toThrow(/append-only/);
      expect(() => other.prepare("UPDATE transition_log SET actor_id = 'someone' WHERE seq = 1").run()).toThrow(/append-only/);
    } finally {
      other.close();
    }
    expect(rows(sqlite)).toEqual(before);
    expect((await verify()).valid).toBe(true);
  });

  it("a changed payload: invalid at that row's seq", async () => {
    tamper((sqlite) => {
      sqlite.prepare(`UPDATE transition_log SET payload = '{"comment":"伪造的意见"}' WHERE seq = 3`).run();
    });
    const result = await verify();
    expect(result.valid).toBe(false);
    expect(result.firstBadSeq).toBe(3);
    expect(result.count).toBe(2);
    expect(result.reason).toMatch(/hash/);
  });

  it("a subject moved to another kind: invalid at that row's seq", async () => {
    tamper((sqlite) => {
      sqlite.prepare("UPDATE transition_log SET subject_kind = 'round' WHERE seq = 2").run();
    });
    expect(await verify()).toMatchObject({ valid: false, firstBadSeq: 2, count: 1, reason: 'hash does not match the row content' });
  });

  it("a subject replaced by another id: invalid at that row's seq", async () => {
    tamper((sqlite) => {
      sqlite.prepare('UPDATE transition_log SET subject_id = ? WHERE seq = 5').run(world.roundId);
    });
    expect(await verify()).toMatchObject({ valid: false, firstBadSeq: 5, count: 4, reason: 'hash does not match the row content' });
  });

  it('a changed to_state with nothing recomputed: invalid at that row', async () => {
    tamper((sqlite) => {
      sqlite.prepare("UPDATE transition_log SET to_state = 'rejected' WHERE seq = 6").run();
    });
    const result = await verify();
    expect(result).toMatchObject({ valid: false, firstBadSeq: 6, count: 5 });
    expect(result.reason).toMatch(/hash does not match/);
  });

  it("a changed row whose own hash the attacker recomputed: the break shows at the next row's prev_hash", async () => {
    tamper((sqlite) => {
      const row = rows(sqlite).find((r) => r.seq === 4)!;
      const forged = { ...toEntry(row), actorId: 'forged-actor' };
      const { hash: _old, ...unhashed } = forged;
      sqlite.prepare('UPDATE transition_log SET actor_id = ?, hash = ? WHERE seq = 4').run('forged-actor', entryHash(unhashed));
    });
    const result = await verify();
    expect(result).toMatchObject({ valid: false, firstBadSeq: 5, count: 4 });
    expect(result.reason).toMatch(/prev_hash/);
  });

  it('a changed hash column alone: invalid at that row', async () => {
    tamper((sqlite) => {
      sqlite.prepare(`UPDATE transition_log SET hash = ? WHERE seq = 1`).run('f'.repeat(64));
    });
    expect(await verify()).toMatchObject({ valid: false, firstBadSeq: 1, count: 0 });
  });

  it('a deleted middle row: invalid at the missing seq', async () => {
    tamper((sqlite) => {
      sqlite.prepare('DELETE FROM transition_log WHERE seq = 4').run();
    });
    const result = await verify();
    expect(result).toMatchObject({ valid: false, firstBadSeq: 4, count: 3 });
    expect(result.reason).toMatch(/missing|gap/);
  });

  it('a deleted middle row with the later rows renumbered: still caught at that seq', async () => {
    tamper((sqlite) => {
      sqlite.prepare('DELETE FROM transition_log WHERE seq = 4').run();
      for (let seq = 5; seq <= rowCount; seq += 1) sqlite.prepare('UPDATE transition_log SET seq = ? WHERE seq = ?').run(seq - 1, seq);
    });
    const result = await verify();
    expect(result).toMatchObject({ valid: false, firstBadSeq: 4, count: 3 });
  });

  it('two rows swapped (contents exchanged, seq kept): invalid at the first of them', async () => {
    tamper((sqlite) => {
      const all = rows(sqlite);
      const a = all.find((r) => r.seq === 3)!;
      const b = all.find((r) => r.seq === 5)!;
      const set = sqlite.prepare(`UPDATE transition_log SET ${CONTENT_COLUMNS.map((c) => `${c} = @${c}`).join(', ')} WHERE seq = @seq`);
      set.run({ ...b, seq: 3 });
      set.run({ ...a, seq: 5 });
    });
    const result = await verify();
    expect(result).toMatchObject({ valid: false, firstBadSeq: 3, count: 2 });
    expect(result.reason).toEqual(expect.any(String));
  });

  it('two neighbouring rows swapped: invalid at the first of them', async () => {
    tamper((sqlite) => {
      const all = rows(sqlite);
      const a = all.find((r) => r.seq === 7)!;
      const b = all.find((r) => r.seq === 8)!;
      const set = sqlite.prepare(`UPDATE transition_log SET ${CONTENT_COLUMNS.map((c) => `${c} = @${c}`).join(', ')} WHERE seq = @seq`);
      set.run({ ...b, seq: 7 });
      set.run({ ...a, seq: 8 });
    });
    expect(await verify()).toMatchObject({ valid: false, firstBadSeq: 7, count: 6 });
  });

  it('a forged row appended without the chain: invalid at that row', async () => {
    tamper((sqlite) => {
      const last = rows(sqlite).at(-1)!;
      sqlite
        .prepare(`INSERT INTO transition_log (seq, ${CONTENT_COLUMNS.join(', ')}) VALUES (@seq, ${CONTENT_COLUMNS.map((c) => `@${c}`).join(', ')})`)
        .run({ ...last, seq: last.seq + 1, event: 'GRADE', prev_hash: GENESIS_HASH });
    });
    expect(await verify()).toMatchObject({ valid: false, firstBadSeq: rowCount + 1, count: rowCount });
  });

  it('a truncated tail leaves a valid but shorter chain whose head hash differs from the one published before', async () => {
    // The chain alone cannot see a cut at the end; a head hash kept elsewhere can.
    const published = await verify();
    tamper((sqlite) => {
      sqlite.prepare('DELETE FROM transition_log WHERE seq = ?').run(rowCount);
    });
    const after = await verify();
    expect(after.count).toBe(rowCount - 1);
    expect(after.headHash).not.toBe(published.headHash);
  });
});

describe('verifyChain on in-memory rows', () => {
  function chain(length: number): TransitionLogRow[] {
    const out: TransitionLogRow[] = [];
    let prevHash = GENESIS_HASH;
    for (let seq = 1; seq <= length; seq += 1) {
      const unhashed: UnhashedEntry = {
        seq,
        format: 2,
        subjectKind: 'project',
        subjectId: `p-${seq % 2}`,
        event: seq === 1 ? 'SUBMIT' : 'SUBMIT_PROGRESS_REPORT',
        fromState: seq === 1 ? 'draft' : 'in_progress',
        toState: seq === 1 ? 'submitted' : 'in_progress',
        payload: JSON.stringify({ text: `第${seq}次报告` }),
        actorId: 'u-1',
        actorRole: 'applicant',
        actorUnitId: seq % 3 === 0 ? null : 'unit-1',
        at: new Date(Date.UTC(2023, 2, 1, 0, 0, seq)).toISOString(),
        requestId: `req-${seq}`,
        machineId: 'project',
        machineVersion: 1,
        prevHash,
      };
      const row = { ...unhashed, hash: entryHash(unhashed) };
      out.push(row);
      prevHash = row.hash;
    }
    return out;
  }

  it('an empty log is valid with the genesis hash as head', () => {
    expect(verifyChain([])).toEqual({ valid: true, count: 0, headSeq: 0, headHash: GENESIS_HASH });
  });

  it('an intact chain is valid; the head is the last hash', () => {
    const rows = chain(6);
    expect(verifyChain(rows)).toEqual({ valid: true, count: 6, headSeq: 6, headHash: rows[5]!.hash });
  });

  it('accepts any iterable, e.g. a generator', () => {
    const rows = chain(3);
    function* gen() {
      yield* rows;
    }
    expect(verifyChain(gen())).toMatchObject({ valid: true, count: 3 });
  });

  it('the hash covers every field but itself', () => {
    const base = chain(1)[0]!;
    const { hash: _h, ...unhashed } = base;
    const variants: Array<Partial<UnhashedEntry>> = [
      { subjectKind: 'round' },
      { subjectId: 'other' },
      { format: 1, subjectKind: 'project', machineId: 'project' }, // the same fields in the old layout
      { event: 'WITHDRAW' },
      { fromState: 'submitted' },
      { toState: 'withdrawn' },
      { payload: '{}' },
      { actorId: 'u-2' },
      { actorRole: 'org_dept' },
      { actorUnitId: null },
      { at: '2023-03-01T00:00:02.000Z' },
      { requestId: 'req-x' },
      { machineId: 'other-machine' },
      { machineVersion: 2 },
      { prevHash: 'a'.repeat(64) },
      { seq: 2 },
    ];
    for (const change of variants) expect(entryHash({ ...unhashed, ...change })).not.toBe(base.hash);
  });

  it('a changed field: first bad seq is that row', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, payload: '{"text":"篡改"}' };
    expect(verifyChain(rows)).toEqual({ valid: false, count: 2, firstBadSeq: 3, reason: 'hash does not match the row content' });
  });

  it('a row re-hashed after a change: first bad seq is the next row', () => {
    const rows = chain(5);
    const { hash: _h, ...unhashed } = { ...rows[1]!, toState: 'graded' };
    rows[1] = { ...unhashed, hash: entryHash(unhashed) };
    expect(verifyChain(rows)).toMatchObject({ valid: false, count: 2, firstBadSeq: 3 });
  });

  it('a missing row: first bad seq is the missing one', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    const result = verifyChain(rows);
    expect(result).toMatchObject({ valid: false, count: 1, firstBadSeq: 2 });
    expect(result.valid === false && result.reason).toMatch(/missing/);
  });

  it('rows out of order: first bad seq is where the order breaks', () => {
    const rows = chain(5);
    [rows[2], rows[3]] = [rows[3]!, rows[2]!];
    expect(verifyChain(rows)).toMatchObject({ valid: false, count: 2, firstBadSeq: 3 });
  });

  it('a swap of contents that keeps the seqs: first bad seq is the first swapped row', () => {
    const rows = chain(5);
    const a = rows[1]!;
    const b = rows[3]!;
    rows[1] = { ...b, seq: 2 };
    rows[3] = { ...a, seq: 4 };
    expect(verifyChain(rows)).toMatchObject({ valid: false, count: 1, firstBadSeq: 2 });
  });

  it('a chain that does not start at seq 1 or at the genesis hash is invalid', () => {
    const rows = chain(3);
    expect(verifyChain(rows.slice(1))).toMatchObject({ valid: false, count: 0, firstBadSeq: 1 });
    const { hash: _h, ...unhashed } = { ...rows[0]!, prevHash: 'b'.repeat(64) };
    expect(verifyChain([{ ...unhashed, hash: entryHash(unhashed) }, ...rows.slice(1)])).toMatchObject({
      valid: false,
      count: 0,
      firstBadSeq: 1,
      reason: 'prev_hash does not match the hash of the previous row',
    });
  });

  it('a duplicated row: caught at the duplicate', () => {
    const rows = chain(3);
    expect(verifyChain([rows[0]!, rows[1]!, rows[1]!, rows[2]!])).toMatchObject({ valid: false, count: 2, firstBadSeq: 3 });
  });
});
