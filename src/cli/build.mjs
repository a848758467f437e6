#!/usr/bin/env node
/**
 * Builds dist/: TypeScript (incrementally, its record in dist/tsconfig.tsbuildinfo), the native
 * chain walk (src/audit/native/build.mjs, when its library is missing or older than its source) and
 * the web application (src/web, by Vite into dist/web). Plain JavaScript, because it runs before
 * anything is compiled.
 *
 *   node src/cli/build.mjs              build (npm run build)
 *   node src/cli/build.mjs --if-stale   build only what is older than its sources (npm start): a
 *                                       current build costs a directory walk, not a compiler run
 *
 * A successful TypeScript build leaves dist/.build-stamp, dated when that build began; it is stale
 * when a file under src/ or machines/, tsconfig.json or the package files is newer, or dist/ lacks
 * the entry point. (tsc's own record is not enough: a no-op incremental tsc still reads every
 * source, which takes seconds to tens of seconds on a busy machine.)
 *
 * The web application has its own stamp, dist/web/.build-stamp: stale when any file under src/web
 * or the package files is newer, or dist/web lacks index.html. (src/web is not part of the
 * TypeScript build: tsconfig.json leaves it out, and its changes do not make the service stale.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
const entry = path.join(dist, 'src', 'cli', 'main.js');
const nativeSource = path.join(root, 'src', 'audit', 'native', 'chain-walk.c');
const nativeScript = path.join(root, 'src', 'audit', 'native', 'build.mjs');
const nativeLibrary = path.join(dist, 'native', 'lixiang-chain-walk.so');
const TYPESCRIPT_INPUTS = ['src', 'machines', 'tsconfig.json', 'package.json', 'package-lock.json'];
const webSource = path.join(root, 'src', 'web');
const webDist = path.join(dist, 'web');
const webStamp = path.join(webDist, '.build-stamp');
const WEB_INPUTS = ['src/web', 'package.json', 'package-lock.json'];

const mtime = (file) => {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
};

/**
 * The newest modification under `file`: its files whose names `counts` accepts (TypeScript and JSON
 * by default), and its directories (a deleted file changes its directory). `skip` is left out.
 */
function newest(file, counts = /\.(ts|mts|cts|json)$/, skip = webSource) {
  if (file === skip) return 0;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return counts.test(file) ? stat.mtimeMs : 0;
  let latest = stat.mtimeMs;
  for (const name of fs.readdirSync(file)) latest = Math.max(latest, newest(path.join(file, name), counts, skip));
  return latest;
}

function typescriptIsCurrent() {
  const built = mtime(stamp);
  if (built === null || mtime(entry) === null) return false;
  return TYPESCRIPT_INPUTS.every((input) => newest(path.join(root, input)) <= built);
}

function webIsCurrent() {
  const built = mtime(webStamp);
  if (built === null || mtime(path.join(webDist, 'index.html')) === null) return false;
  return WEB_INPUTS.every((input) => newest(path.join(root, input), /./, null) <= built);
}

/**
 * Brotli and gzip copies of the built scripts and stylesheets (file.js.br, file.js.gz), which the
 * server answers to browsers that accept them (@fastify/static's preCompressed): compressed once
 * here at the highest levels rather than on every request.
 */
function compressAssets(dir) {
  for (const name of fs.readdirSync(dir)) {
    if (!/\.(js|css|svg)$/.test(name)) continue;
    const file = path.join(dir, name);
    const content = fs.readFileSync(file);
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(content, { level: 9 }));
  }
}

function nativeIsCurrent() {
  const built = mtime(nativeLibrary);
  return built !== null && built >= (mtime(nativeSource) ?? 0) && built >= (mtime(nativeScript) ?? 0);
}

function run(args, env = process.env) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`build: ${path.relative(root, args[0])} failed (exit code ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

const ifStale = process.argv.includes('--if-stale');
const unknown = process.argv.slice(2).filter((a) => a !== '--if-stale');
if (unknown.length > 0) {
  console.error(`build: unknown argument ${unknown[0]}; usage: node src/cli/build.mjs [--if-stale]`);
  process.exit(2);
}

if (!ifStale || !typescriptIsCurrent()) {
  const began = new Date();
  if (ifStale) console.error('build: sources changed since the last build; compiling');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  run([tsc, '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', path.join('dist', 'tsconfig.tsbuildinfo')]);
  fs.writeFileSync(stamp, `${began.toISOString()}\n`);
  fs.utimesSync(stamp, began, began);
}
if (!ifStale || !webIsCurrent()) {
  const began = new Date();
  if (ifStale) console.error('build: the web application changed since the last build; building it');
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  // Always the production build: a caller's NODE_ENV (vitest sets `test`) would otherwise bring in
  // Vue's development code, 18 KB more on the login screen, and --if-stale would keep serving it.
  run([vite, 'build', '--config', path.join('src', 'web', 'vite.config.ts'), '--logLevel', 'warn'], { ...process.env, NODE_ENV: 'production' });
  compressAssets(path.join(webDist, 'assets'));
  fs.writeFileSync(webStamp, `${began.toISOString()}\n`);
  fs.utimesSync(webStamp, began, began);
}
// Without a C compiler the library never appears: each start then tries once more, quickly, and
// says again that verification runs in JavaScript.
if (!nativeIsCurrent()) run([nativeScript]);
