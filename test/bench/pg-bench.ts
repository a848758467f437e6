/**
 * npx tsx test/bench/pg-bench.ts — the hot path on PostgreSQL against SQLite (issue 18), in one run.
 *
 *   sqlite     the built service as shipped: a file database, synchronous=FULL, group commit
 *   pg ×1/2/3  1, 2 and 3 instances of the built service on one fresh PostgreSQL database (one
 *              connection each; every write transaction takes pg_advisory_xact_lock(7431001)),
 *              sharing LIXIANG_SIGNING_KEY_PATH and the instance name (the log's identity); the ×k load goes to the first k instances, the
 *              connections spread round-robin over them (autocannon given several URLs)
 *
 * Every request is POST /api/v1/projects/{id}/events SUBMIT_PROGRESS_REPORT (a logged transition of
 * a project in progress, what npm run bench drives) over BENCH_PROJECTS projects, round-robin. Both
 * databases hold the same rows: seedDatabase's (./seed-database.ts: a round in execution, its projects
 * in progress with BENCH_LOG_PER_PROJECT log entries each), the PostgreSQL database a copy of the
 * SQLite file (seedPostgres below); BENCH_SEED=api brings them through the API instead
 * (./bench-round.ts, one database after the other). Loads are interleaved in BENCH_ROUNDS rounds
 * (sqlite, pg×1, pg×2, pg×3, then the other way round); each figure is the median of its rounds,
 * each ratio to SQLite is taken within a round. Nothing is pinned: on this 2-core machine every
 * server shares both cores with autocannon (its share is printed).
 *
 * During each PostgreSQL load, measured rather than guessed:
 *   CPU     utime+stime (/proc) of each instance, of the instances' PostgreSQL backends, of the
 *           server's other processes (postmaster, WAL writer, checkpointer, ...), of this process
 *           (autocannon), and the machine's busy share (/proc/stat)
 *   lock    every 50 ms from a separate connection: advisory locks not granted in the bench database,
 *           and what each instance backend is doing (pg_stat_activity state / wait_event)
 *   WAL     pg_stat_wal (records, bytes, writes, syncs) and the database's xact_commit, before/after
 *           (pg_stat_wal is the server's: other databases' work counts there too; their commits are printed)
 *
 *   BENCH_SECONDS (default 10) per load, BENCH_ROUNDS (default 3), BENCH_PROJECTS (default 2000),
 *   BENCH_CONNECTIONS (default 100), BENCH_INSTANCES (default 1,2,3), BENCH_SQLITE=0 leaves SQLite out,
 *   BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres: the server, as a superuser),
 *   BENCH_SEED (sql, default, or api), BENCH_LOG_PER_PROJECT (default 10). The databases are
 *   dropped at the end. Needs the built service (npm run build).
 * Exits 1 when any load saw errors or non-2xx answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { api, benchRound, fetchUpload } from './bench-round.js';
import { freePort } from '../reliability/harness.js';
import { seedDatabase, type SeedTokens } from './seed-database.js';
import { median, procCpuSeconds } from './stats.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const ADMIN = 'lx_bench-admin-token-0123456789abcdef';
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REPORT_EVENT = { type: 'SUBMIT_PROGRESS_REPORT', text: '已完成本月主题党日活动，参与党员 32 人。' };

/** The URL of database `name` on the bench's server. */
export function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` on a connection to `url` (the server's maintenance database by default), closed after. */
export async function withClient<T>(work: (client: pg.Client) => Promise<T>, url = PG_ADMIN_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const createDatabase = (name: string) => withClient((c) => c.query(`CREATE DATABASE "${name}"`)).then(() => undefined);
export const dropDatabase = (name: string) => withClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined);

/** The built service (dist/), its output in `logFile`. */
export function startService(env: Record<string, string>, logFile: string): ChildProcess {
  const out = fs.openSync(logFile, 'w');
  return spawn('node', ['dist/src/cli/main.js', 'serve'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
}

/** Waits until `url` answers 2xx; fails with the server's log when it has not within 60 s. */
export async function waitFor(url: string, logFile: string, child?: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    if (child && child.exitCode !== null) break;
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server at ${url} did not start:\n${fs.readFileSync(logFile, 'utf8').slice(-4000)}`);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Units, users, a round and `projectCount` projects in progress, through the API (./bench-round.ts). */
export async function seedService(base: string, projectCount: number, parallel = 25) {
  const post = <T>(token: string, url: string, body: unknown) => api<T>(base, token, 'POST', url, body);
  type NewUser = { token: string; user: { id: string } };
  const general = (await post<{ id: string }>(ADMIN, '/api/v1/units', { name: '音乐学院党总支', type: 'general_branch' })).id;
  const other = (await post<{ id: string }>(ADMIN, '/api/v1/units', { name: '舞蹈学院党总支', type: 'general_branch' })).id;
  const applicant = (await post<NewUser>(ADMIN, '/api/v1/users', { name: 'applicant', role: 'applicant', unitId: general })).token;
  const orgDept = (await post<NewUser>(ADMIN, '/api/v1/users', { name: 'org', role: 'org_dept' })).token;
  const committee = (await post<NewUser>(ADMIN, '/api/v1/users', { name: 'committee', role: 'committee' })).token;
  const reviewer = await post<NewUser>(ADMIN, '/api/v1/users', { name: 'reviewer', role: 'reviewer', unitId: other });
  const { roundId, ids } = await benchRound(
    (token, method, url, body) => api(base, token, method, url, body),
    fetchUpload(base),
    { admin: ADMIN, applicant, unitId: general, orgDept, committee, reviewer: { id: reviewer.user.id, token: reviewer.token } },
    projectCount,
    parallel,
  );
  return { applicant, orgDept, roundId, ids, unitId: general };
}

/**
 * Fills the PostgreSQL database at `url` (created, empty) with what ./seed-database.ts builds for the
 * SQLite benches: the engine's migrations, units, three users (`tokens`), a round in execution,
 * `projects` projects in progress with `logPerProject` progress reports each, every row recorded in
 * the log. 'copy': the rows of a seeded SQLite file copied as they are (the chain valid, the log
 * proving the tables). 'replicate': the file holds one project; its row and its log entries are
 * replicated in SQL (generate_series) with new UUIDv7 ids, the seq running on, each entry's
 * prev_hash the hash of the entry before — but the replicated entries' hashes are stand-ins
 * (sha256 of their seq), so the chain does not verify past the first project. The transition path
 * reads only the head. Afterwards VACUUM ANALYZE and a CHECKPOINT, so that neither falls into a measurement.
 */
export async function seedPostgres(
  url: string,
  projects: number,
  logPerProject: number,
  tokens: SeedTokens,
  mode: 'copy' | 'replicate',
): Promise<{ ids: string[]; seconds: number; sqliteFile: string }> {
  const started = performance.now();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-pg-seed-'));
  const file = path.join(scratch, 'seed.db');
  seedDatabase(file, mode === 'copy' ? projects : 1, logPerProject, tokens);
  const migrated = openDatabase(url);
  try {
    migrateDatabase(migrated);
  } finally {
    migrated.$client.close();
  }
  const sqlite = new Database(file, { readonly: true });
  try {
    await withClient(async (client) => {
      await client.query('BEGIN');
      for (const table of ['units', 'users', 'rounds', 'projects', 'transition_log']) {
        const statement = sqlite.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw();
        const columns = statement.columns().map((c) => c.name);
        const rows = statement.all() as unknown[][];
        const batch = Math.floor(30_000 / columns.length);
        for (let start = 0; start < rows.length; start += batch) {
          const chunk = rows.slice(start, start + batch);
          const values = chunk.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
          await client.query(`INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${values.join(', ')}`, chunk.flat());
        }
      }
      await client.query('COMMIT');
      if (mode === 'replicate' && projects > 1) {
        const template = (await client.query<{ id: string }>('SELECT id FROM projects')).rows[0]!.id;
        const first = Number((await client.query<{ seq: string }>('SELECT min(seq) AS seq FROM transition_log WHERE subject_id = $1', [template])).rows[0]!.seq);
        const last = (await client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM transition_log ORDER BY seq DESC LIMIT 1')).rows[0]!;
        const per = logPerProject + 1;
        const t0 = Date.parse('2026-01-01T00:00:00.000Z');
        // The template's entries apart; the secondary indexes dropped during the load and built after it (faster than row by row).
        await client.query('CREATE TEMP TABLE template_log AS SELECT * FROM transition_log WHERE subject_id = $1 ORDER BY seq', [template]);
        const indexes = (
          await client.query<{ name: string; definition: string }>(
            "SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('projects', 'transition_log') AND indexname NOT LIKE '%_pkey'",
          )
        ).rows;
        for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);
        await client.query("SET work_mem = '1GB'");
        const chunk = 100_000;
        for (let from = 1; from < projects; from += chunk) {
          const to = Math.min(projects - 1, from + chunk - 1);
          await client.query('BEGIN');
          // A UUIDv7 per i: 48 bits of milliseconds (t0 + i, as seedDatabase's newId(t0 + i)), the rest from md5(i).
          await client.query(
            `CREATE TEMP TABLE new_ids ON COMMIT DROP AS
               SELECT i, substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7' || substr(r, 1, 3) || '-' || '8' || substr(r, 4, 3) || '-' || substr(r, 7, 12) AS id
               FROM generate_series($1::bigint, $2::bigint) AS i,
                    LATERAL (SELECT lpad(to_hex($3::bigint + i), 12, '0') AS h, md5(i::text) AS r) AS parts`,
            [from, to, t0],
          );
          // In seq order, as the service appends them (sorted in memory: work_mem above).
          await client.query(
            `INSERT INTO projects (id, round_id, unit_id, category, direction, title, letter, state, context, machine_id, machine_version,
                                   version, grade, funding, created_by, created_at, updated_at)
             SELECT n.id, p.round_id, p.unit_id, p.category, p.direction, '项目 ' || n.i, p.letter, p.state, replace(p.context, p.id, n.id),
                    p.machine_id, p.machine_version, p.version, p.grade, p.funding, p.created_by, p.created_at, p.updated_at
             FROM new_ids n CROSS JOIN (SELECT * FROM projects WHERE id = $1) p ORDER BY n.i`,
            [template],
          );
          await client.query(
            `INSERT INTO transition_log (seq, format, subject_kind, subject_id, event, from_state, to_state, payload, actor_id, actor_role,
                                         actor_unit_id, at, request_id, machine_id, machine_version, prev_hash, hash)
             SELECT s.seq, t.format, t.subject_kind, n.id, t.event, t.from_state, t.to_state, replace(t.payload, t.subject_id, n.id), t.actor_id,
                    t.actor_role, t.actor_unit_id, t.at, 'seed-' || s.seq, t.machine_id, t.machine_version,
                    CASE WHEN s.seq = $2::bigint + 1 THEN $3 ELSE encode(sha256(convert_to('seed:' || (s.seq - 1), 'UTF8')), 'hex') END,
                    encode(sha256(convert_to('seed:' || s.seq, 'UTF8')), 'hex')
             FROM new_ids n CROSS JOIN template_log t,
                  LATERAL (SELECT $2::bigint + (n.i - 1) * $4::bigint + (t.seq - $1::bigint) + 1 AS seq) AS s ORDER BY s.seq`,
            [first, Number(last.seq), last.hash, per],
          );
          await client.query('COMMIT');
          process.stderr.write(`  seeded ${fmt(to + 1)} of ${fmt(projects)} projects (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
        }
        await client.query("SET maintenance_work_mem = '512MB'");
        for (const index of indexes) await client.query(index.definition);
        process.stderr.write(`  indexes rebuilt (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
      }
      await client.query('VACUUM ANALYZE');
      await client.query('CHECKPOINT');
    }, url);
  } finally {
    sqlite.close();
  }
  const ids = await withClient(async (client) => (await client.query<{ id: string }>('SELECT id FROM projects ORDER BY id')).rows.map((r) => r.id), url);
  return { ids, seconds: (performance.now() - started) / 1000, sqliteFile: file };
}

/** The machine's busy and total CPU seconds, all cores (/proc/stat). */
function machineCpu(): { busy: number; total: number } {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = fields[3]! + fields[4]!;
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

interface PgProbe {
  db: string;
  client: pg.Client;
  pid: number;
}

interface PgBackend {
  pid: number;
  datname: string | null;
  backendType: string;
}

async function backends(probe: PgProbe): Promise<PgBackend[]> {
  const { rows } = await probe.client.query<{ pid: number; datname: string | null; backend_type: string }>('SELECT pid, datname, backend_type FROM pg_stat_activity');
  return rows.map((r) => ({ pid: r.pid, datname: r.datname, backendType: r.backend_type }));
}

function parentPid(pid: number): number | null {
  try {
    return Number(/PPid:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) || null;
  } catch {
    return null;
  }
}

interface WalStats {
  records: number;
  fpi: number;
  bytes: number;
  buffersFull: number;
  writes: number;
  syncs: number;
  writeMs: number;
  syncMs: number;
  commits: number;
  /** xact_commit per other database (the difference: only databases present before and after). */
  otherCommits: number;
  others?: Map<string, number>;
  /** Rows written to sealed_head: one per write transaction (group commit) that appended to the log. */
  seals: number;
  logHead: number;
}

async function walStats(probe: PgProbe): Promise<WalStats> {
  await probe.client.query('SELECT pg_stat_clear_snapshot()');
  const wal = (
    await probe.client.query<Record<string, string>>(
      'SELECT wal_records, wal_fpi, wal_bytes, wal_buffers_full, wal_write, wal_sync, wal_write_time, wal_sync_time FROM pg_stat_wal',
    )
  ).rows[0]!;
  const perDatabase = (await probe.client.query<{ datname: string | null; n: string }>('SELECT datname, xact_commit AS n FROM pg_stat_database')).rows;
  const others = new Map(perDatabase.filter((r) => r.datname !== null && r.datname !== probe.db).map((r) => [r.datname!, Number(r.n)]));
  const seals = (await probe.client.query<{ n: string }>("SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) AS n FROM pg_stat_user_tables WHERE relname = 'sealed_head'")).rows[0]!;
  const head = (await probe.client.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM transition_log')).rows[0]!;
  return {
    records: Number(wal.wal_records),
    fpi: Number(wal.wal_fpi),
    bytes: Number(wal.wal_bytes),
    buffersFull: Number(wal.wal_buffers_full),
    writes: Number(wal.wal_write),
    syncs: Number(wal.wal_sync),
    writeMs: Number(wal.wal_write_time),
    syncMs: Number(wal.wal_sync_time),
    commits: Number(perDatabase.find((r) => r.datname === probe.db)?.n ?? NaN),
    otherCommits: 0,
    others,
    seals: Number(seals.n),
    logHead: Number(head.seq ?? 0),
  };
}

/** What the 50 ms sampler saw: samples, samples with a waiter on an advisory lock, waiters summed, and the instance backends' states. */
interface LockSamples {
  samples: number;
  withWaiters: number;
  waiters: number;
  /** backend-samples per "state wait_event_type:wait_event" of the instances' backends. */
  states: Map<string, number>;
}

/** Samples pg_locks and pg_stat_activity every 50 ms until stopped; one query in flight at a time. */
function startLockSampler(probe: PgProbe): () => Promise<LockSamples> {
  const result: LockSamples = { samples: 0, withWaiters: 0, waiters: 0, states: new Map() };
  let inFlight: Promise<void> | null = null;
  const sample = async () => {
    const { rows } = await probe.client.query<{ waiters: number; states: Record<string, number> | null }>(
      `SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                 AND database = (SELECT oid FROM pg_database WHERE datname = $1))::int AS waiters,
              (SELECT json_object_agg(k, n) FROM (
                 SELECT coalesce(state, '?') || ' ' || coalesce(wait_event_type || ':' || wait_event, 'cpu') AS k, count(*) AS n
                 FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1) s) AS states`,
      [probe.db],
    );
    const row = rows[0]!;
    result.samples += 1;
    result.waiters += row.waiters;
    if (row.waiters > 0) result.withWaiters += 1;
    for (const [k, n] of Object.entries(row.states ?? {})) result.states.set(k, (result.states.get(k) ?? 0) + Number(n));
  };
  const timer = setInterval(() => {
    if (inFlight) return; // the previous sample is still running: skip this tick
    inFlight = sample().finally(() => (inFlight = null));
  }, 50);
  return async () => {
    clearInterval(timer);
    await inFlight;
    return result;
  };
}

/** A server under test: its processes and the URLs the load spreads over. */
interface Target {
  name: string;
  kind: 'sqlite' | 'pg';
  instances: ChildProcess[];
  urls: string[];
  applicant: string;
  ids: string[];
  sqliteFile?: string;
}

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  /** autocannon's errors, timeouts (no answer within its 10 s) included; timeouts alone. */
  errors: number;
  timeouts: number;
  non2xx: number;
  total: number;
  wall: number;
  /** Log entries the load added (the log's head before and after). */
  logEntries: number;
  loadBefore: number;
  loadAfter: number;
  /** CPU seconds during the load. */
  instanceCpu: number[];
  /** The same, of each instance's main thread (the rest: its PostgreSQL connection's thread, the GC, ...). */
  instanceMainCpu: number[];
  generatorCpu: number;
  machineBusy: number;
  machineTotal: number;
  pg?: {
    ourBackendsCpu: number;
    serverOtherCpu: number;
    otherClientsCpu: number;
    lock: LockSamples;
    wal: WalStats;
  };
}

function sqliteHead(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return Number((db.prepare('SELECT max(seq) AS seq FROM transition_log').get() as { seq: number | null }).seq ?? 0);
  } finally {
    db.close();
  }
}

function roundRobin<T>(items: T[]) {
  let next = 0;
  return () => items[next++ % items.length]!;
}

function loadOptions(target: Target, connections: number, duration: number): autocannon.Options {
  const next = roundRobin(target.ids.map((id) => `/api/v1/projects/${id}/events`));
  const body = JSON.stringify(REPORT_EVENT);
  return {
    // autocannon spreads its connections over several URLs round-robin (connection i → url i mod n).
    url: (target.urls.length === 1 ? target.urls[0]! : target.urls) as string,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${target.applicant}`, 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, path: next(), body }),
      },
    ],
  };
}

async function load(target: Target, probe: PgProbe | null, connections: number, seconds: number, warmUp: boolean): Promise<Result> {
  if (warmUp) await autocannon(loadOptions(target, connections, 2)); // not counted
  const loadBefore = os.loadavg()[0]!;
  let pgBefore: { wal: WalStats; cpu: Map<number, number>; list: PgBackend[]; postmaster: number | null } | null = null;
  let stopSampler: (() => Promise<LockSamples>) | null = null;
  if (probe) {
    const list = await backends(probe);
    const postmaster = parentPid(list.find((b) => b.backendType !== 'client backend')?.pid ?? list[0]!.pid);
    const cpu = new Map<number, number>();
    for (const pid of [...list.map((b) => b.pid), ...(postmaster ? [postmaster] : [])]) cpu.set(pid, procCpuSeconds(`/proc/${pid}/stat`));
    pgBefore = { wal: await walStats(probe), cpu, list, postmaster };
    stopSampler = startLockSampler(probe);
  }
  const instanceBefore = target.instances.map((child) => procCpuSeconds(`/proc/${child.pid}/stat`));
  const mainBefore = target.instances.map((child) => procCpuSeconds(`/proc/${child.pid}/task/${child.pid}/stat`));
  const generatorBefore = process.cpuUsage();
  const machineBefore = machineCpu();
  const headBefore = target.sqliteFile ? sqliteHead(target.sqliteFile) : 0;
  const started = process.hrtime.bigint();
  const result = await autocannon(loadOptions(target, connections, seconds));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const machineAfter = machineCpu();
  const generator = process.cpuUsage(generatorBefore);
  const instanceCpu = target.instances.map((child, i) => procCpuSeconds(`/proc/${child.pid}/stat`) - instanceBefore[i]!);
  const instanceMainCpu = target.instances.map((child, i) => procCpuSeconds(`/proc/${child.pid}/task/${child.pid}/stat`) - mainBefore[i]!);
  const base: Result = {
    name: target.name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors, // autocannon counts a timeout as an error too
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
    wall,
    logEntries: target.sqliteFile ? sqliteHead(target.sqliteFile) - headBefore : NaN,
    loadBefore,
    loadAfter: os.loadavg()[0]!,
    instanceCpu,
    instanceMainCpu,
    generatorCpu: (generator.user + generator.system) / 1e6,
    machineBusy: machineAfter.busy - machineBefore.busy,
    machineTotal: machineAfter.total - machineBefore.total,
  };
  if (!probe || !pgBefore || !stopSampler) return base;
  // CPU right after the load; then the backends' statistics, flushed at most once a second, after a pause.
  const lock = await stopSampler();
  const after = await backends(probe);
  const seen = new Set(pgBefore.list.map((b) => b.pid));
  const delta = (pid: number) => {
    const now = procCpuSeconds(`/proc/${pid}/stat`);
    if (Number.isNaN(now)) return 0; // exited during the load: its CPU is lost
    return seen.has(pid) || pid === pgBefore.postmaster ? now - (pgBefore.cpu.get(pid) ?? now) : now; // a process started during the load: all of it
  };
  const all = new Map<number, PgBackend>([...pgBefore.list, ...after].map((b) => [b.pid, b]));
  let ourBackendsCpu = 0;
  let serverOtherCpu = pgBefore.postmaster ? delta(pgBefore.postmaster) : 0;
  let otherClientsCpu = 0;
  for (const b of all.values()) {
    if (b.pid === probe.pid) continue;
    if (b.backendType !== 'client backend') serverOtherCpu += delta(b.pid);
    else if (b.datname === probe.db) ourBackendsCpu += delta(b.pid);
    else otherClientsCpu += delta(b.pid);
  }
  await new Promise((r) => setTimeout(r, 1200));
  const wal = await walStats(probe);
  const w = pgBefore.wal;
  return {
    ...base,
    logEntries: wal.logHead - w.logHead,
    pg: {
      ourBackendsCpu,
      serverOtherCpu,
      otherClientsCpu,
      lock,
      wal: {
        records: wal.records - w.records,
        fpi: wal.fpi - w.fpi,
        bytes: wal.bytes - w.bytes,
        buffersFull: wal.buffersFull - w.buffersFull,
        writes: wal.writes - w.writes,
        syncs: wal.syncs - w.syncs,
        writeMs: wal.writeMs - w.writeMs,
        syncMs: wal.syncMs - w.syncMs,
        commits: wal.commits - w.commits,
        otherCommits: [...wal.others!].reduce((sum, [name, n]) => sum + (w.others!.has(name) ? n - w.others!.get(name)! : 0), 0),
        seals: wal.seals - w.seals,
        logHead: wal.logHead,
      },
    },
  };
}

async function main() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const projectCount = Number(process.env.BENCH_PROJECTS ?? 2000);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
  const instanceCounts = (process.env.BENCH_INSTANCES ?? '1,2,3').split(',').map(Number);
  const withSqlite = process.env.BENCH_SQLITE !== '0';
  const seedMode = process.env.BENCH_SEED === 'api' ? 'api' : 'sql';
  const logPerProject = Number(process.env.BENCH_LOG_PER_PROJECT ?? 10);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-pg-bench-'));
  const dbName = `lixiang_bench_${process.pid}_${Date.now().toString(36)}`;
  const children: ChildProcess[] = [];
  // Should this process die unexpectedly, the services die with it.
  process.once('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')));
  const targets: Target[] = [];
  const byRound: Result[][] = [];
  let probe: PgProbe | null = null;
  let seededFile: string | null = null;
  const loadStart = os.loadavg();
  const started = new Date();
  const common = {
    LIXIANG_SIGNING_KEY_PATH: path.join(scratch, 'key', 'signing-key.pem'),
    LIXIANG_ADMIN_TOKEN: ADMIN,
    LIXIANG_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
  };
  const tokens: SeedTokens = { applicant: 'lx_bench-applicant-token-0123456789', orgDept: 'lx_bench-org-dept-token-0123456789ab', auditor: 'lx_bench-auditor-token-0123456789abc' };
  const maxInstances = Math.max(0, ...instanceCounts);
  const url = databaseUrl(dbName);
  try {
    // 'sql': both databases hold the same rows, seedDatabase's, the PostgreSQL one a copy of the SQLite file.
    let seeded: { ids: string[]; sqliteFile: string } | null = null;
    if (seedMode === 'sql') {
      await createDatabase(dbName);
      const seed = await seedPostgres(url, projectCount, logPerProject, tokens, 'copy');
      seeded = seed;
      seededFile = seed.sqliteFile;
      process.stderr.write(`seeded ${projectCount} projects (${logPerProject} log entries each) in ${seed.seconds.toFixed(1)} s\n`);
    }
    if (withSqlite) {
      const port = await freePort();
      const log = path.join(scratch, 'sqlite.log');
      const file = path.join(scratch, 'sqlite', 'lixiang.db');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (seeded) fs.copyFileSync(seeded.sqliteFile, file);
      const child = startService({ ...common, PORT: String(port), DATABASE_URL: file, LIXIANG_SIGNING_KEY_PATH: path.join(scratch, 'sqlite-key', 'signing-key.pem') }, log);
      children.push(child);
      const base = `http://127.0.0.1:${port}`;
      await waitFor(`${base}/healthz`, log, child);
      const seed = seeded ? { applicant: tokens.applicant, ids: seeded.ids } : await seedService(base, projectCount);
      targets.push({ name: 'sqlite (file, FULL)', kind: 'sqlite', instances: [child], urls: [base], applicant: seed.applicant, ids: seed.ids, sqliteFile: file });
    }
    if (maxInstances > 0) {
      if (!seeded) await createDatabase(dbName);
      const bases: string[] = [];
      const pgChildren: ChildProcess[] = [];
      for (let i = 0; i < maxInstances; i += 1) {
        const port = await freePort();
        const log = path.join(scratch, `pg-${i}.log`);
        const child = startService({ ...common, PORT: String(port), DATABASE_URL: url }, log);
        children.push(child);
        pgChildren.push(child);
        bases.push(`http://127.0.0.1:${port}`);
        await waitFor(`${bases[i]}/healthz`, log, child); // one after the other: the first migrates
      }
      const seed = seeded ? { applicant: tokens.applicant, ids: seeded.ids } : await seedService(bases[0]!, projectCount);
      for (const k of instanceCounts) {
        targets.push({ name: `pg ×${k}`, kind: 'pg', instances: pgChildren.slice(0, k), urls: bases.slice(0, k), applicant: seed.applicant, ids: seed.ids });
      }
      const client = new pg.Client({ connectionString: url, application_name: 'lixiang-pg-bench-probe' });
      // A connection the server ends (a restart) fails the run through its next query, not as an unhandled 'error' event.
      client.on('error', (error) => process.stderr.write(`the probe's connection: ${error.message}\n`));
      await client.connect();
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      probe = { db: dbName, client, pid };
    }
    const postmasterStarted = maxInstances > 0 ? await withClient(async (c) => String((await c.query('SELECT pg_postmaster_start_time() AS t')).rows[0].t)) : '';
    for (let round = 0; round < rounds; round += 1) {
      const results: Result[] = [];
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        results.push(await load(target, target.kind === 'pg' ? probe : null, connections, seconds, round === 0));
      }
      byRound.push(results);
      process.stderr.write(`round ${round + 1} of ${rounds} done\n`);
    }
    if (maxInstances > 0) {
      const now = await withClient(async (c) => String((await c.query('SELECT pg_postmaster_start_time() AS t')).rows[0].t));
      if (now !== postmasterStarted) throw new Error(`PostgreSQL restarted during the run (started ${postmasterStarted}, now ${now}): the figures are not comparable`);
    }
  } catch (error) {
    // What the services logged (flushed at least once a second): the cause of a 500 is there; the scratch directory goes below.
    await new Promise((r) => setTimeout(r, 1500));
    for (const file of fs.readdirSync(scratch).filter((f) => f.endsWith('.log'))) {
      process.stderr.write(`--- ${file}\n${fs.readFileSync(path.join(scratch, file), 'utf8').slice(-3000)}\n`);
    }
    throw error;
  } finally {
    await probe?.client.end();
    for (const child of children) await stop(child);
    await dropDatabase(dbName).catch((error: unknown) => process.stderr.write(`could not drop ${dbName}: ${String(error)}\n`));
    fs.rmSync(scratch, { recursive: true, force: true });
    if (seededFile) fs.rmSync(path.dirname(seededFile), { recursive: true, force: true });
  }
  const loadEnd = os.loadavg();
  process.stdout.write(`${report(byRound, targets, { seconds, rounds, projectCount, connections, started, loadStart, loadEnd })}\n`);
  const failed = byRound.flat().filter((r) => r.errors + r.non2xx > 0);
  if (failed.length > 0) {
    process.stderr.write(`errors or non-2xx answers in: ${[...new Set(failed.map((r) => r.name))].join(', ')}\n`);
    process.exitCode = 1;
  }
}

function report(
  byRound: Result[][],
  targets: Target[],
  run: { seconds: number; rounds: number; projectCount: number; connections: number; started: Date; loadStart: number[]; loadEnd: number[] },
): string {
  const of = (name: string) => byRound.flat().filter((r) => r.name === name);
  const med = (name: string, f: (r: Result) => number) => median(of(name).map(f));
  const sqliteName = targets.find((t) => t.kind === 'sqlite')?.name;
  const ratio = (name: string) => byRound.map((results) => (results.find((r) => r.name === name)?.rps ?? NaN) / (results.find((r) => r.name === sqliteName)?.rps ?? NaN));
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const lines = [
    `${run.started.toISOString()}; machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
      `${run.seconds} s per load, ${run.rounds} interleaved rounds, ${run.connections} connections, ${fmt(run.projectCount)} projects, nothing pinned; ` +
      `load average (1/5/15 min) ${load(run.loadStart)} before, ${load(run.loadEnd)} after`,
    '',
    '| server | events/s (median) | each round | ratio to SQLite (median; each round) | p50 ms | p99 ms (median / worst) | errors (of which timeouts, 10 s) | non-2xx | log entries / 2xx | load avg 1 min before → after (median) |',
    '|---|---:|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const t of targets) {
    const rs = of(t.name);
    const ratios = ratio(t.name);
    const okTotal = rs.reduce((n, r) => n + r.total - r.non2xx, 0);
    lines.push(
      `| ${t.name} | ${fmt(med(t.name, (r) => r.rps))} | ${rs.map((r) => fmt(r.rps)).join(' · ')} | ` +
        `${t.kind === 'sqlite' ? '1' : `${fmt(median(ratios), 2)} (${ratios.map((x) => fmt(x, 2)).join(', ')})`} | ` +
        `${fmt(
          med(t.name, (r) => r.p50),
          1,
        )} | ${fmt(
          med(t.name, (r) => r.p99),
          1,
        )} / ${fmt(Math.max(...rs.map((r) => r.p99)), 1)} | ` +
        `${rs.reduce((n, r) => n + r.errors, 0)} (${rs.reduce((n, r) => n + r.timeouts, 0)}) | ${rs.reduce((n, r) => n + r.non2xx, 0)} | ${fmt(rs.reduce((n, r) => n + r.logEntries, 0) / okTotal, 3)} | ` +
        `${fmt(
          med(t.name, (r) => r.loadBefore),
          2,
        )} → ${fmt(
          med(t.name, (r) => r.loadAfter),
          2,
        )} |`,
    );
  }
  lines.push(
    '',
    'CPU during the load, share of one core (median of the rounds); µs per event in brackets. Machine: both cores, 200 % is all of it.',
    '',
    '| server | each instance | instances total | of which main threads | their PG backends | PG server processes (WAL writer, checkpointer, …) | other DBs’ backends | autocannon (this process) | machine busy |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const t of targets) {
    const share = (f: (r: Result) => number) => med(t.name, (r) => (f(r) / r.wall) * 100);
    const perEvent = (f: (r: Result) => number) => med(t.name, (r) => (f(r) / (r.total - r.non2xx)) * 1e6);
    const both = (f: (r: Result) => number) => `${fmt(share(f))} % (${fmt(perEvent(f))})`;
    const sum = (r: Result) => r.instanceCpu.reduce((a, b) => a + b, 0);
    lines.push(
      `| ${t.name} | ${t.instances.map((_, i) => fmt(share((r) => r.instanceCpu[i]!))).join(' / ')} % | ${both(sum)} | ${both((r) => r.instanceMainCpu.reduce((a, b) => a + b, 0))} | ` +
        `${t.kind === 'pg' ? both((r) => r.pg!.ourBackendsCpu) : '–'} | ${t.kind === 'pg' ? both((r) => r.pg!.serverOtherCpu) : '–'} | ` +
        `${t.kind === 'pg' ? fmt(share((r) => r.pg!.otherClientsCpu)) + ' %' : '–'} | ${both((r) => r.generatorCpu)} | ` +
        `${fmt(med(t.name, (r) => (r.machineBusy / r.machineTotal) * 200))} % |`,
    );
  }
  const pgTargets = targets.filter((t) => t.kind === 'pg');
  if (pgTargets.length > 0) {
    lines.push(
      '',
      'The write lock, sampled every 50 ms (median of the rounds): samples with a transaction waiting for an advisory lock in the bench database, ' +
        'the mean number waiting, and where the instances’ backends were (share of backend-samples: state, wait event; "cpu" = no wait event)',
      '',
      '| server | samples / round | with waiters | mean waiters | backends: state wait_event (share) |',
      '|---|---:|---:|---:|---|',
    );
    for (const t of pgTargets) {
      const rs = of(t.name);
      const states = new Map<string, number>();
      for (const r of rs) for (const [k, n] of r.pg!.lock.states) states.set(k, (states.get(k) ?? 0) + n);
      const totalStates = [...states.values()].reduce((a, b) => a + b, 0);
      const top = [...states.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
      lines.push(
        `| ${t.name} | ${fmt(med(t.name, (r) => r.pg!.lock.samples))} | ${fmt(med(t.name, (r) => (r.pg!.lock.withWaiters / r.pg!.lock.samples) * 100))} % | ` +
          `${fmt(
            med(t.name, (r) => r.pg!.lock.waiters / r.pg!.lock.samples),
            2,
          )} | ${top.map(([k, n]) => `${k} ${fmt((n / totalStates) * 100)} %`).join('; ')} |`,
      );
    }
    lines.push(
      '',
      'WAL and commits during the load (pg_stat_wal is the whole server’s; its times are not kept, track_wal_io_timing being off; median of the rounds)',
      '',
      '| server | transactions committed (bench db, reads included) | write transactions (seals) | events per write transaction | WAL records / event | WAL bytes / event | full-page images | WAL writes | WAL syncs | syncs per write transaction | commits in other DBs |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const t of pgTargets) {
      const m = (f: (w: WalStats, r: Result) => number, d = 0) =>
        fmt(
          med(t.name, (r) => f(r.pg!.wal, r)),
          d,
        );
      lines.push(
        `| ${t.name} | ${m((w) => w.commits)} | ${m((w) => w.seals)} | ${m((w, r) => r.logEntries / w.seals, 1)} | ${m((w, r) => w.records / r.logEntries, 1)} | ${m((w, r) => w.bytes / r.logEntries)} | ` +
          `${m((w) => w.fpi)} | ${m((w) => w.writes)} | ${m((w) => w.syncs)} | ${m((w) => w.syncs / w.seals, 2)} | ${m((w) => w.otherCommits)} |`,
      );
    }
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) await main();
