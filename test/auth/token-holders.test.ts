/**
 * On SQLite the service keeps the holders of the tokens it has seen (src/users/users.repository.ts).
 * What a person notices must not change: a user deactivated, or a token replaced, by another
 * connection to the same file (the command line while the service runs) is refused at the next
 * request, and so is one deactivated or rotated through the API.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { migrateDatabase, openDatabase, type Db } from '../../src/db/client.js';
import { ADMIN_TOKEN, call } from '../helpers/app.js';
import { onPostgres } from '../helpers/postgres.js';

describe.skipIf(onPostgres)('token holders kept on SQLite', () => {
  let dir: string;
  let file: string;
  let db: Db;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-holders-test-'));
    file = path.join(dir, 'lixiang.db');
    db = openDatabase(file);
    migrateDatabase(db);
    app = await buildApp({ db, adminToken: ADMIN_TOKEN, signingKeyPath: path.join(dir, 'signing-key.pem'), logger: false });
  });

  afterAll(async () => {
    await app.close();
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function newUser(name: string): Promise<{ id: string; token: string }> {
    const created = await call(app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/users', payload: { name, role: 'org_dept' } });
    expect(created.status).toBe(201);
    return { id: created.body.user.id, token: created.body.token };
  }

  const me = (token: string) => call(app, token, { method: 'GET', url: '/api/v1/users/me' });

  /** What the command line does: its own connection to the same file. */
  function elsewhere(sql: string, ...params: unknown[]): void {
    const other = new Database(file);
    try {
      other.prepare(sql).run(...params);
    } finally {
      other.close();
    }
  }

  it('refuses at the next request a user another connection deactivated', async () => {
    const user = await newUser('组织部 甲');
    expect((await me(user.token)).status).toBe(200);
    expect((await me(user.token)).status).toBe(200);
    elsewhere('UPDATE users SET active = 0 WHERE id = ?', user.id);
    const refused = await me(user.token);
    expect(refused.status).toBe(401);
    expect(refused.body.type).toBe('urn:lixiang:problem:unauthenticated');
  });

  it('refuses at the next request a token another connection replaced', async () => {
    const user = await newUser('组织部 乙');
    expect((await me(user.token)).status).toBe(200);
    elsewhere('UPDATE users SET token_hash = ? WHERE id = ?', 'f'.repeat(64), user.id);
    expect((await me(user.token)).status).toBe(401);
  });

  it('refuses at the next request a user deactivated, or a token rotated, through the API', async () => {
    const deactivated = await newUser('组织部 丙');
    expect((await me(deactivated.token)).status).toBe(200);
    const done = await call(app, ADMIN_TOKEN, { method: 'POST', url: `/api/v1/users/${deactivated.id}/deactivate`, payload: { reason: '调离' } });
    expect(done.status).toBe(200);
    expect((await me(deactivated.token)).status).toBe(401);

    const rotating = await newUser('组织部 丁');
    expect((await me(rotating.token)).status).toBe(200);
    const rotated = await call(app, rotating.token, { method: 'POST', url: '/api/v1/users/me/token' });
    expect(rotated.status).toBe(201);
    expect((await me(rotating.token)).status).toBe(401);
    expect((await me(rotated.body.token)).status).toBe(200);
  });
});
