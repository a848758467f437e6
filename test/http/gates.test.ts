/**
 * The round's gates enforced (AppOptions.enforceRoundGates, on by default, issue 16): every shortcut the issue found
 * is refused with 409 round-gate-closed naming the round's state, the gate and what opens it, and
 * writes nothing; a whole round driven in order passes every gate; `allowedEvents` never offers an
 * event its gate then refuses. Both editions: a first-edition round (round@1, the first release's
 * service) and the shipped default (round@2 with 公示, the signed list, the acceptance panel and the
 * committee's confirmation of the grades).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventType, Role } from '../../machines/project.types.js';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { call, createTestApp, FakeClock, type TestApp } from '../helpers/app.js';
import { acceptanceReviews, assignReviewers, createDraft, createWorld, driveTo, fire, fireOk, firing, uploadApprovedList, type User, type World } from '../helpers/world.js';

let apps: TestApp[] = [];
let dirs: string[] = [];

afterEach(async () => {
  for (const t of apps) await t.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  apps = [];
  dirs = [];
});

async function open(options: Parameters<typeof createTestApp>[0]): Promise<TestApp> {
  const t = await createTestApp(options);
  apps.push(t);
  return t;
}

const SIDE_EVENTS: readonly EventType[] = ['WITHDRAW', 'RETURN_FOR_REVISION', 'REJECT', 'RETURN_FINAL_REPORT', 'FAIL'];
const shanghai = (clock: FakeClock, at: string) => clock.set(Date.parse(`${at}+08:00`));
const logLength = (t: TestApp) => (t.db.$client.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n;

async function roundEvent(world: World, user: User, type: string, payload: Record<string, unknown> = {}) {
  const response = await call(world.app, user.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload: { type, ...payload } });
  expect(response.status, `${type}: ${JSON.stringify(response.body)}`).toBe(200);
  return response.body;
}

interface GateExpectation {
  roundState: string;
  gate: string;
  /** The round event that opens the gate; null: open from the round's start. */
  opensWith: string | null;
  /** The role firing `opensWith`; org_dept unless told (the committee opens 公示 and confirms the grades). */
  by?: Role;
  code?: string;
  /** Who fires the event, with what, instead of the happy path's firing() (round@2's GRADE and FAIL are the committee's). */
  as?: { user: User; payload: Record<string, unknown> };
}

/** Fires `event` as the happy path would (or as `expected.as` says) and expects the gate's refusal, with nothing written. */
async function expectGated(t: TestApp, world: World, projectId: string, event: EventType, expected: GateExpectation) {
  const before = logLength(t);
  const who = expected.as ?? firing(world, event);
  const response = await fire(world, projectId, who.user, event, who.payload);
  expect(response.status, `${event}: ${JSON.stringify(response.body)}`).toBe(409);
  expect(response.body).toMatchObject({
    type: 'urn:lixiang:problem:round-gate-closed',
    status: 409,
    event,
    roundId: world.roundId,
    roundState: expected.roundState,
    roundStateLabel: { zh: expect.any(String), en: expect.any(String) },
    gate: { name: expected.gate, label: { zh: expect.any(String), en: expect.any(String) } },
    code: expected.code ?? 'round_stage',
  });
  if (expected.opensWith === null) expect(response.body.gate.opensWith).toBeNull();
  else
    expect(response.body.gate.opensWith).toMatchObject({ event: expected.opensWith, role: expected.by ?? 'org_dept', label: { zh: expect.any(String), en: expect.any(String) } });
  expect(response.body.detail).toContain(event);
  expect(logLength(t)).toBe(before);
  return response.body;
}

describe('round gates enforced', () => {
  it('refuses every shortcut of issue 16 with the gate named, and writes nothing (a first-edition round)', async () => {
    // The shortcuts are reached as they were before the gates (the option off), on a file database;
    // the same database is then served with the gates enforced.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-gates-'));
    dirs.push(dir);
    const file = path.join(dir, 'gates.db');
    const clock = new FakeClock();
    // enforceRoundGates: false on purpose: the shortcuts the gates refuse are reached only without them.
    const before = await open({ path: file, clock, enforceRoundGates: false, lifecycles: FIRST_EDITION_LIFECYCLES });
    const world0 = await createWorld(before.app);
    const shortcut = { shortcut: true };
    const reached = {
      checked: await driveTo(world0, 'preliminarily_checked', shortcut),
      reviewed: await driveTo(world0, 'panel_reviewed', shortcut),
      approved: await driveTo(world0, 'committee_approved', shortcut),
      running: await driveTo(world0, 'in_progress', shortcut),
      accepting: await driveTo(world0, 'final_acceptance', shortcut),
      graded: await driveTo(world0, 'graded', shortcut),
    };
    await assignReviewers(world0, reached.checked.id);
    await before.close();
    apps = apps.filter((a) => a !== before);

    const t = await open({ path: file, clock, lifecycles: FIRST_EDITION_LIFECYCLES });
    const world = { ...world0, app: t.app };
    await expectGated(t, world, reached.checked.id, 'SUBMIT_REVIEW', { roundState: 'open', gate: 'panel_review', opensWith: 'START_REVIEW' });
    await expectGated(t, world, reached.checked.id, 'COMPLETE_PANEL_REVIEW', { roundState: 'open', gate: 'panel_review', opensWith: 'START_REVIEW' });
    await expectGated(t, world, reached.reviewed.id, 'APPROVE', { roundState: 'open', gate: 'committee_decision', opensWith: 'START_REVIEW' });
    const start = await expectGated(t, world, reached.approved.id, 'START', { roundState: 'open', gate: 'publication', opensWith: 'PUBLISH_LIST' });
    expect(start.gate.onlyVia).toBe('PUBLISH_LIST');
    await expectGated(t, world, reached.running.id, 'SUBMIT_PROGRESS_REPORT', { roundState: 'open', gate: 'execution', opensWith: 'PUBLISH_LIST' });
    const grade = await expectGated(t, world, reached.accepting.id, 'GRADE', { roundState: 'open', gate: 'acceptance', opensWith: 'OPEN_ACCEPTANCE' });
    expect(grade.gate.opensOn).toBe('2023-12-31');
    expect(grade).toMatchObject({ state: 'final_acceptance', stateLabel: { zh: expect.any(String), en: expect.any(String) }, passed: false });
    await expectGated(t, world, reached.graded.id, 'RECOMMEND', { roundState: 'open', gate: 'recommendation', opensWith: 'OPEN_ACCEPTANCE' });
    // The refusals are recorded like every refused write.
    const refused = t.db.$client.prepare("SELECT count(*) AS n FROM security_events WHERE problem_type = 'urn:lixiang:problem:round-gate-closed'").get() as { n: number };
    expect(refused.n).toBe(7);
    // An event the project's state does not accept stays illegal-transition (answered before the gate).
    const illegal = await fire(world, reached.checked.id, world.committee, 'APPROVE', firing(world, 'APPROVE').payload);
    expect(illegal.body.type).toBe('urn:lixiang:problem:illegal-transition');
  });

  it('drives a whole first-edition round legally through every stage with the gates enforced', async () => {
    const clock = new FakeClock();
    const t = await open({ clock, lifecycles: FIRST_EDITION_LIFECYCLES });
    const world = await createWorld(t.app);
    const orgDept = world.orgDept;
    const draft = async () => (await createDraft(world)).id;
    const P = { graded: await draft(), failed: await draft(), rejected: await draft(), refused: await draft() };
    for (const id of Object.values(P)) await fireOk(world, id, 'SUBMIT');
    const late = await draft();
    // The panel gate is shut while submissions are open.
    await fireOk(world, P.graded, 'PASS_PRELIMINARY_CHECK');
    await assignReviewers(world, P.graded);
    await expectGated(t, world, P.graded, 'SUBMIT_REVIEW', { roundState: 'open', gate: 'panel_review', opensWith: 'START_REVIEW' });

    shanghai(clock, '2023-03-30T09:00:00');
    // The unit's deadline has passed: no more submissions or withdrawals.
    const closed = await expectGated(t, world, late, 'SUBMIT', { roundState: 'open', gate: 'submission', opensWith: null, code: 'submission_closed' });
    expect(closed.condition).toMatchObject({ code: 'submission_closed', closedAt: '2023-03-29T16:00:00.000Z' });
    await roundEvent(world, orgDept, 'CLOSE_SUBMISSIONS');
    for (const id of [P.failed, P.rejected]) await fireOk(world, id, 'PASS_PRELIMINARY_CHECK');
    await fireOk(world, P.refused, 'REJECT');
    await roundEvent(world, orgDept, 'START_REVIEW');

    for (const id of [P.graded, P.failed, P.rejected]) {
      if (id !== P.graded) await assignReviewers(world, id);
      for (let i = 0; i < world.reviewers.length; i += 1) await fireOk(world, id, 'SUBMIT_REVIEW', undefined, i);
      await fireOk(world, id, 'COMPLETE_PANEL_REVIEW');
    }
    await fireOk(world, P.graded, 'APPROVE');
    await fireOk(world, P.failed, 'APPROVE');
    await expectGated(t, world, P.graded, 'START', { roundState: 'under_review', gate: 'publication', opensWith: 'PUBLISH_LIST' });
    const reject = firing(world, 'REJECT');
    expect((await fire(world, P.rejected, world.committee, 'REJECT', reject.payload)).status).toBe(200);
    await roundEvent(world, world.committee, 'CONCLUDE_DECISIONS');
    await expectGated(t, world, P.graded, 'START', { roundState: 'decided', gate: 'publication', opensWith: 'PUBLISH_LIST' });

    shanghai(clock, '2023-04-20T10:00:00');
    const published = await roundEvent(world, orgDept, 'PUBLISH_LIST', { documentNumber: '党委〔2023〕12号', publishedOn: '2023-04-20' });
    expect(published.started.map((e: { subject: { id: string } }) => e.subject.id).sort()).toEqual([P.graded, P.failed].sort());

    shanghai(clock, '2023-07-01T10:00:00');
    for (const id of [P.graded, P.failed]) await fireOk(world, id, 'SUBMIT_PROGRESS_REPORT');
    await expectGated(t, world, P.graded, 'SUBMIT_FINAL_REPORT', { roundState: 'in_execution', gate: 'acceptance', opensWith: 'OPEN_ACCEPTANCE' });

    // OPEN_ACCEPTANCE before the acceptance date: the gate stays shut until the day comes.
    shanghai(clock, '2023-12-01T10:00:00');
    await roundEvent(world, orgDept, 'OPEN_ACCEPTANCE');
    await expectGated(t, world, P.graded, 'SUBMIT_FINAL_REPORT', { roundState: 'under_acceptance', gate: 'acceptance', opensWith: 'OPEN_ACCEPTANCE', code: 'acceptance_not_open' });
    await expectGated(t, world, P.graded, 'SUBMIT_PROGRESS_REPORT', { roundState: 'under_acceptance', gate: 'execution', opensWith: 'PUBLISH_LIST' });

    shanghai(clock, '2023-12-31T00:00:00');
    for (const id of [P.graded, P.failed]) await fireOk(world, id, 'SUBMIT_FINAL_REPORT');
    await fireOk(world, P.graded, 'GRADE');
    await fireOk(world, P.failed, 'FAIL');
    await fireOk(world, P.graded, 'RECOMMEND');
    await roundEvent(world, orgDept, 'CLOSE_ROUND');

    const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.status).toBe(200);
    expect(verified.body.valid).toBe(true);
  });

  it('refuses every shortcut of issue 16 under the second edition, naming the gate, writing nothing', async () => {
    // As for the first edition: the shortcuts are reached with the gates off on a file database
    // (a round@2 of the shipped default, its projects project@2), then served with the gates on.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-gates-v2-'));
    dirs.push(dir);
    const file = path.join(dir, 'gates.db');
    const clock = new FakeClock();
    // enforceRoundGates: false on purpose: the shortcuts the gates refuse are reached only without them.
    const before = await open({ path: file, clock, enforceRoundGates: false });
    const world0 = await createWorld(before.app);
    const round0 = await call(before.app, world0.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world0.roundId}` });
    expect(round0.body).toMatchObject({ state: 'open', machine: { id: 'round', version: 2 } });
    const shortcut = { shortcut: true };
    const reached = {
      checked: await driveTo(world0, 'preliminarily_checked', shortcut),
      reviewed: await driveTo(world0, 'panel_reviewed', shortcut),
      approved: await driveTo(world0, 'committee_approved', shortcut),
      running: await driveTo(world0, 'in_progress', shortcut),
      accepting: await driveTo(world0, 'final_acceptance', shortcut),
      toGrade: await driveTo(world0, 'final_acceptance', shortcut),
      toFail: await driveTo(world0, 'final_acceptance', shortcut),
      graded: await driveTo(world0, 'graded', shortcut),
    };
    await assignReviewers(world0, reached.checked.id);
    // GRADE and FAIL carry out org_dept's proposal: each project has its acceptance reviews and a proposal.
    const proposals = [
      [reached.toGrade.id, { grade: 'first', comment: '成果突出，建议评为一等奖' }],
      [reached.toFail.id, { grade: 'fail', comment: '未完成预期成果' }],
    ] as const;
    for (const [id, proposal] of proposals) {
      await acceptanceReviews(world0, world0.roundId, id);
      const proposed = await fire(world0, id, world0.orgDept, 'PROPOSE_GRADE', proposal);
      expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);
    }
    await before.close();
    apps = apps.filter((a) => a !== before);

    const t = await open({ path: file, clock });
    const world = { ...world0, app: t.app };
    const states = async () => {
      const out: Record<string, string> = {};
      for (const [key, p] of Object.entries(reached)) out[key] = (await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${p.id}` })).body.state as string;
      return out;
    };
    const statesBefore = await states();
    expect(statesBefore).toEqual({
      checked: 'preliminarily_checked',
      reviewed: 'panel_reviewed',
      approved: 'committee_approved',
      running: 'in_progress',
      accepting: 'final_acceptance',
      toGrade: 'final_acceptance',
      toFail: 'final_acceptance',
      graded: 'graded',
    });
    const open_ = { roundState: 'open' };
    await expectGated(t, world, reached.checked.id, 'SUBMIT_REVIEW', { ...open_, gate: 'panel_review', opensWith: 'START_REVIEW' });
    await expectGated(t, world, reached.checked.id, 'COMPLETE_PANEL_REVIEW', { ...open_, gate: 'panel_review', opensWith: 'START_REVIEW' });
    await expectGated(t, world, reached.reviewed.id, 'APPROVE', { ...open_, gate: 'committee_decision', opensWith: 'START_REVIEW' });
    const start = await expectGated(t, world, reached.approved.id, 'START', { ...open_, gate: 'publication', opensWith: 'PUBLISH_LIST' });
    expect(start.gate.onlyVia).toBe('PUBLISH_LIST');
    // The committee reverses a decision only during 公示, which its CONCLUDE_DECISIONS opens.
    const reverse = await expectGated(t, world, reached.approved.id, 'REVERSE_DECISION', { ...open_, gate: 'publicity', opensWith: 'CONCLUDE_DECISIONS', by: 'committee' });
    expect(reverse.gate.openIn).toEqual(['in_publicity']);
    await expectGated(t, world, reached.running.id, 'SUBMIT_PROGRESS_REPORT', { ...open_, gate: 'execution', opensWith: 'PUBLISH_LIST' });
    const final = await expectGated(t, world, reached.running.id, 'SUBMIT_FINAL_REPORT', { ...open_, gate: 'acceptance', opensWith: 'OPEN_ACCEPTANCE' });
    expect(final.gate.opensOn).toBe('2023-12-31');
    await expectGated(t, world, reached.accepting.id, 'PROPOSE_GRADE', { ...open_, gate: 'acceptance', opensWith: 'OPEN_ACCEPTANCE' });
    await expectGated(t, world, reached.toGrade.id, 'SUBMIT_ACCEPTANCE_REVIEW', { ...open_, gate: 'acceptance', opensWith: 'OPEN_ACCEPTANCE' });
    // GRADE and FAIL run only inside the committee's CONFIRM_GRADES, even fired by the committee with the proposal.
    const grade = await expectGated(t, world, reached.toGrade.id, 'GRADE', {
      ...open_,
      gate: 'grade_confirmation',
      opensWith: 'CONFIRM_GRADES',
      by: 'committee',
      as: { user: world.committee, payload: { grade: 'first' } },
    });
    expect(grade.gate.onlyVia).toBe('CONFIRM_GRADES');
    expect(grade).toMatchObject({ state: 'final_acceptance', passed: false });
    const fail = await expectGated(t, world, reached.toFail.id, 'FAIL', {
      ...open_,
      gate: 'grade_confirmation',
      opensWith: 'CONFIRM_GRADES',
      by: 'committee',
      as: { user: world.committee, payload: { reason: '未完成预期成果' } },
    });
    expect(fail.gate.onlyVia).toBe('CONFIRM_GRADES');
    // Recommendation and its outcome wait for the confirmation of the grades.
    await expectGated(t, world, reached.graded.id, 'RECOMMEND', { ...open_, gate: 'recommendation', opensWith: 'CONFIRM_GRADES', by: 'committee' });
    await expectGated(t, world, reached.graded.id, 'RECORD_RECOMMENDATION_OUTCOME', { ...open_, gate: 'recommendation', opensWith: 'CONFIRM_GRADES', by: 'committee' });

    // Nothing moved; each refusal is recorded like every refused write.
    expect(await states()).toEqual(statesBefore);
    const refused = t.db.$client.prepare("SELECT count(*) AS n FROM security_events WHERE problem_type = 'urn:lixiang:problem:round-gate-closed'").get() as { n: number };
    expect(refused.n).toBe(13);
    // An event the project's state does not accept stays illegal-transition (answered before the gate).
    const illegal = await fire(world, reached.checked.id, world.committee, 'REVERSE_DECISION', firing(world, 'REVERSE_DECISION').payload);
    expect(illegal.body.type).toBe('urn:lixiang:problem:illegal-transition');
  });

  it('drives a whole second-edition round legally through every stage with the gates enforced', async () => {
    const clock = new FakeClock();
    const t = await open({ clock });
    const world = await createWorld(t.app);
    const { orgDept, committee } = world;
    const getRound = async () => (await call(t.app, orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` })).body;
    const stateOf = async (id: string) => (await call(t.app, orgDept.token, { method: 'GET', url: `/api/v1/projects/${id}` })).body;
    const roundTry = (user: User, type: string, payload: Record<string, unknown> = {}) =>
      call(t.app, user.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload: { type, ...payload } });
    /** A round event refused with 422 and the violation's code, writing nothing. */
    const roundRefused = async (user: User, type: string, payload: Record<string, unknown>, code: string) => {
      const length = logLength(t);
      const response = await roundTry(user, type, payload);
      expect(response.status, `${type}: ${JSON.stringify(response.body)}`).toBe(422);
      expect(response.body.violation.code).toBe(code);
      expect(logLength(t)).toBe(length);
    };
    expect(await getRound()).toMatchObject({ state: 'open', machine: { id: 'round', version: 2 }, publicityWorkingDays: 5 });

    const draft = async (title: string) => (await createDraft(world, { title })).id;
    const P = {
      first: await draft('“红色旋律”党员先锋岗'),
      second: await draft('“书香支部”读书会'),
      failed: await draft('“党员志愿服务队”进社区'),
      reversed: await draft('“声乐党课”进课堂'),
      checkRejected: await draft('常规组织生活'),
    };
    for (const id of Object.values(P)) await fireOk(world, id, 'SUBMIT');
    const late = await draft('迟交的项目');

    // open: the panel gate holds a checked project.
    await fireOk(world, P.first, 'PASS_PRELIMINARY_CHECK');
    await assignReviewers(world, P.first);
    await expectGated(t, world, P.first, 'SUBMIT_REVIEW', { roundState: 'open', gate: 'panel_review', opensWith: 'START_REVIEW' });

    // submissions_closed: the deadline has passed; the preliminary checks go on, the panel still waits.
    shanghai(clock, '2023-03-30T09:00:00');
    await expectGated(t, world, late, 'SUBMIT', { roundState: 'open', gate: 'submission', opensWith: null, code: 'submission_closed' });
    expect((await roundEvent(world, orgDept, 'CLOSE_SUBMISSIONS')).round.state).toBe('submissions_closed');
    for (const id of [P.second, P.failed, P.reversed]) await fireOk(world, id, 'PASS_PRELIMINARY_CHECK');
    await fireOk(world, P.checkRejected, 'REJECT');
    await expectGated(t, world, P.first, 'COMPLETE_PANEL_REVIEW', { roundState: 'submissions_closed', gate: 'panel_review', opensWith: 'START_REVIEW' });

    // under_review: the panel scores, the committee decides; no reversal and no start yet.
    expect((await roundEvent(world, orgDept, 'START_REVIEW')).round.state).toBe('under_review');
    for (const id of [P.first, P.second, P.failed, P.reversed]) {
      if (id !== P.first) await assignReviewers(world, id);
      for (let i = 0; i < world.reviewers.length; i += 1) await fireOk(world, id, 'SUBMIT_REVIEW', undefined, i);
      await fireOk(world, id, 'COMPLETE_PANEL_REVIEW');
    }
    for (const id of [P.first, P.second, P.failed]) await fireOk(world, id, 'APPROVE');
    const rejected = await fire(world, P.reversed, committee, 'REJECT', { reason: '与常规工作重复' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    await expectGated(t, world, P.reversed, 'REVERSE_DECISION', { roundState: 'under_review', gate: 'publicity', opensWith: 'CONCLUDE_DECISIONS', by: 'committee' });
    await expectGated(t, world, P.first, 'START', { roundState: 'under_review', gate: 'publication', opensWith: 'PUBLISH_LIST' });

    // in_publicity: Thursday 2023-04-06 10:00, five working days (the weekend skipped) end at the midnight after the 13th.
    shanghai(clock, '2023-04-06T10:00:00');
    const concluded = await roundEvent(world, committee, 'CONCLUDE_DECISIONS');
    const publicity = { startedAt: '2023-04-06T02:00:00.000Z', endsAt: '2023-04-13T16:00:00.000Z', workingDays: 5 };
    expect(concluded.round).toMatchObject({ state: 'in_publicity', publicity, objections: { open: 0, handled: 0 } });
    await expectGated(t, world, P.first, 'START', { roundState: 'in_publicity', gate: 'publication', opensWith: 'PUBLISH_LIST' });

    // The applicant objects to the rejection of its project; the committee reverses it; org_dept handles the objection.
    shanghai(clock, '2023-04-07T09:00:00');
    const lodged = await call(t.app, world.applicant.token, {
      method: 'POST',
      url: `/api/v1/rounds/${world.roundId}/objections`,
      payload: { reason: '本支部“声乐党课”进课堂项目未列入名单，申请复议' },
    });
    expect(lodged.status, JSON.stringify(lodged.body)).toBe(201);
    expect(lodged.body).toMatchObject({ number: 1, projectId: null, lodgedBy: { id: world.applicant.id }, handling: null });
    const reversed = await fire(world, P.reversed, committee, 'REVERSE_DECISION', { reason: '经复议，项目特色鲜明，改为批准立项' });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
    expect((await stateOf(P.reversed)).state).toBe('committee_approved');
    const proposed = await call(t.app, world.otherApplicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/proposed-list` });
    expect(proposed.body.projects.map((p: { id: string }) => p.id).sort()).toEqual([P.first, P.second, P.failed, P.reversed].sort());

    const publish = { documentNumber: '党委〔2023〕12号', publishedOn: '2023-04-14' };
    shanghai(clock, '2023-04-13T23:59:59');
    await roundRefused(orgDept, 'PUBLISH_LIST', publish, 'publicity_not_over');
    shanghai(clock, '2023-04-14T09:00:00');
    await roundRefused(orgDept, 'PUBLISH_LIST', publish, 'objections_open');
    // After the period the committee no longer reverses: the gate names the condition.
    await expectGated(t, world, P.reversed, 'REVERSE_DECISION', {
      roundState: 'in_publicity',
      gate: 'publicity',
      opensWith: 'CONCLUDE_DECISIONS',
      by: 'committee',
      code: 'publicity_over',
    });
    const handled = await call(t.app, orgDept.token, {
      method: 'POST',
      url: `/api/v1/rounds/${world.roundId}/objections/1/handling`,
      payload: { outcome: 'upheld', response: '经核实异议成立，党委已改变决定' },
    });
    expect(handled.status, JSON.stringify(handled.body)).toBe(200);
    expect((await getRound()).objections).toEqual({ open: 0, handled: 1 });
    await roundRefused(orgDept, 'PUBLISH_LIST', publish, 'document_required');

    // in_execution: the signed list published starts every approved project at once.
    const document = await uploadApprovedList(world);
    const published = await roundEvent(world, orgDept, 'PUBLISH_LIST', { ...publish, document });
    expect(published.round.state).toBe('in_execution');
    expect(published.started.map((e: { subject: { id: string } }) => e.subject.id).sort()).toEqual([P.first, P.second, P.failed, P.reversed].sort());
    expect(await getRound()).toMatchObject({ publication: { documentNumber: '党委〔2023〕12号', publishedOn: '2023-04-14', document: { fileId: document } } });
    const running = [P.first, P.second, P.failed, P.reversed];
    shanghai(clock, '2023-07-01T10:00:00');
    for (const id of running) await fireOk(world, id, 'SUBMIT_PROGRESS_REPORT');
    await expectGated(t, world, P.first, 'SUBMIT_FINAL_REPORT', { roundState: 'in_execution', gate: 'acceptance', opensWith: 'OPEN_ACCEPTANCE' });

    // under_acceptance on the final-acceptance date: reports, the acceptance panel's reviews, org_dept's proposals.
    shanghai(clock, '2023-12-31T10:00:00');
    expect((await roundEvent(world, orgDept, 'OPEN_ACCEPTANCE')).round.state).toBe('under_acceptance');
    const execution = await expectGated(t, world, P.first, 'SUBMIT_PROGRESS_REPORT', { roundState: 'under_acceptance', gate: 'execution', opensWith: 'PUBLISH_LIST' });
    expect(execution.passed).toBe(true);
    for (const id of running) await fireOk(world, id, 'SUBMIT_FINAL_REPORT');
    for (const id of running) await acceptanceReviews(world, world.roundId, id);
    const propose = async (id: string, grade: string, comment: string) => {
      const response = await fire(world, id, orgDept, 'PROPOSE_GRADE', { grade, comment });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    };
    await propose(P.first, 'first', '成果突出，建议评为一等奖');
    await propose(P.second, 'second', '成效良好，建议评为二等奖');
    await propose(P.failed, 'fail', '未完成预期成果');
    const confirm = { meetingReference: '党委会〔2024〕2次' };
    await roundRefused(committee, 'CONFIRM_GRADES', confirm, 'grades_not_proposed');
    await propose(P.reversed, 'third', '基本完成，建议评为三等奖');
    await expectGated(t, world, P.first, 'GRADE', {
      roundState: 'under_acceptance',
      gate: 'grade_confirmation',
      opensWith: 'CONFIRM_GRADES',
      by: 'committee',
      code: 'round_stage',
      as: { user: committee, payload: { grade: 'first' } },
    });

    // grades_confirmed: the committee's confirmation carries out every proposal, funded by the round.
    const confirmed = await roundEvent(world, committee, 'CONFIRM_GRADES', confirm);
    expect(confirmed.round.state).toBe('grades_confirmed');
    const graded = new Map(confirmed.graded.map((e: { subject: { id: string }; event: string; payload: Record<string, unknown> }) => [e.subject.id, [e.event, e.payload]]));
    expect(graded.get(P.first)).toEqual(['GRADE', expect.objectContaining({ grade: 'first', funding: 3000 })]);
    expect(graded.get(P.second)).toEqual(['GRADE', expect.objectContaining({ grade: 'second', funding: 2000 })]);
    expect(graded.get(P.reversed)).toEqual(['GRADE', expect.objectContaining({ grade: 'third', funding: 1500 })]);
    expect(graded.get(P.failed)).toEqual(['FAIL', expect.objectContaining({ reason: '未完成预期成果' })]);
    expect(await stateOf(P.first)).toMatchObject({ state: 'graded', grade: 'first', funding: 3000 });
    expect(await stateOf(P.failed)).toMatchObject({ state: 'failed', funding: 0 });
    expect(await stateOf(P.checkRejected)).toMatchObject({ state: 'rejected' });
    const grades = await call(t.app, world.auditor.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/grades` });
    expect(grades.body.total).toEqual({ count: 4, amount: 6500 });

    // The first prize recommended upward, its outcome recorded; the round closed.
    await fireOk(world, P.first, 'RECOMMEND');
    await fireOk(world, P.first, 'RECORD_RECOMMENDATION_OUTCOME');
    expect(await stateOf(P.first)).toMatchObject({ recommended: true, recommendationOutcome: { outcome: 'selected', level: '省级' } });
    expect((await roundEvent(world, orgDept, 'CLOSE_ROUND')).round.state).toBe('closed');
    expect((await getRound()).state).toBe('closed');

    const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.status).toBe(200);
    expect(verified.body.valid).toBe(true);
  });

  it('never offers in allowedEvents an event its gate then refuses, in a read or in the answer to an event', async () => {
    const clock = new FakeClock();
    const t = await open({ clock });
    const world = await createWorld(t.app);
    const actors = [world.applicant, world.orgDept, world.committee, ...world.reviewers];

    /** Fires whatever any actor is offered, one event at a time, until nothing is offered; none may meet a closed gate. */
    const exhaust = async (ids: string[]) => {
      for (const id of ids) {
        // A reviewer may score again (its review is replaced): each actor fires an event once per state.
        const done = new Set<string>();
        for (let step = 0; step < 12; step += 1) {
          let fired = false;
          for (const user of actors) {
            const view = await call(t.app, user.token, { method: 'GET', url: `/api/v1/projects/${id}` });
            if (view.status !== 200) continue;
            // The way forward: withdrawals, returns, rejections and failures end or repeat the walk.
            const key = (e: string) => `${user.id} ${String(view.body.state)} ${e}`;
            const event = (view.body.allowedEvents as EventType[]).find((e) => !SIDE_EVENTS.includes(e) && !done.has(key(e)));
            if (!event) continue;
            done.add(key(event));
            const reviewerIndex = Math.max(
              0,
              world.reviewers.findIndex((r) => r.id === user.id),
            );
            const response = await fire(world, id, user, event, firing(world, event, reviewerIndex).payload);
            expect(response.body.type, `${event} by ${user.role} on ${view.body.state}: ${JSON.stringify(response.body)}`).not.toBe('urn:lixiang:problem:round-gate-closed');
            fired = response.status === 200;
            if (fired) {
              // The answer's allowedEvents, built in the event's own transaction, are those a read then offers.
              const after = await call(t.app, user.token, { method: 'GET', url: `/api/v1/projects/${id}` });
              if (after.status === 200) expect(response.body.project.allowedEvents, `${event} by ${user.role}`).toEqual(after.body.allowedEvents);
            }
            break;
          }
          if (!fired) break;
        }
      }
    };
    /** The gated events of the project are not offered to anyone, and answer round-gate-closed. */
    const gatedNotOffered = async (id: string, event: EventType, roundState: string) => {
      for (const user of actors) {
        const view = await call(t.app, user.token, { method: 'GET', url: `/api/v1/projects/${id}` });
        if (view.status === 200) expect(view.body.allowedEvents, `${user.role}`).not.toContain(event);
      }
      const who = firing(world, event);
      const refused = await fire(world, id, who.user, event, who.payload);
      expect(refused.body).toMatchObject({ type: 'urn:lixiang:problem:round-gate-closed', roundState });
    };

    // Open: drafts are submitted and checked, then the panel gate holds them.
    const ids = [(await createDraft(world)).id, (await createDraft(world)).id];
    for (const id of ids) await assignReviewers(world, id).catch(() => undefined);
    await exhaust(ids);
    const checked = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${ids[0]}` });
    expect(checked.body.state).toBe('preliminarily_checked');
    await assignReviewers(world, ids[0]!);
    await assignReviewers(world, ids[1]!);
    await gatedNotOffered(ids[0]!, 'SUBMIT_REVIEW', 'open');

    // Under review: reviews, the panel's conclusion and the committee's decision are offered and pass.
    shanghai(clock, '2023-03-30T09:00:00');
    await roundEvent(world, world.orgDept, 'CLOSE_SUBMISSIONS');
    await roundEvent(world, world.orgDept, 'START_REVIEW');
    await exhaust(ids);
    for (const id of ids) {
      const view = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${id}` });
      expect(view.body.state).toBe('committee_approved');
    }
    for (const id of ids) await gatedNotOffered(id, 'START', 'under_review');
  });
});
