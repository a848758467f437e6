/**
 * The command line on a real database file: migrate, users create (the token is printed once and
 * works against the API), audit verify (exit code 0 on a sound chain, 1 on a broken one).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, createTestApp } from '../helpers/app.js';
import { createWorld, driveTo } from '../helpers/world.js';

const root = path.resolve(import.meta.dirname, '../..');

function cli(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cli', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-cli-'));
    file = path.join(dir, 'lixiang.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('migrate, users create, audit verify', async () => {
    expect(cli(['migrate'], { DATABASE_URL: file }).code).toBe(0);

    const created = cli(['users', 'create', '--name', '组织部', '--role', 'org_dept'], { DATABASE_URL: file });
    expect(created.code).toBe(0);
    const { token, user } = JSON.parse(created.stdout) as { token: string; user: { role: string } };
    expect(user.role).toBe('org_dept');

    const t = await createTestApp({ path: file });
    try {
      const units = await call(t.app, token, { method: 'GET', url: '/api/v1/units' });
      expect(units.status).toBe(200);
      const world = await createWorld(t.app);
      await driveTo(world, 'in_progress');
    } finally {
      await t.close();
    }

    const sound = cli(['audit', 'verify'], { DATABASE_URL: file });
    expect(sound.code).toBe(0);
    expect(JSON.parse(sound.stdout)).toMatchObject({ valid: true });

    const raw = new Database(file);
    raw.exec('DROP TRIGGER transition_log_no_update');
    raw.prepare("UPDATE transition_log SET to_state = 'graded' WHERE seq = 2").run();
    raw.close();
    const broken = cli(['audit', 'verify'], { DATABASE_URL: file });
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ valid: false, firstBadSeq: 2 });
    // Four CLI processes, each starting tsx: seconds apiece on a busy machine.
  }, 60_000);

  it('refuses bad arguments with a usage message and exit code 2', () => {
    const result = cli(['users', 'create', '--name', 'x', '--role', 'emperor'], { DATABASE_URL: file });
    expect(result.code).toBe(2);
    expect(cli(['frobnicate'], { DATABASE_URL: file }).stderr).toContain('usage:');
  });
});
