/**
 * A witness that cannot be written: signing a checkpoint on request is refused with a 503 problem
 * naming the witness, and no checkpoint is written anywhere; once the witness is writable again,
 * signing goes on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, keyFiles, type TestApp } from '../helpers/app.js';
import { createUser, type User } from '../helpers/world.js';

let dir: string;
let t: TestApp;
let auditor: User;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-witness-'));
  t = await createTestApp({ path: path.join(dir, 'lixiang.db') });
  auditor = await createUser(t.app, '韩静', 'auditor');
});

afterAll(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const checkpoints = (): number => (t.db.$client.prepare('SELECT count(*) AS n FROM checkpoints').get() as { n: number }).n;
const sign = () => call(t.app, auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints' });

describe('a witness that cannot be written', () => {
  it('refuses to sign (503 witness-unavailable, naming the file) and writes no checkpoint; signs again once it can', async () => {
    const { witnessPath } = keyFiles(path.join(dir, 'lixiang.db'));
    expect((await sign()).status).toBe(201);
    const kept = fs.readFileSync(witnessPath, 'utf8');
    const before = checkpoints();

    // The witness's path is taken by a directory (a botched restore, a wrong mount).
    fs.rmSync(witnessPath);
    fs.mkdirSync(witnessPath);
    const refused = await sign();
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ type: 'urn:lixiang:problem:witness-unavailable', status: 503 });
    expect(refused.body.detail).toContain(witnessPath);
    expect(checkpoints()).toBe(before);

    fs.rmdirSync(witnessPath);
    fs.writeFileSync(witnessPath, kept, { mode: 0o600 });
    const signed = await sign();
    expect(signed.status).toBe(201);
    expect(checkpoints()).toBe(before + 1);
    expect(fs.readFileSync(witnessPath, 'utf8').trim().split('\n')).toHaveLength(kept.trim().split('\n').length + 1);
  });
});
