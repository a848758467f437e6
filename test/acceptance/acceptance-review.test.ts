/**
 * 结项评审 over HTTP (issue 16, project@2 / round@2): the round's acceptance settings, the acceptance
 * panel's assignments under the conflict rules, the acceptance reviews and org_dept's proposals, the
 * committee's CONFIRM_GRADES carrying every proposal out within the round's prize caps, and the
 * recommendation of the eligible grades with the selection's outcome recorded.
 *
 * The round reaches acceptance as an in-flight round does: driven under round@1 with the gates on
 * (through PUBLISH_LIST), then migrated with its projects to round@2 / project@2 by a service that
 * ships the second edition — every step through the API and the audited log.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { ADMIN_TOKEN, call, createTestApp, FakeClock, type TestApp } from '../helpers/app.js';
import { addToPanel, assignReviewers, createDraft, createPanel, createWorld, fire, fireOk, type User, type World } from '../helpers/world.js';

const shanghai = (clock: FakeClock, at: string) => clock.set(Date.parse(`${at}+08:00`));
const count = (t: TestApp, sql: string, ...args: unknown[]) => (t.db.$client.prepare(sql).get(...args) as { n: number }).n;
const logLength = (t: TestApp) => count(t, 'SELECT count(*) AS n FROM transition_log');
const SCORES = { completion: 18, effect: 17, documentation: 16 };

let dir: string;
let clock: FakeClock;
let t: TestApp;
let world: World;
/** Three projects of the round, under final acceptance. */
let P: { a: string; b: string; c: string };

async function roundEvent(user: User, type: string, payload: Record<string, unknown> = {}) {
  return call(world.app, user.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload: { type, ...payload } });
}

async function roundEventOk(user: User, type: string, payload: Record<string, unknown> = {}) {
  const response = await roundEvent(user, type, payload);
  expect(response.status, `${type}: ${JSON.stringify(response.body)}`).toBe(200);
  return response.body;
}

async function project(id: string, user: User = world.orgDept) {
  return (await call(world.app, user.token, { method: 'GET', url: `/api/v1/projects/${id}` })).body;
}

const assignAcceptance = (projectId: string, reviewer: User, headers: Record<string, string> = {}) =>
  call(world.app, world.orgDept.token, { method: 'POST', url: `/api/v1/projects/${projectId}/acceptance-reviewers`, payload: { reviewerId: reviewer.id }, headers });

const review = (projectId: string, reviewer: User, scores: Record<string, number> = SCORES, comment = '活动完成度高，成果材料齐全') =>
  fire(world, projectId, reviewer, 'SUBMIT_ACCEPTANCE_REVIEW', { scores, comment });

const propose = (projectId: string, grade: string, comment?: string) => fire(world, projectId, world.orgDept, 'PROPOSE_GRADE', { grade, ...(comment ? { comment } : {}) });

async function verified() {
  const response = await call(world.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
  expect(response.status).toBe(200);
  return response.body as { valid: boolean; tables: { divergences: unknown[] } };
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-acceptance-'));
  const file = path.join(dir, 'lixiang.db');
  clock = new FakeClock();
  // The 2023 round in flight, under round@1 / project@1 with the gates on.
  const first = await createTestApp({ path: file, clock, enforceRoundGates: true, lifecycles: FIRST_EDITION_LIFECYCLES });
  world = await createWorld(first.app, { minReviews: 3 });
  const amended = await call(first.app, ADMIN_TOKEN, {
    method: 'PATCH',
    url: `/api/v1/rounds/${world.roundId}`,
    payload: { prizeCaps: { first: 1 }, minAcceptanceReviews: 2 },
  });
  expect(amended.status, JSON.stringify(amended.body)).toBe(200);
  const ids = [(await createDraft(world)).id, (await createDraft(world)).id, (await createDraft(world)).id];
  for (const id of ids) {
    await fireOk(world, id, 'SUBMIT');
    await fireOk(world, id, 'PASS_PRELIMINARY_CHECK');
  }
  shanghai(clock, '2023-03-30T09:00:00');
  await roundEventOk(world.orgDept, 'CLOSE_SUBMISSIONS');
  await roundEventOk(world.orgDept, 'START_REVIEW');
  for (const id of ids) {
    await assignReviewers(world, id);
    for (let i = 0; i < world.reviewers.length; i += 1) await fireOk(world, id, 'SUBMIT_REVIEW', undefined, i);
    await fireOk(world, id, 'COMPLETE_PANEL_REVIEW');
    await fireOk(world, id, 'APPROVE');
  }
  await roundEventOk(world.committee, 'CONCLUDE_DECISIONS');
  shanghai(clock, '2023-04-20T10:00:00');
  await roundEventOk(world.orgDept, 'PUBLISH_LIST', { documentNumber: '党委〔2023〕12号', publishedOn: '2023-04-20' });
  await first.close();

  // The same database under a service that ships the second edition; the round and its projects migrate.
  t = await createTestApp({ path: file, clock, enforceRoundGates: true });
  world = { ...world, app: t.app };
  // round@2 governs only project@2: the round moves with its projects, in one transaction.
  const migrated = await call(t.app, ADMIN_TOKEN, {
    method: 'POST',
    url: '/api/v1/machines/migrations',
    payload: { machine: 'round', fromVersion: 1, toVersion: 2, roundId: world.roundId, projects: { toVersion: 2 }, reason: '按第二版流程结项', dryRun: false },
  });
  expect(migrated.status, JSON.stringify(migrated.body)).toBe(200);
  expect(migrated.body.applied).toBe(true);
  shanghai(clock, '2023-12-31T10:00:00');
  await roundEventOk(world.orgDept, 'OPEN_ACCEPTANCE');
  for (const id of ids) await fireOk(world, id, 'SUBMIT_FINAL_REPORT');
  P = { a: ids[0]!, b: ids[1]!, c: ids[2]! };
});

afterEach(async () => {
  if (t.db.$client.open) await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the round’s acceptance settings', () => {
  it('shows them in the round view, takes defaults and checks them at creation, and fixes them once the round has opened', async () => {
    const round = (await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` })).body;
    expect(round).toMatchObject({
      machine: { id: 'round', version: 2 },
      projectMachine: { id: 'project', version: 2 },
      state: 'under_acceptance',
      acceptanceCriteria: [
        { key: 'completion', label: { zh: '目标完成情况' } },
        { key: 'effect', label: { zh: '实际成效' } },
        { key: 'documentation', label: { zh: '材料规范' } },
      ],
      minAcceptanceReviews: 2,
      prizeCaps: { first: 1 },
      recommendableGrades: ['first'],
    });

    // Fixed once the round has opened: 422 naming the field, nothing written.
    const before = logLength(t);
    const late = await call(t.app, ADMIN_TOKEN, { method: 'PATCH', url: `/api/v1/rounds/${world.roundId}`, payload: { prizeCaps: { first: 3 }, reason: '增加一等奖名额' } });
    expect(late.status).toBe(422);
    expect(late.body).toMatchObject({ code: 'round_opened', fields: ['prizeCaps'] });
    expect(logLength(t)).toBe(before);

    const base = {
      year: 2024,
      title: '2024年度党建项目立项',
      submissionDeadline: '2024-03-29',
      finalAcceptanceDate: '2024-12-31',
      funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
    };
    const fresh = await call(t.app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/rounds', payload: { ...base, documentNumber: '办字〔2024〕1号' } });
    expect(fresh.status).toBe(201);
    expect(fresh.body).toMatchObject({ machine: { version: 2 }, minAcceptanceReviews: 3, prizeCaps: {}, recommendableGrades: ['first'] });
    expect(fresh.body.acceptanceCriteria.map((c: { key: string }) => c.key)).toEqual(['completion', 'effect', 'documentation']);

    const duplicate = await call(t.app, ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/v1/rounds',
      payload: {
        ...base,
        documentNumber: '办字〔2024〕2号',
        acceptanceCriteria: [
          { key: 'effect', label: { zh: '成效', en: 'Effect' } },
          { key: 'effect', label: { zh: '成效二', en: 'Effect 2' } },
        ],
      },
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body).toMatchObject({ code: 'invalid_round_settings', field: 'acceptanceCriteria[1].key' });
    const badKey = await call(t.app, ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/v1/rounds',
      payload: { ...base, documentNumber: '办字〔2024〕3号', acceptanceCriteria: [{ key: 'Effect', label: { zh: '成效', en: 'Effect' } }], recommendableGrades: [] },
    });
    expect(badKey.status).toBe(400);
    expect(count(t, 'SELECT count(*) AS n FROM rounds WHERE year = 2024')).toBe(1);
    expect((await verified()).valid).toBe(true);
  });
});

describe('acceptance assignments', () => {
  it('assigns only members of the acceptance panel, under the conflict rules, once, with an audited entry; the review stage is untouched', async () => {
    const [r0, r1, r2] = world.reviewers as [User, User, User];
    const noPanel = await assignAcceptance(P.a, r0);
    expect(noPanel.status).toBe(409);
    expect(noPanel.body.code).toBe('panel_not_named');

    await createPanel(t.app, world.roundId, '2023年度结项评审组', 'acceptance', world.orgDept.token);
    await addToPanel(t.app, world.roundId, [r0, r1, world.conflictedReviewer], 'acceptance', world.orgDept.token);
    const before = logLength(t);
    const conflicted = await assignAcceptance(P.a, world.conflictedReviewer);
    expect(conflicted.status).toBe(422);
    expect(conflicted.body).toMatchObject({ code: 'conflict_of_interest', field: 'reviewerId', conflictingUnits: [{ id: world.units.branch }] });
    const offPanel = await assignAcceptance(P.a, r2);
    expect(offPanel.status).toBe(422);
    expect(offPanel.body.code).toBe('not_on_panel');
    const notReviewer = await call(t.app, world.orgDept.token, {
      method: 'POST',
      url: `/api/v1/projects/${P.a}/acceptance-reviewers`,
      payload: { reviewerId: world.applicant.id },
    });
    expect(notReviewer.status).toBe(422);
    const byApplicant = await call(t.app, world.applicant.token, { method: 'POST', url: `/api/v1/projects/${P.a}/acceptance-reviewers`, payload: { reviewerId: r0.id } });
    expect(byApplicant.status).toBe(403);
    expect(logLength(t)).toBe(before);
    expect(count(t, 'SELECT count(*) AS n FROM acceptance_assignments')).toBe(0);

    const assigned = await assignAcceptance(P.a, r0, { 'idempotency-key': 'acceptance-a-r0' });
    expect(assigned.status).toBe(201);
    expect(assigned.body).toEqual([expect.objectContaining({ projectId: P.a, reviewerId: r0.id, reviewerName: '评审1', assignedBy: world.orgDept.id, reviewed: false })]);
    const replayed = await assignAcceptance(P.a, r0, { 'idempotency-key': 'acceptance-a-r0' });
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    const twice = await assignAcceptance(P.a, r0);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('already_assigned');
    expect(logLength(t)).toBe(before + 1);
    const entry = t.db.$client.prepare('SELECT subject_kind AS kind, subject_id AS id, event, payload FROM transition_log ORDER BY seq DESC LIMIT 1').get() as Record<
      string,
      string
    >;
    expect(entry).toMatchObject({ kind: 'acceptance_assignment', id: `${P.a}/${r0.id}`, event: 'ASSIGN_ACCEPTANCE_REVIEWER' });
    expect(JSON.parse(entry.payload!)).toEqual({ projectId: P.a, reviewerId: r0.id });

    const listed = await call(t.app, world.committee.token, { method: 'GET', url: `/api/v1/projects/${P.a}/acceptance-reviewers` });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((a: { reviewerId: string }) => a.reviewerId)).toEqual([r0.id]);
    // The review stage's assignments and route are as they were: the three panel reviewers.
    const reviewers = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${P.a}/reviewers` });
    expect(reviewers.body.items).toHaveLength(3);
    expect(count(t, 'SELECT count(*) AS n FROM reviewer_assignments WHERE project_id = ?', P.a)).toBe(3);
    expect((await verified()).valid).toBe(true);
  });
});

describe('acceptance reviews and proposals', () => {
  it('stores each assigned member’s scores (a resubmission replaces them), refuses the rest, and shows the worklist', async () => {
    const [r0, r1, r2] = world.reviewers as [User, User, User];
    await createPanel(t.app, world.roundId, '2023年度结项评审组', 'acceptance', world.orgDept.token);
    await addToPanel(t.app, world.roundId, [r0, r1], 'acceptance', world.orgDept.token);
    for (const r of [r0, r1]) expect((await assignAcceptance(P.a, r)).status).toBe(201);

    const before = logLength(t);
    // r2 reviewed the project in the panel stage, but is not assigned to its final report.
    const unassigned = await review(P.a, r2);
    expect(unassigned.status).toBe(403);
    expect(unassigned.body.violation.code).toBe('not_assigned');
    const outOfRange = await review(P.a, r0, { completion: 21, effect: 17, documentation: 16 });
    expect(outOfRange.status).toBe(422);
    expect(outOfRange.body.violation).toMatchObject({ code: 'score_out_of_range', detail: { criteria: ['completion'] } });
    const wrongCriteria = await review(P.a, r0, { completion: 18, effect: 17, direction: 16 });
    expect(wrongCriteria.status).toBe(422);
    const tooEarly = await propose(P.a, 'first');
    expect(tooEarly.status).toBe(422);
    expect(tooEarly.body.violation).toMatchObject({ code: 'too_few_acceptance_reviews', detail: { reviews: 0, required: 2 } });
    expect(logLength(t)).toBe(before);
    expect(count(t, 'SELECT count(*) AS n FROM acceptance_reviews')).toBe(0);

    expect((await review(P.a, r0, { completion: 10, effect: 10, documentation: 10 }, '初评')).status).toBe(200);
    expect((await review(P.a, r0)).status).toBe(200);
    const rows = t.db.$client.prepare('SELECT reviewer_id AS reviewerId, scores, total, comment FROM acceptance_reviews WHERE project_id = ?').all(P.a);
    expect(rows).toEqual([{ reviewerId: r0.id, scores: JSON.stringify(SCORES), total: 51, comment: '活动完成度高，成果材料齐全' }]);

    const worklist = await call(t.app, r0.token, { method: 'GET', url: '/api/v1/my-acceptance-assignments' });
    expect(worklist.status).toBe(200);
    expect(worklist.body.items).toEqual([
      expect.objectContaining({
        id: P.a,
        state: 'final_acceptance',
        reviewed: true,
        scoreScale: { min: 0, max: 20 },
        review: expect.objectContaining({ scores: SCORES, total: 51 }),
      }),
    ]);
    expect((await call(t.app, r1.token, { method: 'GET', url: '/api/v1/my-acceptance-assignments' })).body.items).toEqual([
      expect.objectContaining({ id: P.a, reviewed: false, review: null }),
    ]);
    // An applicant sees the acceptance review entries redacted.
    const history = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${P.a}/transitions?limit=200` });
    const redacted = history.body.items.filter((e: { event: string }) => e.event === 'SUBMIT_ACCEPTANCE_REVIEW');
    expect(redacted).toHaveLength(2);
    expect(redacted[0]).toMatchObject({ payload: { redacted: true }, actor: { id: null } });

    const pending = await propose(P.a, 'first');
    expect(pending.status).toBe(422);
    expect(pending.body.violation.code).toBe('too_few_acceptance_reviews');
    expect((await review(P.a, r1)).status).toBe(200);
    const failWithoutComment = await propose(P.a, 'fail');
    expect(failWithoutComment.status).toBe(422);
    expect(failWithoutComment.body.violation.code).toBe('comment_required');
    const proposed = await propose(P.a, 'second', '结项评审平均分 51');
    expect(proposed.status).toBe(200);
    expect(proposed.body.project.proposal).toEqual({ grade: 'second', comment: '结项评审平均分 51' });
    // The proposal is org_dept's, the committee's and the auditors' to see, not the applicant's.
    expect((await project(P.a, world.committee)).proposal).toEqual({ grade: 'second', comment: '结项评审平均分 51' });
    expect(await project(P.a, world.applicant)).not.toHaveProperty('proposal');
    expect((await project(P.a, world.applicant)).recommendationOutcome).toBeNull();
    expect((await verified()).valid).toBe(true);
  });
});

describe('the committee confirms the grades', () => {
  async function reviewAll() {
    const [r0, r1] = world.reviewers as [User, User];
    await createPanel(t.app, world.roundId, '2023年度结项评审组', 'acceptance', world.orgDept.token);
    await addToPanel(t.app, world.roundId, [r0, r1], 'acceptance', world.orgDept.token);
    const scores: Record<string, Record<string, number>> = {
      [P.a]: { completion: 19, effect: 19, documentation: 18 },
      [P.b]: { completion: 17, effect: 16, documentation: 16 },
      [P.c]: { completion: 8, effect: 6, documentation: 9 },
    };
    for (const id of [P.a, P.b, P.c]) {
      for (const r of [r0, r1]) {
        expect((await assignAcceptance(id, r)).status).toBe(201);
        expect((await review(id, r, scores[id])).status).toBe(200);
      }
    }
  }

  it('carries out every proposal within the caps, funds by the confirmed grade, and recommends only the eligible grades', async () => {
    await reviewAll();
    const gradeMissing = await roundEvent(world.committee, 'CONFIRM_GRADES', { meetingReference: '党委会〔2024〕2次' });
    expect(gradeMissing.status).toBe(422);
    expect(gradeMissing.body.violation).toMatchObject({ code: 'grades_not_proposed' });

    expect((await propose(P.a, 'first', '平均 56 分，第 1')).status).toBe(200);
    expect((await propose(P.b, 'first', '平均 49 分，第 2')).status).toBe(200);
    expect((await propose(P.c, 'fail', '未完成预期成果')).status).toBe(200);

    // Two first prizes proposed, one allowed: refused whole, nothing written.
    const before = logLength(t);
    const capped = await roundEvent(world.committee, 'CONFIRM_GRADES', { meetingReference: '党委会〔2024〕2次' });
    expect(capped.status).toBe(422);
    expect(capped.body.violation).toMatchObject({ code: 'prize_cap_exceeded', detail: { over: [{ grade: 'first', proposed: 2, cap: 1 }] } });
    expect(logLength(t)).toBe(before);
    expect(count(t, "SELECT count(*) AS n FROM projects WHERE round_id = ? AND state = 'final_acceptance'", world.roundId)).toBe(3);
    expect((await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` })).body.state).toBe('under_acceptance');

    expect((await propose(P.b, 'second', '平均 49 分，第 2')).status).toBe(200);
    const scores = await call(t.app, world.committee.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/acceptance-scores` });
    expect(scores.status).toBe(200);
    expect(scores.body).toMatchObject({ minAcceptanceReviews: 2, prizeCaps: { first: 1 }, proposals: { byGrade: { first: 1, second: 1, fail: 1 }, missing: 0 } });
    expect(scores.body.items.map((i: { projectId: string }) => i.projectId)).toEqual([P.a, P.b, P.c]);
    expect(scores.body.items[0]).toMatchObject({
      reviewCount: 2,
      assignedCount: 2,
      meanScores: { completion: 19, effect: 19, documentation: 18 },
      meanTotal: 56,
      proposal: { grade: 'first', comment: '平均 56 分，第 1' },
      grade: null,
    });
    for (const r of world.reviewers) expect(JSON.stringify(scores.body)).not.toContain(r.id);
    expect((await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/acceptance-scores` })).status).toBe(403);
    expect((await call(t.app, world.reviewers[0]!.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/acceptance-scores` })).status).toBe(403);

    expect((await roundEvent(world.orgDept, 'CONFIRM_GRADES', { meetingReference: '党委会〔2024〕2次' })).status).toBe(403);
    const confirmed = await roundEventOk(world.committee, 'CONFIRM_GRADES', { meetingReference: '党委会〔2024〕2次' });
    expect(confirmed.round.state).toBe('grades_confirmed');
    expect(confirmed.started).toEqual([]);
    const graded = new Map(confirmed.graded.map((e: { subject: { id: string }; event: string; payload: Record<string, unknown> }) => [e.subject.id, [e.event, e.payload]]));
    expect(graded.size).toBe(3);
    expect(graded.get(P.a)).toEqual(['GRADE', expect.objectContaining({ grade: 'first', funding: 3000 })]);
    expect(graded.get(P.b)).toEqual(['GRADE', expect.objectContaining({ grade: 'second', funding: 2000 })]);
    expect(graded.get(P.c)).toEqual(['FAIL', expect.objectContaining({ reason: '未完成预期成果' })]);
    for (const e of confirmed.graded) expect(e.actor.role).toBe('committee');
    expect(await project(P.a)).toMatchObject({ state: 'graded', grade: 'first', funding: 3000 });
    expect(await project(P.b)).toMatchObject({ state: 'graded', grade: 'second', funding: 2000 });
    expect(await project(P.c)).toMatchObject({ state: 'failed', grade: null, funding: 0 });
    const grades = await call(t.app, world.auditor.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/grades` });
    expect(grades.status).toBe(200);
    expect(grades.body.total).toEqual({ count: 3, amount: 5000 });
    expect(grades.body.items.map((i: { grade: string; amount: number }) => [i.grade, i.amount])).toEqual([
      ['first', 3000],
      ['second', 2000],
      ['failed', 0],
    ]);

    // Only the round's recommendable grades (first prize): the second prize is refused.
    const second = await fire(world, P.b, world.committee, 'RECOMMEND', { note: '推荐参加省级评选' });
    expect(second.status).toBe(422);
    expect(second.body.violation).toMatchObject({ code: 'grade_not_recommendable', detail: { grade: 'second', eligible: ['first'] } });
    const outcomeFirst = await fire(world, P.a, world.orgDept, 'RECORD_RECOMMENDATION_OUTCOME', { outcome: 'selected', level: '省级' });
    expect(outcomeFirst.status).toBe(422);
    expect(outcomeFirst.body.violation.code).toBe('not_recommended');
    expect((await fire(world, P.a, world.committee, 'RECOMMEND', { note: '推荐参加省级评选' })).status).toBe(200);
    const outcome = await fire(world, P.a, world.orgDept, 'RECORD_RECOMMENDATION_OUTCOME', { outcome: 'selected', level: '省级', note: '入选示范项目' });
    expect(outcome.status).toBe(200);
    expect(await project(P.a, world.applicant)).toMatchObject({
      recommended: true,
      recommendationOutcome: { outcome: 'selected', level: '省级', note: '入选示范项目' },
    });
    const verdict = await verified();
    expect(verdict.tables.divergences).toEqual([]);
    expect(verdict.valid).toBe(true);
  });
});

describe('grading outside the committee’s confirmation', () => {
  it('refuses GRADE and FAIL fired directly with the grade-confirmation gate named, writing nothing', async () => {
    const [r0, r1] = world.reviewers as [User, User];
    await createPanel(t.app, world.roundId, '2023年度结项评审组', 'acceptance', world.orgDept.token);
    await addToPanel(t.app, world.roundId, [r0, r1], 'acceptance', world.orgDept.token);
    for (const r of [r0, r1]) {
      expect((await assignAcceptance(P.a, r)).status).toBe(201);
      expect((await review(P.a, r)).status).toBe(200);
    }
    expect((await propose(P.a, 'first', '第 1')).status).toBe(200);
    const before = logLength(t);
    const direct = await fire(world, P.a, world.committee, 'GRADE', { grade: 'first' });
    expect(direct.status, JSON.stringify(direct.body)).toBe(409);
    expect(direct.body).toMatchObject({
      type: 'urn:lixiang:problem:round-gate-closed',
      event: 'GRADE',
      roundState: 'under_acceptance',
      gate: { name: 'grade_confirmation', onlyVia: 'CONFIRM_GRADES', opensWith: { event: 'CONFIRM_GRADES', role: 'committee' } },
    });
    expect(logLength(t)).toBe(before);
    expect((await project(P.a)).state).toBe('final_acceptance');
  });
});
