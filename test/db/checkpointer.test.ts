import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
let dir: string | undefined;

afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/**
 * A program whose last piece of work is closing the checkpointer: what the server's shutdown and
 * the scale bench do. Its worker thread and fallback timer are unref'd, so unless close() holds
 * the event loop open, the process ends before the worker has closed (an unsettled top-level
 * await: exit code 13) and nothing after the close runs.
 */
const PROGRAM = `
import { createRequire } from 'node:module';
import { WalCheckpointer } from './src/db/checkpointer.ts';
import { migrateDatabase, openDatabase } from './src/db/client.ts';
const file = process.env.CHECKPOINTER_DB;
const db = openDatabase(file);
migrateDatabase(db);
db.$client.prepare("INSERT INTO units (id, name, type, parent_id, created_at) VALUES ('u1', 'u', 'general_branch', NULL, '2026-01-01T00:00:00.000Z')").run();
const checkpointer = new WalCheckpointer(db.$client, file, createRequire(import.meta.url).resolve('better-sqlite3'), { intervalMs: 10 });
for (let i = 0; i < 500 && checkpointer.checkpoints === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
await checkpointer.close();
db.$client.close();
process.stdout.write('closed after ' + checkpointer.checkpoints + ' checkpoints');
`;

describe('WalCheckpointer.close()', () => {
  it('keeps the process alive until its worker has closed, so what follows the close still runs', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-checkpointer-'));
    for (let run = 0; run < 3; run += 1) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROGRAM], {
        cwd: root,
        env: { ...process.env, CHECKPOINTER_DB: path.join(dir, `run-${run}.db`) },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^closed after [1-9]\d* checkpoints$/);
    }
  });
});
