/**
 * The log proves the tables: a database whose every act is an entry verifies; a change of any
 * audited cell after the fact (a grade, a funding amount, a score, a state column, a round's
 * setting, a role, an active flag, a unit's parent, an assignment added or removed ...) is named
 * as a divergence by GET /audit/verify, by `audit verify`, and by the stand-alone verifier run over
 * an exported bundle, as an auditor would run it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadSigningKey, logIdentity } from '../../src/audit/checkpoints.js';
import { AuditExportService } from '../../src/audit/export-bundle.js';
import type { VerifierReport } from '../../src/audit/standalone-verifier.mjs';
import { PROJECTION_FIELDS, TablesReplayer, compareTables, projectRow, type AuditedTable, type Divergence } from '../../src/audit/table-rules.js';
import { STORED_ROWS_SQL, compareLogWithTables, verifyAudit } from '../../src/audit/verify-tables.js';
import { migrateDatabase, openDatabase, type Db } from '../../src/db/client.js';
import { iterateLog } from '../../src/audit/transition-log.repository.js';
import { FakeClock, call } from '../helpers/app.js';
import { recordWorld, type Recorded } from './recorded-world.js';

const root = path.resolve(import.meta.dirname, '../..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-tables-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
/** A database file holding the recorded world. */
function recorded(): { db: Db; dir: string; r: Recorded } {
  const dir = path.join(scratch, `case-${(counter += 1)}`);
  fs.mkdirSync(dir);
  const db = openDatabase(path.join(dir, 'lixiang.db'));
  migrateDatabase(db);
  const r = db.$client.transaction(() => recordWorld(db.$client))();
  return { db, dir, r };
}

/** Tampers as whoever holds the file does: no foreign keys, no checks. */
function tamper(db: Db, sql: string, ...params: unknown[]): void {
  db.$client.pragma('foreign_keys = OFF');
  db.$client.pragma('ignore_check_constraints = ON');
  const changes = db.$client.prepare(sql).run(...params).changes;
  db.$client.pragma('ignore_check_constraints = OFF');
  db.$client.pragma('foreign_keys = ON');
  expect(changes).toBe(1);
}

/** Exports the bundle and runs its verify.mjs from the bundle directory, as an auditor would. */
async function offline(db: Db, dir: string): Promise<{ code: number | null; report: VerifierReport }> {
  const bundle = path.join(dir, 'bundle');
  const identity = logIdentity('default');
  const key = loadSigningKey(path.join(dir, 'key.pem'), identity.keyName);
  await new AuditExportService(db, new FakeClock(), key, identity.origin).writeDirectory(bundle);
  const run = spawnSync(process.execPath, ['verify.mjs', '.', '--json'], { cwd: bundle, encoding: 'utf8' });
  return { code: run.status, report: JSON.parse(run.stdout) as VerifierReport };
}

const named = (divergences: Divergence[], table: string, key: string, field: string) => divergences.find((d) => d.table === table && d.key === key && d.field === field);

describe('the log proves the tables', () => {
  it('a database whose every act is an entry verifies, online and offline, every audited table compared', async () => {
    const { db, dir } = recorded();
    try {
      const verdict = await verifyAudit(db.$client);
      expect(verdict.tables.divergences).toEqual([]);
      expect(verdict).toMatchObject({ valid: true, chainValid: true, tables: { valid: true, divergenceCount: 0 } });
      expect(Object.fromEntries(verdict.tables.tables.map((t) => [t.table, [t.storedRows, t.loggedRows]]))).toEqual({
        units: [6, 6],
        users: [9, 9],
        rounds: [1, 1],
        projects: [3, 3],
        reviewer_assignments: [4, 4],
        reviews: [3, 3],
        files: [1, 1],
        round_extensions: [1, 1],
        panels: [1, 1],
        panel_members: [3, 3],
        letter_revisions: [4, 4],
        calendar_years: [1, 1],
        round_documents: [1, 1],
        acceptance_assignments: [3, 3],
        acceptance_reviews: [0, 0],
      });

      const { code, report } = await offline(db, dir);
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      expect(code).toBe(0);
      const tables = report.checks.find((c) => c.name === 'tables')!;
      expect(tables).toMatchObject({ ok: true, divergenceCount: 0 });
      expect(tables.summary).toContain('3 projects');
    } finally {
      db.$client.close();
    }
  });

  it('replays the rules as the services write: versions, updatedAt, the re-pinned round, the second review replacing the first, FAIL withholding funding', () => {
    const { db, r } = recorded();
    try {
      const replayer = new TablesReplayer();
      for (const entry of iterateLog(db.$client)) replayer.apply(entry);
      const stored = (table: AuditedTable, sql = STORED_ROWS_SQL[table]) =>
        db.$client
          .prepare(sql)
          .all()
          .map((row) => projectRow(table, row as Record<string, unknown>));
      const graded = replayer.table('projects').get(r.graded)!;
      expect(graded).toMatchObject({ state: 'graded', grade: 'second', funding: 2000, version: 11 });
      expect(replayer.table('projects').get(r.failed)).toMatchObject({ state: 'failed', grade: null, funding: 0 });
      expect(replayer.table('projects').get(r.draft)).toMatchObject({ title: '二稿', version: 2, state: 'draft' });
      expect(replayer.table('rounds').get(r.roundId)).toMatchObject({
        projectMachineVersion: 2,
        version: 7,
        state: 'under_review',
        title: '2026 年度党建工作项目',
        finalAcceptanceDate: '2026-12-15',
      });
      expect(replayer.table('rounds').get(r.roundId)!.contacts).toEqual([{ name: '邹老师', phone: '15802424480' }]);
      expect(replayer.table('reviewer_assignments').get(`${r.graded}/${r.droppedReviewer.id}`)).toMatchObject({ state: 'replaced', replacedBy: r.otherReviewer.id });
      expect(replayer.table('units').get(r.units.moved)).toMatchObject({ parentId: r.units.general, active: true });
      expect(replayer.table('reviews').get(`${r.graded}/${r.reviewer.id}`)).toMatchObject({ direction: 18, total: 80 });
      expect(replayer.table('reviews').get(`${r.graded}/${r.reviewer.id}`)!.createdAt).not.toBe(replayer.table('reviews').get(`${r.graded}/${r.reviewer.id}`)!.updatedAt);
      const divergences = compareTables(replayer, Object.fromEntries(Object.keys(PROJECTION_FIELDS).map((t) => [t, stored(t as AuditedTable)])));
      expect(divergences).toEqual([]);
    } finally {
      db.$client.close();
    }
  });

  const CASES: Array<{ what: string; sql: (r: Recorded) => [string, ...unknown[]]; table: AuditedTable; key: (r: Recorded) => string; field: string }> = [
    { what: 'a grade', sql: (r) => ["UPDATE projects SET grade = 'first' WHERE id = ?", r.graded], table: 'projects', key: (r) => r.graded, field: 'grade' },
    { what: 'a funding amount', sql: (r) => ['UPDATE projects SET funding = 3000 WHERE id = ?', r.graded], table: 'projects', key: (r) => r.graded, field: 'funding' },
    {
      what: "a review's score",
      sql: (r) => ['UPDATE reviews SET direction = 20, total = total + 2 WHERE project_id = ? AND reviewer_id = ?', r.graded, r.otherReviewer.id],
      table: 'reviews',
      key: (r) => `${r.graded}/${r.otherReviewer.id}`,
      field: 'direction',
    },
    { what: "a project's state column", sql: (r) => ["UPDATE projects SET state = 'in_progress' WHERE id = ?", r.failed], table: 'projects', key: (r) => r.failed, field: 'state' },
    { what: "a round's setting", sql: (r) => ['UPDATE rounds SET funding_second = 5000 WHERE id = ?', r.roundId], table: 'rounds', key: (r) => r.roundId, field: 'fundingSecond' },
    { what: "a user's role", sql: (r) => ["UPDATE users SET role = 'committee' WHERE id = ?", r.orgDept.id], table: 'users', key: (r) => r.orgDept.id, field: 'role' },
    { what: "a user's active flag", sql: (r) => ['UPDATE users SET active = 0 WHERE id = ?', r.reviewer.id], table: 'users', key: (r) => r.reviewer.id, field: 'active' },
    { what: "a unit's parent", sql: (r) => ['UPDATE units SET parent_id = NULL WHERE id = ?', r.units.branch], table: 'units', key: (r) => r.units.branch, field: 'parentId' },
    {
      what: 'a replaced acceptance reviewer put back',
      sql: (r) => ["UPDATE acceptance_assignments SET state = 'assigned' WHERE project_id = ? AND reviewer_id = ?", r.graded, r.droppedReviewer.id],
      table: 'acceptance_assignments',
      key: (r) => `${r.graded}/${r.droppedReviewer.id}`,
      field: 'state',
    },
    {
      what: "an acceptance replacement's reason",
      sql: (r) => ["UPDATE acceptance_assignments SET replace_reason = '另有安排' WHERE project_id = ? AND reviewer_id = ?", r.graded, r.droppedReviewer.id],
      table: 'acceptance_assignments',
      key: (r) => `${r.graded}/${r.droppedReviewer.id}`,
      field: 'replaceReason',
    },
    {
      what: 'an assignment added',
      sql: (r) => [
        "INSERT INTO reviewer_assignments (project_id, reviewer_id, assigned_by, assigned_at) VALUES (?, ?, ?, '2026-03-01T09:00:00.000Z')",
        r.failed,
        r.otherReviewer.id,
        r.orgDept.id,
      ],
      table: 'reviewer_assignments',
      key: (r) => `${r.failed}/${r.otherReviewer.id}`,
      field: '(row)',
    },
    {
      what: 'an assignment removed',
      sql: (r) => ['DELETE FROM reviewer_assignments WHERE project_id = ? AND reviewer_id = ?', r.graded, r.otherReviewer.id],
      table: 'reviewer_assignments',
      key: (r) => `${r.graded}/${r.otherReviewer.id}`,
      field: '(row)',
    },
    { what: "a file's bytes", sql: (r) => ["UPDATE files SET content = content || x'00' WHERE id = ?", r.fileId], table: 'files', key: (r) => r.fileId, field: 'contentSha256' },
    {
      what: "a project's context",
      sql: (r) => ["UPDATE projects SET context = json_set(context, '$.recommended', json('true')) WHERE id = ?", r.graded],
      table: 'projects',
      key: (r) => r.graded,
      field: 'contextSha256',
    },
  ];

  it.each(CASES)('$what changed is named online (GET /audit/verify, audit verify) and by the stand-alone verifier', async ({ sql, table, key, field }) => {
    const { db, dir, r } = recorded();
    try {
      const [statement, ...params] = sql(r);
      tamper(db, statement, ...params);
      const expected = { table, key: key(r), field };

      // The key the export signs with (offline below): the service seals the head with it.
      const app = await buildApp({ db, clock: new FakeClock(), signingKeyPath: path.join(dir, 'key.pem') });
      try {
        const online = await call(app, r.auditor.token!, { method: 'GET', url: '/api/v1/audit/verify' });
        expect(online.status).toBe(200);
        expect(online.body).toMatchObject({ valid: false, chainValid: true, tables: { valid: false } });
        expect(online.body.tables.divergenceCount).toBeGreaterThan(0);
        expect(named(online.body.tables.divergences, table, expected.key, field)).toBeDefined();
        expect(online.body.tables.tables.find((t: { table: string }) => t.table === table).divergences).toBeGreaterThan(0);
      } finally {
        await app.close();
      }

      const { code, report } = await offline(db, dir);
      expect(code).toBe(1);
      const tables = report.checks.find((c) => c.name === 'tables')!;
      expect(tables.ok).toBe(false);
      expect(named(tables.divergences!, table, expected.key, field)).toBeDefined();
      // The chain and the checkpoints still pass: only the comparison with the log (and, for a
      // project's state column, the replay through the machines) sees the change.
      const failing = report.checks.filter((c) => !c.ok).map((c) => c.name);
      expect(failing).toEqual(field === 'state' && table === 'projects' ? ['replay', 'tables'] : ['tables']);
    } finally {
      db.$client.close();
    }
  });

  it('names the values: the one the log implies and the one stored', async () => {
    const { db, r } = recorded();
    try {
      tamper(db, 'UPDATE projects SET funding = 3000 WHERE id = ?', r.graded);
      tamper(db, 'DELETE FROM reviewer_assignments WHERE project_id = ? AND reviewer_id = ?', r.graded, r.otherReviewer.id);
      const verdict = await compareLogWithTables(db.$client);
      expect(verdict.divergences).toContainEqual({ table: 'projects', key: r.graded, field: 'funding', logged: 2000, stored: 3000 });
      expect(verdict.divergences).toContainEqual({
        table: 'reviewer_assignments',
        key: `${r.graded}/${r.otherReviewer.id}`,
        field: '(row)',
        logged: expect.objectContaining({ assignedBy: r.orgDept.id }),
        stored: null,
      });
      expect(verdict.divergenceCount).toBe(2);
    } finally {
      db.$client.close();
    }
  });

  it('lists the first 100 divergences and counts them all', async () => {
    const { db } = recorded();
    try {
      db.$client.pragma('foreign_keys = OFF');
      const insert = db.$client.prepare("INSERT INTO units (id, name, type, parent_id, created_at) VALUES (?, '伪造', 'branch', NULL, '2026-01-01T00:00:00.000Z')");
      db.$client.transaction(() => {
        for (let i = 0; i < 150; i += 1) insert.run(`forged-${String(i).padStart(3, '0')}`);
      })();
      const verdict = await compareLogWithTables(db.$client);
      expect(verdict.divergenceCount).toBe(150);
      expect(verdict.divergences).toHaveLength(100);
      expect(verdict.divergences[0]).toMatchObject({ table: 'units', key: 'forged-000', field: '(row)', logged: null });
    } finally {
      db.$client.close();
    }
  });

  it('audit verify (the command line) adds the comparison and exits 1 on a divergence', () => {
    const { db, dir, r } = recorded();
    tamper(db, "UPDATE projects SET grade = 'first' WHERE id = ?", r.graded);
    db.$client.close();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'verify'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `file:${path.join(dir, 'lixiang.db')}`, LIXIANG_SIGNING_KEY_PATH: path.join(dir, 'key.pem') },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const verdict = JSON.parse(run.stdout) as { valid: boolean; chainValid: boolean; tables: { divergences: Divergence[] } };
    expect(verdict).toMatchObject({ valid: false, chainValid: true });
    expect(named(verdict.tables.divergences, 'projects', r.graded, 'grade')).toMatchObject({ logged: 'second', stored: 'first' });
    expect(run.status).toBe(1);
  }, 30_000);
});

/** A small seeded generator (mulberry32): the same cells each run, different cells per seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TABLE_COLUMNS_KEY: Record<AuditedTable, string[]> = {
  units: ['id'],
  users: ['id'],
  rounds: ['id'],
  projects: ['id'],
  reviewer_assignments: ['project_id', 'reviewer_id'],
  reviews: ['project_id', 'reviewer_id'],
  files: ['id'],
  round_extensions: ['round_id', 'unit_id'],
  panels: ['round_id', 'kind'],
  panel_members: ['round_id', 'kind', 'user_id'],
  letter_revisions: ['project_id', 'revision'],
  calendar_years: ['year'],
  round_documents: ['id'],
  acceptance_assignments: ['project_id', 'reviewer_id'],
  acceptance_reviews: ['project_id', 'reviewer_id'],
};
/** The projection field a column is audited under. */
const FIELD_OF_COLUMN: Record<string, string> = {
  letter: 'letterSha256',
  context: 'contextSha256',
  comment: 'commentSha256',
  token_hash: 'tokenFingerprint',
  content: 'contentSha256',
};
const camel = (column: string) => FIELD_OF_COLUMN[column] ?? column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const JSON_COLUMNS = new Set(['letter', 'context', 'contacts', 'acceptance_criteria', 'prize_caps', 'recommendable_grades', 'scores']);
const BOOLEAN_COLUMNS = new Set(['active', 'require_signed_letter']);

describe('property: any single audited cell changed is named', () => {
  const SEED = Number(process.env.TABLES_PROPERTY_SEED ?? 14);
  const RUNS = 60;

  it(`${RUNS} random cells (seed ${SEED}), each named by table, key and field`, async () => {
    const random = prng(SEED);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const db = openDatabase(':memory:');
    migrateDatabase(db);
    try {
      const r = db.$client.transaction(() => recordWorld(db.$client))();
      void r;
      db.$client.pragma('foreign_keys = OFF');
      db.$client.pragma('ignore_check_constraints = ON');
      // Only tables the recorded world has rows in (it scores no final report).
      const tables = (Object.keys(TABLE_COLUMNS_KEY) as AuditedTable[]).filter((table) => db.$client.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() !== undefined);
      for (let run = 0; run < RUNS; run += 1) {
        const table = pick(tables);
        const columns = (db.$client.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
        const column = pick(columns);
        const rows = db.$client.prepare(`SELECT rowid AS rid, * FROM ${table}`).all() as Array<Record<string, unknown>>;
        const row = pick(rows);
        const value = row[column];
        let next: unknown;
        if (JSON_COLUMNS.has(column)) next = JSON.stringify({ ...(JSON.parse(value as string) as object), tampered: run });
        else if (BOOLEAN_COLUMNS.has(column)) next = value === 1 ? 0 : 1;
        else if (Buffer.isBuffer(value)) next = Buffer.concat([value, Buffer.from([run & 0xff])]);
        else if (typeof value === 'number') next = value + 1 + Math.floor(random() * 5);
        else if (typeof value === 'string') next = `${value}~${run}`;
        else
          next =
            column.endsWith('_at') || column.endsWith('_id') || column === 'grade' || column === 'revision_deadline' || column === 'acceptance_opens_on' ? `tampered-${run}` : 1;

        db.$client.exec('SAVEPOINT cell');
        db.$client.prepare(`UPDATE ${table} SET ${column} = ? WHERE rowid = ?`).run(next, row.rid);
        const verdict = await compareLogWithTables(db.$client, { limit: 1000 });
        db.$client.exec('ROLLBACK TO cell');
        db.$client.exec('RELEASE cell');

        const keyColumns = TABLE_COLUMNS_KEY[table];
        const oldKey = keyColumns.map((c) => row[c]).join('/');
        const context = `run ${run}: ${table}.${column} of ${oldKey} from ${JSON.stringify(value)} to ${JSON.stringify(next)}`;
        expect(verdict.valid, context).toBe(false);
        if (keyColumns.includes(column)) {
          expect(named(verdict.divergences, table, oldKey, '(row)'), context).toMatchObject({ stored: null });
          const newKey = keyColumns.map((c) => (c === column ? next : row[c])).join('/');
          expect(named(verdict.divergences, table, newKey, '(row)'), context).toMatchObject({ logged: null });
        } else {
          expect(named(verdict.divergences, table, oldKey, camel(column)), context).toBeDefined();
          expect(verdict.divergenceCount, context).toBe(1);
        }
      }
      // Untampered again: the loop rolled every change back.
      expect((await compareLogWithTables(db.$client)).valid).toBe(true);
    } finally {
      db.$client.close();
    }
  });
});
