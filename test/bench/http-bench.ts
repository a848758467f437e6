/**
 * npm run bench: the hot path over HTTP on loopback, bounded, with its ceiling in the same run.
 *
 *   engine FULL   POST /api/v1/projects/{id}/events (SUBMIT_PROGRESS_REPORT spread over many
 *                 projects), the real service (dist/) with synchronous=FULL and group commit
 *   unsealed      the same engine with the sealed head off (LIXIANG_SEAL=off): the seal's cost,
 *                 as the ratio sealed / unsealed within each round (BENCH_UNSEALED=0 leaves it out)
 *   ceiling       a bare Fastify route doing the same SQLite work without the engine, one
 *                 transaction per request, synchronous=NORMAL and synchronous=FULL: the engine's
 *                 tables, rows and prepared statements (see ceiling-server.ts)
 *   reference     the first ceiling, NORMAL, on minimal tables (project rows of about 45 bytes
 *                 against the engine's 600); BENCH_MINIMAL_CEILING=0 leaves it out; printed, not judged
 *   reads         GET /api/v1/projects/{id} and a filtered GET /api/v1/projects page
 *
 * The servers run side by side, each pinned to core 0, and autocannon here on core 1
 * (taskset, where available); only the one under load does any work. Their loads are interleaved
 * in BENCH_ROUNDS rounds (ceiling NORMAL, ceiling FULL, reference, engine, then the other way
 * round, ...), so that a drift of this shared machine's speed during the run falls on all alike;
 * each figure is the median of its rounds, and so is each ratio (taken within a round).
 * Each load also reports the server's CPU (all threads, user + system, from /proc): the share of
 * its core it used and the CPU per answered request, which tell a saturated server from one that
 * waits (for its fsync, or for the load generator); and the load generator's own share of its core,
 * which says when autocannon rather than the server sets the pace.
 *
 * BENCH_SECONDS (default 10) per load, BENCH_ROUNDS (default 3), BENCH_PROJECTS (default 500),
 * BENCH_CONNECTIONS (default 10,100). For diagnosis: BENCH_ONLY=engine|ceiling runs one side,
 * BENCH_READS=0 leaves the reads out, BENCH_LOG_LEVEL (default info) sets the engine's log level,
 * BENCH_CPU_PROF=dir writes the engine's V8 CPU profile there. Exits 1 when any load saw errors
 * or non-2xx answers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { median, procCpuSeconds } from './stats.js';
import { api, benchRound, fetchUpload } from './bench-round.js';

const root = path.resolve(import.meta.dirname, '../..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const projectCount = Number(process.env.BENCH_PROJECTS ?? 500);
const connectionCounts = (process.env.BENCH_CONNECTIONS ?? '10,100').split(',').map(Number);
const ADMIN = 'lx_bench-admin-token-0123456789abcdef';
/** The progress report both the engine and the ceilings are sent. */
const REPORT_TEXT = '已完成本月主题党日活动，参与党员 32 人。';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-bench-'));
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
if (hasTaskset) spawnSync('taskset', ['-cp', '1', String(process.pid)]);

interface Result {
  name: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
  /** The server's CPU (user + system, all its threads) during the load: share of one core. */
  core: number;
  /** The same, per answered request, µs. */
  cpuPerRequest: number;
  /** This process's CPU (autocannon, the load generator) during the load: share of one core. */
  loadCore: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function start(command: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const [bin, ...args] = hasTaskset ? ['taskset', '-c', '0', ...command] : command;
  const out = fs.openSync(logFile, 'w');
  return spawn(bin!, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
}

/** Waits until `url` answers 2xx; fails with the server's log when it has not within 30 s. */
async function waitFor(url: string, logFile: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server at ${url} did not start in 30 s:\n${fs.readFileSync(logFile, 'utf8')}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function load(name: string, server: ChildProcess, connections: number, options: autocannon.Options, warmUp: boolean): Promise<Result> {
  if (warmUp) await autocannon({ ...options, connections, duration: 2 }); // not counted
  const cpuBefore = procCpuSeconds(`/proc/${server.pid}/stat`);
  const generatorBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await autocannon({ ...options, connections, duration: seconds });
  const cpu = procCpuSeconds(`/proc/${server.pid}/stat`) - cpuBefore;
  const generator = process.cpuUsage(generatorBefore);
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    name,
    connections,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    // autocannon counts its timeouts among its errors already.
    errors: result.errors,
    non2xx: result.non2xx,
    total: result.requests.total,
    core: cpu / wall,
    cpuPerRequest: (cpu / result.requests.total) * 1e6,
    loadCore: (generator.user + generator.system) / 1e6 / wall,
  };
}

/** What the seeding reads of an answer: the id of what it created; a new user's token and user. */
interface Created {
  id: string;
}
interface NewUser {
  token: string;
  user: { id: string };
}

/** Units, users, a round, and `projectCount` projects brought to in_progress through the API (./bench-round.ts). */
async function seedEngine(base: string) {
  const post = <T = unknown>(token: string, url: string, body: unknown) => api<T>(base, token, 'POST', url, body);
  const general = (await post<Created>(ADMIN, '/api/v1/units', { name: '音乐学院党总支', type: 'general_branch' })).id;
  const other = (await post<Created>(ADMIN, '/api/v1/units', { name: '舞蹈学院党总支', type: 'general_branch' })).id;
  const applicant = (await post<NewUser>(ADMIN, '/api/v1/users', { name: 'applicant', role: 'applicant', unitId: general })).token;
  const orgDept = (await post<NewUser>(ADMIN, '/api/v1/users', { name: 'org', role: 'org_dept' })).token;
  const committee = (await post<NewUser>(ADMIN, '/api/v1/users', { name: 'committee', role: 'committee' })).token;
  const reviewer = await post<NewUser>(ADMIN, '/api/v1/users', { name: 'reviewer', role: 'reviewer', unitId: other });
  const { ids } = await benchRound(
    (token, method, url, body) => api(base, token, method, url, body),
    fetchUpload(base),
    {
      admin: ADMIN,
      applicant,
      unitId: general,
      orgDept,
      committee,
      reviewer: { id: reviewer.user.id, token: reviewer.token },
    },
    projectCount,
  );
  return { applicant, orgDept, ids };
}

function roundRobin(paths: string[]) {
  let next = 0;
  return () => paths[next++ % paths.length]!;
}

/** A server under test and the load that drives it. */
interface Target {
  name: string;
  child: ChildProcess;
  options: autocannon.Options;
}

const ENGINE = 'engine FULL (events)';
const UNSEALED = 'engine FULL unsealed (events)';

async function startEngine(children: ChildProcess[], sealed = true): Promise<{ target: Target; reads: () => Promise<Result[]> }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const label = sealed ? 'engine' : 'engine-unsealed';
  const log = path.join(scratch, `${label}.log`);
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const child = start(
    ['node', ...profile, 'dist/src/cli/main.js', 'serve'],
    {
      PORT: String(port),
      DATABASE_URL: path.join(scratch, `${label}.db`),
      // The key and the witness in the scratch directory, never in the user's home.
      LIXIANG_SIGNING_KEY_PATH: path.join(scratch, `${label}-key`, 'signing-key.pem'),
      LIXIANG_SEAL: sealed ? 'on' : 'off',
      LIXIANG_ADMIN_TOKEN: ADMIN,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      LIXIANG_RATE_LIMIT: '0', // one applicant fires thousands of events a second here
    },
    log,
  );
  children.push(child);
  await waitFor(`${base}/healthz`, log);
  const seed = await seedEngine(base);
  const next = roundRobin(seed.ids.map((id) => `/api/v1/projects/${id}/events`));
  const body = JSON.stringify({ type: 'SUBMIT_PROGRESS_REPORT', text: REPORT_TEXT });
  const options: autocannon.Options = {
    url: base,
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${seed.applicant}`, 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, path: next(), body }),
      },
    ],
  };
  const reads = async () => {
    const nextRead = roundRobin(seed.ids.map((id) => `/api/v1/projects/${id}`));
    return [
      await load(
        'engine GET /projects/{id}',
        child,
        10,
        {
          url: base,
          requests: [{ method: 'GET', headers: { authorization: `Bearer ${seed.orgDept}` }, setupRequest: (r) => ({ ...r, path: nextRead() }) }],
        },
        true,
      ),
      await load(
        'engine GET /projects?state=&limit=20',
        child,
        10,
        {
          url: `${base}/api/v1/projects?state=in_progress&limit=20`,
          headers: { authorization: `Bearer ${seed.orgDept}` },
        },
        true,
      ),
    ];
  };
  return { target: { name: sealed ? ENGINE : UNSEALED, child, options }, reads };
}

async function startCeiling(children: ChildProcess[], synchronous: 'NORMAL' | 'FULL', tables: 'engine' | 'minimal' = 'engine'): Promise<Target> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const label = `ceiling-${synchronous}-${tables}`;
  const log = path.join(scratch, `${label}.log`);
  const child = start(
    ['node', '--import', 'tsx', 'test/bench/ceiling-server.ts'],
    {
      PORT: String(port),
      BENCH_DB: path.join(scratch, `${label}.db`),
      SYNCHRONOUS: synchronous,
      CEILING_TABLES: tables,
      BENCH_PROJECTS: String(projectCount),
    },
    log,
  );
  children.push(child);
  await waitFor(`${base}/healthz`, log);
  const next = roundRobin(Array.from({ length: projectCount }, (_, i) => `/ceiling/${i}`));
  const body = JSON.stringify({ text: REPORT_TEXT });
  return {
    name: tables === 'engine' ? `ceiling ${synchronous}` : `ceiling ${synchronous}, minimal tables`,
    child,
    options: {
      url: base,
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (r) => ({ ...r, path: next(), body }) }],
    },
  };
}

const only = process.env.BENCH_ONLY; // 'engine' or 'ceiling' to run half
const byRound: Result[][] = [];
let readResults: Result[] = [];
const children: ChildProcess[] = [];
try {
  const targets: Target[] = [];
  if (only !== 'engine') {
    targets.push(await startCeiling(children, 'NORMAL'), await startCeiling(children, 'FULL'));
    if (process.env.BENCH_MINIMAL_CEILING !== '0') targets.push(await startCeiling(children, 'NORMAL', 'minimal'));
  }
  let reads: (() => Promise<Result[]>) | null = null;
  if (only !== 'ceiling') {
    const engine = await startEngine(children);
    targets.push(engine.target);
    reads = engine.reads;
    if (process.env.BENCH_UNSEALED !== '0') targets.push((await startEngine(children, false)).target);
  }
  for (let round = 0; round < rounds; round += 1) {
    const results: Result[] = [];
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
      for (const connections of connectionCounts) results.push(await load(target.name, target.child, connections, target.options, round === 0));
    }
    byRound.push(results);
    process.stderr.write(`round ${round + 1} of ${rounds} done\n`);
  }
  if (reads && process.env.BENCH_READS !== '0') readResults = await reads();
} finally {
  for (const child of children) await stop(child);
  fs.rmSync(scratch, { recursive: true, force: true });
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const scenarios = [...new Set(byRound.flat().map((r) => `${r.name}|${r.connections}`))];
const samplesOf = (name: string, connections: number) => byRound.flat().filter((r) => r.name === name && r.connections === connections);
const rpsIn = (results: Result[], name: string, c: number) => results.find((r) => r.name === name && r.connections === c)?.rps ?? NaN;
const lines = [
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${seconds} s per load, ` +
    `${rounds} interleaved rounds, ${projectCount} projects${hasTaskset ? ', servers on core 0, load on core 1' : ''}`,
  '',
  '| scenario | connections | req/s (median) | each round | p50 ms | p99 ms (median / worst) | errors | non-2xx | server core % | server CPU µs/req | load generator core % |',
  '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ...scenarios.map((key) => {
    const [name, c] = key.split('|') as [string, string];
    const samples = samplesOf(name, Number(c));
    return (
      `| ${name} | ${c} | ${fmt(median(samples.map((r) => r.rps)))} | ${samples.map((r) => fmt(r.rps)).join(' · ')} | ${fmt(median(samples.map((r) => r.p50)), 1)} | ` +
      `${fmt(median(samples.map((r) => r.p99)), 1)} / ${fmt(Math.max(...samples.map((r) => r.p99)), 1)} | ${samples.reduce((n, r) => n + r.errors, 0)} | ${samples.reduce((n, r) => n + r.non2xx, 0)} | ` +
      `${fmt(median(samples.map((r) => r.core * 100)))} | ${fmt(median(samples.map((r) => r.cpuPerRequest)))} | ${fmt(median(samples.map((r) => r.loadCore * 100)))} |`
    );
  }),
  ...readResults.map(
    (r) =>
      `| ${r.name} | ${r.connections} | ${fmt(r.rps)} | one load | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.errors} | ${r.non2xx} | ${fmt(r.core * 100)} | ${fmt(r.cpuPerRequest)} | ${fmt(r.loadCore * 100)} |`,
  ),
];
lines.push('');
const ratios = (c: number, ceiling: string) => byRound.map((results) => rpsIn(results, ENGINE, c) / rpsIn(results, ceiling, c));
for (const c of connectionCounts) {
  const normal = ratios(c, 'ceiling NORMAL');
  const full = ratios(c, 'ceiling FULL');
  const minimal = ratios(c, 'ceiling NORMAL, minimal tables');
  lines.push(
    `ratio at ${c} connections, median of the rounds (each round): engine FULL / ceiling NORMAL = ${fmt(median(normal), 2)} (${normal.map((r) => fmt(r, 2)).join(', ')}); ` +
      `engine FULL / ceiling FULL = ${fmt(median(full), 2)} (${full.map((r) => fmt(r, 2)).join(', ')})` +
      (minimal.some((r) => !Number.isNaN(r)) ? `; engine FULL / ceiling NORMAL, minimal tables = ${fmt(median(minimal), 2)} (${minimal.map((r) => fmt(r, 2)).join(', ')})` : ''),
  );
}
for (const c of connectionCounts) {
  const seal = ratios(c, UNSEALED);
  if (seal.some((r) => !Number.isNaN(r))) {
    const cpu = (name: string) => median(samplesOf(name, c).map((r) => r.cpuPerRequest));
    lines.push(
      `the sealed head at ${c} connections: engine FULL / unsealed = ${fmt(median(seal), 3)} (${seal.map((r) => fmt(r, 3)).join(', ')}); ` +
        `server CPU ${fmt(cpu(ENGINE))} µs/req sealed, ${fmt(cpu(UNSEALED))} unsealed`,
    );
  }
}
const p99at10 = median(samplesOf(ENGINE, 10).map((r) => r.p99));
const engineResults = [...byRound.flat(), ...readResults].filter((r) => r.name.startsWith('engine'));
const totalErrors = engineResults.reduce((n, r) => n + r.errors + r.non2xx, 0);
lines.push(
  `targets: engine FULL ≥ 0.8 × ceiling NORMAL at 100 connections: ${median(ratios(100, 'ceiling NORMAL')) >= 0.8 ? 'met' : 'NOT met'}; ` +
    `p99 ≤ 20 ms at 10 connections: ${p99at10 <= 20 ? 'met' : 'NOT met'} (${fmt(p99at10, 1)} ms); engine errors: ${totalErrors}`,
);
process.stdout.write(`${lines.join('\n')}\n`);
// A load that saw errors or non-2xx answers measured something else than the hot path: say so.
const failed = [...byRound.flat(), ...readResults].filter((r) => r.errors + r.non2xx > 0);
if (failed.length > 0) {
  process.stderr.write(`errors or non-2xx answers in: ${[...new Set(failed.map((r) => r.name))].join(', ')}\n`);
  process.exitCode = 1;
}
