/**
 * npx tsx test/bench/tables-bench.ts — how fast the log proves the tables. Builds a database file
 * whose every act is an entry (as the services write them: record entries with their payloads,
 * machine entries with contextSha256, GRADE-free review rounds), then measures, in one process:
 *   - the table comparison alone (compareLogWithTables: the log replayed into projections, every
 *     audited table read and compared), as log entries/s and as rows/s (entries + stored rows);
 *   - the chain verification alone (verifyLog: workers, native walk where built);
 *   - both, as GET /api/v1/audit/verify runs them (verifyAudit: side by side).
 *
 *   TABLES_ENTRIES=1000000 (default; 9 entries per project: created, submitted, checked, two assignments, two reviews, panel, approval)   TABLES_DIR=/path (default: a temp dir, deleted at the end)
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verifyLog } from '../../src/audit/parallel-verify.js';
import { compareLogWithTables, verifyAudit } from '../../src/audit/verify-tables.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { canonicalJson } from '../../src/workflow/hash-chain.js';
import { TransitionLogRepository } from '../../src/workflow/transition-log.repository.js';
import { RecordedWorld, type Actor } from '../audit/recorded-world.js';

const entries = Number(process.env.TABLES_ENTRIES ?? 1_000_000);
const baseDir = process.env.TABLES_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-tables-bench-'));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const jsonHash = (value: unknown) => sha(canonicalJson(value));
const PER_PROJECT = 9;

function build(file: string): { entries: number; rows: number; seconds: number } {
  const started = performance.now();
  const db = openDatabase(file);
  migrateDatabase(db);
  const sqlite = db.$client;
  sqlite.pragma('synchronous = OFF');
  const world = new RecordedWorld(sqlite);
  const log = new TransitionLogRepository(sqlite);
  const { organ, branch, admin, orgDept, committee, applicant, reviewers, roundId } = sqlite.transaction(() => {
    const organ = world.unit('机关党委', 'organ_committee', null);
    const branch = world.unit('第一党支部', 'branch', organ);
    const admin = world.user('管理员', 'admin', null);
    return {
      organ,
      branch,
      admin,
      orgDept: world.user('组织部', 'org_dept', organ, admin),
      committee: world.user('党委', 'committee', organ, admin),
      applicant: world.user('申报人', 'applicant', branch, admin),
      reviewers: [world.user('评审甲', 'reviewer', null, admin), world.user('评审乙', 'reviewer', null, admin)],
      roundId: world.round(admin),
    };
  })();
  void organ;
  void admin;
  const insertProject = sqlite.prepare(
    `INSERT INTO projects (id, round_id, unit_id, category, direction, title, letter, state, context, machine_id, machine_version, version, grade, funding,
       created_by, created_at, updated_at) VALUES (?, ?, ?, 'fortress', '组织体系建设', ?, ?, ?, ?, 'project', 1, ?, NULL, NULL, ?, ?, ?)`,
  );
  const insertAssignment = sqlite.prepare('INSERT INTO reviewer_assignments (project_id, reviewer_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?)');
  const insertReview = sqlite.prepare(
    `INSERT INTO reviews (project_id, reviewer_id, direction, innovation, practicality, breadth, exemplarity, total, comment, log_seq, created_at, updated_at)
     VALUES (?, ?, 15, 14, 13, 12, 11, 65, ?, ?, ?, ?)`,
  );
  const letter = { overview: '项目概述' };
  const letterJson = JSON.stringify(letter);
  const letterSha256 = jsonHash(letter);
  let clock = Date.parse('2026-03-02T00:00:00.000Z');
  const append = (kind: string, id: string, event: string, from: string, to: string, payload: object, actor: Actor, machine: { id: string; version: number }) =>
    log.append({
      subjectKind: kind as 'project',
      subjectId: id,
      event,
      fromState: from,
      toState: to,
      payload: canonicalJson(payload),
      actorId: actor.id,
      actorRole: actor.role,
      actorUnitId: actor.unitId,
      at: new Date((clock += 1)).toISOString(),
      requestId: `bench-${id}-${event}`,
      machineId: machine.id,
      machineVersion: machine.version,
    });
  const PROJECT = { id: 'project', version: 1 };
  const RECORD = { id: 'record', version: 1 };
  const projects = Math.max(1, Math.floor(entries / PER_PROJECT));
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n += 1) {
      const id = `p-${String(n).padStart(8, '0')}`;
      const context: Record<string, unknown> = { projectId: id, unitId: branch, submissions: 0, grade: null, funding: null, recommended: false, reviewSubmissions: 0 };
      const created = append(
        'project',
        id,
        'CREATE_PROJECT',
        'none',
        'draft',
        { roundId, unitId: branch, category: 'fortress', direction: '组织体系建设', title: `项目 ${n}`, letterSha256, machine: PROJECT, contextSha256: jsonHash(context) },
        applicant,
        RECORD,
      );
      let state = 'draft';
      let version = 1;
      const step = (actor: Actor, event: string, to: string, payload: Record<string, unknown> = {}) => {
        context.lastEvent = event;
        const entry = append('project', id, event, state, to, { ...payload, contextSha256: jsonHash(context) }, actor, PROJECT);
        state = to;
        version += 1;
        return entry;
      };
      context.submissions = 1;
      step(applicant, 'SUBMIT', 'submitted', { letterSha256 });
      step(orgDept, 'PASS_PRELIMINARY_CHECK', 'preliminarily_checked');
      const assignments: Array<[string, string]> = [];
      for (const reviewer of reviewers) {
        const entry = append('assignment', `${id}/${reviewer.id}`, 'ASSIGN_REVIEWER', 'none', 'assigned', { projectId: id, reviewerId: reviewer.id }, orgDept, RECORD);
        assignments.push([reviewer.id, entry.at]);
      }
      const reviews: Array<[string, number, string]> = [];
      for (const reviewer of reviewers) {
        context.reviewSubmissions = (context.reviewSubmissions as number) + 1;
        const entry = step(reviewer, 'SUBMIT_REVIEW', 'preliminarily_checked', {
          scores: { direction: 15, innovation: 14, practicality: 13, breadth: 12, exemplarity: 11 },
          comment: '特色鲜明',
        });
        reviews.push([reviewer.id, entry.seq, entry.at]);
      }
      step(orgDept, 'COMPLETE_PANEL_REVIEW', 'panel_reviewed');
      const last = step(committee, 'APPROVE', 'committee_approved', { meetingReference: '党委会' });
      insertProject.run(id, roundId, branch, `项目 ${n}`, letterJson, state, JSON.stringify(context), version, applicant.id, created.at, last.at);
      for (const [reviewerId, at] of assignments) insertAssignment.run(id, reviewerId, orgDept.id, at);
      for (const [reviewerId, seq, at] of reviews) insertReview.run(id, reviewerId, '特色鲜明', seq, at, at);
    }
  });
  for (let n = 0; n < projects; n += 5000) batch(n, Math.min(projects, n + 5000));
  const count = (sql: string) => (sqlite.prepare(sql).pluck().get() as number) ?? 0;
  const totalEntries = count('SELECT count(*) FROM transition_log');
  const rows = ['units', 'users', 'rounds', 'projects', 'reviewer_assignments', 'reviews', 'files'].reduce((sum, table) => sum + count(`SELECT count(*) FROM ${table}`), 0);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  return { entries: totalEntries, rows, seconds: (performance.now() - started) / 1000 };
}

async function main() {
  const file = path.join(baseDir, 'tables.db');
  process.stderr.write(`building ${entries} entries in ${file} ...\n`);
  const built = build(file);
  process.stderr.write(`built ${built.entries} entries, ${built.rows} table rows in ${built.seconds.toFixed(1)} s\n`);
  const db = openDatabase(file);
  try {
    const time = async <T>(what: () => Promise<T>) => {
      const started = performance.now();
      const result = await what();
      return { result, seconds: (performance.now() - started) / 1000 };
    };
    const rssBefore = process.memoryUsage().rss;
    const tables = await time(() => compareLogWithTables(db.$client));
    const rssAfter = process.memoryUsage().rss;
    if (!tables.result.valid) throw new Error(`the bench database diverges: ${JSON.stringify(tables.result.divergences.slice(0, 3))}`);
    const chain = await time(() => verifyLog(db.$client));
    const both = await time(() => verifyAudit(db.$client));
    if (!both.result.valid) throw new Error('the bench database does not verify');
    const out = {
      entries: built.entries,
      tableRows: built.rows,
      comparison: {
        seconds: +tables.seconds.toFixed(2),
        entriesPerSecond: Math.round(built.entries / tables.seconds),
        rowsPerSecond: Math.round((built.entries + built.rows) / tables.seconds),
        rssGrowthMiB: Math.round((rssAfter - rssBefore) / 2 ** 20),
      },
      chainAlone: { seconds: +chain.seconds.toFixed(2), rowsPerSecond: Math.round(built.entries / chain.seconds) },
      verifyWithTables: { seconds: +both.seconds.toFixed(2), entriesPerSecond: Math.round(built.entries / both.seconds) },
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    db.$client.close();
    if (!process.env.TABLES_DIR) fs.rmSync(baseDir, { recursive: true, force: true });
  }
}

await main();
