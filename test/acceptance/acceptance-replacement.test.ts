/**
 * An acceptance reviewer replaced (结项评审): one who never scores no longer blocks PROPOSE_GRADE.
 * POST /projects/{id}/acceptance-reviewers/{reviewerId}/replace marks the old assignment replaced
 * (REPLACE_ACCEPTANCE_REVIEWER, with the reason) and assigns the replacement from the round's
 * acceptance panel (ASSIGN_ACCEPTANCE_REVIEWER naming whom it replaces), under the same rules as the
 * review stage's replacement; every refusal is a problem that writes nothing, and the audit still
 * proves the tables.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { addToPanel, createPanel, createUser, createWorld, driveTo, fire, fireOk, type User, type World } from '../helpers/world.js';

const SCORES = { completion: 18, effect: 17, documentation: 16 };

let t: TestApp;
let world: World;
let projectId: string;
let r0: User;
let r1: User;
/** A member of the acceptance panel, not assigned: the replacement. */
let spare: User;
/** A reviewer on no acceptance panel. */
let offPanel: User;

const count = (sql: string, ...args: unknown[]) => (t.db.$client.prepare(sql).get(...args) as { n: number }).n;
const logLength = () => count('SELECT count(*) AS n FROM transition_log');

const replace = (reviewerId: string, body: Record<string, unknown>, user: User = world.orgDept, headers: Record<string, string> = {}) =>
  call(t.app, user.token, { method: 'POST', url: `/api/v1/projects/${projectId}/acceptance-reviewers/${reviewerId}/replace`, payload: body, headers });

const review = (reviewer: User) => fire(world, projectId, reviewer, 'SUBMIT_ACCEPTANCE_REVIEW', { scores: SCORES, comment: '活动完成度高，成果材料齐全' });

async function acceptanceReviewers() {
  const listed = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${projectId}/acceptance-reviewers` });
  expect(listed.status).toBe(200);
  return listed.body.items as Array<Record<string, unknown>>;
}

beforeEach(async () => {
  t = await createTestApp();
  // Two reviewers: the round needs two acceptance reviews (createWorld sets minAcceptanceReviews to their number).
  world = await createWorld(t.app, { reviewers: 2 });
  [r0, r1] = world.reviewers as [User, User];
  spare = await createUser(t.app, '备用评审', 'reviewer', world.units.direct);
  offPanel = await createUser(t.app, '组外评审', 'reviewer', world.units.organ);
  projectId = (await driveTo(world, 'final_acceptance')).id;
  const { roundId } = (await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${projectId}` })).body as { roundId: string };
  await createPanel(t.app, roundId, '结项评审组', 'acceptance', world.orgDept.token);
  await addToPanel(t.app, roundId, [r0, r1, spare, world.conflictedReviewer], 'acceptance', world.orgDept.token);
  for (const reviewer of [r0, r1]) {
    const assigned = await call(t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/projects/${projectId}/acceptance-reviewers`, payload: { reviewerId: reviewer.id } });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);
  }
  expect((await review(r0)).status).toBe(200);
});

afterEach(async () => {
  await t.close();
});

describe('replacing an acceptance reviewer', () => {
  it('a reviewer who never scores is replaced with a reason; the replacement scores and PROPOSE_GRADE succeeds; the audit verifies', async () => {
    // r1 never scores: the proposal waits for it.
    const blocked = await fire(world, projectId, world.orgDept, 'PROPOSE_GRADE', { grade: 'second', comment: '结项评审平均分 51' });
    expect(blocked.status).toBe(422);
    expect(blocked.body.violation).toMatchObject({ code: 'too_few_acceptance_reviews', detail: { reviews: 1, required: 2 } });

    const before = logLength();
    const replaced = await replace(r1.id, { replacementId: spare.id, reason: '评审人出差，无法按期评分' }, world.orgDept, { 'idempotency-key': 'acceptance-replace-r1' });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(201);
    expect(replaced.body).toEqual({ projectId, replaced: r1.id, replacement: spare.id, reason: '评审人出差，无法按期评分', at: expect.any(String) });
    const replayed = await replace(r1.id, { replacementId: spare.id, reason: '评审人出差，无法按期评分' }, world.orgDept, { 'idempotency-key': 'acceptance-replace-r1' });
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(logLength()).toBe(before + 2);

    // Recorded as the review stage's replacement is: REPLACE_ACCEPTANCE_REVIEWER on the old assignment, then the replacement's assignment naming whom it replaces.
    const entries = t.db.$client
      .prepare(
        'SELECT subject_kind AS kind, subject_id AS id, event, from_state AS "from", to_state AS "to", payload FROM transition_log WHERE seq > (SELECT max(seq) - 2 FROM transition_log) ORDER BY seq',
      )
      .all() as Array<Record<string, string>>;
    expect(entries.map(({ payload, ...rest }) => ({ ...rest, payload: JSON.parse(payload!) as unknown }))).toEqual([
      {
        kind: 'acceptance_assignment',
        id: `${projectId}/${r1.id}`,
        event: 'REPLACE_ACCEPTANCE_REVIEWER',
        from: 'assigned',
        to: 'replaced',
        payload: { projectId, reviewerId: r1.id, replacementId: spare.id, reason: '评审人出差，无法按期评分' },
      },
      {
        kind: 'acceptance_assignment',
        id: `${projectId}/${spare.id}`,
        event: 'ASSIGN_ACCEPTANCE_REVIEWER',
        from: 'none',
        to: 'assigned',
        payload: { projectId, reviewerId: spare.id, replaces: r1.id },
      },
    ]);

    // The project's acceptance reviewers list the replaced one with its state, replacement and reason.
    const listed = await acceptanceReviewers();
    expect(listed.find((a) => a.reviewerId === r1.id)).toMatchObject({
      state: 'replaced',
      replacedBy: spare.id,
      replacedAt: replaced.body.at,
      replaceReason: '评审人出差，无法按期评分',
      reviewed: false,
    });
    expect(listed.find((a) => a.reviewerId === spare.id)).toMatchObject({ state: 'assigned', replacedBy: null, replaceReason: null, reviewed: false });
    expect(listed.find((a) => a.reviewerId === r0.id)).toMatchObject({ state: 'assigned', reviewed: true });

    // The replaced reviewer leaves its acceptance worklist and may no longer score; the replacement has the project.
    expect((await call(t.app, r1.token, { method: 'GET', url: '/api/v1/my-acceptance-assignments' })).body.items).toEqual([]);
    expect((await call(t.app, spare.token, { method: 'GET', url: '/api/v1/my-acceptance-assignments' })).body.items).toEqual([
      expect.objectContaining({ id: projectId, reviewed: false }),
    ]);
    const late = await review(r1);
    expect(late.status).toBe(403);
    expect(late.body.violation.code).toBe('not_assigned');
    // Nor is it assigned again, neither directly nor as a replacement.
    const again = await call(t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/projects/${projectId}/acceptance-reviewers`, payload: { reviewerId: r1.id } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_assigned');

    // The replacement scores; the proposal no longer waits for the replaced reviewer.
    expect((await review(spare)).status).toBe(200);
    const project = (await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${projectId}` })).body as { roundId: string; allowedEvents: string[] };
    expect(project.allowedEvents).toContain('PROPOSE_GRADE');
    const proposed = await fire(world, projectId, world.orgDept, 'PROPOSE_GRADE', { grade: 'second', comment: '结项评审平均分 51' });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);
    const scores = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${project.roundId}/acceptance-scores` });
    expect(scores.body.items.find((i: { projectId: string }) => i.projectId === projectId)).toMatchObject({ reviewCount: 2, assignedCount: 2 });

    const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.status).toBe(200);
    expect(verified.body.tables.divergences).toEqual([]);
    expect(verified.body.valid).toBe(true);
  });

  it('refuses, writing nothing: no reason, unassigned, scored, already replaced, off the panel, a conflict of interest, already assigned, the wrong state, the wrong role', async () => {
    const before = logLength();
    const rows = () => t.db.$client.prepare('SELECT * FROM acceptance_assignments ORDER BY project_id, reviewer_id').all();
    const stored = rows();
    const refused = async (response: Awaited<ReturnType<typeof replace>>, status: number, code?: string) => {
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (code) expect(response.body.code).toBe(code);
      expect(logLength()).toBe(before);
      expect(rows()).toEqual(stored);
      return response.body as Record<string, unknown>;
    };
    const reason = '评审人出差，无法按期评分';

    await refused(await replace(r1.id, { replacementId: spare.id, reason: '   ' }), 422);
    await refused(await replace(r1.id, { replacementId: spare.id }), 400);
    // Not assigned to the project's final report (an admin may replace too: it is refused for the assignment, not its role).
    await refused(await replace(spare.id, { replacementId: offPanel.id, reason }), 404);
    await refused(await replace(spare.id, { replacementId: r1.id, reason }, world.admin), 404);
    await refused(await replace('nobody', { replacementId: spare.id, reason }), 404);
    await refused(await replace(r0.id, { replacementId: spare.id, reason }), 409, 'review_submitted');
    await refused(await replace(r1.id, { replacementId: offPanel.id, reason }), 422, 'not_on_panel');
    await refused(await replace(r1.id, { replacementId: world.applicant.id, reason }), 422, 'not_a_reviewer');
    const conflicted = await refused(await replace(r1.id, { replacementId: world.conflictedReviewer.id, reason }), 422, 'conflict_of_interest');
    expect(conflicted.conflictingUnits).toEqual([expect.objectContaining({ id: world.units.branch })]);
    await refused(await replace(r1.id, { replacementId: r0.id, reason }), 409, 'already_assigned');
    for (const user of [world.applicant, world.committee, world.auditor, r0]) await refused(await replace(r1.id, { replacementId: spare.id, reason }, user), 403);

    // Only while the project is under final acceptance: the final report returned, the project is in progress again.
    expect((await fire(world, projectId, world.orgDept, 'RETURN_FINAL_REPORT', { comment: '请补充活动照片' })).status).toBe(200);
    const returned = logLength();
    const wrongState = await replace(r1.id, { replacementId: spare.id, reason });
    expect(wrongState.status).toBe(409);
    expect(wrongState.body).toMatchObject({ code: 'wrong_state', state: 'in_progress' });
    expect(logLength()).toBe(returned);
    expect(rows()).toEqual(stored);
    await fireOk(world, projectId, 'SUBMIT_FINAL_REPORT');

    // Replaced once, not twice.
    expect((await replace(r1.id, { replacementId: spare.id, reason })).status).toBe(201);
    const after = logLength();
    const twice = await replace(r1.id, { replacementId: offPanel.id, reason });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('already_replaced');
    expect(logLength()).toBe(after);
  });
});
