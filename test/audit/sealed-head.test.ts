/**
 * The sealed head, the witness and the start-up check, tried as someone holding the database file
 * (but not the key, nor the witness kept beside it) would try them: each tamper kind makes the next
 * start refuse the head (reads only, 503 on writes, /healthz saying why) and the online
 * verification say invalid; after `lixiang audit acknowledge` the service writes again, and the
 * acknowledgement is a log entry.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands.js';
import { loadConfig } from '../../src/config.js';
import { readSeal, currentValues, sealValid } from '../../src/audit/seal.js';
import { loadSigningKey, logIdentity } from '../../src/audit/checkpoints.js';
import { Witness } from '../../src/audit/witness.js';
import { entryHash } from '../../src/workflow/hash-chain.js';
import { call, createTestApp, keyFiles, type TestApp } from '../helpers/app.js';
import { createDraft, createWorld, driveTo, fireOk, type World } from '../helpers/world.js';
import { minimalPdf, uploadFile } from '../helpers/files.js';
import { asEntry, INSERT_ENTRY, type RawLogRow } from '../helpers/raw-log.js';
import { STATES } from '../../machines/project.types.js';

let dir: string;
let file: string;
let t: TestApp | null = null;
let world: World;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-sealed-'));
  file = path.join(dir, 'lixiang.db');
  t = await createTestApp({ path: file });
  world = await createWorld(t.app);
  await driveTo(world, 'in_progress');
  await sign();
  await driveTo(world, 'submitted');
  await sign();
});

afterEach(async () => {
  await t?.close();
  t = null;
  vi.unstubAllEnvs();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function sign() {
  const signed = await call(t!.app, world.auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints' });
  expect(signed.status).toBe(201);
  return signed.body as { id: number; size: number };
}

async function restart() {
  await t?.close();
  t = await createTestApp({ path: file, headRecheckMs: 20 });
  world = { ...world, app: t.app };
}

/** A second connection to the file, as an attacker opens it: the append-only triggers dropped. */
function tamper(act: (sqlite: Database.Database) => void): void {
  const sqlite = new Database(file);
  try {
    sqlite.exec('DROP TRIGGER IF EXISTS transition_log_no_update; DROP TRIGGER IF EXISTS transition_log_no_delete;');
    act(sqlite);
  } finally {
    sqlite.close();
  }
}

const unitBody = { name: '舞蹈学院党总支', type: 'general_branch' };

/** The service refuses the head: reads only, 503 problem on writes, /healthz and the verification say why. */
async function expectRefused(reason: RegExp) {
  const health = await call(t!.app, null, { method: 'GET', url: '/healthz' });
  expect(health.status).toBe(503);
  expect(health.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(health.body).toMatchObject({ type: 'urn:lixiang:problem:head-refused', status: 503 });
  expect((health.body as { reasons: string[] }).reasons.join('\n')).toMatch(reason);

  const write = await call(t!.app, world.admin.token, { method: 'POST', url: '/api/v1/units', payload: unitBody });
  expect(write.status).toBe(503);
  expect(write.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(write.body).toMatchObject({ type: 'urn:lixiang:problem:head-refused', title: '日志头未通过核验，服务只读', status: 503 });
  expect(write.body.detail).toMatch(reason);
  // A project event is refused alike, and nothing is appended.
  const entries = count('transition_log');
  const read = await call(t!.app, world.orgDept.token, { method: 'GET', url: '/api/v1/units' });
  expect(read.status).toBe(200);
  expect(count('transition_log')).toBe(entries);

  const verdict = await call(t!.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
  expect(verdict.status).toBe(200);
  expect(verdict.body.valid).toBe(false);
  expect(verdict.body.head.valid).toBe(false);
  expect(verdict.body.head.reasons.join('\n')).toMatch(reason);
  // Signing the refused head is a write too.
  expect((await call(t!.app, world.auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints' })).status).toBe(503);
}

const count = (table: string) => (t!.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** `lixiang audit acknowledge --reason ...` on the file, in process as src/cli/main.ts runs it. */
async function acknowledge(reason: string): Promise<number> {
  const { signingKeyPath, witnessPath } = keyFiles(file);
  vi.stubEnv('DATABASE_URL', file);
  vi.stubEnv('LIXIANG_SIGNING_KEY_PATH', signingKeyPath);
  vi.stubEnv('LIXIANG_WITNESS_PATH', witnessPath);
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return await run(['audit', 'acknowledge', '--reason', reason]);
  } finally {
    write.mockRestore();
    vi.unstubAllEnvs();
  }
}

/** After the acknowledgement, the running service resumes writes, and the acknowledgement is an entry. */
async function expectAcknowledged(reason: string) {
  expect(await acknowledge(reason)).toBe(0);
  await vi.waitFor(async () => expect((await call(t!.app, null, { method: 'GET', url: '/healthz' })).status).toBe(200), { timeout: 5000, interval: 20 });
  const created = await call(t!.app, world.admin.token, { method: 'POST', url: '/api/v1/units', payload: unitBody });
  expect(created.status).toBe(201);
  const logged = await call(t!.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/transitions?subjectKind=log&subjectId=head' });
  expect(logged.body.items).toEqual([
    expect.objectContaining({
      event: 'ACKNOWLEDGE_HEAD',
      fromState: 'refused',
      toState: 'acknowledged',
      machine: { id: 'record', version: 1 },
      payload: expect.objectContaining({ reason, findings: expect.arrayContaining([expect.any(String)]), found: expect.any(Object), expected: expect.any(Object) }),
    }),
  ]);
  const verdict = await call(t!.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
  expect(verdict.body.head).toMatchObject({ valid: true, reasons: [] });
  expect(verdict.body.chainValid).toBe(true);
  // The acknowledgement accepts the head, not the tables: rows the lost or altered entries made still diverge from the log.
  expect(verdict.body.valid).toBe(verdict.body.tables.valid);
  return verdict.body.head as { superseded: Array<{ id: number; acknowledgedBy: number }> };
}

describe('the sealed head', () => {
  it('states the real head after every commit; the key lies outside the database, the witness holds every checkpoint', async () => {
    const sqlite = t!.db.$client;
    const key = loadSigningKey(keyFiles(file).signingKeyPath, logIdentity('default').keyName);
    const seal = readSeal(sqlite)!;
    expect(sealValid(seal, key, logIdentity('default').origin)).toBe(true);
    expect({ size: seal.size, headHash: seal.headHash, checkpointId: seal.checkpointId }).toEqual(currentValues(sqlite));
    const witness = fs.readFileSync(keyFiles(file).witnessPath, 'utf8').trim().split('\n');
    expect(witness.map((line) => (JSON.parse(line) as { id: number }).id)).toEqual([1, 2]);
    await restart();
    expect((await call(t!.app, null, { method: 'GET', url: '/healthz' })).body).toEqual({ status: 'ok' });
  });

  it('truncation: refused, invalid, until acknowledged', async () => {
    await t!.close();
    t = null;
    tamper((sqlite) => sqlite.prepare('DELETE FROM transition_log WHERE seq > (SELECT max(seq) - 3 FROM transition_log)').run());
    await restart();
    await expectRefused(/entries were removed/);
    const head = await expectAcknowledged('备份恢复后截断的三条记录已核实 / the three truncated entries were checked');
    // The rows those three entries wrote are still in the tables: named, until corrected on the record.
    const verdict = await call(t!.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verdict.body).toMatchObject({ valid: false, tables: { valid: false } });
    expect(verdict.body.tables.divergenceCount).toBeGreaterThan(0);
    // Both checkpoints covered the lost entries: superseded, in the table and in the witness.
    expect(new Set(head.superseded.map((s) => s.id))).toEqual(new Set([1, 2]));
  });

  it('whole-file rollback: the copy restored, its own seal valid, the witness remembers', async () => {
    await t!.close();
    t = null;
    fs.copyFileSync(file, path.join(dir, 'copy.db'));
    await restart();
    await fireOk(world, (await driveTo(world, 'submitted')).id, 'PASS_PRELIMINARY_CHECK');
    await sign();
    await t!.close();
    t = null;
    fs.copyFileSync(path.join(dir, 'copy.db'), file);
    await restart();
    await expectRefused(/the witness's checkpoint 3 covers \d+ entries but the log has \d+: the log was cut or rolled back/);
    await expectAcknowledged('rolled back to the backup of the morning');
  });

  it('a re-hash after an edit, with the broken checkpoints deleted', async () => {
    await t!.close();
    t = null;
    tamper((sqlite) => {
      const rows = sqlite.prepare('SELECT * FROM transition_log ORDER BY seq').all() as RawLogRow[];
      let prev = rows[2]!.prev_hash;
      const update = sqlite.prepare('UPDATE transition_log SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?');
      for (const row of rows.slice(2)) {
        const entry = { ...asEntry(row), prevHash: prev, payload: row.seq === 3 ? JSON.stringify({ forged: true }) : (row.payload as string) };
        const hash = entryHash(entry);
        update.run(entry.payload, prev, hash, row.seq);
        prev = hash;
      }
      sqlite.prepare('DELETE FROM checkpoints').run();
      sqlite.prepare("DELETE FROM sqlite_sequence WHERE name = 'checkpoints'").run();
    });
    await restart();
    await expectRefused(/the head entry was rewritten|the seal says/);
    expect(count('checkpoints')).toBe(0);
    await expectAcknowledged('an edit found and recorded');
  });

  it('a forged tail, hashes correct and the project row updated', async () => {
    await t!.close();
    t = null;
    tamper((sqlite) => {
      const last = sqlite.prepare('SELECT * FROM transition_log ORDER BY seq DESC LIMIT 1').get() as RawLogRow;
      const entry = { ...asEntry(last), seq: last.seq + 1, prevHash: last.hash, event: 'WITHDRAW', fromState: 'submitted', toState: 'withdrawn', payload: '{}' };
      sqlite.prepare(INSERT_ENTRY).run({ ...entry, hash: entryHash(entry) });
      sqlite.prepare("UPDATE projects SET state = 'withdrawn', version = version + 1 WHERE id = ?").run(entry.subjectId);
    });
    await restart();
    await expectRefused(/entries were appended without the key/);
    await expectAcknowledged('the forged withdrawal was investigated');
  });

  it('deleted checkpoint rows: a gap, and the latest missing', async () => {
    await t!.close();
    t = null;
    tamper((sqlite) => sqlite.prepare('DELETE FROM checkpoints WHERE id IN (1, 2)').run());
    await restart();
    await expectRefused(/the latest checkpoint is 0 but the seal says 2/);
    const head = await expectAcknowledged('checkpoint rows deleted by a cleanup script');
    expect(head.superseded).toEqual(expect.arrayContaining([expect.objectContaining({ id: 1, size: null }), expect.objectContaining({ id: 2, size: null })]));
  });

  it('a forged seal: a MAC made without the key', async () => {
    await t!.close();
    t = null;
    tamper((sqlite) => {
      const seal = sqlite.prepare('SELECT * FROM sealed_head').get() as { size: number; head_hash: string; checkpoint_id: number };
      const mac = createHmac('sha256', 'a guessed key')
        .update(`lixiang sealed head v1\nlixiang/default/transition-log\n${seal.size}\n${seal.head_hash}\n${seal.checkpoint_id}\n`)
        .digest('hex');
      sqlite.prepare('UPDATE sealed_head SET mac = ?').run(mac);
    });
    await restart();
    await expectRefused(/does not verify under this service’s key/);
    await expectAcknowledged('the seal was overwritten during a disk repair');
  });

  it('a removed seal with a witness that remembers checkpoints is refused; a database from before the seal is sealed at first start', async () => {
    await t!.close();
    t = null;
    tamper((sqlite) => sqlite.prepare('DELETE FROM sealed_head').run());
    await restart();
    await expectRefused(/no sealed head, but the witness holds checkpoints/);
    await t!.close();
    t = null;
    // Without the witness (an install from before it): sealed now, writes served.
    fs.rmSync(keyFiles(file).witnessPath);
    await restart();
    expect((await call(t!.app, null, { method: 'GET', url: '/healthz' })).status).toBe(200);
    expect(readSeal(t!.db.$client)).toMatchObject(currentValues(t!.db.$client));
    expect((await call(t!.app, world.admin.token, { method: 'POST', url: '/api/v1/units', payload: unitBody })).status).toBe(201);
  });

  it('acknowledge with nothing refused writes nothing; without a reason it is a usage error', async () => {
    await t!.close();
    t = null;
    const entries = () => {
      const sqlite = new Database(file, { readonly: true });
      try {
        return (sqlite.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n;
      } finally {
        sqlite.close();
      }
    };
    const before = entries();
    expect(await acknowledge('nothing wrong')).toBe(0);
    await expect(run(['audit', 'acknowledge'])).rejects.toThrow(/--reason TEXT is required/);
    expect(entries()).toBe(before);
    await restart();
    expect((await call(t!.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/transitions?subjectKind=log' })).body.items).toEqual([]);
  });
});

describe('every kind of write leaves the head sealed', () => {
  it('after each write of the journeys (units, users, rounds, drafts, edits, uploads, every project event, reviewers, checkpoints) and the command line', async () => {
    await t!.close();
    t = await createTestApp({ path: file });
    const sqlite = t.db.$client;
    const identity = logIdentity('default');
    const key = loadSigningKey(keyFiles(file).signingKeyPath, identity.keyName);
    let writes = 0;
    const expectSealed = (what: string) => {
      const seal = readSeal(sqlite);
      expect(seal, what).not.toBeNull();
      expect(sealValid(seal!, key, identity.origin), what).toBe(true);
      expect({ size: seal!.size, headHash: seal!.headHash, checkpointId: seal!.checkpointId }, what).toEqual(currentValues(sqlite));
    };
    // Every answered write, whatever helper made it, is followed by the check.
    const inject = t.app.inject.bind(t.app) as (options: InjectOptions) => Promise<LightMyRequestResponse>;
    const spied = vi.spyOn(t.app, 'inject').mockImplementation((async (options: InjectOptions) => {
      const response = await inject(options);
      const method = String(options.method ?? 'GET');
      if (method !== 'GET') {
        writes += 1;
        expectSealed(`${method} ${typeof options.url === 'string' ? options.url : '(url)'} → ${response.statusCode}`);
      }
      return response;
    }) as never);
    try {
      // The database holds the first world's round: a document number is unique per year.
      world = await createWorld(t.app, { documentNumber: '办字〔2023〕9号' });
      for (const state of STATES) await driveTo(world, state);
      const draft = await createDraft(world);
      const edited = await call(t.app, world.applicant.token, {
        method: 'PATCH',
        url: `/api/v1/projects/${draft.id}`,
        headers: { 'if-match': `"${draft.version}"` },
        payload: { title: '改过的题目' },
      });
      expect(edited.status).toBe(200);
      expect((await uploadFile(t.app, world.applicant.token, draft.id, 'signed_letter', minimalPdf())).status).toBe(201);
      await sign();
      // Refused writes leave the seal as it was (a reviewer does not see a draft).
      expect((await call(t.app, world.reviewers[0]!.token, { method: 'POST', url: `/api/v1/projects/${draft.id}/events`, payload: { type: 'SUBMIT' } })).status).toBe(404);
    } finally {
      spied.mockRestore();
    }
    expect(writes).toBeGreaterThan(40);
    await t.close();
    t = null;
    // The command line seals what it writes, with the same key.
    vi.stubEnv('DATABASE_URL', file);
    vi.stubEnv('LIXIANG_SIGNING_KEY_PATH', keyFiles(file).signingKeyPath);
    vi.stubEnv('LIXIANG_WITNESS_PATH', keyFiles(file).witnessPath);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await run(['users', 'create', '--name', '审计', '--role', 'auditor'])).toBe(0);
      expect(await run(['audit', 'checkpoint'])).toBe(0);
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }
    await restart();
    const after = readSeal(t!.db.$client)!;
    expect(sealValid(after, loadSigningKey(keyFiles(file).signingKeyPath, logIdentity('default').keyName), logIdentity('default').origin)).toBe(true);
    expect({ size: after.size, headHash: after.headHash, checkpointId: after.checkpointId }).toEqual(currentValues(t!.db.$client));
    expect((await call(t!.app, null, { method: 'GET', url: '/healthz' })).status).toBe(200);
  });
});

describe('the witness file', () => {
  it('appends one line per checkpoint; a torn last line (a crash mid-append) is no record; another bad line is named', () => {
    const witness = new Witness(path.join(dir, 'volume', 'witness.log'));
    expect(witness.last()).toBeNull();
    expect(witness.readAll()).toEqual({ records: [], problems: [] });
    const record = (id: number) => ({ id, size: id * 10, headHash: String(id).repeat(64).slice(0, 64), note: `note ${id}\n` });
    witness.append(record(1));
    witness.append(record(2));
    expect(witness.readAll().records).toEqual([record(1), record(2)]);
    fs.appendFileSync(witness.file, '{"id":3,"size":30,"hea');
    expect(witness.last()).toEqual(record(2));
    expect(witness.readAll()).toEqual({ records: [record(1), record(2)], problems: [] });
    fs.appendFileSync(witness.file, '\n');
    witness.append(record(4));
    expect(witness.last()).toEqual(record(4));
    expect(witness.readAll().problems).toEqual([`${witness.file} line 3: not a witness record`]);
    expect(fs.statSync(witness.file).mode & 0o777).toBe(0o600);
  });
});

describe('the key and witness locations', () => {
  it('default outside the database directory; a key beside the database is used with a warning; LIXIANG_WITNESS_PATH=off', () => {
    const base = { DATABASE_URL: path.join(dir, 'db', 'lixiang.db'), XDG_CONFIG_HOME: path.join(dir, 'config') };
    const home = path.join(dir, 'config', 'lixiang', 'default');
    expect(loadConfig(base)).toMatchObject({ signingKeyPath: path.join(home, 'signing-key.pem'), witnessPath: path.join(home, 'witness.log'), signingKeyWarning: null });
    expect(loadConfig({ DATABASE_URL: base.DATABASE_URL, HOME: path.join(dir, 'home') }).signingKeyPath).toBe(
      path.join(dir, 'home', '.config', 'lixiang', 'default', 'signing-key.pem'),
    );
    expect(loadConfig({ ...base, LIXIANG_INSTANCE: 'sycm' }).signingKeyPath).toBe(path.join(dir, 'config', 'lixiang', 'sycm', 'signing-key.pem'));
    expect(loadConfig({ ...base, LIXIANG_WITNESS_PATH: 'off' }).witnessPath).toBeNull();
    expect(loadConfig({ ...base, LIXIANG_SIGNING_KEY_PATH: path.join(dir, 'vol', 'k.pem') }).witnessPath).toBe(path.join(dir, 'vol', 'witness.log'));
    expect(loadConfig({ DATABASE_URL: ':memory:', XDG_CONFIG_HOME: base.XDG_CONFIG_HOME })).toMatchObject({ signingKeyPath: null, witnessPath: null });

    // An older install: the key beside the database is used, and every start says how to move it.
    fs.mkdirSync(path.join(dir, 'db'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'db', 'signing-key.pem'), 'old key');
    const legacy = loadConfig(base);
    expect(legacy.signingKeyPath).toBe(path.join(dir, 'db', 'signing-key.pem'));
    expect(legacy.witnessPath).toBe(path.join(home, 'witness.log'));
    expect(legacy.signingKeyWarning).toContain(`mv ${path.join(dir, 'db', 'signing-key.pem')} ${path.join(home, 'signing-key.pem')}`);
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(path.join(home, 'signing-key.pem'), 'moved key');
    expect(loadConfig(base)).toMatchObject({ signingKeyPath: path.join(home, 'signing-key.pem'), signingKeyWarning: expect.stringContaining('remove the copy') });
    expect(() => loadConfig({ ...base, LIXIANG_SEAL: 'maybe' })).toThrow(/LIXIANG_SEAL/);
  });
});
