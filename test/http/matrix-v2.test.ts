/**
 * The whole lifecycle matrix of the second edition over HTTP (project@2 in a round@2: the rounds
 * this build creates, the default app): every state (reached through the API) × every event type ×
 * every kind of caller. The expected answer is computed from a literal copy of DOMAIN.md's
 * lifecycle table as its second edition ("The round governs its projects": 公示, 结项评审, the
 * confirmation of grades, the recommendation's outcome) changes it, written below, never from the
 * machine, its gate table or the service:
 *
 * - admin is refused at the route (403), an applicant of an unrelated unit and a reviewer who is not
 *   assigned cannot see the project at all (404, like an unknown id);
 * - a role that never fires the event anywhere in the table: 403, whatever the state;
 * - an event the state does not accept: 409 illegal-transition;
 * - an accepted event fired by another role than the table's, or by an applicant who does not own
 *   the project: 403;
 * - an accepted event its round's stage does not allow (the round's table, also copied below): 409
 *   round-gate-closed naming the gate and the round's state — GRADE and FAIL run only inside the
 *   committee's CONFIRM_GRADES and START only inside PUBLISH_LIST, so fired directly they are always
 *   refused so (onlyVia);
 * - an open event whose condition the project does not meet (a rejection that was org_dept's, a
 *   grade the round does not recommend, a recommendation already made or not yet made): 422;
 * - otherwise 200, one new log row, version + 1, the table's target state.
 *
 * Each state is tried in the stage of its round where its events are open (committee_approved and a
 * committee's rejection in 公示 in_publicity, graded and failed in grades_confirmed, in_progress in
 * two). Every refusal is an application/problem+json document and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType, type ProjectState, type Role } from '../../machines/project.types.js';
import type { RoundState } from '../../machines/round.types.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { matrixCallers, PROBLEM, type Caller, type CallerName } from './matrix-callers.js';
import { acceptanceReviews, advanceRound, assignReviewers, createUser, createWorld, driveTo, fire, fireOk, firing, newRound, type User, type World } from '../helpers/world.js';

// ---------------------------------------------------------------------------------------------
// The specification, literally from DOMAIN.md (second edition)
// ---------------------------------------------------------------------------------------------

/** What a project in a state may be, beyond its state, that the table's conditions read. */
type Variant = 'committee_rejection' | 'org_dept_rejection' | 'second_prize' | 'recommended';

interface Case {
  state: ProjectState;
  /** The round's stage while the state's events are tried. */
  stage: RoundState;
  variant?: Variant;
}

const CASES: readonly Case[] = [
  { state: 'draft', stage: 'open' },
  { state: 'submitted', stage: 'open' },
  { state: 'preliminarily_checked', stage: 'under_review' },
  { state: 'panel_reviewed', stage: 'under_review' },
  // Decided, not yet concluded: no reversal before 公示.
  { state: 'committee_approved', stage: 'under_review' },
  { state: 'committee_approved', stage: 'in_publicity' },
  { state: 'in_progress', stage: 'in_execution' },
  { state: 'in_progress', stage: 'under_acceptance' },
  { state: 'final_acceptance', stage: 'under_acceptance' },
  { state: 'graded', stage: 'grades_confirmed' },
  { state: 'graded', stage: 'grades_confirmed', variant: 'recommended' },
  { state: 'graded', stage: 'grades_confirmed', variant: 'second_prize' },
  { state: 'graded', stage: 'closed' },
  { state: 'failed', stage: 'grades_confirmed' },
  { state: 'rejected', stage: 'open', variant: 'org_dept_rejection' },
  { state: 'rejected', stage: 'in_publicity', variant: 'org_dept_rejection' },
  { state: 'rejected', stage: 'in_publicity', variant: 'committee_rejection' },
  { state: 'withdrawn', stage: 'open' },
];

/** A condition of a row the project must meet (else 422 with the violation's code). */
interface Condition {
  /** The variants that fail it, or the only variants that meet it. */
  failsFor?: readonly Variant[];
  onlyFor?: readonly Variant[];
  code: string;
}

const fails = (condition: Condition, variant: Variant | undefined): boolean =>
  condition.onlyFor ? !condition.onlyFor.includes(variant as Variant) : (condition.failsFor ?? []).includes(variant as Variant);

interface Row {
  from: ProjectState;
  event: EventType;
  role: Role;
  to: ProjectState;
  /** The round's gate (its name) and the stages in which the event may be fired; none: never fired directly. */
  gate: string;
  stages: readonly RoundState[];
  /** The round event it runs inside only. */
  onlyVia?: 'PUBLISH_LIST' | 'CONFIRM_GRADES';
  conditions?: readonly Condition[];
}

const SUBMISSION: readonly RoundState[] = ['open'];
const CHECK: readonly RoundState[] = ['open', 'submissions_closed'];
const REVIEW: readonly RoundState[] = ['under_review'];
const PUBLICITY: readonly RoundState[] = ['in_publicity'];
const EXECUTION: readonly RoundState[] = ['in_execution'];
const ACCEPTANCE: readonly RoundState[] = ['under_acceptance'];
const RECOMMENDATION: readonly RoundState[] = ['grades_confirmed', 'closed'];

/** The lifecycle table of DOMAIN.md's second edition: (state, event, who) → target, with its round's gate and stages. */
const LIFECYCLE: readonly Row[] = [
  { from: 'draft', event: 'SUBMIT', role: 'applicant', to: 'submitted', gate: 'submission', stages: SUBMISSION },
  { from: 'draft', event: 'WITHDRAW', role: 'applicant', to: 'withdrawn', gate: 'submission', stages: SUBMISSION },
  { from: 'submitted', event: 'WITHDRAW', role: 'applicant', to: 'withdrawn', gate: 'submission', stages: SUBMISSION },
  { from: 'submitted', event: 'RETURN_FOR_REVISION', role: 'org_dept', to: 'draft', gate: 'preliminary_check', stages: CHECK },
  { from: 'submitted', event: 'PASS_PRELIMINARY_CHECK', role: 'org_dept', to: 'preliminarily_checked', gate: 'preliminary_check', stages: CHECK },
  { from: 'submitted', event: 'REJECT', role: 'org_dept', to: 'rejected', gate: 'preliminary_check', stages: CHECK },
  { from: 'preliminarily_checked', event: 'SUBMIT_REVIEW', role: 'reviewer', to: 'preliminarily_checked', gate: 'panel_review', stages: REVIEW },
  { from: 'preliminarily_checked', event: 'COMPLETE_PANEL_REVIEW', role: 'org_dept', to: 'panel_reviewed', gate: 'panel_review', stages: REVIEW },
  { from: 'panel_reviewed', event: 'APPROVE', role: 'committee', to: 'committee_approved', gate: 'committee_decision', stages: REVIEW },
  { from: 'panel_reviewed', event: 'REJECT', role: 'committee', to: 'rejected', gate: 'committee_decision', stages: REVIEW },
  // 公示: the committee reverses its decision during the period, either way; only its own rejection.
  { from: 'committee_approved', event: 'REVERSE_DECISION', role: 'committee', to: 'rejected', gate: 'publicity', stages: PUBLICITY },
  {
    from: 'rejected',
    event: 'REVERSE_DECISION',
    role: 'committee',
    to: 'committee_approved',
    gate: 'publicity',
    stages: PUBLICITY,
    conditions: [{ failsFor: ['org_dept_rejection'], code: 'not_committee_decision' }],
  },
  // Only through the published list: PUBLISH_LIST starts every approved project at once.
  { from: 'committee_approved', event: 'START', role: 'org_dept', to: 'in_progress', gate: 'publication', stages: [], onlyVia: 'PUBLISH_LIST' },
  { from: 'in_progress', event: 'SUBMIT_PROGRESS_REPORT', role: 'applicant', to: 'in_progress', gate: 'execution', stages: EXECUTION },
  { from: 'in_progress', event: 'SUBMIT_FINAL_REPORT', role: 'applicant', to: 'final_acceptance', gate: 'acceptance', stages: ACCEPTANCE },
  { from: 'final_acceptance', event: 'RETURN_FINAL_REPORT', role: 'org_dept', to: 'in_progress', gate: 'acceptance', stages: ACCEPTANCE },
  // 结项评审: the acceptance panel scores, org_dept proposes, the committee confirms (CONFIRM_GRADES carries out GRADE / FAIL).
  { from: 'final_acceptance', event: 'SUBMIT_ACCEPTANCE_REVIEW', role: 'reviewer', to: 'final_acceptance', gate: 'acceptance', stages: ACCEPTANCE },
  { from: 'final_acceptance', event: 'PROPOSE_GRADE', role: 'org_dept', to: 'final_acceptance', gate: 'acceptance', stages: ACCEPTANCE },
  { from: 'final_acceptance', event: 'GRADE', role: 'committee', to: 'graded', gate: 'grade_confirmation', stages: [], onlyVia: 'CONFIRM_GRADES' },
  { from: 'final_acceptance', event: 'FAIL', role: 'committee', to: 'failed', gate: 'grade_confirmation', stages: [], onlyVia: 'CONFIRM_GRADES' },
  // After the grades are confirmed: first prizes only by default, once; then the outcome of the selection.
  {
    from: 'graded',
    event: 'RECOMMEND',
    role: 'committee',
    to: 'graded',
    gate: 'recommendation',
    stages: RECOMMENDATION,
    conditions: [
      { failsFor: ['second_prize'], code: 'grade_not_recommendable' },
      { failsFor: ['recommended'], code: 'already_recommended' },
    ],
  },
  {
    from: 'graded',
    event: 'RECORD_RECOMMENDATION_OUTCOME',
    role: 'org_dept',
    to: 'graded',
    gate: 'recommendation',
    stages: RECOMMENDATION,
    conditions: [{ onlyFor: ['recommended'], code: 'not_recommended' }],
  },
];

const CALLERS = matrixCallers('reviewer assigned (review and acceptance), not conflicted');

type Expectation = { status: 200; to: ProjectState } | { status: 403 | 404 | 409 | 422; type: string; code?: string; allowed?: EventType[]; gate?: string; onlyVia?: string };

function expectation(caller: Caller, c: Case, event: EventType): Expectation {
  const { state, stage } = c;
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
    return { status: 409, type: PROBLEM('round-gate-closed'), allowed, gate: row.gate, ...(row.onlyVia ? { onlyVia: row.onlyVia } : {}) };
  }
  const failed = row.conditions?.find((condition) => fails(condition, c.variant));
  if (failed) return { status: 422, type: PROBLEM('guard-failed'), code: failed.code };
  return { status: 200, to: row.to };
}

const acceptedIn = (state: ProjectState): EventType[] => LIFECYCLE.filter((row) => row.from === state).map((row) => row.event);

const caseName = (c: Case) => `${c.state}${c.variant ? ` (${c.variant})` : ''}, the round ${c.stage}`;

// ---------------------------------------------------------------------------------------------
// Setup through the API
// ---------------------------------------------------------------------------------------------

/** A round like newRound's with a 公示 of 10 working days, so that the committee may reverse its decisions while the matrix runs. */
const publicityRound = async (world: World): Promise<string> => (await newRound(world, { publicityWorkingDays: 10 })).roundId;

/**
 * A project in the case's state and variant whose other conditions hold: every reviewer of the round
 * assigned (from `submitted` on: the assigned reviewer exists in every state), in
 * `preliminarily_checked` every one of them has scored, in `final_acceptance` every one of them has
 * scored the final report on the acceptance panel. Its round is in the case's stage: the world's
 * round while it is open, else a round of its own (with a 公示 period when it is tried in publicity).
 */
async function prepare(world: World, c: Case): Promise<{ id: string; version: number }> {
  const { state, stage, variant } = c;
  const read = async (id: string) => {
    const response = await call(world.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${id}` });
    return { id, version: response.body.version as number };
  };
  // Reached from `submitted` after the assignment: draft, withdrawn, org_dept's rejection.
  const detour: Partial<Record<ProjectState, EventType>> = { draft: 'RETURN_FOR_REVISION', withdrawn: 'WITHDRAW', rejected: 'REJECT' };
  const step = detour[state];
  if (step && variant !== 'committee_rejection') {
    const roundId = stage === 'open' ? undefined : await publicityRound(world);
    const project = await driveTo(world, 'submitted', roundId ? { roundId } : {});
    await assignReviewers(world, project.id);
    const result = await fireOk(world, project.id, step);
    if (roundId) await advanceRound(world, stage, { roundId });
    return { id: project.id, version: result.project.version };
  }
  if (variant === 'committee_rejection') {
    const roundId = await publicityRound(world);
    const project = await driveTo(world, 'panel_reviewed', { roundId });
    const rejected = await fire(world, project.id, world.committee, 'REJECT', { reason: '经党委会议研究，不予立项' });
    if (rejected.status !== 200) throw new Error(`committee's REJECT refused: ${rejected.status} ${JSON.stringify(rejected.body)}`);
    await advanceRound(world, stage, { roundId });
    return read(project.id);
  }
  if (stage === 'open') {
    const project = await driveTo(world, state);
    if (state === 'submitted') await assignReviewers(world, project.id);
    return { id: project.id, version: project.version };
  }
  const roundId = stage === 'in_publicity' ? await publicityRound(world) : (await newRound(world)).roundId;
  if (state === 'graded' && variant === 'second_prize') {
    const project = await driveTo(world, 'final_acceptance', { roundId, roundAt: 'under_acceptance' });
    await acceptanceReviews(world, roundId, project.id);
    await fireOk(world, project.id, 'PROPOSE_GRADE', { grade: 'second', comment: '成果较好，建议评为二等奖' });
    await advanceRound(world, stage, { roundId });
    return read(project.id);
  }
  const project = await driveTo(world, state, { roundId, roundAt: stage });
  let version = project.version;
  if (state === 'preliminarily_checked') {
    await assignReviewers(world, project.id);
    for (let i = 0; i < world.reviewers.length; i += 1) version = (await fireOk(world, project.id, 'SUBMIT_REVIEW', undefined, i)).project.version;
  }
  if (state === 'final_acceptance') {
    await acceptanceReviews(world, roundId, project.id);
    return read(project.id);
  }
  if (variant === 'recommended') version = (await fireOk(world, project.id, 'RECOMMEND')).project.version;
  return { id: project.id, version };
}

interface Fixture {
  test: TestApp;
  world: World;
  callers: Record<CallerName, User>;
  /** The project every refused request is sent to. */
  base: { id: string; version: number };
}

async function fixture(c: Case): Promise<Fixture> {
  // The default app: rounds it creates run round@2 with project@2.
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
  return { test, world, callers, base: await prepare(world, c) };
}

function logCount(test: TestApp): number {
  return (test.db.$client.prepare('select count(*) c from transition_log').get() as { c: number }).c;
}

function storedProject(test: TestApp, id: string): { state: string; version: number; machine: string } {
  return test.db.$client.prepare("select state, version, machine_id || '@' || machine_version machine from projects where id = ?").get(id) as {
    state: string;
    version: number;
    machine: string;
  };
}

function lastLogRow(test: TestApp, id: string) {
  return test.db.$client
    .prepare("select event, from_state, to_state, actor_id, actor_role from transition_log where subject_kind = 'project' and subject_id = ? order by seq desc limit 1")
    .get(id) as { event: string; from_state: string; to_state: string; actor_id: string; actor_role: string };
}

async function getAsOrgDept(f: Fixture, id: string) {
  return call(f.test.app, f.world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${id}` });
}

async function roundStateOf(f: Fixture, id: string): Promise<{ state: RoundState; version: number }> {
  const project = await getAsOrgDept(f, id);
  const round = await call(f.test.app, f.world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${project.body.roundId}` });
  return { state: round.body.state, version: round.body.machine.version };
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

describe.each(CASES.map((c) => [caseName(c), c] as const))('in state %s', (_name, c) => {
  const { state, stage } = c;
  let f: Fixture;
  /** The events that answered 200, per caller: compared with allowedEvents at the end. */
  const answered200 = new Map<CallerName, EventType[]>();

  beforeAll(async () => {
    f = await fixture(c);
    expect(storedProject(f.test, f.base.id)).toEqual({ state, version: f.base.version, machine: 'project@2' });
    expect(await roundStateOf(f, f.base.id)).toEqual({ state: stage, version: 2 });
  });
  afterAll(async () => {
    await f?.test.close();
  });

  describe.each(CALLERS.map((caller) => [caller.describe, caller] as const))('%s', (_label, caller) => {
    it('answers every event type as the lifecycle table says', async () => {
      const ok: EventType[] = [];
      for (const event of EVENT_TYPES) {
        const expected = expectation(caller, c, event);
        const user = f.callers[caller.name];
        const { payload } = firing(f.world, event);
        const where = `${caller.name} fires ${event} in ${caseName(c)}`;

        if (expected.status === 200) {
          // A fresh project in the same state, so that the shared one keeps its state.
          const project = await prepare(f.world, c);
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
          expect.soft(storedProject(f.test, project.id), where).toEqual({ state: expected.to, version: project.version + 1, machine: 'project@2' });
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
        if (expected.gate) {
          expect.soft(response.body?.roundState, where).toBe(stage);
          expect.soft(response.body?.gate?.name, where).toBe(expected.gate);
          expect.soft(response.body?.gate?.onlyVia, where).toBe(expected.onlyVia);
        }
        expect.soft(logCount(f.test), `${where}: no log row`).toBe(logBefore);
        expect.soft(storedProject(f.test, f.base.id), where).toEqual({ state, version: f.base.version, machine: 'project@2' });
      }
      // Through the API too, the refused project is as it was.
      const seen = await getAsOrgDept(f, f.base.id);
      expect.soft(seen.body, `${caller.name}: the refused project unchanged`).toMatchObject({ state, version: f.base.version });
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
