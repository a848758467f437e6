/**
 * npx tsx test/bench/pg-scale-bench.ts — does a transition on PostgreSQL stay flat as the data grows
 * (issue 18)? The transition half of npm run bench:scale (./scale-bench.ts), on PostgreSQL.
 *
 * For each size a fresh database: the engine's migrations, then seedDatabase's rows (units, users, a
 * round in execution, one project in progress and LOG_PER_PROJECT log entries) replicated in SQL to
 * `size` projects and size × (1 + LOG_PER_PROJECT) log entries (./pg-bench.ts, seedPostgres:
 * generate_series; the replicated entries' hashes are stand-ins, the chain is not verified here),
 * VACUUM ANALYZE, CHECKPOINT. Then, as scale-bench does, the real app in process (app.inject) on the
 * service's connection (./../../src/db/pg/sync-client.ts, role lixiang_service), SUBMIT_PROGRESS_REPORT
 * on projects spread over the whole table, 50 at a time (group commit): a warm-up of SCALE_WARMUP per size,
 * then SCALE_PASSES passes of SCALE_EVENTS interleaved across the sizes (1k, 10k, ..., then back), the
 * median pass counting. Before the passes each database's tables and indexes are read once, so that
 * they are in the operating system's cache (shared_buffers holds 128 MB).
 *
 * Measured per transition: wall-clock µs; CPU µs of this process (the request thread and the
 * connection's thread), of the request thread alone, and of the connection's PostgreSQL backend; and
 * the round trips to PostgreSQL (requests to the connection's thread: statements, BEGIN, COMMIT, savepoints);
 * and the pages the passes found in shared_buffers or had to read (pg_stat_database blks_hit, blks_read).
 * Exits non-zero (databases dropped) when a transition is refused or PostgreSQL goes away.
 *
 *   SCALE_SIZES=1000,10000,100000,1000000 (default)   LOG_PER_PROJECT=10 (default)
 *   SCALE_PASSES=6 (default)   SCALE_EVENTS=3000 (default, per pass)   SCALE_WARMUP=2000 (default, per size)
 *   BENCH_PG_URL (see ./pg-bench.ts)
 */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from '../../src/app.js';
import { openDatabase, type Db } from '../../src/db/client.js';
import { PgSyncClient } from '../../src/db/pg/sync-client.js';
import { createDatabase, databaseUrl, dropDatabase, REPORT_EVENT, seedPostgres, withClient } from './pg-bench.js';
import type { SeedTokens } from './seed-database.js';
import { median, procCpuSeconds } from './stats.js';

const sizes = (process.env.SCALE_SIZES ?? '1000,10000,100000,1000000').split(',').map(Number);
const logPerProject = Number(process.env.LOG_PER_PROJECT ?? 10);
const passCount = Number(process.env.SCALE_PASSES ?? 6);
const eventsPerPass = Number(process.env.SCALE_EVENTS ?? 3000);
const warmUpEvents = Number(process.env.SCALE_WARMUP ?? 2000);
const tokens: SeedTokens = {
  applicant: 'lx_scale-applicant-token-0123456789',
  orgDept: 'lx_scale-org-dept-token-0123456789ab',
  auditor: 'lx_scale-auditor-token-0123456789abc',
};

// Every request of the service's connection to its thread (a statement, BEGIN, COMMIT, a savepoint) is one
// call(): counted here, so that a pass says how many round trips to PostgreSQL a transition takes.
let roundTrips = 0;
const prototype = PgSyncClient.prototype as unknown as { call: (...args: unknown[]) => unknown };
const call = prototype.call;
prototype.call = function (this: unknown, ...args: unknown[]) {
  roundTrips += 1;
  return call.apply(this, args);
};

interface Pass {
  roundTrips: number;
  wallUs: number;
  processUs: number;
  requestThreadUs: number;
  backendUs: number;
}

interface Subject {
  projects: number;
  name: string;
  ids: string[];
  buildSeconds: number;
  db: Db;
  app: Awaited<ReturnType<typeof buildApp>>;
  /** The PostgreSQL backend of the app's connection. */
  backendPid: number;
  passes: Pass[];
  next: number;
}

/** Spreads i over the projects: consecutive i land on unrelated projects (as scale-bench picks). */
const pick = (subject: Subject, i: number) => subject.ids[Math.floor((((i * 2654435761) % 2 ** 32) / 2 ** 32) * subject.ids.length)]!;

const threadCpu = () => procCpuSeconds(`/proc/self/task/${process.pid}/stat`);

/** `events` progress reports on projects spread over the whole table, 50 at a time (group commit). */
async function transitions(subject: Subject, events: number): Promise<Pass> {
  const cpu = process.cpuUsage();
  const thread = threadCpu();
  const backend = procCpuSeconds(`/proc/${subject.backendPid}/stat`);
  const trips = roundTrips;
  const started = performance.now();
  for (let sent = 0; sent < events; sent += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, events - sent) }, async () => {
        const id = pick(subject, subject.next++);
        const response = await subject.app.inject({
          method: 'POST',
          url: `/api/v1/projects/${id}/events`,
          payload: REPORT_EVENT,
          headers: { authorization: `Bearer ${tokens.applicant}` },
        });
        if (response.statusCode !== 200) throw new Error(`POST /api/v1/projects/${id}/events: ${response.statusCode} ${response.body}`);
      }),
    );
  }
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    roundTrips: (roundTrips - trips) / events,
    wallUs: (wall * 1000) / events,
    processUs: (used.user + used.system) / events,
    requestThreadUs: ((threadCpu() - thread) * 1e6) / events,
    backendUs: ((procCpuSeconds(`/proc/${subject.backendPid}/stat`) - backend) * 1e6) / events,
  };
}

/** Reads the tables and their indexes once (sequential and index-only scans), so that their pages are in the OS cache. */
async function warm(subject: Subject): Promise<number> {
  const started = performance.now();
  await withClient(async (client) => {
    await client.query('SELECT sum(length(context)) FROM projects');
    await client.query('SELECT sum(length(payload)) FROM transition_log');
    await client.query('SET enable_seqscan = off');
    await client.query("SELECT count(*) FROM projects WHERE id > ''");
    await client.query("SELECT count(*) FROM transition_log WHERE subject_kind > ''");
    await client.query('SELECT count(*) FROM transition_log WHERE seq > 0');
  }, databaseUrl(subject.name));
  return (performance.now() - started) / 1000;
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

const startedAt = new Date();
const loadStart = os.loadavg();
const subjects: Subject[] = [];
const created: string[] = [];
const rows: Array<
  { projects: number; logRows: number; dbMiB: number; buildSeconds: number; warmSeconds: number; wallRange: [number, number]; blocksRead: number; blocksHit: number } & Pass
> = [];
try {
  for (const size of sizes) {
    const name = `lixiang_scale_${size}_${process.pid}`;
    await dropDatabase(name);
    await createDatabase(name);
    created.push(name);
    const url = databaseUrl(name);
    const seed = await seedPostgres(url, size, logPerProject, tokens, 'replicate');
    fs.rmSync(path.dirname(seed.sqliteFile), { recursive: true, force: true });
    process.stderr.write(`scale ${size}: built in ${seed.seconds.toFixed(0)} s\n`);
    const db = openDatabase(url);
    const app = await buildApp({ db, writesPerMinute: 0 });
    const backendPid = await withClient(async (client) => {
      const { rows: found } = await client.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
        [name],
      );
      if (found.length !== 1) throw new Error(`expected one backend of the app on ${name}, found ${found.length}`);
      return found[0]!.pid;
    }, url);
    subjects.push({ projects: size, name, ids: seed.ids, buildSeconds: seed.seconds, db, app, backendPid, passes: [], next: 1_000_000 });
  }
  const warmSeconds = new Map<Subject, number>();
  for (const subject of subjects) {
    warmSeconds.set(subject, await warm(subject));
    await transitions(subject, warmUpEvents);
  }
  // Pages the passes found in shared_buffers or had to read (from the OS cache or the disk): pg_stat_database, per database.
  const blocks = (name: string) =>
    withClient(async (client) => {
      await new Promise((r) => setTimeout(r, 1200)); // the backends' statistics are flushed at most once a second
      const row = (await client.query<{ read: string; hit: string }>('SELECT blks_read AS read, blks_hit AS hit FROM pg_stat_database WHERE datname = $1', [name])).rows[0]!;
      return { read: Number(row.read), hit: Number(row.hit) };
    }, databaseUrl(name));
  const blocksBefore = new Map<Subject, { read: number; hit: number }>();
  for (const subject of subjects) blocksBefore.set(subject, await blocks(subject.name));
  for (let pass = 0; pass < passCount; pass += 1) {
    for (const subject of pass % 2 === 0 ? subjects : [...subjects].reverse()) subject.passes.push(await transitions(subject, eventsPerPass));
    process.stderr.write(`pass ${pass + 1} of ${passCount} done\n`);
  }
  for (const subject of subjects) {
    const { logRows, bytes } = await withClient(async (client) => {
      const log = await client.query<{ n: string }>('SELECT max(seq) AS n FROM transition_log');
      const size = await client.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n');
      return { logRows: Number(log.rows[0]!.n), bytes: Number(size.rows[0]!.n) };
    }, databaseUrl(subject.name));
    const m = (f: (p: Pass) => number) => median(subject.passes.map(f));
    const blocksAfter = await blocks(subject.name);
    const events = subject.passes.length * eventsPerPass;
    rows.push({
      projects: subject.projects,
      logRows,
      dbMiB: bytes / 2 ** 20,
      buildSeconds: subject.buildSeconds,
      warmSeconds: warmSeconds.get(subject) ?? NaN,
      blocksRead: (blocksAfter.read - blocksBefore.get(subject)!.read) / events,
      blocksHit: (blocksAfter.hit - blocksBefore.get(subject)!.hit) / events,
      wallRange: [Math.min(...subject.passes.map((p) => p.wallUs)), Math.max(...subject.passes.map((p) => p.wallUs))],
      roundTrips: m((p) => p.roundTrips),
      wallUs: m((p) => p.wallUs),
      processUs: m((p) => p.processUs),
      requestThreadUs: m((p) => p.requestThreadUs),
      backendUs: m((p) => p.backendUs),
    });
  }
} finally {
  for (const subject of subjects) {
    await subject.app.close();
    subject.db.$client.close();
  }
  for (const name of created) await dropDatabase(name).catch((error: unknown) => process.stderr.write(`could not drop ${name}: ${String(error)}\n`));
}

const loadEnd = os.loadavg();
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
const lines = [
  `${startedAt.toISOString()}; machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; PostgreSQL, in process (app.inject), ` +
    `50 at a time (group commit); ${passCount} passes of ${fmt(eventsPerPass)} interleaved across the sizes, median; ` +
    `load average (1/5/15 min) ${load(loadStart)} before, ${load(loadEnd)} after`,
  '',
  '| projects | log rows | db MiB | seeded in s | warmed in s | µs / transition (wall; passes min–max) | transitions/s | CPU µs / transition: process / request thread / PG backend | round trips to PG / transition | pages / transition: in shared_buffers / read |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${fmt(r.projects)} | ${fmt(r.logRows)} | ${fmt(r.dbMiB)} | ${fmt(r.buildSeconds)} | ${fmt(r.warmSeconds, 1)} | ${fmt(r.wallUs)} (${fmt(r.wallRange[0])}–${fmt(r.wallRange[1])}) | ${fmt(1e6 / r.wallUs)} | ` +
      `${fmt(r.processUs)} / ${fmt(r.requestThreadUs)} / ${fmt(r.backendUs)} | ${fmt(r.roundTrips, 1)} | ${fmt(r.blocksHit, 1)} / ${fmt(r.blocksRead, 1)} |`,
  ),
];
const first = rows[0];
const last = rows.at(-1);
if (first && last && rows.length > 1) {
  lines.push(
    '',
    `from ${fmt(first.projects)} to ${fmt(last.projects)} projects, largest / smallest: µs per transition ${fmt(last.wallUs / first.wallUs, 2)}; ` +
      `CPU: process ${fmt(last.processUs / first.processUs, 2)}, request thread ${fmt(last.requestThreadUs / first.requestThreadUs, 2)}, ` +
      `PG backend ${fmt(last.backendUs / first.backendUs, 2)} (target, as on SQLite: within 25 %)`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
