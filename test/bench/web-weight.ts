/**
 * npm run bench:web — the weight of the login screen: the JavaScript a browser loads to show it
 * (the entry of dist/web/index.html with its static imports, and the login view's chunk with its
 * own), each file gzipped (zlib's default level, what a reverse proxy typically applies), against
 * the budget of 300 KB; beside it, the size of the build's brotli copy, which the service
 * itself answers to browsers that accept br. Reads the Vite manifest (dist/web/.vite/manifest.json); the build
 * comes first (`npm run bench:web` runs `npm run build`). The stylesheets are listed beside, not
 * counted in the budget, which is about script.
 *
 * Then the time to the first screen a person works with, in Chromium: from the navigation to the
 * project list until every row of its first page is visible, for a demo user logged in (session
 * cookie) on the database `npm run demo` builds, served by the built service (`lixiang serve`,
 * dist/src/cli/main.js) over loopback. Each run has a fresh browser context (nothing cached,
 * "cold") and then navigates once more in the same context ("warm": the scripts and styles from
 * the cache); the medians of the runs against the target of 1 s.
 *
 *   WEB_DIR=/path         (default: dist/web of this repository)
 *   WEB_BENCH_DB=/path    a demo database already built, used through a copy (default: build one, about a minute)
 *   WEB_BENCH_USER=name   the demo user (default: org-dept-zuzhibu, who sees every project)
 *   WEB_BENCH_RUNS=n      runs (default 7, at least 5)
 *   WEB_BENCH_SKIP=1      the weight only
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}

export const BUDGET_KB = 300;
const LOGIN_VIEW = 'views/LoginView.vue';

/** The files (script and style) the login screen loads, from the build's manifest. */
export function loginScreenFiles(webDir: string): { scripts: string[]; styles: string[] } {
  const manifest = JSON.parse(fs.readFileSync(path.join(webDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
  if (!entry) throw new Error('the manifest has no entry');
  if (!manifest[LOGIN_VIEW]) throw new Error(`the manifest has no ${LOGIN_VIEW}`);
  const scripts = new Set<string>();
  const styles = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key]!;
    if (scripts.has(chunk.file)) return;
    scripts.add(chunk.file);
    for (const css of chunk.css ?? []) styles.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entry);
  visit(LOGIN_VIEW);
  return { scripts: [...scripts], styles: [...styles] };
}

export const gzippedKb = (file: string): number => gzipSync(fs.readFileSync(file)).length / 1024;

export const TARGET_MS = 1000;
const DEMO_PASSWORD = 'lixiang-demo-2024';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const root = path.resolve(import.meta.dirname, '../..');

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The built service on `database`, listening on a free loopback port; resolves once it answers. */
async function serve(database: string, scratch: string): Promise<{ origin: string; child: ChildProcess }> {
  const entry = path.join(root, 'dist/src/cli/main.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run npm run build (npm run bench:web does)`);
  const port = await freePort();
  const child = spawn(process.execPath, [entry, 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: database,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LIXIANG_SIGNING_KEY_PATH: path.join(scratch, 'signing.key'),
      LIXIANG_RATE_LIMIT: '100000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode})`);
    try {
      if ((await fetch(`${origin}/healthz`)).status < 500) return { origin, child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error('the service did not answer within 30 s');
}

interface Timing {
  cold: number[];
  warm: number[];
  rows: number;
}

/** Navigation to /projects until its first page's rows are all visible, `runs` times, each in a fresh context (cold) and again (warm). */
async function timeProjectList(origin: string, username: string, runs: number): Promise<Timing> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const timing: Timing = { cold: [], warm: [], rows: 0 };
  try {
    for (let run = 0; run < runs; run += 1) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const login = await context.request.post(`${origin}/api/v1/session`, { data: { username, password: DEMO_PASSWORD } });
      if (login.status() !== 201) throw new Error(`login of ${username}: ${login.status()} ${await login.text()}`);
      // The first page as the screen asks for it (20 projects): how many rows to wait for.
      const first = await context.request.get(`${origin}/api/v1/projects?limit=20`);
      const rows = ((await first.json()) as { items: unknown[] }).items.length;
      if (rows === 0) throw new Error(`${username} sees no project`);
      timing.rows = rows;
      const page = await context.newPage();
      for (const kind of ['cold', 'warm'] as const) {
        const started = performance.now();
        await page.goto(`${origin}/projects`, { waitUntil: 'commit' });
        const table = page.locator('[data-testid="projects"] .el-table__body tbody tr');
        await table.nth(rows - 1).waitFor({ state: 'visible', timeout: 30_000 });
        await table.first().waitFor({ state: 'visible' });
        timing[kind].push(performance.now() - started);
        const shown = await table.count();
        if (shown !== rows) throw new Error(`the list shows ${shown} rows, the API answered ${rows}`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return timing;
}

async function measureProjectList(): Promise<void> {
  const runs = Math.max(5, Number(process.env.WEB_BENCH_RUNS ?? 7));
  const username = process.env.WEB_BENCH_USER ?? 'org-dept-zuzhibu';
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-web-bench-'));
  let child: ChildProcess | undefined;
  try {
    // A copy of the demo database: the service that first opens it seals the log's head with its
    // key (here a throwaway one), which would bind the database given to a key gone after the run.
    const database = path.join(scratch, 'demo.db');
    if (process.env.WEB_BENCH_DB) {
      for (const suffix of ['', '-wal']) if (fs.existsSync(`${process.env.WEB_BENCH_DB}${suffix}`)) fs.copyFileSync(`${process.env.WEB_BENCH_DB}${suffix}`, `${database}${suffix}`);
    } else {
      console.log('building the demo database (npm run demo) …');
      const { buildDemo } = await import('../../src/demo/build-demo.js');
      await buildDemo({ path: database });
    }
    const served = await serve(database, scratch);
    child = served.child;
    const timing = await timeProjectList(served.origin, username, runs);
    const row = (kind: string, values: number[]) =>
      console.log(
        `${kind.padEnd(6)} median ${median(values).toFixed(0).padStart(5)} ms  min ${Math.min(...values)
          .toFixed(0)
          .padStart(5)}  max ${Math.max(...values)
          .toFixed(0)
          .padStart(5)}  runs ${values.map((v) => v.toFixed(0)).join(', ')}`,
      );
    console.log(`project list of ${username}: navigation to all ${timing.rows} rows of the first page visible (${runs} runs; target < ${TARGET_MS} ms)`);
    row('cold', timing.cold);
    row('warm', timing.warm);
    if (median(timing.cold) > TARGET_MS) {
      console.error(`over target: cold median ${median(timing.cold).toFixed(0)} ms > ${TARGET_MS} ms`);
      process.exitCode = 1;
    }
  } finally {
    child?.kill('SIGTERM');
    if (child && child.exitCode === null) await new Promise((resolve) => child!.once('exit', resolve));
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function main(): void {
  const webDir = process.env.WEB_DIR ?? path.resolve(import.meta.dirname, '../../dist/web');
  const { scripts, styles } = loginScreenFiles(webDir);
  let brotli = 0;
  const row = (file: string) => {
    const full = path.join(webDir, file);
    const raw = fs.statSync(full).size / 1024;
    const gz = gzippedKb(full);
    // The build's brotli copy, what the service answers browsers that accept br (src/cli/build.mjs).
    const br = fs.existsSync(`${full}.br`) ? fs.statSync(`${full}.br`).size / 1024 : NaN;
    if (file.endsWith('.js')) brotli += br;
    console.log(`${file.padEnd(52)} ${raw.toFixed(1).padStart(8)} KB ${gz.toFixed(1).padStart(8)} KB gzip ${br.toFixed(1).padStart(8)} KB br`);
    return gz;
  };
  console.log('login screen: script');
  const total = scripts.reduce((sum, file) => sum + row(file), 0);
  console.log(`${'total script'.padEnd(52)} ${''.padStart(11)} ${total.toFixed(1).padStart(8)} KB gzip ${brotli.toFixed(1).padStart(8)} KB br (budget ${BUDGET_KB} KB gzip)`);
  console.log('login screen: style (not in the budget)');
  const css = styles.reduce((sum, file) => sum + row(file), 0);
  console.log(`${'total style'.padEnd(52)} ${''.padStart(11)} ${css.toFixed(1).padStart(8)} KB gzip`);
  if (total > BUDGET_KB) {
    console.error(`over budget: ${total.toFixed(1)} KB > ${BUDGET_KB} KB`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main();
  if (!process.env.WEB_BENCH_SKIP) {
    measureProjectList().catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
  }
}
