/**
 * The whole lifecycle matrix of the first edition over HTTP (project@1 in a round@1: the rounds the
 * first release stored, which keep their versions; the app runs FIRST_EDITION_LIFECYCLES to create
 * them): every state (reached through the API) × every event type × every kind of caller. The expected answer is computed from a literal copy of the lifecycle table of
 * DOMAIN.md written below, never from the machine or the service:
 *
 * - admin is refused at the route (403), an applicant of an unrelated unit and a reviewer who is not
 *   assigned cannot see the project at all (404, like an unknown id);
 * - a role that never fires the event anywhere in the table: 403, whatever the state;
 * - an event the state does not accept: 409;
 * - an accepted event fired by another role than the table's, or by an applicant who does not own
 *   the project: 403;
 * - an accepted event its round's stage does not allow (the round's table of DOMAIN.md, "The round
 *   governs its projects", also copied below): 409 round-gate-closed — each state is tried in the
 *   stage of its round where its events are open (in_progress in two: execution and acceptance);
 * - otherwise 200, one new log row, version + 1, the table's target state.
 *
 * Every refusal is an application/problem+json document and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_1_EVENT_TYPES, type EventType, type ProjectState, type Role } from '../../machines/project.types.js';
import type { RoundState } from '../../machines/round.types.js';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { matrixCallers, PROBLEM, type Caller, type CallerName } from './matrix-callers.js';
import { assignReviewers, createUser, createWorld, driveTo, fire, fireOk, firing, newRound, type User, type World } from '../helpers/world.js';

// ---------------------------------------------------------------------------------------------
// The specification, literally from DOMAIN.md
// ---------------------------------------------------------------------------------------------

/** Each state, with the stage its round is in while the state's events are tried. */
const CASES: ReadonlyArray<readonly [ProjectState, RoundState]> = [
  ['draft', 'open'],
  ['submitted', 'open'],
  ['preliminarily_checked', 'under_review'],
  ['panel_reviewed', 'under_review'],
  ['committee_approved', 'decided'],
  ['in_progress', 'in_execution'],
  ['in_progress', 'under_acceptance'],
  ['final_acceptance', 'under_acceptance'],
  ['graded', 'under_acceptance'],
  ['failed', 'under_acceptance'],
  ['rejected', 'open'],
  ['withdrawn', 'open'],
];

interface Row {
  from: ProjectState;
  event: EventType;
  role: Role;
  to: ProjectState;
  /** The round's stages in which the event may be fired (before the deadline, from the acceptance day); none: never fired directly. */
  stages: readonly RoundState[];
}

const SUBMISSION: readonly RoundState[] = ['open'];
const CHECK: readonly RoundState[] = ['open', 'submissions_closed'];
const REVIEW: readonly RoundState[] = ['under_review'];
const EXECUTION: readonly RoundState[] = ['in_execution'];
const ACCEPTANCE: readonly RoundState[] = ['under_acceptance'];

/** The lifecycle table of DOMAIN.md: (state, event, who) → target, with the round's stages of its round table. */
const LIFECYCLE: readonly Row[] = [
  { from: 'draft', event: 'SUBMIT', role: 'applicant', to: 'submitted', stages: SUBMISSION },
  { from: 'draft', event: 'WITHDRAW', role: 'applicant', to: 'withdrawn', stages: SUBMISSION },
  { from: 'submitted', event: 'WITHDRAW', role: 'applicant', to: 'withdrawn', stages: SUBMISSION },
  { from: 'submitted', event: 'RETURN_FOR_REVISION', role: 'org_dept', to: 'draft', stages: CHECK },
  { from: 'submitted', event: 'PASS_PRELIMINARY_CHECK', role: 'org_dept', to: 'preliminarily_checked', stages: CHECK },
  { from: 'submitted', event: 'REJECT', role: 'org_dept', to: 'rejected', stages: CHECK },
  { from: 'preliminarily_checked', event: 'SUBMIT_REVIEW', role: 'reviewer', to: 'preliminarily_checked', stages: REVIEW },
  { from: 'preliminarily_checked', event: 'COMPLETE_PANEL_REVIEW', role: 'org_dept', to: 'panel_reviewed', stages: REVIEW },
  { from: 'panel_reviewed', event: 'APPROVE', role: 'committee', to: 'committee_approved', stages: REVIEW },
  { from: 'panel_reviewed', event: 'REJECT', role: 'committee', to: 'rejected', stages: REVIEW },
  // Only through the published list: PUBLISH_LIST starts every approved project at once.
  { from: 'committee_approved', event: 'START', role: 'org_dept', to: 'in_progress', stages: [] },
  { from: 'in_progress', event: 'SUBMIT_PROGRESS_REPORT', role: 'applicant', to: 'in_progress', stages: EXECUTION },
  { from: 'in_progress', event: 'SUBMIT_FINAL_REPORT', role: 'applicant', to: 'final_acceptance', stages: ACCEPTANCE },
  { from: 'final_acceptance', event: 'RETURN_FINAL_REPORT', role: 'org_dept', to: 'in_progress', stages: ACCEPTANCE },
  { from: 'final_acceptance', event: 'GRADE', role: 'org_dept', to: 'graded', stages: ACCEPTANCE },
  { from: 'final_acceptance', event: 'FAIL', role: 'org_dept', to: 'failed', stages: ACCEPTANCE },
  // round@1 has no confirmation of grades: RECOMMEND is open once acceptance is.
  { from: 'graded', event: 'RECOMMEND', role: 'committee', to: 'graded', stages: ['under_acceptance', 'closed'] },
];

const CALLERS = matrixCallers('reviewer assigned, not conflicted');

type Expectation = { status: 200; to: ProjectState } | { status: 403 | 404 | 409; type: string; code?: string; allowed?: EventType[] };

function expectation(caller: Caller, state: ProjectState, stage: RoundState, event: EventType): Expectation {
  // Separation of duties: admin never reaches a project route.
  if (caller.role === 'admin') return { status: 403, type: PROBLEM('forbidden') };
  if (!caller.sees) return { status: 404, type: PROBLEM('not-found') };
  if (!LIFECYCLE.some((row) => row.event === event && row.role === caller.role)) {
    return { status: 403, type: PROBLEM('forbidden'), code: 'role_not_allowed' };
  }
  const row = LIFECYCLE.find((r) => r.from === state && r.event === event);
  if (!row) return { status: 409, type: PROBLEM('illegal-transition') };
  if (row.role !== caller.role) return { status: 403, type: PROBLEM('forbidden'), code: 'role_not_allowed' };
  if (caller.role === 'applicant' && !caller.ownsProject) return { status: 403, type: PROBLEM('forbidden'), code: 'not_own_unit' };
  if (!row.stages.includes(stage)) {
    // The refusal offers the events the round's stage does allow.
    const allowed = LIFECYCLE.filter((r) => r.from === state && r.stages.includes(stage)).map((r) => r.event);
    return { status: 409, type: PROBLEM('round-gate-closed'), allowed };
  }
  return { status: 200, to: row.to };
}

const acceptedIn = (state: ProjectState): EventType[] => LIFECYCLE.filter((row) => row.from === state).map((row) => row.event);

// ---------------------------------------------------------------------------------------------
// Setup through the API
// ---------------------------------------------------------------------------------------------

/**
 * States whose shortest path never passes through `submitted` or `preliminarily_checked` (the only
 * states in which org_dept can assign a reviewer) are reached from `submitted` after the assignment,
 * so that the assigned reviewer exists in every state.
 */
const VIA_SUBMITTED: Partial<Record<ProjectState, EventType>> = {
  draft: 'RETURN_FOR_REVISION',
  withdrawn: 'WITHDRAW',
  rejected: 'REJECT',
};

/**
 * A project in `state` whose payload-free guards all hold: every reviewer of the round assigned
 * (from `submitted` on) and, in `preliminarily_checked`, every one of them has scored. Its round is
 * in `stage`: the world's round while it is open, else a round of its own advanced to `stage`.
 */
async function prepare(world: World, state: ProjectState, stage: RoundState): Promise<{ id: string; version: number }> {
  const detour = VIA_SUBMITTED[state];
  if (detour) {
    const project = await driveTo(world, 'submitted');
    await assignReviewers(world, project.id);
    const result = await fireOk(world, project.id, detour);
    return { id: project.id, version: result.project.version };
  }
  const project = stage === 'open' ? await driveTo(world, state) : await driveTo(world, state, { roundId: (await newRound(world)).roundId, roundAt: stage });
  let version = project.version;
  if (state === 'submitted' || state === 'preliminarily_checked') await assignReviewers(world, project.id);
  if (state === 'preliminarily_checked') {
    for (let i = 0; i < world.reviewers.length; i += 1) version = (await fireOk(world, project.id, 'SUBMIT_REVIEW', undefined, i)).project.version;
  }
  return { id: project.id, version };
}

interface Fixture {
  test: TestApp;
  world: World;
  callers: Record<CallerName, User>;
  /** The project every refused request is sent to. */
  base: { id: string; version: number };
}

async function fixture(state: ProjectState, stage: RoundState): Promise<Fixture> {
  const test = await createTestApp({ lifecycles: FIRST_EDITION_LIFECYCLES });
  const world = await createWorld(test.app);
  const unassignedReviewer = await createUser(test.app, '未分配评审', 'reviewer', world.units.direct);
  const callers: Record<CallerName, User> = {
    applicant: world.applicant,
    parentApplicant: world.parentApplicant,
    otherApplicant: world.otherApplicant,
    orgDept: world.orgDept,
    reviewer: world.reviewers[0]!,
    unassignedReviewer,
    committee: world.committee,
    auditor: world.auditor,
    admin: world.admin,
  };
  return { test, world, callers, base: await prepare(world, state, stage) };
}

function logCount(test: TestApp): number {
  return (test.db.$client.prepare('select count(*) c from transition_log').get() as { c: number }).c;
}

function storedProject(test: TestApp, id: string): { state: string; version: number } {
  return test.db.$client.prepare('select state, version from projects where id = ?').get(id) as { state: string; version: number };
}

function lastLogRow(test: TestApp, id: string) {
  return test.db.$client
    .prepare("select event, from_state, to_state, actor_id, actor_role from transition_log where subject_kind = 'project' and subject_id = ? order by seq desc limit 1")
    .get(id) as { event: string; from_state: string; to_state: string; actor_id: string; actor_role: string };
}

async function getAsOrgDept(f: Fixture, id: string) {
  return call(f.test.app, f.world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${id}` });
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

describe.each(CASES)('in state %s, the round %s', (state, stage) => {
  let f: Fixture;
  /** The events that answered 200, per caller: compared with allowedEvents at the end. */
  const answered200 = new Map<CallerName, EventType[]>();

  beforeAll(async () => {
    f = await fixture(state, stage);
    expect(storedProject(f.test, f.base.id)).toEqual({ state, version: f.base.version });
  });
  afterAll(async () => {
    await f?.test.close();
  });

  describe.each(CALLERS.map((caller) => [caller.describe, caller] as const))('%s', (_label, caller) => {
    it('answers every event type as the lifecycle table says', async () => {
      const ok: EventType[] = [];
      for (const event of PROJECT_1_EVENT_TYPES) {
        const expected = expectation(caller, state, stage, event);
        const user = f.callers[caller.name];
        const { payload } = firing(f.world, event);
        const where = `${caller.name} fires ${event} in ${state}`;

        if (expected.status === 200) {
          // A fresh project in the same state, so that the shared one keeps its state.
          const project = await prepare(f.world, state, stage);
          const logBefore = logCount(f.test);
          const response = await fire(f.world, project.id, user, event, payload);
          expect.soft(response.status, `${where}: ${JSON.stringify(response.body)}`).toBe(200);
          if (response.status !== 200) continue;
          ok.push(event);
          expect.soft(response.headers.etag, where).toBe(`"${project.version + 1}"`);
          expect.soft(response.body.project, where).toMatchObject({ id: project.id, state: expected.to, version: project.version + 1 });
          expect.soft(response.body.transition, where).toMatchObject({ event, fromState: state, toState: expected.to });
          expect.soft(logCount(f.test), `${where}: one new log row`).toBe(logBefore + 1);
          expect.soft(lastLogRow(f.test, project.id), where).toEqual({
            event,
            from_state: state,
            to_state: expected.to,
            actor_id: user.id,
            actor_role: caller.role,
          });
          expect.soft(storedProject(f.test, project.id), where).toEqual({ state: expected.to, version: project.version + 1 });
          const seen = await getAsOrgDept(f, project.id);
          expect.soft(seen.body, where).toMatchObject({ state: expected.to, version: project.version + 1 });
          continue;
        }

        const logBefore = logCount(f.test);
        const response = await fire(f.world, f.base.id, user, event, payload);
        expect.soft(response.status, `${where}: ${JSON.stringify(response.body)}`).toBe(expected.status);
        expect.soft(String(response.headers['content-type']), where).toMatch(/^application\/problem\+json/);
        expect.soft(response.body?.type, where).toBe(expected.type);
        expect.soft(response.body?.status, where).toBe(expected.status);
        if (expected.code) expect.soft(response.body?.violation?.code, where).toBe(expected.code);
        if (expected.status === 409) {
          expect.soft(response.body?.state, where).toBe(state);
          expect.soft([...(response.body?.allowedEvents ?? [])].sort(), where).toEqual([...(expected.allowed ?? acceptedIn(state))].sort());
        }
        expect.soft(logCount(f.test), `${where}: no log row`).toBe(logBefore);
        expect.soft(storedProject(f.test, f.base.id), where).toEqual({ state, version: f.base.version });
        const seen = await getAsOrgDept(f, f.base.id);
        expect.soft(seen.body, where).toMatchObject({ state, version: f.base.version });
      }
      answered200.set(caller.name, ok);
    });
  });

  it.each(CALLERS.map((caller) => [caller.describe, caller] as const))('GET shows the %s exactly the events that answered 200 as allowedEvents', async (_label, caller) => {
    const ok = answered200.get(caller.name);
    expect(ok, 'the matrix ran for this caller').toBeDefined();
    const response = await call(f.test.app, f.callers[caller.name].token, { method: 'GET', url: `/api/v1/projects/${f.base.id}` });
    if (caller.role === 'admin') {
      expect(response.status).toBe(403);
      expect(response.body.type).toBe(PROBLEM('forbidden'));
      expect(ok).toEqual([]);
      return;
    }
    if (!caller.sees) {
      expect(response.status).toBe(404);
      expect(response.body.type).toBe(PROBLEM('not-found'));
      expect(ok).toEqual([]);
      return;
    }
    expect(response.status).toBe(200);
    expect(response.body.state).toBe(state);
    expect([...response.body.allowedEvents].sort()).toEqual([...ok!].sort());
  });
});
