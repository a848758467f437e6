/**
 * The demo database (`npm run demo`): built once into a temporary file by the builder itself (not
 * through tsx, to stay fast), then read back through a fresh app on the same file, as `npm start`
 * would: every state of the project machine is there, the 2023 round is the notice's and is under
 * final acceptance with its list published (round@1, as the first release stored it), the 2024 round
 * moved in flight to round@2 runs its 公示 over 劳动节 and its 结项评审 to confirmed grades, funding
 * follows the round's table, the log verifies,
 * the demo tokens authenticate with their roles, and an existing file is never overwritten
 * without --force, nor ever the file of a running service (a real service process).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRADES, STATES, type Grade } from '../../machines/project.types.js';
import { buildApp } from '../../src/app.js';
import { systemClock } from '../../src/clock.js';
import { migrateDatabase, openDatabase, type Db } from '../../src/db/client.js';
import { GroupCommitter } from '../../src/db/group-commit.js';
import { pidFilePath } from '../../src/db/pid-file.js';
import { DemoTargetExists, DemoTargetInUse, buildDemo, formatDemoSummary, type DemoSummary } from '../../src/demo/build-demo.js';
import { DEMO_PASSWORD, ROUND_2023, ROUND_2024, USERS, usernameOf } from '../../src/demo/demo-data.js';
import { UnitsService } from '../../src/units/units.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { TransitionLogRepository } from '../../src/workflow/transition-log.repository.js';
import { call } from '../helpers/app.js';

const token = (role: string) => USERS.find((u) => u.role === role)!.token;
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

let dir: string;
let file: string;
let summary: DemoSummary;
let db: Db;
let app: FastifyInstance;

interface Project {
  id: string;
  roundId: string;
  title: string;
  state: string;
  grade: Grade | null;
  funding: number | null;
  recommended: boolean;
  submissions: number;
}

/** The fields of a round these tests read by name; the rest is matched whole. */
interface Round {
  id: string;
  year: number;
  funding: Record<Grade, number>;
}

async function allProjects(roundId?: string): Promise<Project[]> {
  const items: Project[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '100', ...(roundId ? { roundId } : {}), ...(cursor ? { cursor } : {}) });
    const page = await call(app, token('auditor'), { method: 'GET', url: `/api/v1/projects?${query.toString()}` });
    expect(page.status).toBe(200);
    items.push(...(page.body.items as Project[]));
    cursor = page.body.nextCursor as string | null;
  } while (cursor);
  return items;
}

/** The round of `year`, as the API lists it. */
async function roundOf(year: number): Promise<Round> {
  const response = await call(app, token('auditor'), { method: 'GET', url: '/api/v1/rounds' });
  expect(response.status).toBe(200);
  const round = (response.body.items as Round[]).find((r) => r.year === year);
  expect(round, `the ${year} round`).toBeDefined();
  return round!;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-demo-'));
  file = path.join(dir, 'demo.db');
  summary = await buildDemo({ path: file });
  db = openDatabase(file);
  migrateDatabase(db);
  app = await buildApp({ db, writesPerMinute: 0 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  db?.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the demo database', () => {
  it('holds a project in every state of the machine, and says so in its summary', async () => {
    const projects = await allProjects();
    const states = new Set(projects.map((p) => p.state));
    for (const state of STATES) expect(states, state).toContain(state);
    expect(projects).toHaveLength(summary.projects);
    for (const state of STATES) expect(summary.projectsByState[state]).toBe(projects.filter((p) => p.state === state).length);
    const printed = formatDemoSummary(summary);
    expect(printed).toContain('办字〔2023〕8号');
    for (const user of USERS) expect(printed).toContain(user.token);
  });

  it('has the 2023 round of the notice, under final acceptance, its approved list published', async () => {
    const round = await roundOf(2023);
    expect(round).toMatchObject({
      documentNumber: '办字〔2023〕8号',
      submissionDeadline: '2023-03-29',
      // Amended in November 2023, with its reason (below).
      finalAcceptanceDate: '2024-04-30',
      contacts: [
        { name: '邹天伦', phone: '15802424480', extension: '6534' },
        { name: '谢晓宇', phone: '13940403787', extension: '62309' },
      ],
      funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
      minReviews: 3,
      scoreScale: { min: 0, max: 20 },
      state: 'under_acceptance',
      publication: { documentNumber: '党委〔2023〕15号', publishedOn: '2023-05-12' },
    });
    const states = new Set((await allProjects(round.id)).map((p) => p.state));
    for (const state of ['draft', 'withdrawn', 'rejected', 'in_progress', 'final_acceptance', 'graded', 'failed']) expect(states).toContain(state);
  });

  it('keeps the 2023 round on round@1, as the first release stored it, never migrated', async () => {
    const round = await roundOf(2023);
    expect(round).toMatchObject({ machine: { id: 'round', version: 1 }, projectMachine: { id: 'project', version: 1 } });
    const entries = await call(app, token('auditor'), { method: 'GET', url: `/api/v1/rounds/${round.id}/transitions?limit=500` });
    expect((entries.body.items as Array<{ event: string }>).map((e) => e.event)).not.toContain('MIGRATE');
    expect(summary.rounds.find((r) => r.year === 2023)).toMatchObject({ machine: 'round@1', migration: null, publicity: null });
  });

  it('moves the 2024 round in flight to round@2 with its projects, on the record, under review', async () => {
    const round = await roundOf(2024);
    expect(round).toMatchObject({ machine: { id: 'round', version: 2 }, projectMachine: { id: 'project', version: 2 }, revisionDeadline: '2024-04-19' });
    expect(summary.rounds.find((r) => r.year === 2024)?.illustrative).toBe(true);
    const entries = (await call(app, token('auditor'), { method: 'GET', url: `/api/v1/rounds/${round.id}/transitions?limit=500` })).body.items as Array<{
      event: string;
      at: string;
      fromState: string;
      payload: Record<string, unknown>;
    }>;
    const migrated = entries.find((e) => e.event === 'MIGRATE' && e.payload.from === 'round@1')!;
    expect(migrated).toMatchObject({ fromState: 'under_review', payload: { from: 'round@1', to: 'round@2', reason: ROUND_2024.migration!.reason } });
    // After the panel closed, before the committee decided.
    const at = (event: string) => entries.find((e) => e.event === event)!.at;
    expect(at('START_REVIEW') < migrated.at && migrated.at < at('CONCLUDE_DECISIONS')).toBe(true);
    const projects = await allProjects(round.id);
    const machines = db.$client.prepare('SELECT DISTINCT machine_version AS v FROM projects WHERE round_id = ?').all(round.id);
    expect(machines).toEqual([{ v: 2 }]);
    // Resubmitted before the review started (the round takes no submission once under review), checked again, approved and graded.
    expect(projects.find((p) => p.submissions === 2)).toMatchObject({ state: 'graded', grade: 'qualified' });
  });

  it('runs the 2024 公示 over 劳动节: the period ends on the fifth working day, an objection upheld and a decision reversed, the signed list published', async () => {
    const round = (await call(app, token('applicant'), { method: 'GET', url: `/api/v1/rounds/${(await roundOf(2024)).id}` })).body;
    // Concluded Thursday 25 April: 26, 28 (Sunday, 调休), 29, 30 April, then 1–5 May off: the fifth is Monday 6 May.
    expect(round.publicity).toEqual({ startedAt: '2024-04-25T03:00:00.000Z', endsAt: '2024-05-06T16:00:00.000Z', workingDays: 5 });
    expect(round.objections).toEqual({ open: 0, handled: 2 });
    const objections = (await call(app, token('org_dept'), { method: 'GET', url: `/api/v1/rounds/${round.id}/objections` })).body;
    expect(objections.items.map((o: { number: number; projectTitle: string; handling: { outcome: string } }) => [o.number, o.projectTitle, o.handling.outcome])).toEqual([
      [1, '“舞蹈思政”课程共建', 'upheld'],
      [2, '学生党员“积分制”管理', 'dismissed'],
    ]);
    const reversed = (await allProjects(round.id)).find((p) => p.title === '“舞蹈思政”课程共建')!;
    expect(reversed.state).toBe('rejected');
    const history = (await call(app, token('auditor'), { method: 'GET', url: `/api/v1/projects/${reversed.id}/transitions` })).body.items as Array<{
      event: string;
      at: string;
      payload: { reason?: string };
    }>;
    const reversal = history.find((e) => e.event === 'REVERSE_DECISION')!;
    expect(reversal.payload.reason).toContain('第1号异议');
    expect(reversal.at < round.publicity.endsAt).toBe(true);
    expect(summary.rounds.find((r) => r.year === 2024)?.reversals).toEqual([{ project: '“舞蹈思政”课程共建', reason: reversal.payload.reason }]);

    // Published after the period, with its document number and the signed PDF, which anyone may fetch.
    expect(round.publication).toMatchObject({
      documentNumber: '党委〔2024〕11号',
      publishedOn: '2024-05-08',
      document: { fileId: expect.any(String), sha256: expect.any(String) },
    });
    const pdf = await app.inject({
      method: 'GET',
      url: `/api/v1/rounds/${round.id}/documents/${round.publication.document.fileId}/content`,
      headers: { authorization: `Bearer ${token('applicant')}` },
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(createHash('sha256').update(pdf.rawPayload).digest('hex')).toBe(round.publication.document.sha256);
    const printed = formatDemoSummary(summary);
    expect(printed).toContain('公示 (publicity) from 2024-04-25 to 2024-05-06 inclusive: 5 working days');
    expect(printed).toContain('objection 1 on “舞蹈思政”课程共建: upheld');
  });

  it('ends the 2024 round with the committee’s confirmation of the grades, funding following them, and a first prize recommended with its outcome', async () => {
    const round = await roundOf(2024);
    expect(round).toMatchObject({ state: 'grades_confirmed' });
    const entries = (await call(app, token('auditor'), { method: 'GET', url: `/api/v1/rounds/${round.id}/transitions?limit=500` })).body.items as Array<{
      event: string;
      payload: Record<string, unknown>;
    }>;
    expect(entries.find((e) => e.event === 'CONFIRM_GRADES')?.payload).toMatchObject({ meetingReference: ROUND_2024.acceptanceReview!.meetingReference });
    const scores = (await call(app, token('committee'), { method: 'GET', url: `/api/v1/rounds/${round.id}/acceptance-scores` })).body;
    expect(scores.items).toHaveLength(4);
    for (const item of scores.items as Array<{ reviewCount: number; proposal: { grade: string }; grade: string | null }>) {
      expect(item.reviewCount).toBe(3);
      expect(item.grade).toBe(item.proposal.grade);
    }
    const graded = (await allProjects(round.id)).filter((p) => p.state === 'graded');
    expect(new Set(graded.map((p) => p.grade))).toEqual(new Set(GRADES));
    for (const project of graded) expect(project.funding).toBe(round.funding[project.grade!]);
    expect(summary.rounds.find((r) => r.year === 2024)).toMatchObject({ funding: 7500, gradesConfirmedBy: ROUND_2024.acceptanceReview!.meetingReference });
    const first = graded.find((p) => p.grade === 'first')!;
    expect(first.recommended).toBe(true);
    expect((await call(app, token('org_dept'), { method: 'GET', url: `/api/v1/projects/${first.id}` })).body.recommendationOutcome).toMatchObject({
      outcome: 'selected',
      level: '省级',
    });
  });

  it('has an illustrative 2025 round of the new release under review, and a 2026 round still open, a project submitted and awaiting its check', async () => {
    const r2025 = await roundOf(2025);
    expect(r2025).toMatchObject({ state: 'under_review', machine: { version: 2 }, submissionDeadline: '2025-03-28', prizeCaps: { first: 2, second: 4 } });
    expect((await allProjects(r2025.id)).map((p) => p.state).sort()).toEqual(['committee_approved', 'panel_reviewed', 'preliminarily_checked']);
    const r2026 = await roundOf(2026);
    expect(r2026).toMatchObject({ state: 'open', machine: { version: 2 }, submissionDeadline: '2026-03-27' });
    expect(summary.rounds.filter((r) => r.year >= 2025).every((r) => r.illustrative)).toBe(true);
    expect((await allProjects(r2026.id)).map((p) => p.state)).toEqual(['submitted']);
  });

  it('tells one amended deadline, one extension and one replaced reviewer, each on the record with its reason', async () => {
    const [r2023, r2024] = [await roundOf(2023), await roundOf(2024)];
    const amended = await call(app, token('auditor'), { method: 'GET', url: `/api/v1/rounds/${r2023.id}/transitions?limit=500` });
    const amendments = (amended.body.items as Array<{ event: string; payload: { changes: object; reason: string } }>).filter((e) => e.event === 'AMEND_ROUND');
    expect(amendments).toHaveLength(1);
    // The acceptance date moved, and acceptance opened early: final reports and grades from 2023-12-01.
    expect(amendments[0]!.payload.changes).toEqual({ finalAcceptanceDate: { from: '2023-12-31', to: '2024-04-30' }, acceptanceOpensOn: { from: null, to: '2023-12-01' } });

    const extensions = await call(app, token('auditor'), { method: 'GET', url: `/api/v1/rounds/${r2024.id}/extensions` });
    expect(extensions.body.items).toEqual([expect.objectContaining({ unitName: '舞蹈学院教工党支部', submissionDeadline: '2024-03-31' })]);
    // The unit's project went in after the round's deadline, within its extension.
    const late = (await allProjects(r2024.id)).find((p) => p.title === '“舞蹈思政”课程共建')!;
    const transitions = await call(app, token('auditor'), { method: 'GET', url: `/api/v1/projects/${late.id}/transitions` });
    const submitted = (transitions.body.items as Array<{ event: string; at: string }>).find((e) => e.event === 'SUBMIT')!;
    expect(submitted.at > '2024-03-29T16:00:00.000Z').toBe(true);

    const replaced = (await allProjects(r2024.id)).find((p) => p.title.includes('微党课'))!;
    expect(replaced.state).toBe('graded');
    const reviewers = await call(app, token('auditor'), { method: 'GET', url: `/api/v1/projects/${replaced.id}/reviewers` });
    const items = reviewers.body.items as Array<{ reviewerId: string; state: string; reviewed: boolean; replacedBy: string | null }>;
    const gone = items.filter((a) => a.state === 'replaced');
    expect(gone).toHaveLength(1);
    expect(gone[0]!.reviewed).toBe(false);
    expect(items.find((a) => a.reviewerId === gone[0]!.replacedBy)).toMatchObject({ state: 'assigned', reviewed: true });

    const printed = formatDemoSummary(summary);
    expect(printed).toContain('finalAcceptanceDate amended 2023-12-31 → 2024-04-30');
    expect(printed).toContain('acceptanceOpensOn amended null → 2023-12-01');
    expect(printed).toContain('extension: 舞蹈学院教工党支部 may submit until 2024-03-31');
    expect(printed).toMatch(/reviewer replaced on “作曲家笔下的党史”微党课创作: 马慧敏.* → /);
  });

  it('funds the graded projects from the round’s table, as the story grades them', async () => {
    const round = await roundOf(2023);
    const graded = (await allProjects(round.id)).filter((p) => p.state === 'graded');
    for (const project of graded) expect(project.funding).toBe(round.funding[project.grade!]);
    const expected = Object.fromEntries(GRADES.map((g) => [g, 0])) as Record<Grade, number>;
    for (const project of ROUND_2023.projects) if (project.outcome && 'grade' in project.outcome) expected[project.outcome.grade] += round.funding[project.outcome.grade];
    for (const grade of GRADES) {
      expect(
        graded.filter((p) => p.grade === grade).reduce((sum, p) => sum + p.funding!, 0),
        grade,
      ).toBe(expected[grade]);
    }
    expect(graded.every((p) => GRADES.includes(p.grade!))).toBe(true);
    expect(new Set(graded.map((p) => p.grade))).toEqual(new Set(GRADES));
    expect(graded.filter((p) => p.recommended)).toHaveLength(1);
    const failed = (await allProjects(round.id)).filter((p) => p.state === 'failed');
    expect(failed.map((p) => p.funding)).toEqual([0]);
  });

  it('keeps each submission’s signed letter and each final report’s document, their checksums in the log', () => {
    const entries = db.$client
      .prepare("SELECT subject_id AS projectId, event, payload FROM transition_log WHERE subject_kind = 'project' AND event IN ('SUBMIT', 'SUBMIT_FINAL_REPORT')")
      .all() as Array<{ projectId: string; event: string; payload: string }>;
    const stored = new Map(
      (
        db.$client.prepare('SELECT id, project_id AS projectId, kind, sha256, content FROM files').all() as Array<{
          id: string;
          projectId: string;
          kind: string;
          sha256: string;
          content: Buffer;
        }>
      ).map((f) => [f.id, f]),
    );
    expect(entries.filter((e) => e.event === 'SUBMIT').length).toBeGreaterThan(20);
    for (const entry of entries) {
      const payload = JSON.parse(entry.payload) as { signedLetter?: { fileId: string; sha256: string }; documents?: Array<{ fileId: string; sha256: string }> };
      const named = entry.event === 'SUBMIT' ? [payload.signedLetter!] : payload.documents!;
      expect(named.length, `${entry.event} of ${entry.projectId}`).toBeGreaterThan(0);
      for (const { fileId, sha256 } of named) {
        const file = stored.get(fileId)!;
        expect(file.projectId).toBe(entry.projectId);
        expect(file.kind).toBe(entry.event === 'SUBMIT' ? 'signed_letter' : 'final_report_document');
        expect(createHash('sha256').update(file.content).digest('hex')).toBe(sha256);
        expect(file.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      }
    }
  });

  it('has a transition log that verifies', async () => {
    const verified = await call(app, token('auditor'), { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ valid: true, count: summary.logEntries });
    // The README quotes this figure.
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toContain(`"count":${summary.logEntries}`);
    expect(readme).toContain(`; ${summary.logEntries} log entries.`);
  });

  it('lets every demo token in, with its role', async () => {
    const committer = new GroupCommitter(db.$client);
    const log = new TransitionLogRepository(db.$client);
    const users = new UsersService(db, systemClock, new UnitsService(db, systemClock, committer, log), committer, log);
    for (const user of USERS) {
      expect(users.authenticate(user.token)?.role, user.key).toBe(user.role);
      const listed = await call(app, user.token, { method: 'GET', url: '/api/v1/rounds' });
      expect(listed.status, user.key).toBe(200);
      // The directory of users is for the administrator, the organisation department, the committee and auditors.
      const admin = await call(app, user.token, { method: 'GET', url: '/api/v1/users' });
      expect(admin.status, user.key).toBe(['admin', 'org_dept', 'committee', 'auditor'].includes(user.role) ? 200 : 403);
    }
    const listed = await call(app, token('admin'), { method: 'GET', url: '/api/v1/users' });
    expect(listed.body).toMatchObject({ items: expect.any(Array), nextCursor: null });
    expect(listed.body.items).toHaveLength(USERS.length);
    expect(JSON.stringify(listed.body)).not.toContain('lx_demo');
  });

  it('lets each demo user log in at once with its username and the demo password, the change on the record', async () => {
    const printed = formatDemoSummary(summary);
    expect(printed).toContain(DEMO_PASSWORD);
    for (const user of [USERS.find((u) => u.role === 'auditor')!, USERS.find((u) => u.role === 'applicant')!]) {
      expect(printed).toContain(usernameOf(user));
      const login = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: usernameOf(user), password: DEMO_PASSWORD } });
      expect(login.statusCode, user.key).toBe(201);
      expect(login.headers['set-cookie']).toMatch(/^lixiang_session=.+HttpOnly/);
      expect(JSON.parse(login.body)).toMatchObject({ user: { role: user.role }, mustChangePassword: false });
    }
    for (const user of USERS) expect(usernameOf(user)).toMatch(/^[a-z0-9._-]{3,32}$/);
    // Every user's SET_PASSWORD and CHANGE_PASSWORD are entries of the log, and it still verifies.
    const entries = db.$client.prepare("SELECT event, count(*) AS n FROM transition_log WHERE event IN ('SET_PASSWORD', 'CHANGE_PASSWORD') GROUP BY event ORDER BY event").all();
    expect(entries).toEqual([
      { event: 'CHANGE_PASSWORD', n: USERS.length },
      { event: 'SET_PASSWORD', n: USERS.length },
    ]);
    const verified = await call(app, token('auditor'), { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.body).toMatchObject({ valid: true });
  });

  it('refuses to build over an existing database without force, and leaves it as it was', async () => {
    const before = { hash: sha256(file), mtime: fs.statSync(file).mtimeMs };
    await expect(buildDemo({ path: file })).rejects.toBeInstanceOf(DemoTargetExists);
    expect({ hash: sha256(file), mtime: fs.statSync(file).mtimeMs }).toEqual(before);
    expect(fs.readdirSync(dir).filter((name) => name.includes('.building'))).toEqual([]);
  });
});

describe('the database of a running service', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  let serviceDir: string;
  let serviceFile: string;

  /** The service from source (tsx), on a free port; resolves once it listens. */
  async function startService(): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: serviceFile, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', XDG_CONFIG_HOME: path.join(serviceDir, 'config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('lixiang is listening')) resolve();
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      void exited.then((code) => reject(new Error(`the service exited with ${code}: ${output}`)));
    });
    return { child, exited };
  }

  const demoCli = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', ...args], { cwd: root }, (error, _stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr });
      });
    });

  /** The service file's identity and its log (entries and head), read without writing. */
  const serviceLog = () => {
    const sqlite = new Database(serviceFile, { readonly: true });
    try {
      const head = sqlite.prepare('SELECT count(*) AS entries, max(seq) AS seq, (SELECT hash FROM transition_log ORDER BY seq DESC LIMIT 1) AS hash FROM transition_log').get();
      return { inode: fs.statSync(serviceFile).ino, head };
    } finally {
      sqlite.close();
    }
  };

  beforeAll(() => {
    serviceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-demo-service-'));
    serviceFile = path.join(serviceDir, 'lixiang.db');
  });
  afterAll(() => fs.rmSync(serviceDir, { recursive: true, force: true }));

  it('is never replaced, even with --force; the refusal says how to stop the service; a stopped or killed service does not hold it', async () => {
    const service = await startService();
    const pid = service.child.pid!;
    let pidFile = '';
    try {
      pidFile = fs.readFileSync(pidFilePath(serviceFile), 'utf8');
      expect(JSON.parse(pidFile)).toMatchObject({ pid });
      // The running service may still write its own file (its start-up checkpoint, the WAL folded
      // in): what must not change is which file it is and the log it holds.
      const before = serviceLog();

      const refused = buildDemo({ path: serviceFile, force: true });
      const [cli] = await Promise.all([
        demoCli(['--db', serviceFile, '--force']),
        expect(refused).rejects.toBeInstanceOf(DemoTargetInUse),
        expect(refused).rejects.toThrow(`is in use by a running lixiang service (pid ${pid}`),
        expect(refused).rejects.toThrow(`stop it first (Ctrl-C where it runs, or kill ${pid})`),
      ]);
      expect(cli.code).toBe(1);
      expect(cli.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^lixiang: demo: .*lixiang\\.db is in use by a running lixiang service \\(pid ${pid}, `)),
      ]);

      expect(serviceLog()).toEqual(before);
      expect(fs.readdirSync(serviceDir).filter((name) => name.includes('.building'))).toEqual([]);
    } finally {
      if (service.child.exitCode === null) service.child.kill('SIGTERM');
    }
    // A graceful stop removes the pid file.
    expect(await service.exited).toBe(0);
    expect(fs.existsSync(pidFilePath(serviceFile))).toBe(false);

    // A killed service cannot remove it: the file it leaves behind is the one it wrote, naming a
    // process that is gone. The demo goes past it to its next check (a non-empty file needs --force).
    fs.writeFileSync(pidFilePath(serviceFile), pidFile);
    await expect(buildDemo({ path: serviceFile })).rejects.toBeInstanceOf(DemoTargetExists);
  }, 120_000);
});
