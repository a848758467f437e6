/**
 * Named panels (issue 15, part A): org_dept or the admin names a round's panel and its members;
 * reviewers are assigned only from the active members of the round's review panel; conflict of
 * interest covers the project's unit's line and its family (everything under the same 党总支 /
 * 机关党委), or only the line where the round says so; a reviewer who drops out is replaced on the
 * record. Every act is a log entry, and the audit still proves the tables from the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import {
  WORLD_PANEL_NAME,
  addToPanel,
  createDraft,
  createPanel,
  createUnit,
  createUser,
  createWorld,
  driveTo,
  fire,
  fireOk,
  newRound as roundWithPanel,
  type User,
  type World,
} from '../helpers/world.js';
import { logLength, subjectEntries } from '../helpers/log-entries.js';

let t: TestApp;
let world: World;

const SCORES = { direction: 16, innovation: 15, practicality: 17, breadth: 14, exemplarity: 15 };

beforeAll(async () => {
  t = await createTestApp();
  world = await createWorld(t.app, { minReviews: 2 });
});

afterAll(async () => {
  await t.close();
});

const logOf = (subjectKind: string, subjectId: string) => subjectEntries(t.db.$client, subjectKind, subjectId);

const adminId = () => (t.db.$client.prepare("SELECT id FROM users WHERE role = 'admin'").get() as { id: string }).id;

const entries = () => logLength(t.db.$client);

async function newRound(title: string): Promise<string> {
  const round = await call(t.app, ADMIN_TOKEN, {
    method: 'POST',
    url: '/api/v1/rounds',
    payload: {
      year: 2023,
      title,
      documentNumber: `办字〔2023〕${title}`,
      submissionDeadline: '2023-03-29',
      finalAcceptanceDate: '2023-12-31',
      funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
      minReviews: 1,
    },
  });
  expect(round.status).toBe(201);
  return round.body.id as string;
}

const panelUrl = (roundId: string, kind = 'review') => `/api/v1/rounds/${roundId}/panels/${kind}`;
const assignOne = (projectId: string, reviewerId: string, token = world.orgDept.token) =>
  call(t.app, token, { method: 'POST', url: `/api/v1/projects/${projectId}/reviewers`, payload: { reviewerId } });
const replace = (projectId: string, reviewerId: string, body: Record<string, unknown>, token = world.orgDept.token) =>
  call(t.app, token, { method: 'POST', url: `/api/v1/projects/${projectId}/reviewers/${reviewerId}/replace`, payload: body });

describe('naming a panel', () => {
  it('names (201) and renames (200) a round’s panel, each a NAME_PANEL entry; an unchanged name logs nothing', async () => {
    const roundId = await newRound('命名');
    expect((await call(t.app, world.orgDept.token, { method: 'GET', url: panelUrl(roundId) })).status).toBe(404);

    const named = await call(t.app, world.orgDept.token, { method: 'PUT', url: panelUrl(roundId), payload: { name: '2023年度评审组' } });
    expect(named.status).toBe(201);
    expect(named.body).toMatchObject({ roundId, kind: 'review', name: '2023年度评审组', createdBy: world.orgDept.id, members: [] });

    const renamed = await call(t.app, ADMIN_TOKEN, { method: 'PUT', url: panelUrl(roundId), payload: { name: '2023年度项目评审组' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '2023年度项目评审组', createdBy: world.orgDept.id, createdAt: named.body.createdAt });

    const before = entries();
    expect((await call(t.app, world.orgDept.token, { method: 'PUT', url: panelUrl(roundId), payload: { name: '2023年度项目评审组' } })).status).toBe(200);
    expect(entries()).toBe(before);

    expect(logOf('panel', `${roundId}/review`)).toEqual([
      { event: 'NAME_PANEL', fromState: 'none', toState: 'named', payload: { roundId, kind: 'review', name: '2023年度评审组' }, actorId: world.orgDept.id },
      { event: 'NAME_PANEL', fromState: 'named', toState: 'named', payload: { roundId, kind: 'review', name: '2023年度项目评审组' }, actorId: adminId() },
    ]);

    // The acceptance panel is a panel of its own.
    expect((await call(t.app, world.orgDept.token, { method: 'GET', url: panelUrl(roundId, 'acceptance') })).status).toBe(404);
    expect((await call(t.app, world.orgDept.token, { method: 'PUT', url: panelUrl(roundId, 'acceptance'), payload: { name: '结项评审组' } })).status).toBe(201);
    for (const reader of [world.committee, world.auditor, world.admin]) {
      expect((await call(t.app, reader.token, { method: 'GET', url: panelUrl(roundId, 'acceptance') })).body.name).toBe('结项评审组');
    }
  });

  it('refuses bad input and other roles, changing nothing', async () => {
    const roundId = await newRound('拒绝');
    const before = entries();
    expect((await call(t.app, world.orgDept.token, { method: 'PUT', url: panelUrl(roundId), payload: { name: '   ' } })).status).toBe(422);
    expect((await call(t.app, world.orgDept.token, { method: 'PUT', url: panelUrl(roundId), payload: {} })).status).toBe(400);
    expect((await call(t.app, world.orgDept.token, { method: 'PUT', url: panelUrl(roundId, 'jury'), payload: { name: 'x' } })).status).toBe(400);
    expect((await call(t.app, world.orgDept.token, { method: 'PUT', url: panelUrl('no-such-round'), payload: { name: 'x' } })).status).toBe(404);
    for (const other of [world.committee, world.auditor, world.applicant, world.reviewers[0]!]) {
      expect((await call(t.app, other.token, { method: 'PUT', url: panelUrl(roundId), payload: { name: 'x' } })).status).toBe(403);
    }
    for (const other of [world.applicant, world.reviewers[0]!]) {
      expect((await call(t.app, other.token, { method: 'GET', url: panelUrl(world.roundId) })).status).toBe(403);
    }
    expect(entries()).toBe(before);
    expect(t.db.$client.prepare('SELECT count(*) AS n FROM panels WHERE round_id = ?').get(roundId)).toEqual({ n: 0 });
  });
});

describe('panel members', () => {
  it('adds active reviewers only, shows them with their units, removes them with a reason and can add them back', async () => {
    const roundId = await newRound('成员');
    const member = await createUser(t.app, '图书馆评审', 'reviewer', world.units.direct);
    const add = (userId: string, token = world.orgDept.token) => call(t.app, token, { method: 'POST', url: `${panelUrl(roundId)}/members`, payload: { userId } });

    const unnamed = await add(member.id);
    expect(unnamed.status).toBe(409);
    expect(unnamed.body.code).toBe('panel_not_named');
    await createPanel(t.app, roundId, '成员评审组');

    const before = entries();
    for (const [userId, code] of [
      [world.applicant.id, 'not_a_reviewer'],
      [world.orgDept.id, 'not_a_reviewer'],
      ['nobody', 'not_a_reviewer'],
    ] as const) {
      const refused = await add(userId);
      expect(refused.status, JSON.stringify(refused.body)).toBe(422);
      expect(refused.body).toMatchObject({ code, field: 'userId' });
    }
    expect(entries()).toBe(before);

    const added = await add(member.id);
    expect(added.status).toBe(201);
    expect(added.body.members).toEqual([
      {
        id: member.id,
        name: '图书馆评审',
        unitId: world.units.direct,
        unitName: '图书馆直属党支部',
        active: true,
        addedAt: expect.any(String),
        removedAt: null,
        removeReason: null,
      },
    ]);
    const again = await add(member.id, ADMIN_TOKEN);
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('already_member');

    const url = `${panelUrl(roundId)}/members/${member.id}`;
    expect((await call(t.app, world.orgDept.token, { method: 'DELETE', url, payload: {} })).status).toBe(400);
    expect((await call(t.app, world.orgDept.token, { method: 'DELETE', url, payload: { reason: '  ' } })).status).toBe(422);
    const removed = await call(t.app, world.orgDept.token, { method: 'DELETE', url, payload: { reason: '工作调动' } });
    expect(removed.status).toBe(200);
    expect(removed.body.pendingAssignments).toEqual([]);
    expect(removed.body.panel.members[0]).toMatchObject({ id: member.id, active: false, removedAt: expect.any(String), removeReason: '工作调动' });
    const twice = await call(t.app, world.orgDept.token, { method: 'DELETE', url, payload: { reason: '工作调动' } });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('already_removed');
    expect((await call(t.app, world.orgDept.token, { method: 'DELETE', url: `${panelUrl(roundId)}/members/${world.reviewers[0]!.id}`, payload: { reason: 'x' } })).status).toBe(
      404,
    );

    // Added back: active again, the removal cleared.
    const back = await add(member.id);
    expect(back.status).toBe(201);
    expect(back.body.members[0]).toMatchObject({ id: member.id, active: true, removedAt: null, removeReason: null });

    expect(logOf('panel_member', `${roundId}/review/${member.id}`).map((e) => [e.event, e.fromState, e.toState, e.payload])).toEqual([
      ['ADD_PANEL_MEMBER', 'none', 'active', { roundId, kind: 'review', userId: member.id }],
      ['REMOVE_PANEL_MEMBER', 'active', 'removed', { roundId, kind: 'review', userId: member.id, reason: '工作调动' }],
      ['ADD_PANEL_MEMBER', 'removed', 'active', { roundId, kind: 'review', userId: member.id }],
    ]);
  });

  it('the world’s round has its named review panel with every reviewer of the world', async () => {
    const panel = await call(t.app, world.auditor.token, { method: 'GET', url: panelUrl(world.roundId) });
    expect(panel.status).toBe(200);
    expect(panel.body.name).toBe(WORLD_PANEL_NAME);
    expect(panel.body.members.map((m: { id: string }) => m.id).sort()).toEqual([...world.reviewers, world.conflictedReviewer].map((r) => r.id).sort());
  });
});

describe('assignment only from the review panel', () => {
  it('refuses without a named panel (409 panel_not_named), with an empty one (409 panel_empty), and a non-member (422 not_on_panel)', async () => {
    const roundId = await newRound('无评审组');
    const project = await createDraft(world, { roundId });
    await fireOk(world, project.id, 'SUBMIT');
    const bulk = (payload: Record<string, unknown>) => call(t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/rounds/${roundId}/assignments`, payload });
    const before = entries();

    for (const response of [await assignOne(project.id, world.reviewers[0]!.id), await bulk({ mode: 'automatic' })]) {
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('panel_not_named');
    }
    await createPanel(t.app, roundId, '空评审组');
    const nameEntries = entries();
    for (const response of [
      await assignOne(project.id, world.reviewers[0]!.id),
      await bulk({ mode: 'explicit', pairs: [{ projectId: project.id, reviewerId: world.reviewers[0]!.id }] }),
    ]) {
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('panel_empty');
    }
    expect(entries()).toBe(nameEntries);
    expect(nameEntries).toBe(before + 1);

    await addToPanel(t.app, roundId, [world.reviewers[0]!]);
    const outsider = await assignOne(project.id, world.reviewers[1]!.id);
    expect(outsider.status).toBe(422);
    expect(outsider.body).toMatchObject({ code: 'not_on_panel', field: 'reviewerId' });
    const explicit = await bulk({ mode: 'explicit', pairs: [{ projectId: project.id, reviewerId: world.reviewers[1]!.id }] });
    expect(explicit.body.refused).toEqual([{ projectId: project.id, reviewerId: world.reviewers[1]!.id, code: 'not_on_panel', detail: expect.any(String) }]);

    // Automatic: only the member is drawn, though two reviewers would do.
    const automatic = await bulk({ mode: 'automatic' });
    expect(automatic.body).toMatchObject({ assigned: [{ projectId: project.id, reviewerId: world.reviewers[0]!.id }], refused: [] });
  });

  it('a removed member is no longer drawn, and its pending assignments are listed for replacement', async () => {
    const roundId = await newRound('移出');
    await createPanel(t.app, roundId, '移出评审组');
    const leaving = await createUser(t.app, '将离开的评审', 'reviewer', world.units.direct);
    await addToPanel(t.app, roundId, [leaving]);
    const project = await createDraft(world, { roundId, title: '待更换的项目' });
    await fireOk(world, project.id, 'SUBMIT');
    expect((await assignOne(project.id, leaving.id)).status).toBe(201);

    const removed = await call(t.app, world.orgDept.token, { method: 'DELETE', url: `${panelUrl(roundId)}/members/${leaving.id}`, payload: { reason: '长期出差' } });
    expect(removed.status).toBe(200);
    expect(removed.body.pendingAssignments).toEqual([
      { projectId: project.id, projectTitle: '待更换的项目', reviewerId: leaving.id, reviewerName: '将离开的评审', since: expect.any(String) },
    ]);
    const open = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${roundId}/assignments?state=open` });
    expect(open.status).toBe(200);
    expect(open.body).toEqual(removed.body.pendingAssignments);
    expect((await call(t.app, world.committee.token, { method: 'GET', url: `/api/v1/rounds/${roundId}/assignments` })).status).toBe(403);
    expect((await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/no-such-round/assignments` })).status).toBe(404);

    const second = await createDraft(world, { roundId });
    await fireOk(world, second.id, 'SUBMIT');
    const refused = await assignOne(second.id, leaving.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('panel_empty');
  });
});

describe('conflict of interest', () => {
  it('family (the default) bars every unit under the same 党总支 or 机关党委, and names the conflicting unit', async () => {
    // A sibling of the applicant's branch under 音乐学院党总支, and one under 机关党委.
    const sibling = await createUnit(t.app, '器乐系党支部', 'branch', world.units.general);
    const organBranch = await createUnit(t.app, '机关第一党支部', 'branch', world.units.organ);
    const ofSibling = await createUser(t.app, '器乐系评审', 'reviewer', sibling);
    const ofOrganBranch = await createUser(t.app, '机关支部评审', 'reviewer', organBranch);
    await addToPanel(t.app, world.roundId, [ofSibling, ofOrganBranch]);
    const project = await driveTo(world, 'submitted');

    const refused = await assignOne(project.id, ofSibling.id);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'conflict_of_interest', field: 'reviewerId', conflictingUnits: [{ id: sibling, name: '器乐系党支部' }] });
    // Not of the family: assignable.
    expect((await assignOne(project.id, ofOrganBranch.id)).status).toBe(201);

    // A project of 机关党委 itself: its branch's reviewer is family (and line), and is refused in the bulk answer with the unit named.
    const organApplicant = await createUser(t.app, '机关书记', 'applicant', world.units.organ);
    const organProject = await call(t.app, organApplicant.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: { roundId: world.roundId, category: 'fortress', direction: 'soul', title: '机关项目', letter: {} },
    });
    expect(organProject.status).toBe(201);
    t.db.$client.prepare("UPDATE projects SET state = 'submitted' WHERE id = ?").run(organProject.body.id);
    const bulk = await call(t.app, world.orgDept.token, {
      method: 'POST',
      url: `/api/v1/rounds/${world.roundId}/assignments`,
      payload: { mode: 'explicit', pairs: [{ projectId: organProject.body.id, reviewerId: ofOrganBranch.id }] },
    });
    expect(bulk.body.refused).toEqual([
      {
        projectId: organProject.body.id,
        reviewerId: ofOrganBranch.id,
        code: 'conflict_of_interest',
        detail: expect.any(String),
        conflictingUnits: [{ id: organBranch, name: '机关第一党支部' }],
      },
    ]);
    t.db.$client.prepare("UPDATE projects SET state = 'draft' WHERE id = ?").run(organProject.body.id);
  });

  it("'line' narrows it to the unit, the units above it and below it", async () => {
    // A separate database: the round's scope is set in the table here (amending it is another part's route).
    const other = await createTestApp();
    try {
      const w = await createWorld(other.app, { minReviews: 1 });
      const sibling = await createUnit(other.app, '器乐系党支部', 'branch', w.units.general);
      const ofSibling = await createUser(other.app, '器乐系评审', 'reviewer', sibling);
      const ofParent = await createUser(other.app, '音乐学院评审', 'reviewer', w.units.general);
      await addToPanel(other.app, w.roundId, [ofSibling, ofParent]);
      other.db.$client.prepare("UPDATE rounds SET conflict_scope = 'line' WHERE id = ?").run(w.roundId);
      const project = await driveTo(w, 'preliminarily_checked');
      const assign = (reviewerId: string) => call(other.app, w.orgDept.token, { method: 'POST', url: `/api/v1/projects/${project.id}/reviewers`, payload: { reviewerId } });
      const parent = await assign(ofParent.id);
      expect(parent.status).toBe(422);
      expect(parent.body.conflictingUnits).toEqual([{ id: w.units.general, name: '音乐学院党总支' }]);
      expect((await assign(ofSibling.id)).status).toBe(201);
      // Scoring follows the round's scope too: back to family, the sibling's reviewer may not score.
      other.db.$client.prepare("UPDATE rounds SET conflict_scope = 'family' WHERE id = ?").run(w.roundId);
      const scored = await fire(w, project.id, ofSibling, 'SUBMIT_REVIEW', { scores: SCORES, comment: '同一党总支' });
      expect(scored.status).toBe(403);
      expect(scored.body.violation).toMatchObject({ code: 'conflict_of_interest' });
    } finally {
      await other.close();
    }
  });
});

describe('replacing a reviewer', () => {
  let project: string;
  let newcomer: User;
  /** The project's round: one of its own, under review (the world's still has a project awaiting its check). */
  let roundId: string;

  beforeAll(async () => {
    roundId = (await roundWithPanel(world)).roundId;
    project = (await driveTo(world, 'preliminarily_checked', { roundId, roundAt: 'under_review' })).id;
    for (const reviewer of world.reviewers) expect((await assignOne(project, reviewer.id)).status).toBe(201);
    newcomer = await createUser(t.app, '接替评审', 'reviewer', world.units.otherBranch);
  });

  it('refuses a missing reason, a replacement off the panel or in conflict, and a reviewer not assigned; nothing changes', async () => {
    const [r0, r1] = world.reviewers;
    const before = entries();
    expect((await replace(project, r1!.id, { replacementId: newcomer.id })).status).toBe(400);
    expect((await replace(project, r1!.id, { replacementId: newcomer.id, reason: ' ' })).status).toBe(422);
    const offPanel = await replace(project, r1!.id, { replacementId: newcomer.id, reason: '出差' });
    expect(offPanel.status).toBe(422);
    expect(offPanel.body).toMatchObject({ code: 'not_on_panel', field: 'replacementId' });
    const conflicted = await replace(project, r1!.id, { replacementId: world.conflictedReviewer.id, reason: '出差' });
    expect(conflicted.status).toBe(422);
    expect(conflicted.body).toMatchObject({ code: 'conflict_of_interest', conflictingUnits: [{ id: world.units.branch, name: '声乐系党支部' }] });
    const twice = await replace(project, r1!.id, { replacementId: r0!.id, reason: '出差' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('already_assigned');
    expect((await replace(project, newcomer.id, { replacementId: r0!.id, reason: '出差' })).status).toBe(404);
    expect((await replace('no-such-project', r1!.id, { replacementId: newcomer.id, reason: '出差' })).status).toBe(404);
    for (const other of [world.committee, world.applicant, r0!])
      expect((await replace(project, r1!.id, { replacementId: newcomer.id, reason: '出差' }, other.token)).status).toBe(403);
    expect(entries()).toBe(before);
  });

  it('replaces: the old assignment is marked replaced, the newcomer assigned naming whom it replaces; the old reviewer can no longer score', async () => {
    const [r0, r1] = world.reviewers;
    await addToPanel(t.app, roundId, [newcomer]);
    const done = await replace(project, r1!.id, { replacementId: newcomer.id, reason: '评审人出差，无法按期评分' });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body).toEqual({ projectId: project, replaced: r1!.id, replacement: newcomer.id, reason: '评审人出差，无法按期评分', at: expect.any(String) });

    const rows = t.db.$client
      .prepare(
        'SELECT reviewer_id AS reviewerId, state, replaced_by AS replacedBy, replaced_at AS replacedAt, replace_reason AS replaceReason FROM reviewer_assignments WHERE project_id = ? ORDER BY reviewer_id',
      )
      .all(project);
    expect(rows).toEqual(
      expect.arrayContaining([
        { reviewerId: r1!.id, state: 'replaced', replacedBy: newcomer.id, replacedAt: done.body.at, replaceReason: '评审人出差，无法按期评分' },
        { reviewerId: newcomer.id, state: 'assigned', replacedBy: null, replacedAt: null, replaceReason: null },
        { reviewerId: r0!.id, state: 'assigned', replacedBy: null, replacedAt: null, replaceReason: null },
      ]),
    );
    expect(logOf('assignment', `${project}/${r1!.id}`).at(-1)).toEqual({
      event: 'REPLACE_REVIEWER',
      fromState: 'assigned',
      toState: 'replaced',
      payload: { projectId: project, reviewerId: r1!.id, replacementId: newcomer.id, reason: '评审人出差，无法按期评分' },
      actorId: world.orgDept.id,
    });
    expect(logOf('assignment', `${project}/${newcomer.id}`)).toEqual([
      { event: 'ASSIGN_REVIEWER', fromState: 'none', toState: 'assigned', payload: { projectId: project, reviewerId: newcomer.id, replaces: r1!.id }, actorId: world.orgDept.id },
    ]);

    // The project's reviewers say who was replaced.
    const listed = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${project}/reviewers` });
    expect(listed.body.items.find((a: { reviewerId: string }) => a.reviewerId === r1!.id)).toMatchObject({ state: 'replaced', replacedBy: newcomer.id });

    // The replaced reviewer: off its worklist, may not score.
    const worklist = await call(t.app, r1!.token, { method: 'GET', url: '/api/v1/my-assignments' });
    expect(worklist.body.items.map((i: { id: string }) => i.id)).not.toContain(project);
    const scored = await fire(world, project, r1!, 'SUBMIT_REVIEW', { scores: SCORES, comment: '迟到的评分' });
    expect(scored.status).toBe(403);
    const again = await replace(project, r1!.id, { replacementId: world.reviewers[0]!.id, reason: '再换' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_replaced');

    // The newcomer's worklist has it; the pending list names r0 and the newcomer, not r1.
    const newcomerList = await call(t.app, newcomer.token, { method: 'GET', url: '/api/v1/my-assignments' });
    expect(newcomerList.body.items.map((i: { id: string }) => i.id)).toContain(project);
    const open = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${roundId}/assignments?state=open` });
    expect(
      open.body
        .filter((p: { projectId: string }) => p.projectId === project)
        .map((p: { reviewerId: string }) => p.reviewerId)
        .sort(),
    ).toEqual([r0!.id, newcomer.id].sort());
  });

  it('does not replace a reviewer who has scored (409 review_submitted)', async () => {
    const [r0] = world.reviewers;
    expect((await fire(world, project, r0!, 'SUBMIT_REVIEW', { scores: SCORES, comment: '已评' })).status).toBe(200);
    const refused = await replace(project, r0!.id, { replacementId: world.reviewers[1]!.id, reason: '出差' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('review_submitted');
  });

  it('the panel closes on the reviews of the assignments not replaced', async () => {
    const pending = await fire(world, project, world.orgDept, 'COMPLETE_PANEL_REVIEW');
    // One review counts (r0's); the replaced reviewer's assignment is neither counted nor awaited.
    expect(pending.status).toBe(422);
    expect(pending.body.violation).toMatchObject({ code: 'too_few_reviews', detail: { reviews: 1, required: 2 } });
    expect((await fire(world, project, newcomer, 'SUBMIT_REVIEW', { scores: SCORES, comment: '接替评分' })).status).toBe(200);
    expect((await fireOk(world, project, 'COMPLETE_PANEL_REVIEW')).project.state).toBe('panel_reviewed');
  });
});

describe('the audit', () => {
  it('still proves every table from the log after all of the above', async () => {
    const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ valid: true });
  });
});
