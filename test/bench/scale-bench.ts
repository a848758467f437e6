/**
 * npm run bench:scale — does the engine stay flat as the data grows? For each size it builds a
 * database directly (projects in progress, a hash-chained log of LOG_PER_PROJECT entries each),
 * then measures through the real app in process: the cost of a transition, a filtered list page
 * (first and deep), a project read, and audit verification in rows/s.
 *
 *   SCALE_SIZES=1000,100000,1000000 (default)   LOG_PER_PROJECT=10 (default: 10 M log rows at 1 M)
 *   SCALE_DIR=/path (default: a temp dir; each database is deleted after its run)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/app.js';
import { GENESIS_HASH, entryHash, verifyChain, type UnhashedEntry } from '../../src/audit/hash-chain.js';
import { verifyLog } from '../../src/audit/parallel-verify.js';
import { iterateLog } from '../../src/audit/transition-log.repository.js';
import { hashToken } from '../../src/auth/tokens.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { newId } from '../../src/ids.js';

const sizes = (process.env.SCALE_SIZES ?? '1000,100000,1000000').split(',').map(Number);
const logPerProject = Number(process.env.LOG_PER_PROJECT ?? 10);
const baseDir = process.env.SCALE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-scale-'));
const APPLICANT = 'lx_scale-applicant-token-0123456789';
const ORG = 'lx_scale-org-dept-token-0123456789ab';
const AUDITOR = 'lx_scale-auditor-token-0123456789abc';

interface Row {
  projects: number;
  logRows: number;
  buildSeconds: number;
  fileMiB: number;
  transitionUs: number;
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
  exportSeconds: number;
  exportPeakRssMiB: number;
}

function build(file: string, projects: number): { ids: string[]; seconds: number } {
  const started = performance.now();
  const db = openDatabase(file);
  migrateDatabase(db);
  const sqlite = db.$client;
  sqlite.pragma('synchronous = OFF'); // generation only; the measurement reopens at FULL
  const now = '2026-01-01T00:00:00.000Z';
  const unit = newId();
  const other = newId();
  const round = newId();
  const applicant = newId();
  sqlite.prepare("INSERT INTO units (id, name, type, parent_id, created_at) VALUES (?, '音乐学院党总支', 'general_branch', NULL, ?)").run(unit, now);
  sqlite.prepare("INSERT INTO units (id, name, type, parent_id, created_at) VALUES (?, '舞蹈学院党总支', 'general_branch', NULL, ?)").run(other, now);
  const user = sqlite.prepare('INSERT INTO users (id, name, role, unit_id, token_hash, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)');
  user.run(applicant, 'applicant', 'applicant', unit, hashToken(APPLICANT), now);
  user.run(newId(), 'org', 'org_dept', null, hashToken(ORG), now);
  user.run(newId(), 'auditor', 'auditor', null, hashToken(AUDITOR), now);
  sqlite
    .prepare(
      `INSERT INTO rounds (id, year, title, document_number, submission_deadline, revision_deadline, final_acceptance_date,
        funding_first, funding_second, funding_third, funding_qualified, min_reviews, score_min, score_max, created_at)
       VALUES (?, 2026, 'scale', 'S-1', '2099-12-31', NULL, '2099-12-31', 3000, 2000, 1500, 1000, 1, 0, 20, ?)`,
    )
    .run(round, now);
  const letter = JSON.stringify({ rationale: 'r', activities: [{ content: 'c', form: 'f', when: 'w' }], expectedOutcomes: 'e', leader: 'l', members: ['m'], contact: 'c' });
  const insertProject = sqlite.prepare(
    `INSERT INTO projects (id, round_id, unit_id, category, direction, title, letter, state, context, machine_id, machine_version,
       version, grade, funding, created_by, created_at, updated_at)
     VALUES (?, ?, ?, 'fortress', 'soul', ?, ?, 'in_progress', ?, 'project', 1, ?, NULL, NULL, ?, ?, ?)`,
  );
  const insertLog = sqlite.prepare(
    `INSERT INTO transition_log (seq, project_id, event, from_state, to_state, payload, actor_id, actor_role, actor_unit_id, at,
       request_id, machine_id, machine_version, prev_hash, hash)
     VALUES (@seq, @projectId, @event, @fromState, @toState, @payload, @actorId, @actorRole, @actorUnitId, @at, @requestId,
       @machineId, @machineVersion, @prevHash, @hash)`,
  );
  const ids: string[] = [];
  let seq = 0;
  let prevHash = GENESIS_HASH;
  const batch = 10_000;
  const t0 = Date.parse(now);
  for (let start = 0; start < projects; start += batch) {
    sqlite.transaction(() => {
      for (let i = start; i < Math.min(projects, start + batch); i += 1) {
        const id = newId(t0 + i);
        ids.push(id);
        const context = JSON.stringify({
          projectId: id,
          unitId: unit,
          returnedForRevision: false,
          submissions: 1,
          grade: null,
          funding: null,
          recommended: false,
          reviewSubmissions: 1,
          progressReports: logPerProject,
        });
        insertProject.run(id, round, unit, `项目 ${i}`, letter, context, 1 + logPerProject, applicant, now, now);
        for (let k = 0; k < logPerProject; k += 1) {
          seq += 1;
          const entry: UnhashedEntry = {
            seq,
            projectId: id,
            event: 'SUBMIT_PROGRESS_REPORT',
            fromState: 'in_progress',
            toState: 'in_progress',
            payload: `{"text":"第${k + 1}次进展报告"}`,
            actorId: applicant,
            actorRole: 'applicant',
            actorUnitId: unit,
            at: now,
            requestId: `scale-${seq}`,
            machineId: 'project',
            machineVersion: 1,
            prevHash,
          };
          const hash = entryHash(entry);
          insertLog.run({ ...entry, hash });
          prevHash = hash;
        }
      }
    })();
  }
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  return { ids, seconds: (performance.now() - started) / 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(file: string, projects: number, ids: string[], buildSeconds: number): Promise<Row> {
  const db = openDatabase(file);
  const app = await buildApp({ db, writesPerMinute: 0 });
  const inject = async (token: string, method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const response = await app.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${token}` } });
    if (response.statusCode !== 200) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response;
  };
  const timed = async (n: number, run: (i: number) => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const t = performance.now();
      await run(i);
      samples.push(performance.now() - t);
    }
    return median(samples);
  };
  const pick = (i: number) => ids[Math.floor(((i * 2654435761) % 2 ** 32) / 2 ** 32 * ids.length)]!;

  // Transitions: progress reports on random projects, 50 at a time (group commit), CPU per event.
  // Three passes of 4,000 on different projects; the median pass counts (one pass moves by ±15 %).
  const events = 4000;
  const body = { type: 'SUBMIT_PROGRESS_REPORT', text: '本月完成主题党日活动' };
  for (let i = 0; i < 200; i += 1) await inject(APPLICANT, 'POST', `/api/v1/projects/${pick(i)}/events`, body); // warm-up
  const passes: Array<{ cpuUs: number; perSecond: number }> = [];
  for (let pass = 0; pass < 3; pass += 1) {
    const offset = 1000 + pass * events;
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let sent = 0; sent < events; sent += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => inject(APPLICANT, 'POST', `/api/v1/projects/${pick(offset + sent + i)}/events`, body)));
    }
    const used = process.cpuUsage(cpu);
    passes.push({ cpuUs: (used.user + used.system) / events, perSecond: events / ((performance.now() - started) / 1000) });
  }
  const transition = [...passes].sort((a, b) => a.cpuUs - b.cpuUs)[1]!;

  const listFirstMs = await timed(200, () => inject(ORG, 'GET', '/api/v1/projects?state=in_progress&limit=20'));
  const deepCursor = (i: number) => Buffer.from(JSON.stringify({ id: pick(i) })).toString('base64url');
  const listDeepMs = await timed(200, (i) => inject(ORG, 'GET', `/api/v1/projects?state=in_progress&limit=20&cursor=${deepCursor(i)}`));
  const getMs = await timed(500, (i) => inject(ORG, 'GET', `/api/v1/projects/${pick(i)}`));

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

  await app.close();
  db.$client.close();
  return {
    projects,
    logRows: result.count,
    buildSeconds,
    fileMiB: fs.statSync(file).size / 2 ** 20,
    transitionUs: transition.cpuUs,
    eventsPerSecond: transition.perSecond,
    listFirstMs,
    listDeepMs,
    getMs,
    verifyRowsPerSecond: result.count / verifySeconds,
    javascriptVerifyRowsPerSecond: result.count / javascriptSeconds,
    parallelVerifyRowsPerSecond: result.count / parallelSeconds,
    walkers: [...walkers].join(', '),
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

const rows: Row[] = [];
for (const size of sizes) {
  const file = path.join(baseDir, `scale-${size}.db`);
  fs.rmSync(file, { force: true });
  const { ids, seconds } = build(file, size);
  const measured = await measure(file, size, ids, seconds);
  const exported = await exportMemory(file);
  rows.push({ ...measured, exportSeconds: exported.seconds, exportPeakRssMiB: exported.peakMiB });
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
  process.stderr.write(`scale ${size} done\n`);
}
if (!process.env.SCALE_DIR) fs.rmSync(baseDir, { recursive: true, force: true });

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const lines = [
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; in process (app.inject), synchronous=FULL, group commit`,
  '',
  '| projects | log rows | db MiB | CPU µs / transition | transitions/s | list page ms (first / deep) | GET project ms | verify rows/s: 1 thread / workers / workers + native walk | export s | export peak RSS MiB |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${fmt(r.projects)} | ${fmt(r.logRows)} | ${fmt(r.fileMiB)} | ${fmt(r.transitionUs)} | ${fmt(r.eventsPerSecond)} | ${fmt(r.listFirstMs, 2)} / ${fmt(r.listDeepMs, 2)} | ${fmt(r.getMs, 2)} | ${fmt(r.verifyRowsPerSecond)} / ${fmt(r.javascriptVerifyRowsPerSecond)} / ${fmt(r.parallelVerifyRowsPerSecond)} (${r.walkers}) | ${fmt(r.exportSeconds, 1)} | ${fmt(r.exportPeakRssMiB)} |`,
  ),
];
const first = rows[0];
const last = rows.at(-1);
if (first && last && rows.length > 1) {
  const change = (a: number, b: number) => `${b >= a ? '+' : ''}${fmt(((b - a) / a) * 100)}%`;
  lines.push(
    '',
    `from ${fmt(first.projects)} to ${fmt(last.projects)} projects: transition cost ${change(first.transitionUs, last.transitionUs)}, ` +
      `list page ${change(first.listFirstMs, last.listFirstMs)} (deep ${change(first.listDeepMs, last.listDeepMs)}), GET ${change(first.getMs, last.getMs)} (target: within 25%)`,
    `verification of ${fmt(last.logRows)} entries as GET /audit/verify runs it: ${fmt(last.parallelVerifyRowsPerSecond)} rows/s (target: 1,000,000)`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
