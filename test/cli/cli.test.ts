/**
 * The command line on a real database file: migrate, users create (the token is printed once and
 * works against the API), audit verify (exit code 0 on a sound chain, 1 on a broken one); and every
 * failure, expected or not, told in one line on stderr with a non-zero exit code, never a stack
 * unless LOG_LEVEL=debug asks for it.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands.js';
import { reportFailure } from '../../src/cli/failures.js';
import { ConfigError } from '../../src/config.js';
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

/** The same as cli(), without blocking: several commands run at once. */
function cliAsync(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'info', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('cli', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-cli-'));
    file = path.join(dir, 'lixiang.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  /** The key and witness the test app of `file` uses (test/helpers/app.ts keyFiles): the command line must seal with the same key. */
  const keys = () => ({ LIXIANG_SIGNING_KEY_PATH: path.join(dir, 'signing-key.pem'), LIXIANG_WITNESS_PATH: path.join(dir, 'witness.log') });

  it('migrate, users create, audit verify', async () => {
    expect(cli(['migrate'], { DATABASE_URL: file }).code).toBe(0);

    const created = cli(['users', 'create', '--name', '组织部', '--role', 'org_dept'], { DATABASE_URL: file, ...keys() });
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

    const sound = cli(['audit', 'verify'], { DATABASE_URL: file, ...keys() });
    expect(sound.code).toBe(0);
    expect(JSON.parse(sound.stdout)).toMatchObject({ valid: true });

    const raw = new Database(file);
    raw.exec('DROP TRIGGER transition_log_no_update');
    raw.prepare("UPDATE transition_log SET to_state = 'graded' WHERE seq = 2").run();
    raw.close();
    const broken = cli(['audit', 'verify'], { DATABASE_URL: file, ...keys() });
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ valid: false, firstBadSeq: 2 });
    // Four CLI processes, each starting tsx: seconds apiece on a busy machine.
  }, 60_000);

  it('refuses bad arguments with a usage message and exit code 2', () => {
    const result = cli(['users', 'create', '--name', 'x', '--role', 'emperor'], { DATABASE_URL: file });
    expect(result.code).toBe(2);
    expect(cli(['frobnicate'], { DATABASE_URL: file }).stderr).toContain('usage:');
  });

  it('tells every expected failure in one line on stderr, with a non-zero exit code and no stack', async () => {
    fs.writeFileSync(path.join(dir, 'not-a-database.db'), 'these bytes are not SQLite\n');
    fs.mkdirSync(path.join(dir, 'exported'));
    fs.writeFileSync(path.join(dir, 'exported', 'something'), 'x');
    fs.copyFileSync(path.join(dir, 'not-a-database.db'), path.join(dir, 'taken.db'));
    const cases: Array<{ args: string[]; env?: Record<string, string>; code: number; says: RegExp }> = [
      { args: ['frobnicate'], code: 2, says: /^lixiang: unknown command frobnicate; usage: lixiang serve \| migrate/ },
      { args: ['demo', '--frce'], code: 2, says: /^lixiang: demo: Unknown option '--frce'$/ },
      { args: ['users', 'create', '--name', 'x', '--role', 'emperor'], code: 2, says: /^lixiang: users create: --name and --role \(applicant, .*\) are required$/ },
      { args: ['audit', 'export'], code: 2, says: /^lixiang: audit export: --out DIR is required$/ },
      {
        args: ['serve'],
        env: { LIXIANG_ADMIN_TOKEN: 'lx_my-long-secret-token' },
        code: 1,
        says: /^lixiang: invalid configuration: LIXIANG_ADMIN_TOKEN: at least 24 characters \(it has 23\)$/,
      },
      { args: ['migrate'], env: { PORT: 'eighty' }, code: 1, says: /^lixiang: invalid configuration: PORT: not a port number: eighty$/ },
      { args: ['migrate'], env: { DATABASE_URL: '/dev/null/lixiang.db' }, code: 1, says: /^lixiang: cannot create the directory \/dev\/null: / },
      { args: ['audit', 'checkpoint'], env: { LIXIANG_SIGNING_KEY_PATH: dir }, code: 1, says: /^lixiang: cannot read: illegal operation on a directory$/ },
      {
        args: ['migrate'],
        env: { DATABASE_URL: path.join(dir, 'not-a-database.db') },
        code: 1,
        says: /^lixiang: the database .*not-a-database\.db: file is not a database \(SQLITE_NOTADB\)$/,
      },
      { args: ['migrate'], env: { DATABASE_URL: 'postgres://[bad' }, code: 1, says: /^lixiang: invalid configuration: DATABASE_URL: not a valid postgres:\/\/ URL$/ },
      {
        args: ['migrate'],
        env: { DATABASE_URL: 'postgres://lixiang:secret-password@127.0.0.1:1/lixiang' },
        code: 1,
        says: /^lixiang: the database postgres:\/\/lixiang:\*\*\*@127\.0\.0\.1:1\/lixiang: PostgreSQL is unavailable: connect ECONNREFUSED 127\.0\.0\.1:1 \(DATABASE_UNAVAILABLE\)$/,
      },
      { args: ['audit', 'export', '--out', path.join(dir, 'exported')], code: 1, says: /^lixiang: audit export: .*exported is not empty; name a new or empty directory$/ },
      { args: ['users', 'create', '--name', 'x', '--role', 'applicant', '--unit', 'no-such-unit'], code: 1, says: /^lixiang: .*no-such-unit/ },
      { args: ['demo', '--db', path.join(dir, 'taken.db')], code: 1, says: /^lixiang: demo: .*taken\.db exists and is not empty; pass --force to replace it/ },
    ];
    // In process, as src/cli/main.ts runs them: the command, then the report of what it threw.
    for (const { args, env, code, says } of cases) {
      const settings = { DATABASE_URL: file, LOG_LEVEL: 'info', ...keys(), ...env };
      for (const [name, value] of Object.entries(settings)) vi.stubEnv(name, value);
      let written = '';
      try {
        const exit = await run(args).then(
          () => null,
          (error: unknown) => reportFailure(error, (text) => (written += text)),
        );
        expect(exit, `${args.join(' ')}: ${written}`).toBe(code);
      } finally {
        vi.unstubAllEnvs();
      }
      expect(lines(written), args.join(' ')).toHaveLength(1);
      expect(written.trimEnd(), args.join(' ')).toMatch(says);
    }
    // And as processes: the line on stderr, the exit code, no stack.
    const spawned = await Promise.all([
      cliAsync(['serve'], { DATABASE_URL: file, LIXIANG_ADMIN_TOKEN: 'lx_my-long-secret-token' }),
      cliAsync(['migrate'], { DATABASE_URL: path.join(dir, 'not-a-database.db') }),
    ]);
    for (const [result, says] of [
      [spawned[0], /^lixiang: invalid configuration: LIXIANG_ADMIN_TOKEN: at least 24 characters \(it has 23\)$/],
      [spawned[1], /^lixiang: the database .*: file is not a database \(SQLITE_NOTADB\)$/],
    ] as const) {
      expect(result.code, result.stderr).toBe(1);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr.trimEnd()).toMatch(says);
      expect(result.stdout).toBe('');
    }
  }, 120_000);

  it('tells an unexpected failure in one line too, and shows its stack only when LOG_LEVEL asks for debugging', () => {
    const report = (error: unknown, env: NodeJS.ProcessEnv) => {
      let written = '';
      const code = reportFailure(error, (text) => (written += text), env);
      return { code, written };
    };
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const quiet = report(bug, { LOG_LEVEL: 'info' });
    expect(quiet.code).toBe(1);
    expect(quiet.written).toBe("lixiang: unexpected error: Cannot read properties of undefined (reading 'id') (LOG_LEVEL=debug shows the stack)\n");
    for (const level of ['debug', 'trace']) {
      const loud = report(bug, { LOG_LEVEL: level });
      expect(loud.code).toBe(1);
      expect(loud.written).toMatch(/^lixiang: unexpected error: Cannot read properties of undefined \(reading 'id'\)\nTypeError: .*\n\s+at /);
    }
    const expected = report(new ConfigError('LOG_LEVEL: one of fatal, error'), {});
    expect(expected).toEqual({ code: 1, written: 'lixiang: invalid configuration: LOG_LEVEL: one of fatal, error\n' });
    expect(report('a thrown string', {})).toEqual({ code: 1, written: 'lixiang: unexpected error: a thrown string (LOG_LEVEL=debug shows the stack)\n' });
  });
});
