/**
 * Many instances of the built service (dist/) on one PostgreSQL database: a fresh database per test
 * file, instances started as child processes sharing one signing key (each with its own witness),
 * requests with bounded timeouts, bounded load over several instances, and the log read directly.
 * Runs only with TEST_POSTGRES_URL set (a server's URL, e.g. postgres://postgres@127.0.0.1:5432/postgres).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { GENESIS_HASH } from '../../src/workflow/hash-chain.js';
import { benchRound, fetchUpload, type BenchPeople } from '../bench/bench-round.js';
import { ADMIN, freePort, root } from './harness.js';

export { ADMIN };

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL?.trim() || null;

/** Appended to a describe's title when the file skips itself. */
export const SKIP_NOTE = TEST_POSTGRES_URL ? '' : ' — skipped: TEST_POSTGRES_URL is unset (e.g. TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres)';

export function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** One connection as the server's user (postgres), closed whatever happens. */
export async function withPg<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database (the instances migrate it): its URL and how to drop it. */
export async function createDatabase(label: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `lixiang_reliability_${label}_${process.pid}_${Date.now().toString(36)}`;
  await withPg(TEST_POSTGRES_URL!, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => withPg(TEST_POSTGRES_URL!, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** The shared Ed25519 key, written before any instance starts (mode 0600). */
export function writeSigningKey(dir: string): string {
  const file = path.join(dir, 'signing-key.pem');
  fs.writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  return file;
}

export interface Instance {
  name: string;
  child: ChildProcess;
  base: string;
  logFile: string;
  exited: Promise<number | null>;
}

export interface InstanceOptions {
  url: string;
  dir: string;
  name: string;
  keyFile: string;
  env?: Record<string, string>;
}

/** Starts `node dist/src/cli/main.js serve` on the database; resolves when /healthz answers 200 (at most 60 s). */
export async function startInstance({ url, dir, name, keyFile, env = {} }: InstanceOptions): Promise<Instance> {
  const port = await freePort();
  const logFile = path.join(dir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LIXIANG_ADMIN_TOKEN: ADMIN,
      LIXIANG_SIGNING_KEY_PATH: keyFile,
      LIXIANG_WITNESS_PATH: path.join(dir, `witness-${name}.log`),
      LIXIANG_RATE_LIMIT: '0',
      LOG_LEVEL: 'warn',
      XDG_CONFIG_HOME: dir,
      ...env,
    },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`instance ${name} exited (${child.exitCode ?? child.signalCode}): ${tail(logFile)}`);
    try {
      if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) })).ok) return { name, child, base, logFile, exited };
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`instance ${name} did not answer /healthz within 60 s: ${tail(logFile)}`);
}

/** SIGTERM, then SIGKILL after `graceMs`: how it ended, whether it had to be killed, and how long it took. */
export async function stopInstance(instance: Instance, graceMs = 30_000): Promise<{ code: number | null; signal: string | null; forced: boolean; ms: number }> {
  const started = Date.now();
  let forced = false;
  if (instance.child.exitCode === null && instance.child.signalCode === null) {
    instance.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      forced = true;
      instance.child.kill('SIGKILL');
    }, graceMs);
    try {
      await instance.exited;
    } finally {
      clearTimeout(timer);
    }
  }
  await instance.exited;
  return { code: instance.child.exitCode, signal: instance.child.signalCode, forced, ms: Date.now() - started };
}

/** The last lines of an instance's log, for failure messages and reports. */
export function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Answer {
  status: number;
  headers: Headers;
  /** The body's exact text. */
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

/** One request with a bounded wait (default 45 s: above the client's 30 s statement timeout); throws on a network error or the timeout. */
export async function send(base: string, token: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 45_000): Promise<Answer> {
  const started = Date.now();
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text.length ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, text, body: parsed, ms: Date.now() - started };
}

/** `send`, throwing unless the status is below 300. */
export async function ok(base: string, token: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const answer = await send(base, token, method, url, body, headers);
  if (answer.status >= 300) throw new Error(`${method} ${url}: ${answer.status} ${answer.text}`);
  return answer.body;
}

export interface LogRow {
  seq: number;
  prevHash: string;
  hash: string;
  requestId: string | null;
  event: string;
  subjectId: string;
}

/** The whole transition log, read as the server's user. */
export async function readLog(url: string): Promise<LogRow[]> {
  return withPg(url, async (client) => {
    const result = await client.query('SELECT seq, prev_hash AS "prevHash", hash, request_id AS "requestId", event, subject_id AS "subjectId" FROM transition_log ORDER BY seq');
    return result.rows.map((row) => ({ ...row, seq: Number(row.seq) }) as LogRow);
  });
}

/** What is wrong with the chain's links: seq 1..N without gaps, each prev_hash the previous hash (the first the genesis hash). */
export function linkProblems(rows: readonly LogRow[]): string[] {
  const problems: string[] = [];
  let previous = GENESIS_HASH;
  rows.forEach((row, index) => {
    if (row.seq !== index + 1) problems.push(`row ${index + 1} has seq ${row.seq}`);
    if (row.prevHash !== previous) problems.push(`seq ${row.seq}: prev_hash ${row.prevHash.slice(0, 12)}… is not the previous hash ${previous.slice(0, 12)}…`);
    previous = row.hash;
  });
  return problems;
}

/** How many times each value occurs. */
export function counts(values: Iterable<string | null>): Map<string, number> {
  const map = new Map<string, number>();
  for (const value of values) if (value !== null) map.set(value, (map.get(value) ?? 0) + 1);
  return map;
}

export interface Acked {
  key: string;
  instance: string;
  /** The project, or the created unit. */
  subjectId: string;
  /** The log entry's sequence number the answer gave (events only). */
  seq: number | null;
}

export interface LoadResult {
  sent: Set<string>;
  acked: Acked[];
  /** 503 answers that carried Retry-After, per problem type. */
  refused: Map<string, number>;
  /** Requests whose outcome is unknown: the instance went away under them. */
  lost: string[];
  /** Anything a client must never see: a 500, a 503 without Retry-After, a hung request. */
  failures: string[];
  /** The first body of each 503 problem type seen (a body that is no problem document shows here as "unknown"). */
  samples: Map<string, string>;
  /** Other refusals (4xx), by status. */
  other: Map<number, number>;
  durationMs: number;
  /** The longest wait for an answer, ms. */
  slowestMs: number;
  /** When the first and the last 503 came (epoch ms), if any did. */
  firstRefusedAt: number | null;
  lastRefusedAt: number | null;
}

export interface LoadOptions {
  instances: readonly Instance[];
  token: string;
  projectIds: readonly string[];
  /** Concurrent clients. */
  clients: number;
  /** Requests in all; the load stops after this many or at `maxMs`, whichever is first. */
  total: number;
  maxMs: number;
  prefix: string;
  /** Per request; a request still unanswered then is a failure (hung). */
  timeoutMs?: number;
  /** Pause after a 503, ms (the clients do not honour Retry-After's seconds, to keep the test short). */
  backoffMs?: number;
  /**
   * What each request writes: a progress report on an in-progress project (`token` the applicant's),
   * or a new unit (`token` the administrator's; only to try the harness where events cannot be fired yet).
   */
  write?: 'progress-report' | 'create-unit';
}

/** The load's default write: PG_LOAD_WRITE=create-unit only to try the harness while events cannot be fired. */
export const LOAD_WRITE = process.env.PG_LOAD_WRITE === 'create-unit' ? 'create-unit' : 'progress-report';

/**
 * Progress reports (always legal on an in-progress project) with a fresh Idempotency-Key, sent as
 * the request id too, over the instances in turn; an instance that stops answering (connection
 * refused or reset) is left out from then on and its request counted as lost, not acknowledged.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { instances, token, projectIds, clients, total, maxMs, prefix, timeoutMs = 45_000, backoffMs = 100, write = 'progress-report' } = options;
  const result: LoadResult = {
    sent: new Set(),
    acked: [],
    refused: new Map(),
    samples: new Map(),
    lost: [],
    failures: [],
    other: new Map(),
    durationMs: 0,
    slowestMs: 0,
    firstRefusedAt: null,
    lastRefusedAt: null,
  };
  const gone = new Set<string>();
  const started = Date.now();
  let counter = 0;
  const loops = Array.from({ length: clients }, async () => {
    while (counter < total && Date.now() - started < maxMs) {
      const n = counter++;
      const live = instances.filter((i) => !gone.has(i.name));
      if (live.length === 0) return;
      const instance = live[n % live.length]!;
      const projectId = projectIds[n % projectIds.length]!;
      const key = `${prefix}-${n}`;
      result.sent.add(key);
      let answer: Answer;
      try {
        const headers = { 'idempotency-key': key, 'x-request-id': key };
        answer =
          write === 'progress-report'
            ? await send(instance.base, token, 'POST', `/api/v1/projects/${projectId}/events`, { type: 'SUBMIT_PROGRESS_REPORT', text: `report ${key}` }, headers, timeoutMs)
            : await send(instance.base, token, 'POST', '/api/v1/units', { name: `unit ${key}`, type: 'general_branch' }, headers, timeoutMs);
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'TimeoutError') {
          result.failures.push(`${key} on ${instance.name}: no answer within ${timeoutMs} ms`);
        } else {
          // Connection refused or reset: the instance went away; this outcome is unknown.
          gone.add(instance.name);
          result.lost.push(key);
        }
        continue;
      }
      result.slowestMs = Math.max(result.slowestMs, answer.ms);
      if (answer.status === 200 || answer.status === 201) {
        result.acked.push({ key, instance: instance.name, subjectId: answer.body.project?.id ?? answer.body.id, seq: answer.body.transition?.seq ?? null });
      } else if (answer.status === 503 && answer.headers.get('retry-after') !== null) {
        const type = String(answer.body?.type ?? 'unknown');
        result.refused.set(type, (result.refused.get(type) ?? 0) + 1);
        if (!result.samples.has(type)) result.samples.set(type, answer.text.slice(0, 400));
        result.firstRefusedAt ??= Date.now();
        result.lastRefusedAt = Date.now();
        await sleep(backoffMs);
      } else if (answer.status >= 500) {
        result.failures.push(`${key} on ${instance.name}: ${answer.status} retry-after=${answer.headers.get('retry-after')} ${answer.text.slice(0, 300)}`);
      } else {
        result.other.set(answer.status, (result.other.get(answer.status) ?? 0) + 1);
      }
    }
  });
  await Promise.all(loops);
  result.durationMs = Date.now() - started;
  return result;
}

/** The verdict of GET /api/v1/audit/verify on an instance. */
export async function verifyVerdict(instance: Instance, token: string) {
  const answer = await send(instance.base, token, 'GET', '/api/v1/audit/verify', undefined, {}, 120_000);
  if (answer.status !== 200) throw new Error(`audit/verify on ${instance.name}: ${answer.status} ${answer.text}`);
  return answer.body as { valid: boolean; chainValid: boolean; count: number; headSeq?: number; headHash?: string; head: { valid: boolean }; tables: unknown };
}

/** Whether the cluster answers a query now. */
export async function pgAnswers(): Promise<boolean> {
  try {
    await withPg(TEST_POSTGRES_URL!, (client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

export interface People extends BenchPeople {
  /** Reads the audit routes (org_dept may too). */
  auditor: string;
}

/** Units and one user of each role the tests need, created through `base` as the administrator. */
export async function createPeople(base: string): Promise<People> {
  const unitId = (await ok(base, ADMIN, 'POST', '/api/v1/units', { name: '音乐学院党总支', type: 'general_branch' })).id as string;
  const other = (await ok(base, ADMIN, 'POST', '/api/v1/units', { name: '舞蹈学院党总支', type: 'general_branch' })).id as string;
  const user = (name: string, role: string, unit: string | null = null) => ok(base, ADMIN, 'POST', '/api/v1/users', { name, role, unitId: unit });
  const applicant = (await user('申报人', 'applicant', unitId)).token as string;
  const orgDept = (await user('组织部', 'org_dept')).token as string;
  const committee = (await user('党委', 'committee')).token as string;
  const auditor = (await user('纪检', 'auditor')).token as string;
  const reviewer = await user('评审', 'reviewer', other);
  return { admin: ADMIN, unitId, applicant, orgDept, committee, auditor, reviewer: { id: reviewer.user.id, token: reviewer.token } };
}

/** `count` projects of the applicant's unit in progress (test/bench/bench-round.ts): progress reports are always legal on them. */
export async function inProgressProjects(base: string, people: People, count: number): Promise<string[]> {
  const call = async (token: string, method: string, url: string, body?: unknown) => ok(base, token, method, url, body);
  return (await benchRound(call, fetchUpload(base), people, count, 5)).ids;
}
