#!/usr/bin/env node
/**
 * Builds the SQLite extension that walks the hash chain in C (chain-walk.c) into
 * dist/native/lixiang-chain-walk.so, against the SQLite headers better-sqlite3 ships. It runs after
 * `npm install` / `npm ci`, in `npm run build` and by `npm run native:build`. Without a C compiler
 * it says so and leaves verification to JavaScript, which gives the same verdicts more slowly.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const source = path.join(here, 'chain-walk.c');
const output = path.join(root, 'dist', 'native', 'lixiang-chain-walk.so');

let headers;
try {
  headers = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'deps', 'sqlite3');
} catch {
  console.warn('native:build: better-sqlite3 is not installed; skipped');
  process.exit(0);
}

const compiler = process.env.CC || 'cc';
fs.mkdirSync(path.dirname(output), { recursive: true });
const temporary = `${output}.${process.pid}.tmp`;
try {
  execFileSync(compiler, ['-O2', '-fPIC', '-shared', '-Wall', '-Wextra', '-I', headers, '-o', temporary, source], { stdio: 'inherit' });
  fs.renameSync(temporary, output);
  console.log(`native:build: ${path.relative(root, output)}`);
} catch (error) {
  fs.rmSync(temporary, { force: true });
  console.warn(`native:build: ${compiler} could not build ${path.relative(root, source)} (${error.message}); audit verification runs in JavaScript`);
}
