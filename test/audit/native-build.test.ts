/**
 * `npm install` must not fail on a machine without a C compiler: the native chain walk's build then
 * says so, leaves whatever was built before alone, and verification runs in JavaScript.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeChainWalk } from '../../src/audit/parallel-verify.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('building the native chain walk', () => {
  it('succeeds without a C compiler, saying verification runs in JavaScript', () => {
    const built = nativeChainWalk();
    const before = built ? fs.readFileSync(built) : null;
    const run = spawnSync(process.execPath, ['src/audit/native/build.mjs'], {
      cwd: root,
      env: { ...process.env, CC: path.join(root, 'no-such-compiler') },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/could not build src\/audit\/native\/chain-walk\.c .*audit verification runs in JavaScript/);
    if (built) expect(fs.readFileSync(built).equals(before!)).toBe(true);
    expect(fs.readdirSync(path.join(root, 'dist', 'native')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
