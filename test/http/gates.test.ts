/**
 * The round's gates enforced (AppOptions.enforceRoundGates, on by default, issue 16): every shortcut the issue found
 * is refused with 409 round-gate-closed naming the round's state, the gate and what opens it, and
 * writes nothing; a whole round driven in order passes every gate; `allowedEvents` never offers an
 * event its gate then refuses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventType } from '../../machines/project.types.js';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { call, createTestApp, FakeClock, type TestApp } from '../helpers/app.js';
import { assignReviewers, createDraft, createWorld, driveTo, fire, fireOk, firing, type User, type World } from '../helpers/world.js';

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

/** Fires `event` as the happy path would and expects the gate's refusal, with nothing written. */
async function expectGated(t: TestApp, world: World, projectId: string, event: EventType, expected: { roundState: string; gate: string; opensWith: string | null; code?: string }) {
  const before = logLength(t);
  const who = firing(world, event);
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
  else expect(response.body.gate.opensWith).toMatchObject({ event: expected.opensWith, role: 'org_dept', label: { zh: expect.any(String), en: expect.any(String) } });
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

  it('never offers in allowedEvents an event its gate then refuses', async () => {
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
