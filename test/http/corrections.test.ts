/**
 * Corrections on the record, units and rounds (issue 15, part C): the unit tree's rules; units
 * amended, deactivated, reactivated and deleted; round settings validated and amended under the
 * "opened" rule; per-unit extensions of the submission deadline and the quota report. Every act is
 * a log entry, every refusal writes nothing, and the audit still finds the tables proven by the log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { createDraft, createUnit, createUser, createWorld, fire, type World } from '../helpers/world.js';
import { logLength as countEntries, subjectEntries } from '../helpers/log-entries.js';

let t: TestApp;
let world: World;

beforeEach(async () => {
  t = await createTestApp();
  world = await createWorld(t.app);
});

afterEach(async () => {
  await t.close();
});

const entries = (kind: string, id: string) => subjectEntries(t.db.$client, kind, id);
const logLength = () => countEntries(t.db.$client);

async function expectVerified() {
  const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
  expect(verified.status).toBe(200);
  expect(verified.body, JSON.stringify(verified.body.tables)).toMatchObject({ valid: true, tables: { valid: true } });
}

const admin = (options: Parameters<typeof call>[2]) => call(t.app, ADMIN_TOKEN, options);

const ROUND = {
  year: 2024,
  title: '2024年度党建项目立项',
  documentNumber: '办字〔2024〕3号',
  submissionDeadline: '2024-03-29',
  revisionDeadline: '2024-04-10',
  finalAcceptanceDate: '2024-12-31',
  funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
};

describe('the unit tree', () => {
  it('refuses a branch without a parent, or under anything but a general branch or the organ committee, naming parentId; nothing is written', async () => {
    const before = logLength();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: '孤立党支部', type: 'branch' }, 'a branch without parent'],
      [{ name: '直属下的支部', type: 'branch', parentId: world.units.direct }, 'a branch under a direct branch'],
      [{ name: '支部下的支部', type: 'branch', parentId: world.units.branch }, 'a branch under a branch'],
      [{ name: '下挂的党总支', type: 'general_branch', parentId: world.units.organ }, 'a general branch with a parent'],
      [{ name: '下挂的直属支部', type: 'direct_branch', parentId: world.units.general }, 'a direct branch with a parent'],
      [{ name: '无上级', type: 'branch', parentId: 'no-such-unit' }, 'an unknown parent'],
    ];
    for (const [payload, what] of cases) {
      const response = await admin({ method: 'POST', url: '/api/v1/units', payload });
      expect(response.status, what).toBe(422);
      expect(response.body, what).toMatchObject({ field: 'parentId' });
    }
    expect(logLength()).toBe(before);

    const organBranch = await admin({ method: 'POST', url: '/api/v1/units', payload: { name: '党政办公室党支部', type: 'branch', parentId: world.units.organ } });
    expect(organBranch.status).toBe(201);
    expect(organBranch.body).toMatchObject({ type: 'branch', parentId: world.units.organ, active: true });
    const view = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/units/${organBranch.body.id}` });
    expect(view).toMatchObject({ status: 200, body: { id: organBranch.body.id, name: '党政办公室党支部', active: true } });
    expect((await call(t.app, world.applicant.token, { method: 'GET', url: '/api/v1/units/nope' })).status).toBe(404);
    const list = await admin({ method: 'GET', url: '/api/v1/units' });
    expect(list.body.items.every((unit: { active: boolean }) => unit.active === true)).toBe(true);
  });

  it('renames and moves a branch: AMEND_UNIT with each change’s from and to and the reason', async () => {
    const moved = await admin({
      method: 'PATCH',
      url: `/api/v1/units/${world.units.branch}`,
      payload: { name: '声乐歌剧系党支部', parentId: world.units.organ, reason: '隶属关系更正' },
    });
    expect(moved).toMatchObject({ status: 200, body: { id: world.units.branch, name: '声乐歌剧系党支部', parentId: world.units.organ, active: true } });
    const amended = entries('unit', world.units.branch).at(-1)!;
    expect(amended).toMatchObject({
      event: 'AMEND_UNIT',
      fromState: 'active',
      toState: 'active',
      payload: { changes: { name: { from: '声乐系党支部', to: '声乐歌剧系党支部' }, parentId: { from: world.units.general, to: world.units.organ } }, reason: '隶属关系更正' },
    });
    // The branch's applicant now answers to the organ committee: its parent sees its projects, the old one does not.
    const draft = await createDraft(world);
    expect((await call(t.app, world.parentApplicant.token, { method: 'GET', url: `/api/v1/projects/${draft.id}` })).status).toBe(404);

    // Nothing to change: nothing written.
    const before = logLength();
    expect((await admin({ method: 'PATCH', url: `/api/v1/units/${world.units.branch}`, payload: { name: '声乐歌剧系党支部' } })).status).toBe(200);
    expect(logLength()).toBe(before);

    // The tree's rules hold on amendment too.
    for (const [id, parentId] of [
      [world.units.branch, null],
      [world.units.branch, world.units.direct],
      [world.units.general, world.units.organ],
      [world.units.branch, world.units.branch],
    ] as const) {
      const refused = await admin({ method: 'PATCH', url: `/api/v1/units/${id}`, payload: { parentId } });
      expect(refused.status).toBe(422);
      expect(refused.body.field).toBe('parentId');
    }
    expect(logLength()).toBe(before);
    expect((await admin({ method: 'PATCH', url: '/api/v1/units/nope', payload: { name: 'x' } })).status).toBe(404);
    expect((await call(t.app, world.orgDept.token, { method: 'PATCH', url: `/api/v1/units/${world.units.branch}`, payload: { name: 'x' } })).status).toBe(403);
    await expectVerified();
  });

  it('deactivates a unit: out of the quota, no new users or projects; reactivates it', async () => {
    const refusedParent = await admin({ method: 'POST', url: `/api/v1/units/${world.units.general}/deactivate`, payload: { reason: '合并' } });
    expect(refusedParent).toMatchObject({ status: 409, body: { code: 'unit_has_active_children' } });

    const closed = await admin({ method: 'POST', url: `/api/v1/units/${world.units.branch}/deactivate`, payload: { reason: '党支部撤销' } });
    expect(closed).toMatchObject({ status: 200, body: { id: world.units.branch, active: false } });
    expect(entries('unit', world.units.branch).at(-1)).toMatchObject({ event: 'DEACTIVATE_UNIT', fromState: 'active', toState: 'inactive', payload: { reason: '党支部撤销' } });
    expect((await admin({ method: 'POST', url: `/api/v1/units/${world.units.branch}/deactivate`, payload: { reason: '再次' } })).status).toBe(409);

    const before = logLength();
    const user = await admin({ method: 'POST', url: '/api/v1/users', payload: { name: '新书记', role: 'applicant', unitId: world.units.branch } });
    expect(user).toMatchObject({ status: 422, body: { field: 'unitId', code: 'unit_inactive' } });
    const project = await call(t.app, world.applicant.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: { roundId: world.roundId, category: 'vanguard', direction: 'member_platforms', title: '停用后的项目' },
    });
    expect(project).toMatchObject({ status: 422, body: { code: 'unit_inactive' } });
    const underIt = await admin({ method: 'POST', url: '/api/v1/units', payload: { name: '新支部', type: 'branch', parentId: world.units.branch } });
    expect(underIt.status).toBe(422);
    expect(logLength()).toBe(before);

    // Now the general branch has no active branch: it may go too, and leaves the quota.
    expect((await admin({ method: 'POST', url: `/api/v1/units/${world.units.general}/deactivate`, payload: { reason: '院系合并' } })).status).toBe(200);
    const quota = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/quota-units` });
    expect(quota.status).toBe(200);
    expect(quota.body.missing.map((u: { unitId: string }) => u.unitId)).not.toContain(world.units.general);
    expect(quota.body.quotaUnits).toBe(3);

    // A branch under an inactive general branch is not reactivated before it.
    expect((await admin({ method: 'POST', url: `/api/v1/units/${world.units.branch}/reactivate`, payload: { reason: '恢复' } })).body).toMatchObject({ code: 'parent_inactive' });
    expect((await admin({ method: 'POST', url: `/api/v1/units/${world.units.general}/reactivate`, payload: { reason: '恢复建制' } })).status).toBe(200);
    const back = await admin({ method: 'POST', url: `/api/v1/units/${world.units.branch}/reactivate`, payload: { reason: '恢复建制' } });
    expect(back).toMatchObject({ status: 200, body: { active: true } });
    expect(entries('unit', world.units.branch).at(-1)).toMatchObject({ event: 'REACTIVATE_UNIT', fromState: 'inactive', toState: 'active' });
    expect((await createDraft(world)).id).toBeTruthy();
    await expectVerified();
  });

  it('deletes only a unit nothing ever referred to', async () => {
    const referenced = await admin({ method: 'DELETE', url: `/api/v1/units/${world.units.branch}`, payload: {} });
    expect(referenced).toMatchObject({ status: 409, body: { code: 'unit_referenced' } });
    expect(referenced.body.references).toContain('users');
    // A general branch whose only child was created under it, then moved away: the log still names it.
    const general = await createUnit(t.app, '临时党总支', 'general_branch');
    const child = await createUnit(t.app, '临时党支部', 'branch', general);
    await admin({ method: 'PATCH', url: `/api/v1/units/${child}`, payload: { parentId: world.units.organ } });
    expect((await admin({ method: 'DELETE', url: `/api/v1/units/${general}` })).body).toMatchObject({ code: 'unit_referenced', references: ['log'] });

    const mistake = await createUnit(t.app, '误建党支部', 'direct_branch');
    const deleted = await admin({ method: 'DELETE', url: `/api/v1/units/${mistake}`, payload: { reason: '误建' } });
    expect(deleted.status).toBe(204);
    expect((await admin({ method: 'GET', url: `/api/v1/units/${mistake}` })).status).toBe(404);
    expect(entries('unit', mistake).map((e) => [e.event, e.toState])).toEqual([
      ['CREATE_UNIT', 'active'],
      ['DELETE_UNIT', 'deleted'],
    ]);
    expect(entries('unit', mistake).at(-1)!.payload).toEqual({ reason: '误建' });
    expect((await admin({ method: 'DELETE', url: `/api/v1/units/${mistake}` })).status).toBe(404);
    await expectVerified();
  });
});

describe('round settings', () => {
  it('refuses settings out of order, naming the field; a document number is unique per year', async () => {
    const before = logLength();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ revisionDeadline: '2024-03-28' }, 'revisionDeadline'],
      [{ finalAcceptanceDate: '2024-04-01' }, 'finalAcceptanceDate'],
      [{ funding: { first: 3000, second: 2000, third: 2500, qualified: 1000 } }, 'funding.third'],
      [{ funding: { first: 1000, second: 2000, third: 1500, qualified: 1000 } }, 'funding.second'],
      [{ scoreScale: { min: 20, max: 20 } }, 'scoreScale'],
    ];
    for (const [override, field] of cases) {
      const response = await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, ...override } });
      expect(response.status, field).toBe(422);
      expect(response.body.field, field).toBe(field);
    }
    for (const contacts of [[{ name: '邹老师', phone: 'call me' }], Array.from({ length: 6 }, (_, i) => ({ name: `联系人${i}`, phone: '024-23870157' }))]) {
      expect((await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, contacts } })).status).toBe(400);
    }
    expect((await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, conflictScope: 'everyone' } })).status).toBe(400);
    expect((await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, submissionDeadline: '2024-02-30' } })).status).toBe(400);
    expect(logLength()).toBe(before);

    const created = await admin({
      method: 'POST',
      url: '/api/v1/rounds',
      payload: { ...ROUND, conflictScope: 'line', contacts: [{ name: '邹老师', phone: '024-23870157', extension: '8012' }] },
    });
    expect(created).toMatchObject({ status: 201, body: { conflictScope: 'line', contacts: [{ name: '邹老师', phone: '024-23870157', extension: '8012' }] } });
    const view = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${created.body.id}` });
    expect(view.body).toMatchObject({ conflictScope: 'line', contacts: [{ name: '邹老师' }] });
    expect((await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` })).body).toMatchObject({ conflictScope: 'family', contacts: [] });

    const twin = await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, title: '重复' } });
    expect(twin).toMatchObject({ status: 409, body: { code: 'document_number_taken', field: 'documentNumber' } });
    expect((await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, year: 2025 } })).status).toBe(201);
    await expectVerified();
  });

  it('amends every setting before the round has opened: AMEND_ROUND with each change, the version one up', async () => {
    const created = await admin({ method: 'POST', url: '/api/v1/rounds', payload: ROUND });
    const id = created.body.id as string;
    const amended = await call(t.app, world.orgDept.token, {
      method: 'PATCH',
      url: `/api/v1/rounds/${id}`,
      headers: { 'if-match': '"1"' },
      payload: {
        title: '2024年度党建工作项目立项',
        funding: { first: 4000, second: 2000, third: 1500, qualified: 1000 },
        conflictScope: 'line',
        contacts: [{ name: '邹老师', phone: '15802424480' }],
      },
    });
    expect(amended).toMatchObject({
      status: 200,
      body: { title: '2024年度党建工作项目立项', funding: { first: 4000 }, conflictScope: 'line', contacts: [{ name: '邹老师', phone: '15802424480' }], version: 2 },
    });
    expect(amended.headers.etag).toBe('"2"');
    expect(entries('round', id).at(-1)).toMatchObject({
      event: 'AMEND_ROUND',
      fromState: 'open',
      toState: 'open',
      actorId: world.orgDept.id,
      payload: {
        changes: {
          title: { from: '2024年度党建项目立项', to: '2024年度党建工作项目立项' },
          fundingFirst: { from: 3000, to: 4000 },
          conflictScope: { from: 'family', to: 'line' },
          contacts: { from: [], to: [{ name: '邹老师', phone: '15802424480' }] },
        },
        reason: null,
      },
    });
    expect(Object.keys(entries('round', id).at(-1)!.payload.changes as object)).toHaveLength(4);

    const before = logLength();
    const stale = await call(t.app, world.orgDept.token, { method: 'PATCH', url: `/api/v1/rounds/${id}`, headers: { 'if-match': '"1"' }, payload: { title: '又改' } });
    expect(stale).toMatchObject({ status: 412, body: { currentVersion: 2 } });
    expect((await call(t.app, world.orgDept.token, { method: 'PATCH', url: `/api/v1/rounds/${id}`, payload: { scoreScale: { min: 10, max: 5 } } })).status).toBe(422);
    expect((await call(t.app, world.orgDept.token, { method: 'PATCH', url: `/api/v1/rounds/${id}`, payload: { documentNumber: '办字〔2023〕8号', year: 2023 } })).status).toBe(409);
    expect((await call(t.app, world.applicant.token, { method: 'PATCH', url: `/api/v1/rounds/${id}`, payload: { title: 'x' } })).status).toBe(403);
    expect((await call(t.app, world.committee.token, { method: 'PATCH', url: `/api/v1/rounds/${id}`, payload: { title: 'x' } })).status).toBe(403);
    expect((await call(t.app, world.orgDept.token, { method: 'PATCH', url: '/api/v1/rounds/nope', payload: { title: 'x' } })).status).toBe(404);
    expect(logLength()).toBe(before);
    await expectVerified();
  });

  it('once a project left draft, only the deadlines move, and only with a reason', async () => {
    const draft = await createDraft(world);
    expect((await fire(world, draft.id, world.applicant, 'SUBMIT')).status).toBe(200);
    const before = logLength();
    const title = await call(t.app, world.orgDept.token, { method: 'PATCH', url: `/api/v1/rounds/${world.roundId}`, payload: { title: '改标题', minReviews: 1, reason: '更正' } });
    expect(title).toMatchObject({ status: 422, body: { code: 'round_opened', fields: ['title', 'minReviews'] } });
    const noReason = await call(t.app, world.orgDept.token, { method: 'PATCH', url: `/api/v1/rounds/${world.roundId}`, payload: { submissionDeadline: '2023-04-05' } });
    expect(noReason).toMatchObject({ status: 422, body: { code: 'reason_required', field: 'reason' } });
    expect(logLength()).toBe(before);

    const moved = await call(t.app, world.orgDept.token, {
      method: 'PATCH',
      url: `/api/v1/rounds/${world.roundId}`,
      payload: { submissionDeadline: '2023-04-05', revisionDeadline: '2023-04-20', reason: '申报材料较多，截止日期顺延一周' },
    });
    expect(moved).toMatchObject({ status: 200, body: { submissionDeadline: '2023-04-05', revisionDeadline: '2023-04-20' } });
    expect(entries('round', world.roundId).at(-1)).toMatchObject({
      event: 'AMEND_ROUND',
      payload: {
        changes: { submissionDeadline: { from: '2023-03-29', to: '2023-04-05' }, revisionDeadline: { from: null, to: '2023-04-20' } },
        reason: '申报材料较多，截止日期顺延一周',
      },
    });
    // The new deadline governs at once: a draft submitted after the old one, before the new one.
    t.clock.set(Date.parse('2023-04-03T02:00:00Z'));
    const late = await createDraft(world);
    expect((await fire(world, late.id, world.applicant, 'SUBMIT')).status).toBe(200);
    await expectVerified();
  });
});

describe('the opened rule', () => {
  it('counts a project returned to draft as having left it', async () => {
    const draft = await createDraft(world);
    expect((await fire(world, draft.id, world.applicant, 'SUBMIT')).status).toBe(200);
    expect((await fire(world, draft.id, world.orgDept, 'RETURN_FOR_REVISION', { comment: '活动安排需细化到月' })).status).toBe(200);
    const title = await call(t.app, ADMIN_TOKEN, { method: 'PATCH', url: `/api/v1/rounds/${world.roundId}`, payload: { title: '改标题' } });
    expect(title).toMatchObject({ status: 422, body: { code: 'round_opened', fields: ['title'] } });
    // The round says so before anyone tries: a settings form knows which fields it may offer.
    expect((await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` })).body).toMatchObject({ opened: true });
  });

  it('leaves a round whose projects are all untouched drafts open to any amendment', async () => {
    await createDraft(world);
    expect((await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` })).body).toMatchObject({ opened: false });
    const amended = await call(t.app, ADMIN_TOKEN, { method: 'PATCH', url: `/api/v1/rounds/${world.roundId}`, payload: { minReviews: 1 } });
    expect(amended).toMatchObject({ status: 200, body: { minReviews: 1 } });
    await expectVerified();
  });
});

describe('extensions', () => {
  const grant = (token: string, unitId: string, submissionDeadline: string, reason = '支部换届，延期一周') =>
    call(t.app, token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/extensions`, payload: { unitId, submissionDeadline, reason } });

  it('lets a unit submit until its own deadline, holds the round open until then, and shows in the quota report', async () => {
    const early = await createDraft(world);
    const otherDraft = await call(t.app, world.otherApplicant.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: {
        roundId: world.roundId,
        category: 'vanguard',
        direction: 'member_platforms',
        title: '舞蹈学院项目',
        letter: (await import('../helpers/world.js')).COMPLETE_LETTER,
      },
    });
    expect(otherDraft.status).toBe(201);

    const before = logLength();
    for (const [date, what] of [
      ['2023-03-29', 'on the round’s deadline'],
      ['2023-12-31', 'on the final acceptance date'],
    ] as const) {
      expect((await grant(world.orgDept.token, world.units.branch, date)).status, what).toBe(422);
    }
    expect((await grant(world.orgDept.token, 'nope', '2023-04-05')).body).toMatchObject({ field: 'unitId' });
    expect((await grant(world.applicant.token, world.units.branch, '2023-04-05')).status).toBe(403);
    expect(logLength()).toBe(before);

    const first = await grant(world.orgDept.token, world.units.branch, '2023-04-02');
    expect(first).toMatchObject({ status: 201, body: { unitId: world.units.branch, unitName: '声乐系党支部', submissionDeadline: '2023-04-02', grantedBy: world.orgDept.id } });
    const again = await grant(ADMIN_TOKEN, world.units.branch, '2023-04-05', '换届延后');
    expect(again).toMatchObject({ status: 200, body: { submissionDeadline: '2023-04-05', reason: '换届延后', closesAt: '2023-04-05T16:00:00.000Z' } });
    expect(entries('extension', `${world.roundId}/${world.units.branch}`).map((e) => [e.event, e.fromState, e.toState, e.payload])).toEqual([
      ['GRANT_EXTENSION', 'none', 'granted', { roundId: world.roundId, unitId: world.units.branch, submissionDeadline: '2023-04-02', reason: '支部换届，延期一周' }],
      ['GRANT_EXTENSION', 'granted', 'granted', { roundId: world.roundId, unitId: world.units.branch, submissionDeadline: '2023-04-05', reason: '换届延后' }],
    ]);

    // Who sees it: everyone of the round's staff, the unit and the unit above it; not another unit.
    for (const token of [world.orgDept.token, world.committee.token, world.auditor.token, ADMIN_TOKEN, world.applicant.token, world.parentApplicant.token]) {
      expect((await call(t.app, token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/extensions` })).body.items).toHaveLength(1);
    }
    expect((await call(t.app, world.otherApplicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/extensions` })).body).toEqual({ items: [] });

    const quota = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/quota-units` });
    const general = quota.body.missing.find((u: { unitId: string }) => u.unitId === world.units.general);
    expect(general.extendedUntil).toBe('2023-04-05');
    expect(quota.body.missing.find((u: { unitId: string }) => u.unitId === world.units.otherGeneral).extendedUntil).toBeNull();

    // After the round's deadline: the extended unit submits, another does not; the round cannot close yet.
    t.clock.set(Date.parse('2023-04-05T15:59:00Z'));
    expect((await fire(world, early.id, world.applicant, 'SUBMIT')).status).toBe(200);
    const refused = await fire(world, otherDraft.body.id as string, world.otherApplicant, 'SUBMIT');
    // The round's submission gate refuses the unit without an extension (the machine's 422 deadline_passed is behind it).
    expect(refused).toMatchObject({ status: 409, body: { type: 'urn:lixiang:problem:round-gate-closed', code: 'submission_closed' } });
    const close = await call(t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload: { type: 'CLOSE_SUBMISSIONS' } });
    expect(close).toMatchObject({ status: 422, body: { violation: { code: 'deadline_not_passed' } } });

    // Revoked: the unit is back to the round's deadline, which has passed.
    const late = await createDraft(world);
    const revoked = await call(t.app, world.orgDept.token, {
      method: 'DELETE',
      url: `/api/v1/rounds/${world.roundId}/extensions/${world.units.branch}`,
      payload: { reason: '换届已完成' },
    });
    expect(revoked.status).toBe(204);
    expect(entries('extension', `${world.roundId}/${world.units.branch}`).at(-1)).toMatchObject({
      event: 'REVOKE_EXTENSION',
      fromState: 'granted',
      toState: 'revoked',
      payload: { reason: '换届已完成' },
    });
    expect((await fire(world, late.id, world.applicant, 'SUBMIT')).body).toMatchObject({ status: 409, code: 'submission_closed' });
    expect(
      (await call(t.app, world.orgDept.token, { method: 'DELETE', url: `/api/v1/rounds/${world.roundId}/extensions/${world.units.branch}`, payload: { reason: '再次' } })).status,
    ).toBe(404);
    expect((await call(t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload: { type: 'CLOSE_SUBMISSIONS' } })).status).toBe(200);
    // Closed: no more extensions.
    expect((await grant(world.orgDept.token, world.units.direct, '2023-04-20')).body).toMatchObject({ code: 'round_not_open' });
    await expectVerified();
  });

  it('keeps the round’s deadlines consistent with the extensions granted', async () => {
    await call(t.app, world.orgDept.token, { method: 'PATCH', url: `/api/v1/rounds/${world.roundId}`, payload: { revisionDeadline: '2023-04-20' } });
    expect((await grant(world.orgDept.token, world.units.direct, '2023-04-20')).status).toBe(422);
    expect((await grant(world.orgDept.token, world.units.direct, '2023-04-10')).status).toBe(201);
    const narrowed = await call(t.app, world.orgDept.token, { method: 'PATCH', url: `/api/v1/rounds/${world.roundId}`, payload: { revisionDeadline: '2023-04-08' } });
    expect(narrowed).toMatchObject({ status: 422, body: { code: 'extension_conflict' } });
    const user = await createUser(t.app, '图书馆书记', 'applicant', world.units.direct);
    expect(user.unitId).toBe(world.units.direct);
    // A unit with an extension is referenced: it cannot be deleted.
    const unit = await createUnit(t.app, '新直属党支部', 'direct_branch');
    expect((await grant(world.orgDept.token, unit, '2023-04-10')).status).toBe(201);
    expect((await admin({ method: 'DELETE', url: `/api/v1/units/${unit}` })).body).toMatchObject({ code: 'unit_referenced' });
    await expectVerified();
  });
});
