/**
 * Whole journeys over HTTP, one per final state, as the people of DOMAIN.md would walk them: each
 * step answers 200, the transition history lists every step in order, applicants never learn who
 * scored what, and the hash chain verifies at the end. Then the guards a user runs into on the way:
 * deadlines (Asia/Shanghai, end of day inclusive), the panel's minimum and pending reviews, a second
 * recommendation, and conflicts of interest when assigning reviewers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import type { EventType, Grade, ProjectState } from '../../machines/project.types.js';
import type { components } from '../../src/web/api/schema.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { onPostgres } from '../helpers/postgres.js';
import type { RoundState } from '../../machines/round.types.js';
import {
  addToPanel,
  advanceRound,
  assignReviewers,
  createDraft,
  createUnit,
  createUser,
  createWorld,
  driveTo,
  fire,
  fireOk,
  firing,
  type User,
  type World,
} from '../helpers/world.js';

const PROBLEM = (kind: string): string => `urn:lixiang:problem:${kind}`;

// The answers these journeys read, as the OpenAPI document describes them (the generated client's types).
type EventResult = components['schemas']['EventResult'];
type Problem = components['schemas']['Problem'];
type Transition = components['schemas']['Transition'];
type Assignment = components['schemas']['Assignment'];

let t: TestApp;

beforeEach(async () => {
  t = await createTestApp({ lifecycles: FIRST_EDITION_LIFECYCLES });
});
afterEach(async () => {
  await t.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function logCount(): number {
  return (t.db.$client.prepare('select count(*) c from transition_log').get() as { c: number }).c;
}

function projectLogCount(id: string): number {
  return (t.db.$client.prepare("select count(*) c from transition_log where subject_kind = 'project' and subject_id = ?").get(id) as { c: number }).c;
}

interface Step {
  /** A machine event, or EDIT_DRAFT: a draft's edit, a record entry of the project. */
  event: EventType | 'EDIT_DRAFT';
  from: ProjectState;
  to: ProjectState;
  actor: User;
}

/** One project walked step by step; every step must answer 200 and is remembered for the history. */
class Journey {
  readonly steps: Step[] = [];
  state: ProjectState = 'draft';
  etag: string;

  constructor(
    readonly world: World,
    readonly id: string,
    public version: number,
  ) {
    this.etag = `"${version}"`;
  }

  static async start(world: World): Promise<Journey> {
    const draft = await createDraft(world);
    return new Journey(world, draft.id, draft.version);
  }

  /** Fires `event` as the table's actor (or `as`) with a valid payload (or `payload`); expects `to`. */
  async step(event: EventType, to: ProjectState, options: { as?: User; payload?: Record<string, unknown>; reviewer?: number } = {}) {
    const who = firing(this.world, event, options.reviewer ?? 0);
    const actor = options.as ?? who.user;
    const before = logCount();
    const response = await fire(this.world, this.id, actor, event, options.payload ?? who.payload);
    expect(response.status, `${event} in ${this.state}: ${JSON.stringify(response.body)}`).toBe(200);
    expect(response.body.project.state).toBe(to);
    expect(response.body.project.version).toBe(this.version + 1);
    expect(response.body.transition).toMatchObject({ event, fromState: this.state, toState: to });
    expect(response.headers.etag).toBe(`"${this.version + 1}"`);
    expect(logCount()).toBe(before + 1);
    this.steps.push({ event, from: this.state, to, actor });
    this.state = to;
    this.version = response.body.project.version;
    this.etag = String(response.headers.etag);
    return response.body as EventResult;
  }

  /** Fires an event that must be refused with `status` and `type`; nothing may change. */
  async refused(event: EventType, as: User, payload: Record<string, unknown>, status: number, kind: string) {
    const before = logCount();
    const response = await fire(this.world, this.id, as, event, payload);
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(response.body.type).toBe(PROBLEM(kind));
    expect(logCount()).toBe(before);
    const seen = await this.get(this.world.orgDept);
    expect(seen.body).toMatchObject({ state: this.state, version: this.version });
    return response.body as Problem;
  }

  /**
   * Advances the project's round (the world's) to `target`; PUBLISH_LIST starts the approved project,
   * a step of its history fired by org_dept.
   */
  async round(target: RoundState) {
    const before = this.state;
    await advanceRound(this.world, target);
    const seen = await this.get(this.world.orgDept);
    if (seen.body.state !== before) {
      expect({ from: before, to: seen.body.state }).toEqual({ from: 'committee_approved', to: 'in_progress' });
      this.steps.push({ event: 'START', from: before, to: 'in_progress', actor: this.world.orgDept });
      this.state = 'in_progress';
    }
    expect(seen.body.version).toBe(this.version + (seen.body.state === before ? 0 : 1));
    this.version = seen.body.version;
    this.etag = String(seen.headers.etag);
  }

  async get(as: User) {
    return call(this.world.app, as.token, { method: 'GET', url: `/api/v1/projects/${this.id}` });
  }

  async assignReviewer(reviewer: User) {
    return call(this.world.app, this.world.orgDept.token, {
      method: 'POST',
      url: `/api/v1/projects/${this.id}/reviewers`,
      payload: { reviewerId: reviewer.id },
    });
  }

  /** SUBMIT, preliminary check, every reviewer of the round assigned and scoring, panel closed. */
  async throughPanel(): Promise<void> {
    await this.step('SUBMIT', 'submitted');
    await this.step('PASS_PRELIMINARY_CHECK', 'preliminarily_checked');
    await this.round('under_review');
    await assignReviewers(this.world, this.id);
    for (let i = 0; i < this.world.reviewers.length; i += 1) {
      await this.step('SUBMIT_REVIEW', 'preliminarily_checked', { reviewer: i });
    }
    await this.step('COMPLETE_PANEL_REVIEW', 'panel_reviewed');
  }

  /** The whole history, in order, as org_dept and as the applicant sees it; then the hash chain. */
  async checkHistory(): Promise<void> {
    // The project's creation is its first entry (a record entry), then every step of its machine.
    const history: Array<Omit<Step, 'event' | 'from'> & { event: string; from: string }> = [
      { event: 'CREATE_PROJECT', from: 'none', to: 'draft', actor: this.world.applicant },
      ...this.steps,
    ];
    const expected = history.map((s) => ({ event: s.event, fromState: s.from, toState: s.to }));
    expect(projectLogCount(this.id)).toBe(history.length);

    const full = await call(this.world.app, this.world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${this.id}/transitions?limit=500` });
    expect(full.status).toBe(200);
    const entries = full.body.items as Transition[];
    expect(entries.map((e) => ({ event: e.event, fromState: e.fromState, toState: e.toState }))).toEqual(expected);
    expect(entries.map((e) => e.actor.id)).toEqual(history.map((s) => s.actor.id));
    const seqs = entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    const redacted = await call(this.world.app, this.world.applicant.token, { method: 'GET', url: `/api/v1/projects/${this.id}/transitions?limit=500` });
    expect(redacted.status).toBe(200);
    const asApplicant = redacted.body.items as Transition[];
    expect(asApplicant.map((e) => ({ event: e.event, fromState: e.fromState, toState: e.toState }))).toEqual(expected);
    asApplicant.forEach((entry, index) => {
      const step = history[index]!;
      if (entry.event === 'SUBMIT_REVIEW') {
        expect(entry.actor).toEqual({ id: null, name: null, role: 'reviewer', unitId: null });
        expect(entry.payload).toEqual({ redacted: true });
      } else {
        expect(entry.actor.id).toBe(step.actor.id);
        expect(entry.payload).not.toHaveProperty('redacted');
      }
    });
    // org_dept does see the reviews in full.
    for (const entry of entries.filter((e) => e.event === 'SUBMIT_REVIEW')) {
      expect(entry.payload).toHaveProperty('scores');
      expect(this.world.reviewers.map((r) => r.id)).toContain(entry.actor.id);
    }

    const verify = await call(this.world.app, this.world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ valid: true, count: logCount() });
  }
}

function reviewRows(projectId: string) {
  return t.db.$client.prepare('select reviewer_id, total, comment from reviews where project_id = ? order by reviewer_id').all(projectId) as Array<{
    reviewer_id: string;
    total: number;
    comment: string;
  }>;
}

const SECOND_SCORES = { direction: 20, innovation: 19, practicality: 18, breadth: 17, exemplarity: 16 };

// ---------------------------------------------------------------------------------------------
// Journeys to each final state
// ---------------------------------------------------------------------------------------------

describe('a full journey to graded', () => {
  it.each([
    ['first', 3000],
    ['second', 2000],
    ['third', 1500],
    ['qualified', 1000],
  ] as Array<[Grade, number]>)('grade %s: funding %i from the round, through every detour of the lifecycle', async (grade, funding) => {
    const world = await createWorld(t.app);
    const j = await Journey.start(world);

    // Submitted, returned for revision, edited with If-Match, resubmitted.
    await j.step('SUBMIT', 'submitted');
    await j.step('RETURN_FOR_REVISION', 'draft');
    const stale = await call(t.app, world.applicant.token, {
      method: 'PATCH',
      url: `/api/v1/projects/${j.id}`,
      headers: { 'if-match': `"${j.version - 1}"` },
      payload: { letter: { expectedOutcomes: '不会被保存' } },
    });
    expect(stale.status).toBe(412);
    const fetched = await j.get(world.applicant);
    expect(fetched.headers.etag).toBe(j.etag);
    expect(fetched.body.allowedEvents.sort()).toEqual(['SUBMIT', 'WITHDRAW']);
    const patched = await call(t.app, world.applicant.token, {
      method: 'PATCH',
      url: `/api/v1/projects/${j.id}`,
      headers: { 'if-match': String(fetched.headers.etag) },
      payload: { title: '“红色旋律”党员先锋岗（修订）', letter: { expectedOutcomes: '每月一次主题党日，年底汇报音乐会一场，形成案例集。' } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.version).toBe(j.version + 1);
    expect(patched.headers.etag).toBe(`"${j.version + 1}"`);
    expect(patched.body.title).toBe('“红色旋律”党员先锋岗（修订）');
    expect(patched.body.letter.expectedOutcomes).toBe('每月一次主题党日，年底汇报音乐会一场，形成案例集。');
    expect(patched.body.letter.leader).toBe('王书记');
    j.version = patched.body.version;
    j.steps.push({ event: 'EDIT_DRAFT', from: 'draft', to: 'draft', actor: world.applicant });
    const resubmitted = await j.step('SUBMIT', 'submitted');
    expect(resubmitted.project.submissions).toBe(2);

    // Preliminary check, panel: the first reviewer scores twice, the second replaces the first.
    await j.step('PASS_PRELIMINARY_CHECK', 'preliminarily_checked');
    await j.round('under_review');
    await assignReviewers(world, j.id);
    const [first, second] = world.reviewers as [User, User];
    await j.step('SUBMIT_REVIEW', 'preliminarily_checked', { reviewer: 0 });
    expect(reviewRows(j.id)).toEqual([{ reviewer_id: first.id, total: 77, comment: '特色鲜明，可操作性强' }]);
    await j.step('SUBMIT_REVIEW', 'preliminarily_checked', { reviewer: 0, payload: { scores: SECOND_SCORES, comment: '复核后上调评分' } });
    expect(reviewRows(j.id)).toEqual([{ reviewer_id: first.id, total: 90, comment: '复核后上调评分' }]);
    await j.step('SUBMIT_REVIEW', 'preliminarily_checked', { reviewer: 1 });
    expect(reviewRows(j.id)).toEqual(
      [
        { reviewer_id: first.id, total: 90, comment: '复核后上调评分' },
        { reviewer_id: second.id, total: 77, comment: '特色鲜明，可操作性强' },
      ].sort((a, b) => a.reviewer_id.localeCompare(b.reviewer_id)),
    );
    await j.step('COMPLETE_PANEL_REVIEW', 'panel_reviewed');

    // Committee, the published list starting it, implementation, a returned final report and a second one.
    await j.step('APPROVE', 'committee_approved');
    await j.round('in_execution');
    await j.step('SUBMIT_PROGRESS_REPORT', 'in_progress');
    await j.round('under_acceptance');
    await j.step('SUBMIT_FINAL_REPORT', 'final_acceptance');
    await j.step('RETURN_FINAL_REPORT', 'in_progress');
    await j.step('SUBMIT_FINAL_REPORT', 'final_acceptance', { payload: { summary: '补充活动照片与参与名单后重新提交' } });

    // Acceptance: the grade and the round's funding for it.
    const graded = await j.step('GRADE', 'graded', { payload: { grade } });
    expect(graded.project).toMatchObject({ grade, funding, recommended: false });
    // The log holds the amount as well as the grade.
    expect(graded.transition.payload).toMatchObject({ grade, funding });
    const asApplicant = await j.get(world.applicant);
    expect(asApplicant.body).toMatchObject({ state: 'graded', grade, funding });
    expect(t.db.$client.prepare('select grade, funding from projects where id = ?').get(j.id)).toEqual({ grade, funding });

    // Recommended once; a second recommendation is refused by its guard.
    const recommended = await j.step('RECOMMEND', 'graded');
    expect(recommended.project.recommended).toBe(true);
    expect((await j.get(world.committee)).body.allowedEvents).toEqual([]);
    const again = await j.refused('RECOMMEND', world.committee, { note: '再次推荐' }, 422, 'guard-failed');
    expect(again.violation?.code).toBe('already_recommended');

    await j.checkHistory();
    expect(j.steps).toHaveLength(17); // 16 events and the draft's edit
  });
});

describe('a full journey to failed', () => {
  it('fails final acceptance: funding 0, no grade, nothing more accepted', async () => {
    const world = await createWorld(t.app);
    const j = await Journey.start(world);
    await j.throughPanel();
    await j.step('APPROVE', 'committee_approved');
    await j.round('in_execution');
    await j.round('under_acceptance');
    await j.step('SUBMIT_FINAL_REPORT', 'final_acceptance');
    const failed = await j.step('FAIL', 'failed');
    expect(failed.project).toMatchObject({ funding: 0, grade: null });
    expect((await j.get(world.applicant)).body).toMatchObject({ state: 'failed', funding: 0, grade: null, allowedEvents: [] });
    expect((await j.get(world.orgDept)).body.allowedEvents).toEqual([]);
    await j.refused('GRADE', world.orgDept, { grade: 'first' }, 409, 'illegal-transition');
    await j.checkHistory();
  });
});

describe('full journeys to rejected', () => {
  it('rejected by org_dept at the preliminary check, right after submission', async () => {
    const world = await createWorld(t.app);
    const j = await Journey.start(world);
    await j.step('SUBMIT', 'submitted');
    const rejected = await j.step('REJECT', 'rejected', { as: world.orgDept, payload: { reason: '属于常规工作，不符合立项要求' } });
    expect(rejected.project).toMatchObject({ funding: null, grade: null });
    expect((await j.get(world.applicant)).body.allowedEvents).toEqual([]);
    await j.refused('SUBMIT', world.applicant, {}, 409, 'illegal-transition');
    await j.checkHistory();
    expect(j.steps.map((s) => s.event)).toEqual(['SUBMIT', 'REJECT']);
  });

  it('rejected by the committee after the panel review', async () => {
    const world = await createWorld(t.app);
    const j = await Journey.start(world);
    await j.throughPanel();
    // org_dept may reject only at the preliminary check.
    const byOrgDept = await j.refused('REJECT', world.orgDept, { reason: '不予立项' }, 403, 'forbidden');
    expect(byOrgDept.violation?.code).toBe('role_not_allowed');
    await j.step('REJECT', 'rejected', { as: world.committee, payload: { reason: '党委会议研究，不予立项' } });
    await j.refused('APPROVE', world.committee, { meetingReference: '党委会〔2023〕6次' }, 409, 'illegal-transition');
    await j.checkHistory();
    expect(j.steps.at(-1)).toMatchObject({ event: 'REJECT', from: 'panel_reviewed', to: 'rejected', actor: world.committee });
  });
});

describe('full journeys to withdrawn', () => {
  it('withdrawn from draft', async () => {
    const world = await createWorld(t.app);
    const j = await Journey.start(world);
    await j.step('WITHDRAW', 'withdrawn');
    await j.refused('SUBMIT', world.applicant, {}, 409, 'illegal-transition');
    await j.checkHistory();
  });

  it('withdrawn from submitted, without a reason', async () => {
    const world = await createWorld(t.app);
    const j = await Journey.start(world);
    await j.step('SUBMIT', 'submitted');
    await j.step('WITHDRAW', 'withdrawn', { payload: {} });
    await j.refused('PASS_PRELIMINARY_CHECK', world.orgDept, {}, 409, 'illegal-transition');
    await j.checkHistory();
  });
});

// ---------------------------------------------------------------------------------------------
// Deadlines
// ---------------------------------------------------------------------------------------------

describe('the submission deadline (2023-03-29, Asia/Shanghai, end of day inclusive)', () => {
  it('accepts a submission one second before the end of the day and refuses one a second after it', async () => {
    const world = await createWorld(t.app, { submissionDeadline: '2023-03-29' });
    const onTime = await Journey.start(world);
    const late = await Journey.start(world);

    t.clock.set(Date.parse('2023-03-29T23:59:59+08:00'));
    await onTime.step('SUBMIT', 'submitted');

    // The round's submission gate closes with the unit's deadline (the machine's own 422 deadline_passed
    // is behind it, tested on the machine): neither SUBMIT nor WITHDRAW is offered any more.
    t.clock.set(Date.parse('2023-03-30T00:00:01+08:00'));
    const refused = await late.refused('SUBMIT', world.applicant, {}, 409, 'round-gate-closed');
    expect(refused).toMatchObject({ code: 'submission_closed', roundState: 'open', gate: { name: 'submission' }, condition: { closedAt: '2023-03-29T16:00:00.000Z' } });
    expect(projectLogCount(late.id)).toBe(1); // its creation only
    expect((await late.get(world.applicant)).body).toMatchObject({ state: 'draft', allowedEvents: [] });
  });

  it('lets a project returned for revision be resubmitted until the revision deadline, not after', async () => {
    const world = await createWorld(t.app, { submissionDeadline: '2023-03-29', revisionDeadline: '2023-04-15' });
    const early = await Journey.start(world);
    const tooLate = await Journey.start(world);
    const neverSubmitted = await Journey.start(world);
    for (const j of [early, tooLate]) {
      await j.step('SUBMIT', 'submitted');
      await j.step('RETURN_FOR_REVISION', 'draft');
    }

    // After the submission deadline, before the end of the revision deadline day.
    t.clock.set(Date.parse('2023-04-15T23:59:59+08:00'));
    const ordinary = await neverSubmitted.refused('SUBMIT', world.applicant, {}, 409, 'round-gate-closed');
    expect(ordinary).toMatchObject({ code: 'submission_closed' });
    await early.step('SUBMIT', 'submitted');

    t.clock.set(Date.parse('2023-04-16T00:00:01+08:00'));
    const refused = await tooLate.refused('SUBMIT', world.applicant, {}, 409, 'round-gate-closed');
    expect(refused).toMatchObject({ code: 'revision_closed', condition: { closedAt: '2023-04-15T16:00:00.000Z' } });
    expect(projectLogCount(tooLate.id)).toBe(3); // its creation, SUBMIT, RETURN_FOR_REVISION
    expect((await tooLate.get(world.applicant)).body).toMatchObject({ state: 'draft', allowedEvents: [] });
  });
});

// ---------------------------------------------------------------------------------------------
// The panel
// ---------------------------------------------------------------------------------------------

async function preliminarilyChecked(world: World): Promise<Journey> {
  const project = await driveTo(world, 'preliminarily_checked');
  // The panel works while the round is under review.
  await advanceRound(world, 'under_review');
  const j = new Journey(world, project.id, project.version);
  j.state = 'preliminarily_checked';
  return j;
}

describe('closing the panel review', () => {
  it('refuses to close with fewer reviews than the round minimum (too_few_reviews)', async () => {
    const world = await createWorld(t.app, { minReviews: 2 });
    const j = await preliminarilyChecked(world);
    const none = await j.refused('COMPLETE_PANEL_REVIEW', world.orgDept, {}, 422, 'guard-failed');
    expect(none.violation).toMatchObject({ code: 'too_few_reviews', detail: { reviews: 0, required: 2 } });

    const [first] = world.reviewers as [User, User];
    expect((await j.assignReviewer(first)).status).toBe(201);
    await j.step('SUBMIT_REVIEW', 'preliminarily_checked', { reviewer: 0 });
    // The same reviewer scoring again still counts once.
    await j.step('SUBMIT_REVIEW', 'preliminarily_checked', { reviewer: 0, payload: { scores: SECOND_SCORES, comment: '再评' } });
    expect((await j.get(world.orgDept)).body.allowedEvents).toEqual([]);
    const one = await j.refused('COMPLETE_PANEL_REVIEW', world.orgDept, {}, 422, 'guard-failed');
    expect(one.violation).toMatchObject({ code: 'too_few_reviews', detail: { reviews: 1, required: 2 } });
  });

  it('refuses to close while an assigned reviewer has not scored (reviews_pending), then closes', async () => {
    const world = await createWorld(t.app, { minReviews: 2 });
    const late = await createUser(t.app, '图书馆评审', 'reviewer', world.units.direct);
    await addToPanel(t.app, world.roundId, [late]);
    const j = await preliminarilyChecked(world);
    await assignReviewers(world, j.id);
    expect((await j.assignReviewer(late)).status).toBe(201);
    await j.step('SUBMIT_REVIEW', 'preliminarily_checked', { reviewer: 0 });
    await j.step('SUBMIT_REVIEW', 'preliminarily_checked', { reviewer: 1 });

    const pending = await j.refused('COMPLETE_PANEL_REVIEW', world.orgDept, {}, 422, 'guard-failed');
    expect(pending.violation).toMatchObject({ code: 'reviews_pending', detail: { pendingReviewerIds: [late.id] } });
    expect((await j.get(world.orgDept)).body.allowedEvents).toEqual([]);

    await j.step('SUBMIT_REVIEW', 'preliminarily_checked', { as: late });
    expect((await j.get(world.orgDept)).body.allowedEvents).toEqual(['COMPLETE_PANEL_REVIEW']);
    await j.step('COMPLETE_PANEL_REVIEW', 'panel_reviewed');
  });
});

describe('assigning reviewers', () => {
  it('refuses a reviewer of the project’s own unit or of the unit above it (conflict_of_interest)', async () => {
    const world = await createWorld(t.app);
    const project = await driveTo(world, 'submitted');
    const j = new Journey(world, project.id, project.version);
    const ofParent = await createUser(t.app, '音乐学院评审', 'reviewer', world.units.general);
    const unrelatedUnit = await createUnit(t.app, '后勤直属党支部', 'direct_branch');
    const unrelated = await createUser(t.app, '后勤评审', 'reviewer', unrelatedUnit);
    await addToPanel(t.app, world.roundId, [ofParent, unrelated]);

    for (const reviewer of [world.conflictedReviewer, ofParent]) {
      const response = await j.assignReviewer(reviewer);
      expect(response.status, JSON.stringify(response.body)).toBe(422);
      expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe('conflict_of_interest');
      // Not assigned: the reviewer cannot see the project, let alone score it.
      expect((await j.get(reviewer)).status).toBe(404);
    }
    expect((await j.assignReviewer(unrelated)).status).toBe(201);

    const listed = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${j.id}/reviewers` });
    expect((listed.body.items as Assignment[]).map((a) => a.reviewerId)).toEqual([unrelated.id]);
    expect(t.db.$client.prepare('select count(*) c from reviewer_assignments where project_id = ?').get(j.id)).toEqual({ c: 1 });
  });
});

describe('the state filter follows every step', () => {
  // An event that keeps the project in its state writes the row without assigning `state`, so the
  // (state, id) index is left as it is; one that moves it rewrites the index entry. Both must agree
  // with the table.
  it('lists the project under its current state only, whether an event moved it or kept it, and the index agrees with the table', async () => {
    const world = await createWorld(t.app);
    const { id, roundId } = await driveTo(world, 'in_progress');
    const listedUnder = async (state: ProjectState) => {
      const page = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects?state=${state}&limit=100` });
      expect(page.status).toBe(200);
      return (page.body.items as Array<{ id: string }>).some((p) => p.id === id);
    };
    // Read through the index itself (SQLite: INDEXED BY; PostgreSQL: sequential scans off).
    if (onPostgres) t.owner().exec('SET enable_seqscan = off');
    const indexed = (state: ProjectState) =>
      t
        .owner()
        .prepare(`SELECT id FROM projects ${onPostgres ? '' : 'INDEXED BY projects_state_id_idx '}WHERE state = ? AND id = ?`)
        .get(state, id) !== undefined;
    // Progress reports while the round is in execution, the rest once acceptance is open.
    const steps: Array<[EventType, ProjectState, ProjectState]> = [
      ['SUBMIT_PROGRESS_REPORT', 'in_progress', 'in_progress'],
      ['SUBMIT_PROGRESS_REPORT', 'in_progress', 'in_progress'],
      ['SUBMIT_FINAL_REPORT', 'in_progress', 'final_acceptance'],
      ['RETURN_FINAL_REPORT', 'final_acceptance', 'in_progress'],
      ['SUBMIT_FINAL_REPORT', 'in_progress', 'final_acceptance'],
      ['GRADE', 'final_acceptance', 'graded'],
      ['RECOMMEND', 'graded', 'graded'],
    ];
    for (const [event, from, to] of steps) {
      if (event === 'SUBMIT_FINAL_REPORT') await advanceRound(world, 'under_acceptance', { roundId });
      const before = t.db.$client.prepare('SELECT version FROM projects WHERE id = ?').get(id) as { version: number };
      const body = await fireOk(world, id, event);
      expect(body.project.state).toBe(to);
      expect(body.project.version).toBe(before.version + 1);
      expect(t.db.$client.prepare('SELECT state, version FROM projects WHERE id = ?').get(id)).toEqual({ state: to, version: before.version + 1 });
      expect(await listedUnder(to), `${event}: listed under ${to}`).toBe(true);
      expect(indexed(to)).toBe(true);
      if (from !== to) {
        expect(await listedUnder(from), `${event}: no longer under ${from}`).toBe(false);
        expect(indexed(from)).toBe(false);
      }
    }
    const stored = t.db.$client.prepare('SELECT context FROM projects WHERE id = ?').get(id) as { context: string };
    expect(JSON.parse(stored.context)).toMatchObject({ progressReports: 2, recommended: true });
    // SQLite checks its file; PostgreSQL's indexes are checked by the reads through them above.
    if (!onPostgres) expect(t.db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
