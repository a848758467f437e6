/**
 * A newcomer's first start: `lixiang serve` in a fresh directory, on the embedded default (no
 * DATABASE_URL) and without LIXIANG_ADMIN_TOKEN, builds the demo database before it listens, so
 * that the web application at `/` has people to log in as; the next start keeps that database.
 * An operator who gives an administrator token gets an empty database instead.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstStartOfNewcomer } from '../../src/cli/commands.js';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = import.meta.resolve('tsx');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-first-start-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `lixiang serve` with the cwd `dir` and none of the service's settings but a free port; stopped once it listens. */
async function serveOnce(check: (origin: string) => Promise<void>): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(PORT|HOST|DATABASE_URL|LOG_LEVEL|LIXIANG_\w+)$/.test(name)));
  const child = spawn(process.execPath, ['--import', tsx, path.join(root, 'src/cli/main.ts'), 'serve'], {
    cwd: dir,
    env: { ...env, PORT: '0', XDG_CONFIG_HOME: path.join(dir, 'config') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (listening && output.includes('lixiang is listening')) resolve(listening[1]!);
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      void exited.then((code) => reject(new Error(`the service exited with ${code}: ${output}`)));
    });
    await check(origin);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return output;
}

describe('the first start', () => {
  it('builds the demo when there is no database and no administrator token, and keeps it at the next start', async () => {
    const first = await serveOnce(async (origin) => {
      const login = await fetch(`${origin}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'org-dept-zuzhibu', password: 'lixiang-demo-2024' }),
      });
      expect(login.status, await login.clone().text()).toBe(201);
      expect(((await login.json()) as { user: { role: string } }).user.role).toBe('org_dept');
      const page = await fetch(`${origin}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="app">');
    });
    expect(first).toContain('building the demo database first');
    expect(first).toContain('username (password lixiang-demo-2024)');
    expect(fs.existsSync(path.join(dir, 'data', 'lixiang.db'))).toBe(true);

    const entries = async (origin: string) => {
      const verify = await fetch(`${origin}/api/v1/audit/verify`, { headers: { authorization: 'Bearer lx_demo-auditor-jiwei-jiancha' } });
      expect(verify.status).toBe(200);
      return ((await verify.json()) as { count: number }).count;
    };
    let before = 0;
    const second = await serveOnce(async (origin) => {
      before = await entries(origin);
    });
    expect(second).not.toContain('building the demo database');
    expect(before).toBeGreaterThan(600);
  }, 240_000);

  it('is an empty database for an operator: with an administrator token, a database URL, or a file already there', () => {
    const config = { databasePath: path.join(dir, 'nothing-here', 'lixiang.db'), adminToken: null };
    expect(firstStartOfNewcomer({}, config)).toBe(true);
    expect(firstStartOfNewcomer({}, { ...config, adminToken: 'lx_an-administrator-token-0001' })).toBe(false);
    expect(firstStartOfNewcomer({ DATABASE_URL: config.databasePath }, config)).toBe(false);
    expect(firstStartOfNewcomer({}, { ...config, databasePath: ':memory:' })).toBe(false);
    fs.mkdirSync(path.join(dir, 'nothing-here'), { recursive: true });
    fs.writeFileSync(config.databasePath, '');
    expect(firstStartOfNewcomer({}, config)).toBe(false);
  });
});
