/**
 * npm run bench:scale — does the engine stay flat as the data grows? For each size it builds a
 * database directly (projects in progress, a hash-chained log of LOG_PER_PROJECT entries each),
 * then measures through the real app in process, set up as the server runs it (synchronous=FULL,
 * group commit, WAL checkpoints on a worker thread): the cost of a transition, a filtered list page
 * (first and deep), a project read, and audit verification in rows/s: the chain alone three ways,
 * the whole verification as GET /api/v1/audit/verify runs it (chain and table comparison side by
 * side, and the head), and the table comparison alone with the peak of the process's resident
 * memory while it runs. The seeded log proves the tables (test/bench/seed-database.ts), and the
 * bench's own transitions keep it so: every verification must answer valid.
 *
 * Two things keep the comparison between sizes honest on a small shared machine:
 * - Transitions and reads are measured in passes interleaved across the sizes (1k, 100k, 1M, 1M,
 *   100k, 1k, ...), so a drift of the machine's speed during the run falls on every size alike; the
 *   median pass (for reads, the median request) counts. Every pass's transition cost is printed,
 *   and the largest size against the smallest within each pass.
 * - Each database file is read once before it is measured, so that its pages are in the operating
 *   system's cache, as a database server's working set is. Without it the largest size measures
 *   the virtual disk instead: this VM reclaims cold page cache proactively (kdamond), and a random
 *   4 KiB read of the 5 GiB file took 21–27 µs cold against 3.8 µs warm.
 *
 *   SCALE_SIZES=1000,100000,1000000 (default)   LOG_PER_PROJECT=10 (default: 10 M log rows at 1 M)
 *   SCALE_PASSES=6 (default; for the reads too)   SCALE_DIR=/path (default: a temp dir; the databases are deleted at the end)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/app.js';
import { verifyChain } from '../../src/workflow/hash-chain.js';
import { verifyLog } from '../../src/audit/parallel-verify.js';
import { compareLogWithTables } from '../../src/audit/verify-tables.js';
import { iterateLog } from '../../src/audit/transition-log.repository.js';
import { WalCheckpointer } from '../../src/db/checkpointer.js';
import { openDatabase, type Db } from '../../src/db/client.js';
import { seedDatabase } from './seed-database.js';
import { median, procCpuSeconds } from './stats.js';

const sizes = (process.env.SCALE_SIZES ?? '1000,100000,1000000').split(',').map(Number);
const logPerProject = Number(process.env.LOG_PER_PROJECT ?? 10);
const passCount = Number(process.env.SCALE_PASSES ?? 6);
const baseDir = process.env.SCALE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-scale-'));
const APPLICANT = 'lx_scale-applicant-token-0123456789';
const ORG = 'lx_scale-org-dept-token-0123456789ab';
const AUDITOR = 'lx_scale-auditor-token-0123456789abc';

interface Row {
  projects: number;
  logRows: number;
  buildSeconds: number;
  fileMiB: number;
  /** CPU of the whole process per transition (the checkpointer's thread and the GC's included). */
  transitionUs: number;
  /** CPU of the thread that answers requests, per transition; null where /proc is not there. */
  requestThreadUs: number | null;
  eventsPerSecond: number;
  listFirstMs: number;
  listDeepMs: number;
  getMs: number;
  verifyRowsPerSecond: number;
  /** The same verification on worker threads, one per core, in JavaScript only. */
  javascriptVerifyRowsPerSecond: number;
  /** What GET /audit/verify runs: worker threads with the native chain walk vouching for ranges. */
  parallelVerifyRowsPerSecond: number;
  /** Who vouched for the workers' ranges. */
  walkers: string;
  /** GET /api/v1/audit/verify, timed through the app: log rows per second of the whole verification. */
  routeVerifyRowsPerSecond: number;
  routeVerifySeconds: number;
  routePeakRssMiB: number;
  /** The rows of the audited tables the comparison read. */
  tableRows: number;
  /** The table comparison alone (compareLogWithTables). */
  tablesSeconds: number;
  tablesPeakRssMiB: number;
  /** The resident set before it began. */
  tablesBaseRssMiB: number;
  exportSeconds: number;
  exportPeakRssMiB: number;
}

/** Runs `what`, sampling this process's resident set every 20 ms: seconds, the peak and the resident set before, MiB. */
async function sampled<T>(what: () => Promise<T>): Promise<{ result: T; seconds: number; peakMiB: number; baseMiB: number }> {
  const baseMiB = process.memoryUsage.rss() / 2 ** 20;
  let peakMiB = baseMiB;
  const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, process.memoryUsage.rss() / 2 ** 20)), 20);
  const started = performance.now();
  try {
    const result = await what();
    peakMiB = Math.max(peakMiB, process.memoryUsage.rss() / 2 ** 20);
    return { result, seconds: (performance.now() - started) / 1000, peakMiB, baseMiB };
  } finally {
    clearInterval(sampler);
  }
}

/** The CPU time of this process's main thread (the one answering requests), in µs; null without /proc. */
function requestThreadCpuUs(): number | null {
  const seconds = procCpuSeconds(`/proc/self/task/${process.pid}/stat`);
  return Number.isNaN(seconds) ? null : seconds * 1e6;
}

/** Deletes a database file with its WAL and shared-memory files. */
function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
}

/** Reads the file once, so that its pages are in the operating system's cache. */
function warmPageCache(file: string): void {
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(8 << 20);
  try {
    while (fs.readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    fs.closeSync(fd);
  }
}

interface Subject {
  projects: number;
  file: string;
  ids: string[];
  buildSeconds: number;
  db: Db;
  checkpointer: WalCheckpointer;
  app: Awaited<ReturnType<typeof buildApp>>;
  passes: Array<{ cpuUs: number; requestThreadUs: number | null; perSecond: number }>;
  /** Milliseconds per request, every sample. */
  reads: { first: number[]; deep: number[]; get: number[] };
  next: number;
}

async function inject(subject: Subject, token: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await subject.app.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${token}` } });
  if (response.statusCode !== 200) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response;
}

/** Spreads i over the projects: consecutive i land on unrelated projects. */
const pick = (subject: Subject, i: number) => subject.ids[Math.floor((((i * 2654435761) % 2 ** 32) / 2 ** 32) * subject.ids.length)]!;

async function open(projects: number, file: string, ids: string[], buildSeconds: number): Promise<Subject> {
  const db = openDatabase(file);
  const checkpointer = new WalCheckpointer(db.$client, file, createRequire(import.meta.url).resolve('better-sqlite3'));
  const app = await buildApp({ db, writesPerMinute: 0 });
  return { projects, file, ids, buildSeconds, db, checkpointer, app, passes: [], reads: { first: [], deep: [], get: [] }, next: 0 };
}

const EVENT = { type: 'SUBMIT_PROGRESS_REPORT', text: '本月完成主题党日活动' };

/** `events` progress reports on projects spread over the whole table, 50 at a time (group commit). */
async function transitions(subject: Subject, events: number) {
  const cpu = process.cpuUsage();
  const thread = requestThreadCpuUs();
  const started = performance.now();
  for (let sent = 0; sent < events; sent += 50) {
    await Promise.all(Array.from({ length: 50 }, () => inject(subject, APPLICANT, 'POST', `/api/v1/projects/${pick(subject, subject.next++)}/events`, EVENT)));
  }
  const used = process.cpuUsage(cpu);
  const threadAfter = requestThreadCpuUs();
  return {
    cpuUs: (used.user + used.system) / events,
    requestThreadUs: thread === null || threadAfter === null ? null : (threadAfter - thread) / events,
    perSecond: events / ((performance.now() - started) / 1000),
  };
}

/**
 * One pass of reads, timed request by request: the first filtered list page, pages after a cursor
 * anywhere in the table, and single projects.
 */
async function reads(subject: Subject, pass: number) {
  const timed = async (n: number, run: (i: number) => Promise<unknown>, into: number[]) => {
    for (let i = 0; i < n; i += 1) {
      const t = performance.now();
      await run(pass * n + i);
      into.push(performance.now() - t);
    }
  };
  const deepCursor = (i: number) => Buffer.from(JSON.stringify({ id: pick(subject, i) })).toString('base64url');
  await timed(40, () => inject(subject, ORG, 'GET', '/api/v1/projects?state=in_progress&limit=20'), subject.reads.first);
  await timed(40, (i) => inject(subject, ORG, 'GET', `/api/v1/projects?state=in_progress&limit=20&cursor=${deepCursor(i)}`), subject.reads.deep);
  await timed(100, (i) => inject(subject, ORG, 'GET', `/api/v1/projects/${pick(subject, i)}`), subject.reads.get);
}

async function measure(subject: Subject): Promise<Row> {
  const { app, db, projects } = subject;
  const listFirstMs = median(subject.reads.first);
  const listDeepMs = median(subject.reads.deep);
  const getMs = median(subject.reads.get);
  warmPageCache(subject.file);

  const verifyStarted = performance.now();
  const result = verifyChain(iterateLog(db.$client));
  const verifySeconds = (performance.now() - verifyStarted) / 1000;
  if (!result.valid) throw new Error(`chain invalid: ${JSON.stringify(result)}`);
  // The same walk in ranges on one worker thread per core, in JavaScript only.
  const javascriptStarted = performance.now();
  const javascript = await verifyLog(db.$client, { threshold: 0, native: false });
  const javascriptSeconds = (performance.now() - javascriptStarted) / 1000;
  if (!javascript.valid || javascript.count !== result.count) throw new Error(`parallel verification disagrees: ${JSON.stringify(javascript)}`);
  // What GET /audit/verify runs: the ranges vouched for by the native chain walk where it is built.
  const walkers = new Set<string>();
  const parallelStarted = performance.now();
  const parallel = await verifyLog(db.$client, { threshold: 0, onRange: ({ walker }) => walkers.add(walker) });
  const parallelSeconds = (performance.now() - parallelStarted) / 1000;
  if (!parallel.valid || parallel.count !== result.count) throw new Error(`parallel verification disagrees: ${JSON.stringify(parallel)}`);

  // The table comparison alone: the log replayed into one projection per subject, every audited row compared.
  const tables = await sampled(() => compareLogWithTables(db.$client));
  if (!tables.result.valid) throw new Error(`the tables diverge from the log: ${JSON.stringify(tables.result.divergences.slice(0, 3))}`);
  const tableRows = tables.result.tables.reduce((sum, t) => sum + t.storedRows, 0);
  // The whole verification as the route runs it: chain and tables side by side, then the head.
  const route = await sampled(() => inject(subject, AUDITOR, 'GET', '/api/v1/audit/verify'));
  const verdict = route.result.json<{ valid: boolean; count: number; chainValid: boolean; tables: { valid: boolean; divergenceCount: number }; head: { valid: boolean } }>();
  if (!verdict.valid || verdict.count !== result.count)
    throw new Error(`GET /audit/verify: ${JSON.stringify({ ...verdict, tables: { ...verdict.tables, divergences: undefined } })}`);

  await app.close();
  await subject.checkpointer.close();
  db.$client.close();
  const threadUs = subject.passes.map((p) => p.requestThreadUs);
  return {
    projects,
    logRows: result.count,
    buildSeconds: subject.buildSeconds,
    fileMiB: fs.statSync(subject.file).size / 2 ** 20,
    transitionUs: median(subject.passes.map((p) => p.cpuUs)),
    requestThreadUs: threadUs.some((t) => t === null) ? null : median(threadUs as number[]),
    eventsPerSecond: median(subject.passes.map((p) => p.perSecond)),
    listFirstMs,
    listDeepMs,
    getMs,
    verifyRowsPerSecond: result.count / verifySeconds,
    javascriptVerifyRowsPerSecond: result.count / javascriptSeconds,
    parallelVerifyRowsPerSecond: result.count / parallelSeconds,
    walkers: [...walkers].join(', '),
    routeVerifyRowsPerSecond: result.count / route.seconds,
    routeVerifySeconds: route.seconds,
    routePeakRssMiB: route.peakMiB,
    tableRows,
    tablesSeconds: tables.seconds,
    tablesPeakRssMiB: tables.peakMiB,
    tablesBaseRssMiB: tables.baseMiB,
    exportSeconds: 0,
    exportPeakRssMiB: 0,
  };
}

/**
 * The CLI export of the whole log in a child process, its resident memory sampled every 50 ms from
 * /proc: constant memory means the peak does not grow with the log.
 */
async function exportMemory(file: string): Promise<{ seconds: number; peakMiB: number }> {
  const out = fs.mkdtempSync(path.join(path.dirname(file), 'export-'));
  fs.rmSync(out, { recursive: true });
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'export', '--out', out], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, DATABASE_URL: file, LIXIANG_SIGNING_KEY_PATH: path.join(path.dirname(file), 'scale-key.pem') },
    stdio: 'ignore',
  });
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kib / 1024);
    } catch {
      // the process has exited
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  fs.rmSync(out, { recursive: true, force: true });
  if (code !== 0) throw new Error(`export exited with ${code}`);
  return { seconds: (performance.now() - started) / 1000, peakMiB: peak };
}

const subjects: Subject[] = [];
for (const size of sizes) {
  const file = path.join(baseDir, `scale-${size}.db`);
  removeDatabase(file);
  const { ids, seconds } = seedDatabase(file, size, logPerProject, { applicant: APPLICANT, orgDept: ORG, auditor: AUDITOR });
  process.stderr.write(`scale ${size}: built in ${seconds.toFixed(0)} s\n`);
  subjects.push(await open(size, file, ids, seconds));
}
// Transitions: a warm-up of 2,000 events per size, then passes of 3,000 interleaved across the sizes.
for (const subject of subjects) {
  warmPageCache(subject.file);
  subject.next = 1_000_000; // the transitions draw their projects from a stretch of picks apart from the reads'
  await transitions(subject, 2000);
}
for (let pass = 0; pass < passCount; pass += 1) {
  for (const subject of pass % 2 === 0 ? subjects : [...subjects].reverse()) subject.passes.push(await transitions(subject, 3000));
}
// Reads, measured on a quiet database: the transitions' WAL checkpointed into the file (at a
// million projects it holds tens of MiB of scattered pages, which every read would look up while the
// checkpointer copies them), the file in the page cache; then passes interleaved like the transitions'.
for (const subject of subjects) {
  subject.db.$client.pragma('wal_checkpoint(TRUNCATE)');
  warmPageCache(subject.file);
  await reads(subject, 0); // warm-up, not counted
  subject.reads = { first: [], deep: [], get: [] };
}
for (let pass = 1; pass <= passCount; pass += 1) {
  for (const subject of pass % 2 === 1 ? subjects : [...subjects].reverse()) await reads(subject, pass);
}
const rows: Row[] = [];
for (const subject of subjects) {
  const measured = await measure(subject);
  const exported = await exportMemory(subject.file);
  rows.push({ ...measured, exportSeconds: exported.seconds, exportPeakRssMiB: exported.peakMiB });
  removeDatabase(subject.file);
  process.stderr.write(`scale ${subject.projects} done\n`);
}
if (!process.env.SCALE_DIR) fs.rmSync(baseDir, { recursive: true, force: true });

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const lines = [
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; in process (app.inject), synchronous=FULL, group commit, ` +
    `checkpoints on a worker thread; page cache warmed; transitions: ${passCount} passes of 3,000 interleaved across the sizes, median`,
  '',
  '| projects | log rows | db MiB | CPU µs / transition: process / request thread | transitions/s | list page ms (first / deep) | GET project ms | verify rows/s: 1 thread / workers / workers + native walk | export s | export peak RSS MiB |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${fmt(r.projects)} | ${fmt(r.logRows)} | ${fmt(r.fileMiB)} | ${fmt(r.transitionUs)} / ${r.requestThreadUs === null ? 'n/a' : fmt(r.requestThreadUs)} | ${fmt(r.eventsPerSecond)} | ${fmt(r.listFirstMs, 2)} / ${fmt(r.listDeepMs, 2)} | ${fmt(r.getMs, 2)} | ${fmt(r.verifyRowsPerSecond)} / ${fmt(r.javascriptVerifyRowsPerSecond)} / ${fmt(r.parallelVerifyRowsPerSecond)} (${r.walkers}) | ${fmt(r.exportSeconds, 1)} | ${fmt(r.exportPeakRssMiB)} |`,
  ),
];
lines.push(
  '',
  'verification with the table comparison (seconds; rows/s: log entries per second, and entries + audited table rows per second for the comparison)',
  '',
  '| projects | log rows | table rows | GET /audit/verify (chain + tables + head): s / rows/s / peak RSS MiB | table comparison alone: s / entries/s / (entries + table rows)/s | comparison RSS MiB: before / peak |',
  '|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${fmt(r.projects)} | ${fmt(r.logRows)} | ${fmt(r.tableRows)} | ${fmt(r.routeVerifySeconds, 1)} / ${fmt(r.routeVerifyRowsPerSecond)} / ${fmt(r.routePeakRssMiB)} | ` +
      `${fmt(r.tablesSeconds, 1)} / ${fmt(r.logRows / r.tablesSeconds)} / ${fmt((r.logRows + r.tableRows) / r.tablesSeconds)} | ${fmt(r.tablesBaseRssMiB)} / ${fmt(r.tablesPeakRssMiB)} |`,
  ),
);
const first = rows[0];
const last = rows.at(-1);
if (first && last && rows.length > 1) {
  const change = (a: number, b: number) => `${b >= a ? '+' : ''}${fmt(((b - a) / a) * 100)}%`;
  // Per pass, the transition's process CPU at the largest size over the smallest's.
  const passRatios = subjects[0]!.passes.map((smallest, i) => subjects.at(-1)!.passes[i]!.cpuUs / smallest.cpuUs);
  lines.push(
    '',
    `from ${fmt(first.projects)} to ${fmt(last.projects)} projects: transition cost ${change(first.transitionUs, last.transitionUs)} ` +
      `(request thread ${first.requestThreadUs && last.requestThreadUs ? change(first.requestThreadUs, last.requestThreadUs) : 'n/a'}, ` +
      `time per transition ${change(1 / first.eventsPerSecond, 1 / last.eventsPerSecond)}), ` +
      `list page ${change(first.listFirstMs, last.listFirstMs)} (deep ${change(first.listDeepMs, last.listDeepMs)}), GET ${change(first.getMs, last.getMs)} (target: within 25%)`,
    // Each pass ran every size once, next to each other: the pass's own ratio is the least exposed to the machine's drift.
    `transition CPU per pass (µs, process): ${subjects.map((s) => `${fmt(s.projects)}: ${s.passes.map((p) => fmt(p.cpuUs)).join(' · ')}`).join('; ')}; ` +
      `the largest size against the smallest, pass by pass: ${passRatios.map((r) => change(1, r)).join(' · ')}, median ${change(1, median(passRatios))}`,
    `chain verification of ${fmt(last.logRows)} entries (workers + native walk): ${fmt(last.parallelVerifyRowsPerSecond)} rows/s (target: 1,000,000); ` +
      `with the table comparison, as GET /audit/verify runs it: ${fmt(last.routeVerifyRowsPerSecond)} rows/s; the comparison's peak RSS ${fmt(last.tablesPeakRssMiB)} MiB`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
