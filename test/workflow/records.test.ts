/**
 * Every act is an entry: each act that writes an audited table (units, users, rounds, projects,
 * draft edits, reviewer assignments, uploads) appends exactly one record entry in the same
 * transaction, with the facts the row is rebuilt from; a refused act appends none. Machine entries
 * carry the hash of the context they wrote, GRADE its funding, SUBMIT the letter's hash. A database
 * from before record entries is adopted at start, once.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, entryHash, GENESIS_HASH, type UnhashedEntry } from '../../src/workflow/hash-chain.js';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { auditedProjection } from '../../src/workflow/records.js';
import { ADMIN_TOKEN, FakeClock, call, createTestApp, keyFiles, type TestApp } from '../helpers/app.js';
import { minimalPdf, minimalPng, multipartBody } from '../helpers/files.js';
import { asEntry, INSERT_ENTRY, type RawLogRow } from '../helpers/raw-log.js';
import { projectV3 } from '../helpers/project-v3.js';
import { COMPLETE_LETTER, createDraft, createWorld, driveTo, type World } from '../helpers/world.js';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

interface Entry {
  seq: number;
  subjectKind: string;
  subjectId: string;
  event: string;
  fromState: string;
  toState: string;
  payload: Record<string, unknown>;
  actorId: string;
  actorRole: string;
  actorUnitId: string | null;
  at: string;
  requestId: string;
  machineId: string;
  machineVersion: number;
}

const ENTRY_COLUMNS = `seq, subject_kind AS subjectKind, subject_id AS subjectId, event, from_state AS fromState, to_state AS toState, payload,
  actor_id AS actorId, actor_role AS actorRole, actor_unit_id AS actorUnitId, at, request_id AS requestId, machine_id AS machineId, machine_version AS machineVersion`;

function entries(sqlite: Database.Database, where = '1 = 1', ...params: unknown[]): Entry[] {
  return (sqlite.prepare(`SELECT ${ENTRY_COLUMNS} FROM transition_log WHERE ${where} ORDER BY seq`).all(...params) as Array<Entry & { payload: string }>).map((e) => ({
    ...e,
    payload: JSON.parse(e.payload) as Record<string, unknown>,
  }));
}

const head = (sqlite: Database.Database) => (sqlite.prepare('SELECT coalesce(max(seq), 0) AS seq FROM transition_log').get() as { seq: number }).seq;

let t: TestApp;
let world: World;
let adminId: string;

/** Runs `act` and answers its response and the entries it appended. */
async function appended<T>(act: () => Promise<T>): Promise<{ result: T; added: Entry[] }> {
  const before = head(t.db.$client);
  const result = await act();
  return { result, added: entries(t.db.$client, 'seq > ?', before) };
}

const recordOf = (added: Entry[]) => {
  expect(added).toHaveLength(1);
  return added[0]!;
};

describe('record entries', () => {
  beforeEach(async () => {
    t = await createTestApp();
    world = await createWorld(t.app);
    adminId = (t.db.$client.prepare("SELECT id FROM users WHERE role = 'admin'").get() as { id: string }).id;
  });

  afterEach(async () => {
    await t.close();
  });

  it('the bootstrap administrator is the first entry: CREATE_USER by the service itself', () => {
    const [first] = entries(t.db.$client, 'seq = 1');
    const row = t.db.$client.prepare('SELECT token_hash AS tokenHash, created_at AS createdAt FROM users WHERE id = ?').get(adminId) as { tokenHash: string; createdAt: string };
    expect(first).toEqual({
      seq: 1,
      subjectKind: 'user',
      subjectId: adminId,
      event: 'CREATE_USER',
      fromState: 'none',
      toState: 'active',
      payload: { name: 'Administrator', role: 'admin', unitId: null, tokenFingerprint: sha256(row.tokenHash) },
      actorId: 'system',
      actorRole: 'system',
      actorUnitId: null,
      at: row.createdAt,
      requestId: 'system:admin-token',
      machineId: 'record',
      machineVersion: 1,
    });
    // The world's admin acts are entries too: 6 units, 9 users, 1 round after the administrator; its review panel named, with 3 members.
    const counts = t.db.$client.prepare("SELECT event, count(*) AS n FROM transition_log WHERE machine_id = 'record' GROUP BY event ORDER BY event").all();
    expect(counts).toEqual([
      { event: 'ADD_PANEL_MEMBER', n: 3 },
      { event: 'CREATE_ROUND', n: 1 },
      { event: 'CREATE_UNIT', n: 6 },
      { event: 'CREATE_USER', n: 10 },
      { event: 'NAME_PANEL', n: 1 },
    ]);
  });

  it('POST /units: one CREATE_UNIT entry, by the administrator, under the request id, at the row’s createdAt', async () => {
    const { result, added } = await appended(() =>
      call(t.app, ADMIN_TOKEN, {
        method: 'POST',
        url: '/api/v1/units',
        headers: { 'x-request-id': 'req-unit-1' },
        payload: { name: '钢琴系党支部', type: 'branch', parentId: world.units.general },
      }),
    );
    expect(result.status).toBe(201);
    expect(recordOf(added)).toEqual({
      seq: added[0]!.seq,
      subjectKind: 'unit',
      subjectId: result.body.id,
      event: 'CREATE_UNIT',
      fromState: 'none',
      toState: 'active',
      payload: { name: '钢琴系党支部', type: 'branch', parentId: world.units.general },
      actorId: adminId,
      actorRole: 'admin',
      actorUnitId: null,
      at: result.body.createdAt,
      requestId: 'req-unit-1',
      machineId: 'record',
      machineVersion: 1,
    });
  });

  it('POST /users: one CREATE_USER entry with the token’s fingerprint, never the token or its hash', async () => {
    const { result, added } = await appended(() =>
      call(t.app, ADMIN_TOKEN, {
        method: 'POST',
        url: '/api/v1/users',
        headers: { 'x-request-id': 'req-user-1' },
        payload: { name: '钢琴系书记', role: 'applicant', unitId: world.units.branch },
      }),
    );
    expect(result.status).toBe(201);
    const tokenHash = (t.db.$client.prepare('SELECT token_hash AS h FROM users WHERE id = ?').get(result.body.user.id) as { h: string }).h;
    const entry = recordOf(added);
    expect(entry).toMatchObject({
      subjectKind: 'user',
      subjectId: result.body.user.id,
      event: 'CREATE_USER',
      fromState: 'none',
      toState: 'active',
      actorId: adminId,
      requestId: 'req-user-1',
      at: result.body.user.createdAt,
    });
    expect(entry.payload).toEqual({ name: '钢琴系书记', role: 'applicant', unitId: world.units.branch, tokenFingerprint: sha256(tokenHash) });
    const raw = JSON.stringify(entry);
    expect(raw).not.toContain(result.body.token);
    expect(raw).not.toContain(tokenHash);
  });

  it('POST /rounds: one CREATE_ROUND entry with every setting, the machines and the hash of the initial context', async () => {
    const { result, added } = await appended(() =>
      call(t.app, ADMIN_TOKEN, {
        method: 'POST',
        url: '/api/v1/rounds',
        headers: { 'x-request-id': 'req-round-1' },
        payload: {
          year: 2024,
          title: '2024年度党建项目立项',
          documentNumber: '办字〔2024〕3号',
          submissionDeadline: '2024-03-29',
          revisionDeadline: '2024-04-10',
          finalAcceptanceDate: '2024-12-31',
          funding: { first: 4000, second: 3000, third: 2000, qualified: 1000 },
          minReviews: 3,
          scoreScale: { min: 0, max: 10 },
          requireSignedLetter: true,
        },
      }),
    );
    expect(result.status).toBe(201);
    const context = (t.db.$client.prepare('SELECT context FROM rounds WHERE id = ?').get(result.body.id) as { context: string }).context;
    const entry = recordOf(added);
    expect(entry).toMatchObject({ subjectKind: 'round', subjectId: result.body.id, event: 'CREATE_ROUND', fromState: 'none', toState: 'open', requestId: 'req-round-1' });
    expect(entry.at).toBe(result.body.createdAt);
    expect(entry.payload).toEqual({
      settings: {
        year: 2024,
        title: '2024年度党建项目立项',
        documentNumber: '办字〔2024〕3号',
        submissionDeadline: '2024-03-29',
        revisionDeadline: '2024-04-10',
        finalAcceptanceDate: '2024-12-31',
        acceptanceOpensOn: null,
        fundingFirst: 4000,
        fundingSecond: 3000,
        fundingThird: 2000,
        fundingQualified: 1000,
        minReviews: 3,
        scoreMin: 0,
        scoreMax: 10,
        requireSignedLetter: true,
        conflictScope: 'family',
        contacts: [],
        acceptanceCriteria: [
          { key: 'completion', label: { zh: '目标完成情况', en: 'Targets achieved' } },
          { key: 'effect', label: { zh: '实际成效', en: 'Actual effect' } },
          { key: 'documentation', label: { zh: '材料规范', en: 'Documentation in order' } },
        ],
        minAcceptanceReviews: 3,
        prizeCaps: {},
        recommendableGrades: ['first'],
        publicityWorkingDays: 5,
      },
      machine: { id: 'round', version: 2 },
      projectMachineVersion: 2,
      contextSha256: sha256(canonicalJson(JSON.parse(context))),
    });
  });

  it('POST /projects: one CREATE_PROJECT entry by the applicant; PATCH: one EDIT_DRAFT naming the fields changed and the new revision', async () => {
    const created = await appended(() =>
      call(t.app, world.applicant.token, {
        method: 'POST',
        url: '/api/v1/projects',
        headers: { 'x-request-id': 'req-project-1' },
        payload: { roundId: world.roundId, category: 'vanguard', direction: 'member_platforms', title: '“红色旋律”党员先锋岗', letter: COMPLETE_LETTER },
      }),
    );
    expect(created.result.status).toBe(201);
    const project = created.result.body;
    const stored = () => t.db.$client.prepare('SELECT context, letter, version, updated_at AS updatedAt FROM projects WHERE id = ?').get(project.id) as Record<string, string>;
    const entry = recordOf(created.added);
    expect(entry).toMatchObject({
      subjectKind: 'project',
      subjectId: project.id,
      event: 'CREATE_PROJECT',
      fromState: 'none',
      toState: 'draft',
      actorId: world.applicant.id,
      actorRole: 'applicant',
      actorUnitId: world.units.branch,
      requestId: 'req-project-1',
      at: project.createdAt,
    });
    expect(entry.payload).toEqual({
      roundId: world.roundId,
      unitId: world.units.branch,
      category: 'vanguard',
      direction: 'member_platforms',
      title: '“红色旋律”党员先锋岗',
      letterSha256: sha256(canonicalJson(COMPLETE_LETTER)),
      letterRevision: 1,
      machine: { id: 'project', version: 2 },
      contextSha256: sha256(canonicalJson(JSON.parse(stored().context!))),
    });

    const edited = await appended(() =>
      call(t.app, world.applicant.token, {
        method: 'PATCH',
        url: `/api/v1/projects/${project.id}`,
        headers: { 'if-match': `"${project.version}"`, 'x-request-id': 'req-edit-1' },
        payload: { title: '“红色旋律”党员先锋岗（修订）', letter: { leader: '赵书记' } },
      }),
    );
    expect(edited.result.status).toBe(200);
    const edit = recordOf(edited.added);
    const letter = { ...COMPLETE_LETTER, leader: '赵书记' };
    expect(edit).toMatchObject({ subjectKind: 'project', subjectId: project.id, event: 'EDIT_DRAFT', fromState: 'draft', toState: 'draft', requestId: 'req-edit-1' });
    expect(edit.at).toBe(stored().updatedAt);
    expect(edit.payload).toEqual({
      category: 'vanguard',
      direction: 'member_platforms',
      title: '“红色旋律”党员先锋岗（修订）',
      letterSha256: sha256(canonicalJson(letter)),
      revision: 2,
      letterRevision: 2,
      changed: ['title', 'letter'],
    });
    expect(stored().version).toBe(2);
    expect(sha256(canonicalJson(JSON.parse(stored().letter!)))).toBe(edit.payload.letterSha256);
  });

  it('POST /projects/:id/reviewers and POST /rounds/:id/assignments: one ASSIGN_REVIEWER per pair, keyed <projectId>/<reviewerId>', async () => {
    const one = (await driveTo(world, 'submitted')).id;
    const two = (await driveTo(world, 'submitted')).id;
    const single = await appended(() =>
      call(t.app, world.orgDept.token, {
        method: 'POST',
        url: `/api/v1/projects/${one}/reviewers`,
        headers: { 'x-request-id': 'req-assign-1' },
        payload: { reviewerId: world.reviewers[0]!.id },
      }),
    );
    expect(single.result.status).toBe(201);
    const assignedAt = (pair: [string, string]) =>
      (t.db.$client.prepare('SELECT assigned_at AS at FROM reviewer_assignments WHERE project_id = ? AND reviewer_id = ?').get(...pair) as { at: string }).at;
    expect(recordOf(single.added)).toMatchObject({
      subjectKind: 'assignment',
      subjectId: `${one}/${world.reviewers[0]!.id}`,
      event: 'ASSIGN_REVIEWER',
      fromState: 'none',
      toState: 'assigned',
      payload: { projectId: one, reviewerId: world.reviewers[0]!.id },
      actorId: world.orgDept.id,
      actorRole: 'org_dept',
      requestId: 'req-assign-1',
      at: assignedAt([one, world.reviewers[0]!.id]),
    });

    const bulk = await appended(() =>
      call(t.app, world.orgDept.token, {
        method: 'POST',
        url: `/api/v1/rounds/${world.roundId}/assignments`,
        headers: { 'x-request-id': 'req-assign-2' },
        payload: {
          mode: 'explicit',
          pairs: [
            { projectId: one, reviewerId: world.reviewers[1]!.id },
            { projectId: two, reviewerId: world.conflictedReviewer.id }, // refused: conflict of interest
            { projectId: two, reviewerId: world.reviewers[0]!.id },
          ],
        },
      }),
    );
    expect(bulk.result.status).toBe(200);
    expect(bulk.result.body.assigned).toHaveLength(2);
    expect(bulk.result.body.refused).toHaveLength(1);
    expect(bulk.added.map((e) => [e.event, e.subjectId, e.payload, e.requestId, e.at])).toEqual([
      ['ASSIGN_REVIEWER', `${one}/${world.reviewers[1]!.id}`, { projectId: one, reviewerId: world.reviewers[1]!.id }, 'req-assign-2', assignedAt([one, world.reviewers[1]!.id])],
      ['ASSIGN_REVIEWER', `${two}/${world.reviewers[0]!.id}`, { projectId: two, reviewerId: world.reviewers[0]!.id }, 'req-assign-2', assignedAt([two, world.reviewers[0]!.id])],
    ]);

    // The audit log finds an assignment by its two-id key.
    const listed = await call(t.app, world.auditor.token, {
      method: 'GET',
      url: `/api/v1/audit/transitions?subjectKind=assignment&subjectId=${encodeURIComponent(`${two}/${world.reviewers[0]!.id}`)}`,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({
      subject: { kind: 'assignment', id: `${two}/${world.reviewers[0]!.id}` },
      event: 'ASSIGN_REVIEWER',
      fromState: 'none',
      toState: 'assigned',
    });
  });

  it('an upload: one UPLOAD_FILE entry with name, type, size and SHA-256', async () => {
    const draft = await createDraft(world);
    const pdf = minimalPdf('records');
    const body = multipartBody([{ name: 'file', filename: '目标责任书.pdf', contentType: 'application/pdf', content: pdf }]);
    const { result, added } = await appended(() =>
      call(t.app, world.applicant.token, {
        method: 'POST',
        url: `/api/v1/projects/${draft.id}/files?kind=signed_letter`,
        headers: { ...body.headers, 'x-request-id': 'req-upload-1' },
        payload: body.payload,
      }),
    );
    expect(result.status).toBe(201);
    expect(recordOf(added)).toMatchObject({
      subjectKind: 'file',
      subjectId: result.body.id,
      event: 'UPLOAD_FILE',
      fromState: 'none',
      toState: 'stored',
      payload: { projectId: draft.id, kind: 'signed_letter', fileName: '目标责任书.pdf', mediaType: 'application/pdf', size: pdf.length, sha256: sha256(pdf) },
      actorId: world.applicant.id,
      requestId: 'req-upload-1',
      at: result.body.createdAt,
    });
  });

  it('a refused act appends nothing', async () => {
    const draft = await createDraft(world);
    const submitted = (await driveTo(world, 'submitted')).id;
    const before = head(t.db.$client);
    const refusals = [
      call(t.app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/units', payload: { name: '无', type: 'branch', parentId: world.roundId } }),
      call(t.app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/users', payload: { name: '无单位', role: 'applicant' } }),
      call(t.app, ADMIN_TOKEN, {
        method: 'POST',
        url: '/api/v1/rounds',
        payload: {
          year: 2024,
          title: 't',
          documentNumber: 'd',
          submissionDeadline: '2024-03-29',
          revisionDeadline: '2024-03-01',
          finalAcceptanceDate: '2024-12-31',
          funding: { first: 4, second: 3, third: 2, qualified: 1 },
        },
      }),
      call(t.app, world.applicant.token, {
        method: 'POST',
        url: '/api/v1/projects',
        payload: { roundId: world.roundId, category: 'fortress', direction: 'member_platforms', title: '方向不符', letter: COMPLETE_LETTER },
      }),
      call(t.app, world.applicant.token, { method: 'PATCH', url: `/api/v1/projects/${draft.id}`, headers: { 'if-match': '"7"' }, payload: { title: '过期的版本' } }),
      call(t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/projects/${submitted}/reviewers`, payload: { reviewerId: world.conflictedReviewer.id } }),
      call(t.app, world.orgDept.token, {
        method: 'POST',
        url: `/api/v1/rounds/${world.roundId}/assignments`,
        payload: { mode: 'explicit', pairs: [{ projectId: submitted, reviewerId: world.conflictedReviewer.id }] },
      }),
      (() => {
        const png = multipartBody([{ name: 'file', filename: 'letter.pdf', content: minimalPng() }]);
        return call(t.app, world.applicant.token, { method: 'POST', url: `/api/v1/projects/${draft.id}/files?kind=signed_letter`, headers: png.headers, payload: png.payload });
      })(),
    ];
    const statuses = (await Promise.all(refusals)).map((r) => r.status);
    expect(statuses).toEqual([422, 422, 422, 422, 412, 422, 200, 415]);
    expect(head(t.db.$client)).toBe(before);
  });

  it('machine entries carry the hash of the context written; SUBMIT the letter’s hash; GRADE the funding', async () => {
    const graded = await driveTo(world, 'graded');
    const machineEntries = entries(t.db.$client, "subject_kind = 'project' AND subject_id = ? AND machine_id = 'project'", graded.id);
    expect(machineEntries.map((e) => e.event)).toContain('GRADE');
    for (const entry of machineEntries) expect(entry.payload.contextSha256, entry.event).toMatch(/^[0-9a-f]{64}$/);
    // The last entry's hash is the hash of the context the row holds now.
    const row = t.db.$client.prepare('SELECT context, grade, funding FROM projects WHERE id = ?').get(graded.id) as { context: string; grade: string; funding: number };
    expect(machineEntries.at(-1)!.payload.contextSha256).toBe(sha256(canonicalJson(JSON.parse(row.context))));
    const submit = machineEntries.find((e) => e.event === 'SUBMIT')!;
    expect(submit.payload.letterSha256).toBe(sha256(canonicalJson(COMPLETE_LETTER)));
    const grade = machineEntries.find((e) => e.event === 'GRADE')!;
    expect(row).toMatchObject({ grade: 'first', funding: 3000 });
    expect(grade.payload).toMatchObject({ grade: 'first', funding: 3000 });

    // Served as they are stored, in the project's history and in the audit log.
    const history = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${graded.id}/transitions` });
    expect(history.body.items[0]).toMatchObject({ event: 'CREATE_PROJECT', fromState: 'none', toState: 'draft', machine: { id: 'record', version: 1 } });
    expect(history.body.items.find((e: { event: string }) => e.event === 'GRADE').payload).toEqual(grade.payload);

    // A round event too.
    const round = (await fireRound('CLOSE_SUBMISSIONS')) as { transition: { payload: Record<string, unknown> } };
    const roundContext = (t.db.$client.prepare('SELECT context FROM rounds WHERE id = ?').get(world.roundId) as { context: string }).context;
    expect(round.transition.payload.contextSha256).toBe(sha256(canonicalJson(JSON.parse(roundContext))));
  });

  async function fireRound(type: string) {
    t.clock.set(world.submissionClosesAt + 1);
    const response = await call(t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload: { type } });
    expect(response.status).toBe(200);
    return response.body;
  }

  it('the log views list record entries by kind, with their labels in the OpenAPI document', async () => {
    const units = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/transitions?subjectKind=unit&limit=100' });
    expect(units.status).toBe(200);
    expect(units.body.items).toHaveLength(6);
    expect(units.body.items.every((e: { event: string; machine: { id: string } }) => e.event === 'CREATE_UNIT' && e.machine.id === 'record')).toBe(true);
    const users = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/transitions?subjectKind=user&limit=100' });
    expect(users.body.items).toHaveLength(10);
    const rounds = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/transitions` });
    expect(rounds.body.items.map((e: { event: string }) => e.event)).toEqual(['CREATE_ROUND']);
    const document = await call(t.app, null, { method: 'GET', url: '/openapi.json' });
    const transition = document.body.components.schemas.Transition;
    expect(transition.properties.event.enum).toEqual(
      expect.arrayContaining(['CREATE_UNIT', 'CREATE_USER', 'CREATE_ROUND', 'CREATE_PROJECT', 'EDIT_DRAFT', 'ASSIGN_REVIEWER', 'UPLOAD_FILE', 'ADOPT']),
    );
    expect(transition.properties.event.description).toContain('CREATE_UNIT 新建党组织');
    expect(transition.properties.fromState.enum).toEqual(expect.arrayContaining(['none', 'active', 'assigned', 'stored']));
  });
});

describe('machine migrations', () => {
  it('every MIGRATE entry carries the hash of the subject’s context', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-records-'));
    const file = path.join(dir, 'lixiang.db');
    const clock = new FakeClock();
    try {
      // A first-edition database; a trial project version beside it takes the round's projects.
      const first = await createTestApp({ path: file, clock, lifecycles: FIRST_EDITION_LIFECYCLES });
      world = await createWorld(first.app);
      const draft = (await createDraft(world)).id;
      await first.close();
      t = await createTestApp({ path: file, clock, lifecycles: FIRST_EDITION_LIFECYCLES, machines: [projectV3] });
      const migrated = await call(t.app, ADMIN_TOKEN, {
        method: 'POST',
        url: '/api/v1/machines/migrations',
        payload: { machine: 'project', fromVersion: 1, toVersion: 3, reason: '按新版流程办理', dryRun: false },
      });
      expect(migrated.status).toBe(200);
      const moved = entries(t.db.$client, "event = 'MIGRATE'");
      expect(moved.map((e) => [e.subjectKind, e.subjectId])).toEqual([
        ['project', draft],
        ['round', world.roundId],
      ]);
      const context = (table: string, id: string) => (t.db.$client.prepare(`SELECT context FROM ${table} WHERE id = ?`).get(id) as { context: string }).context;
      expect(moved[0]!.payload.contextSha256).toBe(sha256(canonicalJson(JSON.parse(context('projects', draft)))));
      expect(moved[1]!.payload.contextSha256).toBe(sha256(canonicalJson(JSON.parse(context('rounds', world.roundId)))));
    } finally {
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('upgrade adoption', () => {
  let dir: string;
  let file: string;
  let clock: FakeClock;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-adopt-'));
    file = path.join(dir, 'lixiang.db');
    clock = new FakeClock();
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The database as a service from before record entries left it: the same rows and machine
   * entries, no record entry, the chain intact (renumbered and re-hashed, as it was written).
   */
  function withoutRecordEntries(): void {
    const sqlite = new Database(file);
    try {
      const triggers = sqlite.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'transition_log'").all() as Array<{ sql: string }>;
      sqlite.transaction(() => {
        for (const name of sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'transition_log'").all() as Array<{ name: string }>) {
          sqlite.exec(`DROP TRIGGER ${name.name}`);
        }
        const kept = sqlite.prepare("SELECT * FROM transition_log WHERE machine_id <> 'record' ORDER BY seq").all() as RawLogRow[];
        sqlite.exec('DELETE FROM transition_log');
        const insert = sqlite.prepare(INSERT_ENTRY);
        let prevHash = GENESIS_HASH;
        kept.forEach((r, i) => {
          const entry: UnhashedEntry = { ...asEntry(r), seq: i + 1, prevHash };
          const hash = entryHash(entry);
          insert.run({ ...entry, hash });
          prevHash = hash;
          // A review names the entry that recorded it: in the older database that entry had this number.
          sqlite.prepare('UPDATE reviews SET log_seq = ? WHERE log_seq = ?').run(-(i + 1), r.seq);
        });
        sqlite.exec('UPDATE reviews SET log_seq = -log_seq WHERE log_seq < 0');
        // Nor had that engine sealed heads, checkpoints of this log or a witness, nor named panels.
        sqlite.exec('DELETE FROM sealed_head; DELETE FROM checkpoints; DELETE FROM panel_members; DELETE FROM panels');
        // Nor did it keep letter revisions (they came with their entries).
        sqlite.exec('DELETE FROM letter_revisions');
        for (const trigger of triggers) sqlite.exec(trigger.sql);
      })();
    } finally {
      sqlite.close();
    }
  }

  it('a database with rows and machine entries but no record entry gets one ADOPT per row at start, once', async () => {
    // Written by the first release (its rounds and projects under the first edition), then upgraded.
    const first = await createTestApp({ path: file, clock, lifecycles: FIRST_EDITION_LIFECYCLES });
    world = await createWorld(first.app);
    await driveTo(world, 'in_progress');
    const draft = await createDraft(world);
    const pdf = multipartBody([{ name: 'file', filename: 'letter.pdf', content: minimalPdf('adopt') }]);
    expect(
      (await call(first.app, world.applicant.token, { method: 'POST', url: `/api/v1/projects/${draft.id}/files?kind=signed_letter`, headers: pdf.headers, payload: pdf.payload }))
        .status,
    ).toBe(201);
    await first.close();
    withoutRecordEntries();
    fs.rmSync(keyFiles(file).witnessPath, { force: true });

    clock.advance(60_000);
    t = await createTestApp({ path: file, clock });
    try {
      const sqlite = t.db.$client;
      const machineEntries = (sqlite.prepare("SELECT count(*) AS n FROM transition_log WHERE machine_id <> 'record'").get() as { n: number }).n;
      const adopted = entries(sqlite, "event = 'ADOPT'");
      // The tables, in order, each by key.
      const keys = [
        ...(sqlite.prepare('SELECT id FROM units ORDER BY id').all() as Array<{ id: string }>).map((r) => ['unit', r.id, 'active']),
        ...(sqlite.prepare('SELECT id FROM users ORDER BY id').all() as Array<{ id: string }>).map((r) => ['user', r.id, 'active']),
        ...(sqlite.prepare('SELECT id, state FROM rounds ORDER BY id').all() as Array<{ id: string; state: string }>).map((r) => ['round', r.id, r.state]),
        ...(sqlite.prepare('SELECT id, state FROM projects ORDER BY id').all() as Array<{ id: string; state: string }>).map((r) => ['project', r.id, r.state]),
        ...(sqlite.prepare('SELECT project_id AS p, reviewer_id AS r FROM reviewer_assignments ORDER BY project_id, reviewer_id').all() as Array<{ p: string; r: string }>).map(
          (r) => ['assignment', `${r.p}/${r.r}`, 'assigned'],
        ),
        ...(sqlite.prepare('SELECT id FROM files ORDER BY id').all() as Array<{ id: string }>).map((r) => ['file', r.id, 'stored']),
      ];
      // Units, users, the world's round and the one the project in progress was driven in, projects, assignments, the file.
      expect(keys).toHaveLength(6 + 10 + 2 + 2 + 2 + 1);
      expect(adopted.map((e) => [e.subjectKind, e.subjectId, e.toState])).toEqual(keys);
      // Right after the machine entries, before anything else; by the service itself, at the start's time.
      expect(adopted[0]!.seq).toBe(machineEntries + 1);
      for (const e of adopted) {
        expect(e).toMatchObject({
          fromState: 'none',
          actorId: 'system',
          actorRole: 'system',
          actorUnitId: null,
          requestId: 'system:adopt',
          at: new Date(clock.now()).toISOString(),
        });
        expect(e).toMatchObject({ machineId: 'record', machineVersion: 1 });
      }
      // Each payload is the row's audited projection.
      const project = t.db.$client.prepare('SELECT * FROM projects WHERE id = ?').get(draft.id) as Record<string, unknown>;
      const camel = Object.fromEntries(Object.entries(project).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
      expect(adopted.find((e) => e.subjectId === draft.id)!.payload).toEqual({ row: auditedProjection('projects', camel) });
      expect(adopted.find((e) => e.subjectId === draft.id)!.payload.row).toMatchObject({
        id: draft.id,
        state: 'draft',
        version: 1,
        letterSha256: sha256(canonicalJson(COMPLETE_LETTER)),
      });
      const stored = adopted.find((e) => e.subjectKind === 'file')!.payload.row as Record<string, unknown>;
      expect(stored.contentSha256).toBe(stored.sha256);
      const user = adopted.find((e) => e.subjectId === world.applicant.id)!.payload.row as Record<string, unknown>;
      const tokenHash = (sqlite.prepare('SELECT token_hash AS h FROM users WHERE id = ?').get(world.applicant.id) as { h: string }).h;
      expect(user).toEqual({
        id: world.applicant.id,
        name: '声乐系书记',
        role: 'applicant',
        unitId: world.units.branch,
        tokenFingerprint: sha256(tokenHash),
        active: true,
        createdAt: expect.any(String),
      });

      const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
      expect(verified.body, JSON.stringify((verified.body as { tables?: unknown }).tables)).toMatchObject({ valid: true, count: machineEntries + keys.length });

      // Never again: the next start finds record entries and adopts nothing.
      await t.close();
      t = await createTestApp({ path: file, clock });
      expect(entries(t.db.$client, "event = 'ADOPT'")).toHaveLength(keys.length);
      expect(head(t.db.$client)).toBe(machineEntries + keys.length);
    } finally {
      await t.close();
    }
  });

  it('a fresh database has nothing to adopt', async () => {
    t = await createTestApp({ path: file, clock });
    try {
      expect(entries(t.db.$client, "event = 'ADOPT'")).toEqual([]);
      expect(entries(t.db.$client).map((e) => e.event)).toEqual(['CREATE_USER']);
    } finally {
      await t.close();
    }
  });
});
