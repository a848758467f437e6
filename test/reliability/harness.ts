/**
 * Drives the built service (dist/) as a child process on a loopback port: start, seed through the
 * API, fire events with unique idempotency keys, kill or stop it, and inspect the database file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { verifyChain } from '../../src/workflow/hash-chain.js';
import { iterateLog } from '../../src/audit/transition-log.repository.js';
import { benchRound, fetchUpload } from '../bench/bench-round.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const ADMIN = 'lx_reliability-admin-token-0123456789';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface Service {
  child: ChildProcess;
  base: string;
  exited: Promise<number | null>;
}

export async function startService(file: string, port: number, logFile: string): Promise<Service> {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: file,
      LIXIANG_ADMIN_TOKEN: ADMIN,
      LOG_LEVEL: 'warn',
      LIXIANG_RATE_LIMIT: '0',
      // The key and the witness beside the test's database, never in the user's home.
      LIXIANG_SIGNING_KEY_PATH: path.join(path.dirname(file), 'signing-key.pem'),
      LIXIANG_WITNESS_PATH: path.join(path.dirname(file), 'witness.log'),
    },
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}; see ${logFile}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base, exited };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  throw new Error('service did not start');
}

export async function api(base: string, token: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text.length ? JSON.parse(text) : null };
}

async function ok(promise: ReturnType<typeof api>) {
  const response = await promise;
  if (response.status >= 300) throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export interface Seed {
  applicant: string;
  orgDept: string;
  projectIds: string[];
}

/**
 * A unit, the users, a round, and projects brought to in_progress through the round's stages
 * (test/bench/bench-round.ts): the round in execution, where progress reports are always legal.
 */
export async function seed(base: string, projects: number): Promise<Seed> {
  const general = (await ok(api(base, ADMIN, 'POST', '/api/v1/units', { name: '音乐学院党总支', type: 'general_branch' }))).id;
  const other = (await ok(api(base, ADMIN, 'POST', '/api/v1/units', { name: '舞蹈学院党总支', type: 'general_branch' }))).id;
  const applicant = (await ok(api(base, ADMIN, 'POST', '/api/v1/users', { name: 'a', role: 'applicant', unitId: general }))).token;
  const orgDept = (await ok(api(base, ADMIN, 'POST', '/api/v1/users', { name: 'o', role: 'org_dept' }))).token;
  const committee = (await ok(api(base, ADMIN, 'POST', '/api/v1/users', { name: 'c', role: 'committee' }))).token;
  const reviewer = await ok(api(base, ADMIN, 'POST', '/api/v1/users', { name: 'r', role: 'reviewer', unitId: other }));
  const { ids } = await benchRound(
    (token, method, url, body) => ok(api(base, token, method, url, body)),
    fetchUpload(base),
    { admin: ADMIN, applicant, unitId: general, orgDept, committee, reviewer: { id: reviewer.user.id, token: reviewer.token } },
    projects,
    1,
  );
  return { applicant, orgDept, projectIds: ids };
}

export interface Ack {
  key: string;
  projectId: string;
  seq: number;
  version: number;
}

/**
 * `clients` loops, each firing progress reports with a fresh idempotency key (also sent as the
 * request id) until `stop()` says so. Only a 200 counts as acknowledged. A 503 `shutting-down`
 * problem is a refusal (the service is closing), counted, never acknowledged. Anything else a
 * test should not see (another 5xx, a 503 that is not that problem) is kept in `failures`, not
 * thrown, so that the test can assert on it once the loops have stopped.
 */
export function fireUntilStopped(base: string, seedData: Seed, clients: number, prefix: string) {
  const acked: Ack[] = [];
  const sent = new Set<string>();
  const failures: string[] = [];
  let refused = 0;
  let running = true;
  let counter = 0;
  const loops = Array.from({ length: clients }, async (_, client) => {
    while (running) {
      const key = `${prefix}-${client}-${counter++}`;
      const projectId = seedData.projectIds[counter % seedData.projectIds.length]!;
      sent.add(key);
      let response: Awaited<ReturnType<typeof api>>;
      try {
        response = await api(
          base,
          seedData.applicant,
          'POST',
          `/api/v1/projects/${projectId}/events`,
          { type: 'SUBMIT_PROGRESS_REPORT', text: `report ${key}` },
          { 'idempotency-key': key, 'x-request-id': key },
        );
      } catch (error) {
        // The server went away under us: this request's outcome is unknown, not acknowledged.
        if (!running || error instanceof TypeError) return;
        failures.push(`${key}: ${String(error)}`);
        return;
      }
      if (response.status === 200) acked.push({ key, projectId, seq: response.body.transition.seq, version: response.body.project.version });
      else if (response.status === 503 && response.body?.type === 'urn:lixiang:problem:shutting-down' && response.retryAfter !== null) refused += 1;
      else if (response.status >= 500) failures.push(`${key}: ${response.status} ${JSON.stringify(response.body)}`);
    }
  });
  return {
    acked,
    sent,
    failures,
    get refused() {
      return refused;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

export interface Inspection {
  integrity: string;
  chain: ReturnType<typeof verifyChain>;
  requestIds: string[];
  /** Projects whose stored state and version disagree with a replay of their log. */
  mismatches: string[];
}

/** Opens the file directly (the service is down): integrity, chain, request ids, replay. */
export function inspect(file: string): Inspection {
  const db = new Database(file, { readonly: true });
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const chain = verifyChain(iterateLog(db));
    const requestIds = (db.prepare("SELECT request_id AS id FROM transition_log WHERE event = 'SUBMIT_PROGRESS_REPORT'").all() as Array<{ id: string }>).map((r) => r.id);
    const mismatches: string[] = [];
    const projects = db.prepare('SELECT id, state, version FROM projects').all() as Array<{ id: string; state: string; version: number }>;
    const entries = db.prepare("SELECT from_state AS fromState, to_state AS toState FROM transition_log WHERE subject_kind = 'project' AND subject_id = ? ORDER BY seq");
    for (const project of projects) {
      const log = entries.all(project.id) as Array<{ fromState: string; toState: string }>;
      // A project's first entry is its creation (CREATE_PROJECT, from none to draft).
      let state = 'none';
      for (const entry of log) {
        if (entry.fromState !== state) mismatches.push(`${project.id}: entry from ${entry.fromState} after ${state}`);
        state = entry.toState;
      }
      if (state !== project.state) mismatches.push(`${project.id}: stored ${project.state}, replayed ${state}`);
      // The creation is version 1, and each later entry one version more.
      if (project.version !== log.length) mismatches.push(`${project.id}: version ${project.version} after ${log.length} entries`);
    }
    return { integrity, chain, requestIds, mismatches };
  } finally {
    db.close();
  }
}
