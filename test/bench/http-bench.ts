/**
 * npm run bench: the hot path over HTTP on loopback, bounded, with its ceilings and a peer in the same run.
 *
 *   engine FULL     POST /api/v1/projects/{id}/events, the real service (dist/) as shipped:
 *                   synchronous=FULL, group commit, the sealed head, LOG_LEVEL=warn, rate limit off
 *   minimal NORMAL  the minimal ceiling (ceiling-server.ts, CEILING_TABLES=minimal): bare Fastify and
 *                   better-sqlite3, WAL, synchronous=NORMAL, one BEGIN IMMEDIATE per event: select the
 *                   project by primary key, update it, insert a log row of about 200 bytes; no
 *                   authentication, validation, machine, hashing or logging. The targets are set against it.
 *   minimal FULL    the same at synchronous=FULL (one fsync per event)
 *   same-work       the engine's SQLite work without the engine (CEILING_TABLES=engine): its tables, wide
 *                   rows, prepared statements and entry hash, NORMAL, progress reports on projects in
 *                   progress; printed, not judged (BENCH_SAME_WORK=0 leaves it out)
 *   BPMN peer       bpmn-engine resuming the stored process instance, completing its user task and
 *                   storing it again in SQLite per request (bpmn-peer-server.ts; BENCH_PEER=0 leaves it out)
 *   unsealed        the engine with LIXIANG_SEAL=off, when BENCH_UNSEALED=1
 *   baseline build  with BENCH_BASELINE=dir, the service built in another checkout (an earlier commit,
 *                   say: git worktree add dir <commit>, node_modules linked, npm run build there),
 *                   run the same way beside this one: a change measured side by side in one run
 *   reads           GET /api/v1/projects/{id} and a filtered GET /api/v1/projects page
 *
 * The workload (BENCH_WORKLOAD=cycle, the default): each request a legal state change, round-robin over
 * BENCH_PROJECTS draft projects, SUBMIT (the applicant) and RETURN_FOR_REVISION (org_dept, with a
 * comment) in turn; the ceilings move their rows between the same states, the peer its process
 * instances between the same two user tasks. BENCH_WORKLOAD=progress sends SUBMIT_PROGRESS_REPORT to
 * projects in progress instead (the workload of runs A to S).
 *
 * The servers run side by side, each pinned to core 0, and autocannon here on core 1 (taskset, where
 * available); only the one under load does any work. Their loads are interleaved in BENCH_ROUNDS
 * rounds (the targets in order, then the other way round), so that a drift of this shared machine's
 * speed falls on all alike; each figure is the median of its rounds, and so is each ratio (taken
 * within a round). Each load reports latency up to p99.9 and the maximum, the server's CPU (all
 * threads, from /proc) per answered request, the load generator's share of its core, and events per
 * commit (mean, median, max), read from each server's counters before and after the load (the
 * engine's GET /api/v1/metrics). Each round prints the load average before and after it. Before the
 * loads, fsync is measured on the benchmark's file system: a 4 KiB write + fdatasync, and a one-row
 * SQLite commit at synchronous=FULL, which bound what a client waiting for its commit can get.
 *
 * BENCH_SECONDS (default 10) per load, BENCH_ROUNDS (default 5), BENCH_PROJECTS (default 2000),
 * BENCH_CONNECTIONS (default 10,100). For diagnosis: BENCH_ONLY=engine|ceiling runs one side,
 * BENCH_READS=0 leaves the reads out, BENCH_LOG_LEVEL (default warn) sets the engine's log level,
 * BENCH_CPU_PROF=dir writes the engine's V8 CPU profile there, BENCH_KEEP=1 keeps the servers' databases and logs. Exits 1 when a load
 * of the engine or a ceiling saw errors or non-2xx answers (the peer's are printed only).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { freePort } from '../reliability/harness.js';
import { median, procCpuSeconds } from './stats.js';
import { api, benchDrafts, benchRound, fetchUpload } from './bench-round.js';

const root = path.resolve(import.meta.dirname, '../..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const projectCount = Number(process.env.BENCH_PROJECTS ?? 2000);
const connectionCounts = (process.env.BENCH_CONNECTIONS ?? '10,100').split(',').map(Number);
const workload = process.env.BENCH_WORKLOAD === 'progress' ? 'progress' : 'cycle';
// Every connection's request goes to a project with none in flight: twice as many projects as connections.
if (projectCount < 2 * Math.max(...connectionCounts)) {
  throw new Error(`BENCH_PROJECTS=${projectCount}: the cycle needs at least twice as many projects as connections (${2 * Math.max(...connectionCounts)})`);
}
const ADMIN = 'lx_bench-admin-token-0123456789abcdef';
/** The progress report, and the comment of a return for revision: what the servers are sent. */
const REPORT_TEXT = '已完成本月主题党日活动，参与党员 32 人。';
const RETURN_COMMENT = '活动安排需细化到月，请补充预算明细。';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-bench-'));
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
if (hasTaskset) spawnSync('taskset', ['-cp', '1', String(process.pid)]);

/** Commits counted by a server: size → commits. */
type Batches = Map<number, number>;

interface Result {
  name: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  errors: number;
  non2xx: number;
  total: number;
  /** The server's CPU (user + system, all its threads) during the load: share of one core. */
  core: number;
  /** The same, per answered request, µs. */
  cpuPerRequest: number;
  /** This process's CPU (autocannon, the load generator) during the load: share of one core. */
  loadCore: number;
  /** Events per commit during the load: mean, median (over commits), max. */
  perCommit: { mean: number; p50: number; max: number };
}

function start(command: string[], env: Record<string, string>, logFile: string, cwd = root): ChildProcess {
  const [bin, ...args] = hasTaskset ? ['taskset', '-c', '0', ...command] : command;
  const out = fs.openSync(logFile, 'w');
  return spawn(bin!, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
}

/** Waits until `url` answers 2xx; fails with the server's log when it has not within 60 s. */
async function waitFor(url: string, logFile: string): Promise<void> {
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server at ${url} did not start in 60 s:\n${fs.readFileSync(logFile, 'utf8')}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** A server under test and the load that drives it. */
interface Target {
  name: string;
  child: ChildProcess;
  options: autocannon.Options;
  /** The server's commits so far, by size. */
  batches: () => Promise<Batches>;
  /** The workload's cycle over the server's subjects (none for progress reports). */
  cycle?: Cycle;
}

/** Commits of `after` not in `before`: mean, median over commits, largest. */
function perCommit(before: Batches, after: Batches): Result['perCommit'] {
  const sizes: Array<[number, number]> = [...after]
    .map(([size, n]): [number, number] => [size, n - (before.get(size) ?? 0)])
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a - b);
  const commits = sizes.reduce((sum, [, n]) => sum + n, 0);
  const events = sizes.reduce((sum, [size, n]) => sum + size * n, 0);
  let seen = 0;
  const p50 = sizes.find(([, n]) => (seen += n) >= commits / 2)?.[0] ?? NaN;
  return { mean: events / commits, p50, max: sizes.at(-1)?.[0] ?? NaN };
}

async function load(target: Target, connections: number, warmUp: boolean): Promise<Result> {
  const { child: server, name, options } = target;
  const restart = async () => {
    await settle(target);
    await target.cycle?.restart();
  };
  if (warmUp) {
    await restart();
    await autocannon({ ...options, connections, duration: 2 }); // not counted
  }
  await restart();
  const batchesBefore = await target.batches();
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
    p999: result.latency.p99_9,
    max: result.latency.max,
    // autocannon counts its timeouts among its errors already.
    errors: result.errors,
    non2xx: result.non2xx,
    total: result.requests.total,
    core: cpu / wall,
    cpuPerRequest: (cpu / result.requests.total) * 1e6,
    loadCore: (generator.user + generator.system) / 1e6 / wall,
    perCommit: perCommit(batchesBefore, await target.batches()),
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

/** Units, users, a round, and `projectCount` projects: drafts for the cycle, in progress for progress reports. */
async function seedEngine(base: string) {
  const post = <T = unknown>(token: string, url: string, body: unknown) => api<T>(base, token, 'POST', url, body);
  const call = (token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => api(base, token, method, url, body);
  const general = (await post<Created>(ADMIN, '/api/v1/units', { name: '音乐学院党总支', type: 'general_branch' })).id;
  const other = (await post<Created>(ADMIN, '/api/v1/units', { name: '舞蹈学院党总支', type: 'general_branch' })).id;
  const applicant = (await post<NewUser>(ADMIN, '/api/v1/users', { name: 'applicant', role: 'applicant', unitId: general })).token;
  const orgDept = (await post<NewUser>(ADMIN, '/api/v1/users', { name: 'org', role: 'org_dept' })).token;
  if (workload === 'cycle') return { applicant, orgDept, ids: (await benchDrafts(call, applicant, ADMIN, projectCount)).ids };
  const committee = (await post<NewUser>(ADMIN, '/api/v1/users', { name: 'committee', role: 'committee' })).token;
  const reviewer = await post<NewUser>(ADMIN, '/api/v1/users', { name: 'reviewer', role: 'reviewer', unitId: other });
  const people = { admin: ADMIN, applicant, unitId: general, orgDept, committee, reviewer: { id: reviewer.user.id, token: reviewer.token } };
  const { ids } = await benchRound(call, fetchUpload(base), people, projectCount);
  return { applicant, orgDept, ids };
}

function roundRobin(paths: string[]) {
  let next = 0;
  return () => paths[next++ % paths.length]!;
}

/**
 * The cycle over `count` subjects, round-robin: each request goes to the next subject that has no
 * request in flight, with the cycle's first event (SUBMIT) or its second (RETURN_FOR_REVISION) as
 * the subject stands; a 2xx answer moves it on. A load that ends leaves requests unanswered that the
 * server may still have carried out, so before every load the bench reads where each subject stands
 * (`positions`: 1 where its next event is the cycle's second) and restarts the cycle from there.
 */
class Cycle {
  private next = 0;
  private second: Uint8Array;
  private inFlight: Uint8Array;
  constructor(
    readonly count: number,
    private readonly positions: () => Promise<Uint8Array>,
  ) {
    this.second = new Uint8Array(count);
    this.inFlight = new Uint8Array(count);
  }
  /** Where each subject stands now, read from the server; none in flight. */
  async restart(): Promise<void> {
    this.second = await this.positions();
    this.inFlight = new Uint8Array(this.count);
  }
  /** The next subject and whether its event is the cycle's second; `context` remembers it for `answered`. */
  take(context: object): { index: number; second: boolean } {
    let index = this.next;
    for (let tried = 0; this.inFlight[index] && tried < this.count; tried += 1) index = (index + 1) % this.count;
    this.next = (index + 1) % this.count;
    this.inFlight[index] = 1;
    (context as { index?: number }).index = index;
    return { index, second: this.second[index] === 1 };
  }
  answered(status: number, context: object): void {
    const index = (context as { index: number }).index;
    this.inFlight[index] = 0;
    if (status < 300) this.second[index] = this.second[index] === 1 ? 0 : 1;
  }
}

/** Waits until the server's commit count stays put for 200 ms: every request it took is done. */
async function settle(target: Target): Promise<void> {
  const total = async () => [...(await target.batches())].reduce((sum, [size, n]) => sum + size * n, 0);
  let last = await total();
  for (let i = 0; i < 50; i += 1) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await total();
    if (now === last) return;
    last = now;
  }
}

/** A server's commits by size: the engine's GET /api/v1/metrics, or the same shape from a bench server's /stats. */
async function counters(url: string, token?: string): Promise<Batches> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const body = (await response.json()) as { groupCommit: { batches: Array<{ size: number; commits: number }> } };
  return new Map(body.groupCommit.batches.map(({ size, commits }) => [size, commits]));
}

const ENGINE = 'engine FULL';
const UNSEALED = 'engine FULL unsealed';
const BASELINE = 'engine FULL, baseline build';
/** BENCH_BASELINE: another built checkout of the service (its own dist/), run beside this one as a baseline. */
const baselineCheckout = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : null;
if (baselineCheckout && !fs.existsSync(path.join(baselineCheckout, 'dist', 'src', 'cli', 'main.js'))) {
  throw new Error(`BENCH_BASELINE=${baselineCheckout}: no built service there (dist/src/cli/main.js); run npm run build in it`);
}
const MINIMAL = 'minimal ceiling NORMAL';
const MINIMAL_FULL = 'minimal ceiling FULL';
const SAME_WORK = 'same-work ceiling NORMAL (progress reports)';
const PEER = 'BPMN peer (bpmn-engine + SQLite)';

async function startEngine(children: ChildProcess[], sealed = true, checkout = root): Promise<{ target: Target; reads: () => Promise<Result[]> }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const baseline = checkout !== root;
  const label = baseline ? 'engine-baseline' : sealed ? 'engine' : 'engine-unsealed';
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
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      LIXIANG_RATE_LIMIT: '0', // one applicant fires thousands of events a second here
    },
    log,
    checkout,
  );
  children.push(child);
  await waitFor(`${base}/healthz`, log);
  const seed = await seedEngine(base);
  const json = { 'content-type': 'application/json' };
  let setupRequest: NonNullable<autocannon.Request['setupRequest']>;
  let cycle: Cycle | undefined;
  if (workload === 'cycle') {
    const indexOf = new Map(seed.ids.map((id, i) => [id, i]));
    // The projects in `submitted` are those whose next event is RETURN_FOR_REVISION.
    const positions = async () => {
      const second = new Uint8Array(seed.ids.length);
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ id: string }>; nextCursor: string | null } = await api(
          base,
          seed.orgDept,
          'GET',
          `/api/v1/projects?state=submitted&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        for (const { id } of page.items) second[indexOf.get(id)!] = 1;
        cursor = page.nextCursor;
      } while (cursor);
      return second;
    };
    const next = new Cycle(seed.ids.length, positions);
    cycle = next;
    const submit = { headers: { ...json, authorization: `Bearer ${seed.applicant}` }, body: JSON.stringify({ type: 'SUBMIT' }) };
    const giveBack = { headers: { ...json, authorization: `Bearer ${seed.orgDept}` }, body: JSON.stringify({ type: 'RETURN_FOR_REVISION', comment: RETURN_COMMENT }) };
    setupRequest = (request, context) => {
      const { index, second } = next.take(context);
      return { ...request, path: `/api/v1/projects/${seed.ids[index]}/events`, ...(second ? giveBack : submit) };
    };
  } else {
    const next = roundRobin(seed.ids.map((id) => `/api/v1/projects/${id}/events`));
    const report = { headers: { ...json, authorization: `Bearer ${seed.applicant}` }, body: JSON.stringify({ type: 'SUBMIT_PROGRESS_REPORT', text: REPORT_TEXT }) };
    setupRequest = (request) => ({ ...request, path: next(), ...report });
  }
  const onResponse = cycle ? (status: number, _body: string, context: object) => cycle.answered(status, context) : undefined;
  const options: autocannon.Options = { url: base, requests: [{ method: 'POST', setupRequest, ...(onResponse ? { onResponse } : {}) }] };
  const batches = () => counters(`${base}/api/v1/metrics`, ADMIN);
  const reads = async () => {
    const nextRead = roundRobin(seed.ids.map((id) => `/api/v1/projects/${id}`));
    const read = (name: string, readOptions: autocannon.Options) => load({ name, child, options: readOptions, batches }, 10, true);
    return [
      await read('engine GET /projects/{id}', {
        url: base,
        requests: [{ method: 'GET', headers: { authorization: `Bearer ${seed.orgDept}` }, setupRequest: (r) => ({ ...r, path: nextRead() }) }],
      }),
      await read('engine GET /projects?state=&limit=20', {
        url: `${base}/api/v1/projects?state=${workload === 'cycle' ? 'draft' : 'in_progress'}&limit=20`,
        headers: { authorization: `Bearer ${seed.orgDept}` },
      }),
    ];
  };
  return { target: { name: baseline ? BASELINE : sealed ? ENGINE : UNSEALED, child, options, batches, ...(cycle ? { cycle } : {}) }, reads };
}

/** A bench server of its own (ceiling-server.ts, bpmn-peer-server.ts) at `route`/{index}. */
async function startServer(children: ChildProcess[], name: string, script: string, route: string, env: Record<string, string>, body: (second: boolean) => string): Promise<Target> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const label = name.replace(/[^a-zA-Z0-9]+/g, '-');
  const log = path.join(scratch, `${label}.log`);
  const child = start(['node', '--import', 'tsx', script], { PORT: String(port), BENCH_DB: path.join(scratch, `${label}.db`), BENCH_PROJECTS: String(projectCount), ...env }, log);
  children.push(child);
  await waitFor(`${base}/healthz`, log);
  // '0' or '1' per subject: whether its next event is the cycle's second.
  const next = new Cycle(projectCount, async () => Uint8Array.from(await (await fetch(`${base}/positions`)).text(), (c) => (c === '1' ? 1 : 0)));
  const bodies = [body(false), body(true)];
  return {
    name,
    child,
    options: {
      url: base,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (r, context) => {
            const { index, second } = next.take(context);
            return { ...r, path: `${route}/${index}`, body: bodies[second ? 1 : 0] };
          },
          onResponse: (status, _body, context) => next.answered(status, context),
        },
      ],
    },
    batches: () => counters(`${base}/stats`),
    cycle: next,
  };
}

const cycleBody = (second: boolean) =>
  workload === 'cycle' ? JSON.stringify(second ? { event: 'RETURN_FOR_REVISION', text: RETURN_COMMENT } : { event: 'SUBMIT', text: '' }) : JSON.stringify({ text: REPORT_TEXT });
const startMinimal = (children: ChildProcess[], synchronous: 'NORMAL' | 'FULL') =>
  startServer(
    children,
    synchronous === 'NORMAL' ? MINIMAL : MINIMAL_FULL,
    'test/bench/ceiling-server.ts',
    '/ceiling',
    { SYNCHRONOUS: synchronous, CEILING_TABLES: 'minimal' },
    cycleBody,
  );
const startSameWork = (children: ChildProcess[]) =>
  startServer(children, SAME_WORK, 'test/bench/ceiling-server.ts', '/ceiling', { SYNCHRONOUS: 'NORMAL', CEILING_TABLES: 'engine' }, () => JSON.stringify({ text: REPORT_TEXT }));
const startPeer = (children: ChildProcess[]) =>
  startServer(children, PEER, 'test/bench/bpmn-peer-server.ts', '/peer', {}, (second) => JSON.stringify({ text: second ? RETURN_COMMENT : '' }));

/** fsync on the bench's file system: `count` 4 KiB writes each followed by fdatasync, and one-row SQLite commits at FULL; µs. */
function measureFsync(count = 300): { fdatasync: number[]; commit: number[] } {
  const file = path.join(scratch, 'fsync-probe');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const fdatasync: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = process.hrtime.bigint();
    fs.writeSync(fd, block, 0, block.length, (i % 16) * 4096);
    fs.fdatasyncSync(fd);
    fdatasync.push(Number(process.hrtime.bigint() - started) / 1e3);
  }
  fs.closeSync(fd);
  const db = new Database(path.join(scratch, 'fsync-probe.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const one = db.transaction(() => insert.run('x'.repeat(200)));
  const commit: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = process.hrtime.bigint();
    one.immediate();
    commit.push(Number(process.hrtime.bigint() - started) / 1e3);
  }
  db.close();
  return { fdatasync, commit };
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? NaN;

const only = process.env.BENCH_ONLY; // 'engine' or 'ceiling' to run half
const byRound: Result[][] = [];
const roundLoad: Array<{ before: number; after: number }> = [];
let readResults: Result[] = [];
const children: ChildProcess[] = [];
const fsyncBefore = measureFsync();
let fsyncAfter: ReturnType<typeof measureFsync> | null = null;
const loadAverageAtStart = os.loadavg()[0]!;
try {
  const targets: Target[] = [];
  if (only !== 'engine') {
    targets.push(await startMinimal(children, 'NORMAL'), await startMinimal(children, 'FULL'));
    if (process.env.BENCH_SAME_WORK !== '0') targets.push(await startSameWork(children));
    if (process.env.BENCH_PEER !== '0') targets.push(await startPeer(children));
  }
  let reads: (() => Promise<Result[]>) | null = null;
  if (only !== 'ceiling') {
    const engine = await startEngine(children);
    targets.push(engine.target);
    reads = engine.reads;
    if (process.env.BENCH_UNSEALED === '1') targets.push((await startEngine(children, false)).target);
    if (baselineCheckout) targets.push((await startEngine(children, true, baselineCheckout)).target);
  }
  for (let round = 0; round < rounds; round += 1) {
    const results: Result[] = [];
    const before = os.loadavg()[0]!;
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
      for (const connections of connectionCounts) results.push(await load(target, connections, round === 0));
    }
    byRound.push(results);
    roundLoad.push({ before, after: os.loadavg()[0]! });
    process.stderr.write(`round ${round + 1} of ${rounds} done\n`);
  }
  if (reads && process.env.BENCH_READS !== '0') readResults = await reads();
  fsyncAfter = measureFsync();
} finally {
  for (const child of children) await stop(child);
  if (process.env.BENCH_KEEP === '1') process.stderr.write(`the servers' databases and logs are kept in ${scratch}\n`);
  else fs.rmSync(scratch, { recursive: true, force: true });
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const scenarios = [...new Set(byRound.flat().map((r) => `${r.name}|${r.connections}`))];
const samplesOf = (name: string, connections: number) => byRound.flat().filter((r) => r.name === name && r.connections === connections);
const rpsIn = (results: Result[], name: string, c: number) => results.find((r) => r.name === name && r.connections === c)?.rps ?? NaN;
const med = (samples: Result[], pick: (r: Result) => number) => median(samples.map(pick));
const row = (name: string, c: number | string, samples: Result[], each: string) =>
  `| ${name} | ${c} | ${fmt(med(samples, (r) => r.rps))} | ${each} | ${fmt(
    med(samples, (r) => r.p50),
    1,
  )} | ${fmt(
    med(samples, (r) => r.p99),
    1,
  )} / ${fmt(Math.max(...samples.map((r) => r.p99)), 1)} | ` +
  `${fmt(
    med(samples, (r) => r.p999),
    1,
  )} / ${fmt(Math.max(...samples.map((r) => r.p999)), 1)} | ${fmt(Math.max(...samples.map((r) => r.max)))} | ${samples.reduce((n, r) => n + r.errors, 0)} | ` +
  `${samples.reduce((n, r) => n + r.non2xx, 0)} | ${fmt(
    med(samples, (r) => r.perCommit.mean),
    1,
  )} / ${fmt(med(samples, (r) => r.perCommit.p50))} / ${fmt(Math.max(...samples.map((r) => r.perCommit.max)))} | ` +
  `${fmt(med(samples, (r) => r.core * 100))} | ${fmt(med(samples, (r) => r.cpuPerRequest))} | ${fmt(med(samples, (r) => r.loadCore * 100))} |`;
const fsyncLine = (label: string, m: ReturnType<typeof measureFsync>) =>
  `fsync ${label}: 4 KiB write + fdatasync median ${fmt(percentile(m.fdatasync, 50))} µs (p99 ${fmt(percentile(m.fdatasync, 99))}); ` +
  `one-row SQLite commit at FULL (WAL) median ${fmt(percentile(m.commit, 50))} µs (p99 ${fmt(percentile(m.commit, 99))})`;
const lines = [
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; workload ${workload}; ${seconds} s per load, ` +
    `${rounds} interleaved rounds, ${projectCount} projects${hasTaskset ? ', servers on core 0, load on core 1' : ''}; load average ${fmt(loadAverageAtStart, 2)} at the start`,
  fsyncLine('before the loads', fsyncBefore),
  ...(fsyncAfter ? [fsyncLine('after the loads', fsyncAfter)] : []),
  `load average (1 min) before → after each round: ${roundLoad.map((r, i) => `${i + 1}: ${fmt(r.before, 2)} → ${fmt(r.after, 2)}`).join('; ')}`,
  '',
  '| scenario | connections | req/s (median) | each round | p50 ms | p99 ms (median / worst) | p99.9 ms (median / worst) | max ms | errors | non-2xx | events per commit (mean / p50 / max) | server core % | server CPU µs/req | load generator core % |',
  '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...scenarios.map((key) => {
    const [name, c] = key.split('|') as [string, string];
    const samples = samplesOf(name, Number(c));
    return row(name, c, samples, samples.map((r) => fmt(r.rps)).join(' · '));
  }),
  ...readResults.map((r) => row(r.name, r.connections, [r], 'one load')),
];
lines.push('');
const ratios = (c: number, other: string) => byRound.map((results) => rpsIn(results, ENGINE, c) / rpsIn(results, other, c));
const ratioText = (label: string, values: number[], digits = 2) => `${label} = ${fmt(median(values), digits)} (${values.map((r) => fmt(r, digits)).join(', ')})`;
for (const c of connectionCounts) {
  const parts = [MINIMAL, MINIMAL_FULL, SAME_WORK, PEER, UNSEALED, BASELINE]
    .map((other) => ({ other, values: ratios(c, other) }))
    .filter(({ values }) => values.some((r) => !Number.isNaN(r)))
    .map(({ other, values }) => ratioText(`engine / ${other}`, values, other === UNSEALED || other === BASELINE ? 3 : 2));
  lines.push(`ratio at ${c} connections, median of the rounds (each round): ${parts.join('; ')}`);
}
// The floor a client waiting for its commit meets: with c clients and every commit carrying all of
// them, c events per (one commit + c × the engine's CPU per event).
const commitMedian = percentile([...fsyncBefore.commit, ...(fsyncAfter?.commit ?? [])], 50) / 1e6;
for (const c of connectionCounts) {
  const engine = samplesOf(ENGINE, c);
  if (engine.length === 0) continue;
  const cpu = med(engine, (r) => r.cpuPerRequest) / 1e6;
  const floor = c / (commitMedian + c * cpu);
  lines.push(
    `fsync floor at ${c} connections: ${c} events per (one FULL commit ${fmt(commitMedian * 1e6)} µs + ${c} × ${fmt(cpu * 1e6)} µs engine CPU) = ${fmt(floor)} events/s; ` +
      `the engine reached ${fmt(med(engine, (r) => r.rps))} (${fmt(med(engine, (r) => r.rps) / floor, 2)} of it), ${fmt(
        med(engine, (r) => r.perCommit.mean),
        1,
      )} events per commit`,
  );
}
const at = (c: number, other: string) => median(ratios(c, other));
const p99at10 = med(samplesOf(ENGINE, 10), (r) => r.p99);
const p999at100 = med(samplesOf(ENGINE, 100), (r) => r.p999);
const engineResults = [...byRound.flat(), ...readResults].filter((r) => r.name.startsWith('engine'));
const totalErrors = engineResults.reduce((n, r) => n + r.errors + r.non2xx, 0);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
lines.push(
  `targets: engine ≥ 0.8 × minimal ceiling NORMAL at 100 connections: ${verdict(at(100, MINIMAL) >= 0.8)} (${fmt(at(100, MINIMAL), 2)}); ` +
    `≥ 0.6 × at 10: ${verdict(at(10, MINIMAL) >= 0.6)} (${fmt(at(10, MINIMAL), 2)}); ` +
    `p99 ≤ 20 ms at 10: ${verdict(p99at10 <= 20)} (${fmt(p99at10, 1)} ms); p99.9 ≤ 100 ms at 100: ${verdict(p999at100 <= 100)} (${fmt(p999at100, 1)} ms); ` +
    `≥ 60 × the BPMN peer: ${connectionCounts.map((c) => `${c} connections ${verdict(at(c, PEER) >= 60)} (${fmt(at(c, PEER), 1)})`).join(', ')}; engine errors: ${totalErrors}`,
);
process.stdout.write(`${lines.join('\n')}\n`);
// A load of the engine or a ceiling that saw errors or non-2xx answers measured something else than
// the hot path: say so and fail. The peer's timeouts (10 s) are its own figures, printed above.
const failed = [...byRound.flat(), ...readResults].filter((r) => r.errors + r.non2xx > 0);
if (failed.length > 0) process.stderr.write(`errors or non-2xx answers in: ${[...new Set(failed.map((r) => r.name))].join(', ')}\n`);
if (failed.some((r) => r.name !== PEER)) process.exitCode = 1;
