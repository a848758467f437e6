/**
 * The whole lifecycle matrix over HTTP: every state (reached through the API) × every event type ×
 * every kind of caller. The expected answer is computed from a literal copy of the lifecycle table of
 * DOMAIN.md written below, never from the machine or the service:
 *
 * - admin is refused at the route (403), an applicant of an unrelated unit and a reviewer who is not
 *   assigned cannot see the project at all (404, like an unknown id);
 * - a role that never fires the event anywhere in the table: 403, whatever the state;
 * - an event the state does not accept: 409;
 * - an accepted event fired by another role than the table's, or by an applicant who does not own
 *   the project: 403;
 * - otherwise 200, one new log row, version + 1, the table's target state.
 *
 * Every refusal is an application/problem+json document and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_1_EVENT_TYPES, type EventType, type ProjectState, type Role } from '../../machines/project.types.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { assignReviewers, createUser, createWorld, driveTo, fire, fireOk, firing, type User, type World } from '../helpers/world.js';

// ---------------------------------------------------------------------------------------------
// The specification, literally from DOMAIN.md
// ---------------------------------------------------------------------------------------------

const STATES: readonly ProjectState[] = [
  'draft',
  'submitted',
  'preliminarily_checked',
  'panel_reviewed',
  'committee_approved',
  'in_progress',
  'final_acceptance',
  'graded',
  'failed',
  'rejected',
  'withdrawn',
];

interface Row {
  from: ProjectState;
  event: EventType;
  role: Role;
  to: ProjectState;
}

/** The lifecycle table of DOMAIN.md: (state, event, who) → target. */
const LIFECYCLE: readonly Row[] = [
  { from: 'draft', event: 'SUBMIT', role: 'applicant', to: 'submitted' },
  { from: 'draft', event: 'WITHDRAW', role: 'applicant', to: 'withdrawn' },
  { from: 'submitted', event: 'WITHDRAW', role: 'applicant', to: 'withdrawn' },
  { from: 'submitted', event: 'RETURN_FOR_REVISION', role: 'org_dept', to: 'draft' },
  { from: 'submitted', event: 'PASS_PRELIMINARY_CHECK', role: 'org_dept', to: 'preliminarily_checked' },
  { from: 'submitted', event: 'REJECT', role: 'org_dept', to: 'rejected' },
  { from: 'preliminarily_checked', event: 'SUBMIT_REVIEW', role: 'reviewer', to: 'preliminarily_checked' },
  { from: 'preliminarily_checked', event: 'COMPLETE_PANEL_REVIEW', role: 'org_dept', to: 'panel_reviewed' },
  { from: 'panel_reviewed', event: 'APPROVE', role: 'committee', to: 'committee_approved' },
  { from: 'panel_reviewed', event: 'REJECT', role: 'committee', to: 'rejected' },
  { from: 'committee_approved', event: 'START', role: 'org_dept', to: 'in_progress' },
  { from: 'in_progress', event: 'SUBMIT_PROGRESS_REPORT', role: 'applicant', to: 'in_progress' },
  { from: 'in_progress', event: 'SUBMIT_FINAL_REPORT', role: 'applicant', to: 'final_acceptance' },
  { from: 'final_acceptance', event: 'RETURN_FINAL_REPORT', role: 'org_dept', to: 'in_progress' },
  { from: 'final_acceptance', event: 'GRADE', role: 'org_dept', to: 'graded' },
  { from: 'final_acceptance', event: 'FAIL', role: 'org_dept', to: 'failed' },
  { from: 'graded', event: 'RECOMMEND', role: 'committee', to: 'graded' },
];

const PROBLEM = (kind: string): string => `urn:lixiang:problem:${kind}`;

/** The callers of the matrix. */
type CallerName = 'applicant' | 'parentApplicant' | 'otherApplicant' | 'orgDept' | 'reviewer' | 'unassignedReviewer' | 'committee' | 'auditor' | 'admin';

interface Caller {
  name: CallerName;
  role: Role;
  /** Whether the caller may see the project at all. */
  sees: boolean;
  /** Whether an applicant caller belongs to the project's own unit. */
  ownsProject: boolean;
  describe: string;
}

const CALLERS: readonly Caller[] = [
  { name: 'applicant', role: 'applicant', sees: true, ownsProject: true, describe: "applicant of the project's unit" },
  { name: 'parentApplicant', role: 'applicant', sees: true, ownsProject: false, describe: 'applicant of the unit above (sees, does not own)' },
  { name: 'otherApplicant', role: 'applicant', sees: false, ownsProject: false, describe: 'applicant of an unrelated unit' },
  { name: 'orgDept', role: 'org_dept', sees: true, ownsProject: false, describe: 'org_dept' },
  { name: 'reviewer', role: 'reviewer', sees: true, ownsProject: false, describe: 'reviewer assigned, not conflicted' },
  { name: 'unassignedReviewer', role: 'reviewer', sees: false, ownsProject: false, describe: 'reviewer not assigned' },
  { name: 'committee', role: 'committee', sees: true, ownsProject: false, describe: 'committee' },
  { name: 'auditor', role: 'auditor', sees: true, ownsProject: false, describe: 'auditor' },
  { name: 'admin', role: 'admin', sees: false, ownsProject: false, describe: 'admin' },
];

type Expectation = { status: 200; to: ProjectState } | { status: 403 | 404 | 409; type: string; code?: string };

function expectation(caller: Caller, state: ProjectState, event: EventType): Expectation {
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
 * (from `submitted` on) and, in `preliminarily_checked`, every one of them has scored.
 */
async function prepare(world: World, state: ProjectState): Promise<{ id: string; version: number }> {
  const detour = VIA_SUBMITTED[state];
  if (detour) {
    const project = await driveTo(world, 'submitted');
    await assignReviewers(world, project.id);
    const result = await fireOk(world, project.id, detour);
    return { id: project.id, version: result.project.version };
  }
  const project = await driveTo(world, state);
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

async function fixture(state: ProjectState): Promise<Fixture> {
  const test = await createTestApp();
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
  return { test, world, callers, base: await prepare(world, state) };
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

describe.each(STATES)('in state %s', (state) => {
  let f: Fixture;
  /** The events that answered 200, per caller: compared with allowedEvents at the end. */
  const answered200 = new Map<CallerName, EventType[]>();

  beforeAll(async () => {
    f = await fixture(state);
    expect(storedProject(f.test, f.base.id)).toEqual({ state, version: f.base.version });
  });
  afterAll(async () => {
    await f?.test.close();
  });

  describe.each(CALLERS.map((caller) => [caller.describe, caller] as const))('%s', (_label, caller) => {
    it('answers every event type as the lifecycle table says', async () => {
      const ok: EventType[] = [];
      for (const event of PROJECT_1_EVENT_TYPES) {
        const expected = expectation(caller, state, event);
        const user = f.callers[caller.name];
        const { payload } = firing(f.world, event);
        const where = `${caller.name} fires ${event} in ${state}`;

        if (expected.status === 200) {
          // A fresh project in the same state, so that the shared one keeps its state.
          const project = await prepare(f.world, state);
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
          expect.soft([...(response.body?.allowedEvents ?? [])].sort(), where).toEqual(acceptedIn(state).sort());
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
