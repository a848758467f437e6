/**
 * Signed checkpoints: the note's format (C2SP tlog-checkpoint / signed-note), its signature under
 * the served public key, who may sign and read, the key file, and the periodic signer.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckpointsService, loadSigningKey, logIdentity, parseCheckpoint, scheduleCheckpoints } from '../../src/audit/checkpoints.js';
import { machineDefinitions } from '../../src/machines/definitions.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { FakeClock, call, createTestApp, type TestApp } from '../helpers/app.js';
import { createWorld, driveTo, fireOk, type World } from '../helpers/world.js';

const sign = (world: World, token = world.auditor.token) => call(world.app, token, { method: 'POST', url: '/api/v1/audit/checkpoints' });
const latest = (world: World, token = world.auditor.token) => call(world.app, token, { method: 'GET', url: '/api/v1/audit/checkpoints/latest' });
const head = (t: TestApp) => t.db.$client.prepare('SELECT seq, hash FROM transition_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };

describe('checkpoints over HTTP', () => {
  let t: TestApp;
  let world: World;

  beforeEach(async () => {
    t = await createTestApp();
    world = await createWorld(t.app);
    await driveTo(world, 'preliminarily_checked'); // CREATE_PROJECT, SUBMIT, PASS_PRELIMINARY_CHECK
  });
  afterEach(async () => t.close());

  it('signs the head as a C2SP-style note whose signature verifies under the served public key', async () => {
    const signed = await sign(world);
    expect(signed.status).toBe(201);
    const { seq, hash } = head(t);
    expect(signed.body).toMatchObject({ id: 1, size: seq, headHash: hash, createdAt: '2023-03-01T02:00:00.000Z' });

    const note: string = signed.body.note;
    const [body, signatureLine] = note.split('\n\n');
    // Every definition the build ships, both editions, each with the hash of its description.
    const definitions = machineDefinitions();
    expect(definitions.map((d) => `${d.id}@${d.version}`)).toEqual(['project@1', 'project@2', 'round@1', 'round@2']);
    expect(body!.split('\n')).toEqual([
      'lixiang/default/transition-log',
      String(seq),
      Buffer.from(hash, 'hex').toString('base64'),
      ...definitions.map((d) => `machine ${d.id}@${d.version} sha256:${d.sha256}`),
    ]);
    expect(signatureLine).toMatch(/^\u2014 lixiang\/default [A-Za-z0-9+/]+=*\n$/);

    const key = await call(world.app, world.applicant.token, { method: 'GET', url: '/api/v1/audit/public-key' });
    expect(key.status).toBe(200);
    expect(key.headers['content-type']).toMatch(/^application\/x-pem-file/);
    const publicKey = createPublicKey(key.body as string);
    expect(publicKey.asymmetricKeyType).toBe('ed25519');

    // signed-note: base64(key id ‖ signature), key id = SHA-256(name ‖ "\n" ‖ 0x01 ‖ raw key)[:4]
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const keyId = createHash('sha256')
      .update(Buffer.concat([Buffer.from('lixiang/default\n'), Buffer.from([1]), raw]))
      .digest()
      .subarray(0, 4);
    const blob = Buffer.from(signatureLine!.trim().split(' ')[2]!, 'base64');
    expect(blob.subarray(0, 4)).toEqual(keyId);
    expect(signed.body.keyId).toBe(keyId.toString('hex'));
    expect(verify(null, Buffer.from(`${body}\n`), publicKey, blob.subarray(4))).toBe(true);
    expect(verify(null, Buffer.from(`${body}\n`.replace(String(seq), String(seq + 1))), publicKey, blob.subarray(4))).toBe(false);
    expect(key.headers['note-verifier-key']).toBe(`lixiang/default+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([1]), raw]).toString('base64')}`);

    const served = await latest(world);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(served.body).toBe(note);
  });

  it('signs the empty log as size 0 with the genesis hash', () => {
    // Through the service: over HTTP there is no empty log, since the first user is its first entry.
    const db = openDatabase(':memory:');
    try {
      migrateDatabase(db);
      const signed = new CheckpointsService(db, new FakeClock(), loadSigningKey(null, 'lixiang/default'), 'lixiang/default/transition-log').sign();
      expect(signed).toMatchObject({ size: 0, headHash: '0'.repeat(64) });
      expect(parseCheckpoint(signed.note)).toMatchObject({ size: 0, headHash: '0'.repeat(64) });
    } finally {
      db.$client.close();
    }
  });

  it('lists checkpoints oldest first with a cursor; latest is 404 before the first', async () => {
    expect((await latest(world)).status).toBe(404);
    await sign(world);
    await fireOk(world, (await driveTo(world, 'draft')).id, 'SUBMIT');
    await sign(world, world.orgDept.token);
    await sign(world);
    const first = await call(world.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/checkpoints?limit=2' });
    expect(first.status).toBe(200);
    expect(first.body.items.map((c: { id: number }) => c.id)).toEqual([1, 2]);
    expect(first.body.items[1].size).toBe(first.body.items[0].size + 2); // CREATE_PROJECT, SUBMIT
    const second = await call(world.app, world.orgDept.token, { method: 'GET', url: `/api/v1/audit/checkpoints?limit=2&cursor=${first.body.nextCursor}` });
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: 3 })], nextCursor: null });
    expect((await latest(world)).body).toBe(second.body.items[0].note);
  });

  it('only auditors and org_dept sign and read checkpoints; every authenticated user reads the public key', async () => {
    for (const user of [world.applicant, world.committee, world.reviewers[0]!, world.admin]) {
      expect((await sign(world, user.token)).status).toBe(403);
      expect((await latest(world, user.token)).status).toBe(403);
      expect((await call(world.app, user.token, { method: 'GET', url: '/api/v1/audit/checkpoints' })).status).toBe(403);
      expect((await call(world.app, user.token, { method: 'GET', url: '/api/v1/audit/public-key' })).status).toBe(200);
    }
    expect((await call(world.app, null, { method: 'GET', url: '/api/v1/audit/public-key' })).status).toBe(401);
    expect((await call(world.app, null, { method: 'POST', url: '/api/v1/audit/checkpoints' })).status).toBe(401);
  });

  it('checks a kept note against the log now: consistent while the log grows, not when altered', async () => {
    const kept: string = (await sign(world)).body.note;
    const size = head(t).seq;
    await fireOk(world, (await driveTo(world, 'draft')).id, 'SUBMIT'); // CREATE_PROJECT, SUBMIT
    const check = (note: string) => call(world.app, world.auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints/verify', payload: { note } });

    const ok = await check(kept);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ consistent: true, size, reasons: [], head: { size: size + 2, hash: head(t).hash } });

    const lines = kept.split('\n');
    lines[1] = String(size + 1);
    const bumped = await check(lines.join('\n'));
    expect(bumped.body.consistent).toBe(false);
    expect(bumped.body.reasons.join(' ')).toMatch(/not signed by this service's key/);
    expect(bumped.body.reasons.join(' ')).toContain(`entry ${size + 1} has hash`);

    const other = loadSigningKey(null, 'lixiang/default');
    const foreign = new CheckpointsService(t.db, t.clock, other, 'lixiang/default/transition-log').sign().note;
    expect((await check(foreign)).body.reasons).toEqual([expect.stringMatching(/not signed by this service's key/)]);
    expect((await check('not a note')).body).toMatchObject({ consistent: false, size: null });
  });
});

describe('the signing key', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-key-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is created at first start with mode 0600 and reused after', async () => {
    const file = path.join(dir, 'keys', 'signing-key.pem');
    const publicKeys: string[] = [];
    for (let run = 0; run < 2; run += 1) {
      const db = openDatabase(':memory:');
      migrateDatabase(db);
      const app = await buildApp({ db, signingKeyPath: file, instance: 'conservatory' });
      const auditor = await call(app, null, { method: 'GET', url: '/api/v1/audit/public-key' });
      expect(auditor.status).toBe(401);
      publicKeys.push(loadSigningKey(file, 'lixiang/conservatory').publicKeyPem);
      await app.close();
      db.$client.close();
    }
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(publicKeys[0]).toBe(publicKeys[1]);
  });

  it('without a path, a fresh key per start', () => {
    expect(loadSigningKey(null, 'x').publicKeyPem).not.toBe(loadSigningKey(null, 'x').publicKeyPem);
  });

  it('config: outside the database directory by default, in memory for :memory:, LIXIANG_SIGNING_KEY_PATH wins', () => {
    expect(loadConfig({ DATABASE_URL: path.join(dir, 'db', 'lixiang.db'), XDG_CONFIG_HOME: path.join(dir, 'config') }).signingKeyPath).toBe(
      path.join(dir, 'config', 'lixiang', 'default', 'signing-key.pem'),
    );
    expect(loadConfig({ DATABASE_URL: ':memory:' }).signingKeyPath).toBeNull();
    expect(loadConfig({ DATABASE_URL: ':memory:', LIXIANG_SIGNING_KEY_PATH: 'k.pem' }).signingKeyPath).toBe(path.resolve('k.pem'));
    expect(loadConfig({}).checkpointIntervalMs).toBe(600_000);
    expect(loadConfig({ LIXIANG_CHECKPOINT_INTERVAL_SECONDS: '0' }).checkpointIntervalMs).toBe(0);
    expect(() => loadConfig({ LIXIANG_CHECKPOINT_INTERVAL_SECONDS: 'often' })).toThrow(/INTERVAL/);
    expect(logIdentity(loadConfig({ LIXIANG_INSTANCE: 'sycm' }).instance).origin).toBe('lixiang/sycm/transition-log');
    expect(() => loadConfig({ LIXIANG_INSTANCE: 'a b' })).toThrow(/LIXIANG_INSTANCE/);
  });
});

describe('periodic signing', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('signs at start, then each interval only when the head moved, and once more at stop', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const t = await createTestApp();
    try {
      const world = await createWorld(t.app);
      const service = new CheckpointsService(t.db, t.clock, loadSigningKey(null, 'lixiang/default'), 'lixiang/default/transition-log');
      const count = () => (t.db.$client.prepare('SELECT count(*) AS n FROM checkpoints').get() as { n: number }).n;
      const log = { info: vi.fn(), error: vi.fn() };
      const schedule = scheduleCheckpoints(service, 60_000, log as never);
      expect(count()).toBe(1);
      vi.advanceTimersByTime(60_000);
      expect(count()).toBe(1); // the head did not move
      await driveTo(world, 'submitted');
      vi.advanceTimersByTime(60_000);
      expect(count()).toBe(2);
      vi.advanceTimersByTime(180_000);
      expect(count()).toBe(2);
      await fireOk(world, (await driveTo(world, 'draft')).id, 'SUBMIT');
      schedule.stop();
      expect(count()).toBe(3);
      vi.advanceTimersByTime(600_000);
      expect(count()).toBe(3);
      expect(log.error).not.toHaveBeenCalled();
    } finally {
      await t.close();
    }
  });

  it('buildApp runs the schedule only when asked, and stops it on close', async () => {
    const db = openDatabase(':memory:');
    migrateDatabase(db);
    const clock = new FakeClock();
    const app = await buildApp({ db, clock, checkpointIntervalMs: 3_600_000 });
    const count = () => (db.$client.prepare('SELECT count(*) AS n FROM checkpoints').get() as { n: number }).n;
    expect(count()).toBe(1); // the empty log, signed at start
    await app.close();
    expect(count()).toBe(1); // the head did not move
    db.$client.close();

    const quiet = openDatabase(':memory:');
    migrateDatabase(quiet);
    const plain = await buildApp({ db: quiet, clock });
    await plain.close();
    expect((quiet.$client.prepare('SELECT count(*) AS n FROM checkpoints').get() as { n: number }).n).toBe(0);
    quiet.$client.close();
  });
});
