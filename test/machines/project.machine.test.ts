/**
 * Pure tests of the project lifecycle machine (no HTTP, no database) against the lifecycle table of
 * DOMAIN.md. The expected table below is written out by hand from DOMAIN.md and deliberately NOT
 * derived from TRANSITIONS, so that a machine drifting from the spec fails here.
 */
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { projectMachine } from '../../machines/project.machine.js';
import {
  TRANSITIONS,
  allowedEvents,
  createProject,
  decide,
  describeMachine,
  eventsAcceptedIn,
  persistProject,
  restoreProject,
  stateOf,
  toMermaid,
  type Decision,
  type PersistedProject,
  type ProjectSnapshot,
} from '../../machines/project.lifecycle.js';
import {
  CRITERIA,
  PROJECT_1_EVENT_TYPES,
  GRADES,
  STATES,
  type Actor,
  type EventPayloads,
  type EventType,
  type Facts,
  type Grade,
  type ProjectEvent,
  type ProjectState,
  type Role,
  type Scores,
} from '../../machines/project.types.js';
import { PROJECT_ID, ROUND_FUNDING, SUBMISSION_CLOSES_AT, UNIT_ID, activity, actors, completeLetter, makeFacts, type ActorName } from '../helpers/facts.js';

// ---------------------------------------------------------------------------------------------
// The specification, literally from DOMAIN.md
// ---------------------------------------------------------------------------------------------

const SPEC_STATES: readonly ProjectState[] = [
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

const SPEC_EVENTS: readonly EventType[] = [
  'SUBMIT',
  'WITHDRAW',
  'RETURN_FOR_REVISION',
  'PASS_PRELIMINARY_CHECK',
  'REJECT',
  'SUBMIT_REVIEW',
  'COMPLETE_PANEL_REVIEW',
  'APPROVE',
  'START',
  'SUBMIT_PROGRESS_REPORT',
  'SUBMIT_FINAL_REPORT',
  'RETURN_FINAL_REPORT',
  'GRADE',
  'FAIL',
  'RECOMMEND',
];

interface SpecRow {
  from: ProjectState;
  event: EventType;
  to: ProjectState;
  role: Role;
}

/** The lifecycle table of DOMAIN.md, one row per (state, event) pair. */
const LIFECYCLE: readonly SpecRow[] = [
  { from: 'draft', event: 'SUBMIT', to: 'submitted', role: 'applicant' },
  { from: 'draft', event: 'WITHDRAW', to: 'withdrawn', role: 'applicant' },
  { from: 'submitted', event: 'WITHDRAW', to: 'withdrawn', role: 'applicant' },
  { from: 'submitted', event: 'RETURN_FOR_REVISION', to: 'draft', role: 'org_dept' },
  { from: 'submitted', event: 'PASS_PRELIMINARY_CHECK', to: 'preliminarily_checked', role: 'org_dept' },
  { from: 'submitted', event: 'REJECT', to: 'rejected', role: 'org_dept' },
  { from: 'preliminarily_checked', event: 'SUBMIT_REVIEW', to: 'preliminarily_checked', role: 'reviewer' },
  { from: 'preliminarily_checked', event: 'COMPLETE_PANEL_REVIEW', to: 'panel_reviewed', role: 'org_dept' },
  { from: 'panel_reviewed', event: 'APPROVE', to: 'committee_approved', role: 'committee' },
  { from: 'panel_reviewed', event: 'REJECT', to: 'rejected', role: 'committee' },
  { from: 'committee_approved', event: 'START', to: 'in_progress', role: 'org_dept' },
  { from: 'in_progress', event: 'SUBMIT_PROGRESS_REPORT', to: 'in_progress', role: 'applicant' },
  { from: 'in_progress', event: 'SUBMIT_FINAL_REPORT', to: 'final_acceptance', role: 'applicant' },
  { from: 'final_acceptance', event: 'RETURN_FINAL_REPORT', to: 'in_progress', role: 'org_dept' },
  { from: 'final_acceptance', event: 'GRADE', to: 'graded', role: 'org_dept' },
  { from: 'final_acceptance', event: 'FAIL', to: 'failed', role: 'org_dept' },
  { from: 'graded', event: 'RECOMMEND', to: 'graded', role: 'committee' },
];

const FINAL_STATES: readonly ProjectState[] = ['failed', 'rejected', 'withdrawn'];

/** The Chinese state labels DOMAIN.md gives. */
const SPEC_STATE_ZH: Record<ProjectState, string> = {
  draft: '草稿',
  submitted: '已申报（待初审）',
  preliminarily_checked: '初审通过（待评审）',
  panel_reviewed: '评审完成（待党委研究）',
  committee_approved: '党委批准立项',
  in_progress: '实施中',
  final_acceptance: '结项验收中',
  graded: '已评定等级',
  failed: '未通过结项',
  rejected: '未获立项',
  withdrawn: '已撤回',
};

const ALL_ROLES: readonly Role[] = ['applicant', 'org_dept', 'reviewer', 'committee', 'auditor', 'admin'];

const specRow = (from: ProjectState, event: EventType): SpecRow | undefined => LIFECYCLE.find((row) => row.from === from && row.event === event);
const rolesFiring = (event: EventType): Role[] => [...new Set(LIFECYCLE.filter((row) => row.event === event).map((row) => row.role))];
const sorted = <T extends string>(values: readonly T[]): T[] => [...values].sort();

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers
// ---------------------------------------------------------------------------------------------

/** Groups the assertions of one legal case. */
function legalCase(body: () => void): void {
  body();
}

const ACTOR_FOR_ROLE: Record<Role, Actor> = {
  applicant: actors.applicant,
  org_dept: actors.orgDept,
  reviewer: actors.reviewer,
  committee: actors.committee,
  auditor: actors.auditor,
  admin: actors.admin,
};

const SCORES: Scores = { direction: 8, innovation: 7, practicality: 9, breadth: 6, exemplarity: 8 };

/** A valid payload for every event type. */
const VALID: { [T in EventType]: EventPayloads[T] } = {
  SUBMIT: {},
  WITHDRAW: { reason: '项目负责人调离' },
  RETURN_FOR_REVISION: { comment: '活动载体不够具体，请补充时间安排' },
  PASS_PRELIMINARY_CHECK: {},
  REJECT: { reason: '属于日常教学工作，不宜立项' },
  SUBMIT_REVIEW: { scores: SCORES, comment: '方向正确，实践性强，创新性一般' },
  COMPLETE_PANEL_REVIEW: {},
  APPROVE: { meetingReference: '党委会〔2023〕第5次' },
  START: {},
  SUBMIT_PROGRESS_REPORT: { text: '已完成第一场主题音乐会' },
  SUBMIT_FINAL_REPORT: { summary: '完成两场音乐会，形成育人案例一份' },
  RETURN_FINAL_REPORT: { comment: '缺少成果佐证材料' },
  GRADE: { grade: 'second' },
  FAIL: { reason: '全年未开展约定活动' },
  RECOMMEND: { note: '推荐参加省级高校党建创新案例评选' },
  REVERSE_DECISION: { reason: '异议成立' },
  SUBMIT_ACCEPTANCE_REVIEW: { scores: { completion: 8 }, comment: '完成度高' },
  PROPOSE_GRADE: { grade: 'second' },
  RECORD_RECOMMENDATION_OUTCOME: { outcome: 'selected', level: '省级' },
};

interface Fire {
  actor?: Actor;
  /** Replaces the valid payload of the event. */
  payload?: object;
  facts?: Partial<Facts>;
}

/** The actor of the spec row for (state, event), or of any row firing the event. */
function defaultActor(state: ProjectState, event: EventType): Actor {
  const row = specRow(state, event) ?? LIFECYCLE.find((r) => r.event === event);
  if (!row) throw new Error(`no spec row fires ${event}`);
  return ACTOR_FOR_ROLE[row.role];
}

function eventOf(snapshot: ProjectSnapshot, type: EventType, options: Fire = {}): ProjectEvent {
  return {
    type,
    ...(options.payload ?? VALID[type]),
    actor: options.actor ?? defaultActor(stateOf(snapshot), type),
    facts: makeFacts(options.facts),
  } as ProjectEvent;
}

function fire(snapshot: ProjectSnapshot, type: EventType, options: Fire = {}): Decision {
  return decide(snapshot, eventOf(snapshot, type, options));
}

/** Fires an event that must succeed and returns the next snapshot. */
function step(snapshot: ProjectSnapshot, type: EventType, options: Fire = {}): ProjectSnapshot {
  const decision = fire(snapshot, type, options);
  if (!decision.ok) {
    throw new Error(`${type} in ${stateOf(snapshot)} refused: ${JSON.stringify(decision)}`);
  }
  return decision.snapshot;
}

const newProject = (): ProjectSnapshot => createProject({ projectId: PROJECT_ID, unitId: UNIT_ID });

const TO_FINAL_ACCEPTANCE: EventType[] = ['SUBMIT', 'PASS_PRELIMINARY_CHECK', 'COMPLETE_PANEL_REVIEW', 'APPROVE', 'START', 'SUBMIT_FINAL_REPORT'];

/** The shortest legal path to each state. */
const PATH: Record<ProjectState, EventType[]> = {
  draft: [],
  submitted: ['SUBMIT'],
  preliminarily_checked: ['SUBMIT', 'PASS_PRELIMINARY_CHECK'],
  panel_reviewed: ['SUBMIT', 'PASS_PRELIMINARY_CHECK', 'COMPLETE_PANEL_REVIEW'],
  committee_approved: ['SUBMIT', 'PASS_PRELIMINARY_CHECK', 'COMPLETE_PANEL_REVIEW', 'APPROVE'],
  in_progress: ['SUBMIT', 'PASS_PRELIMINARY_CHECK', 'COMPLETE_PANEL_REVIEW', 'APPROVE', 'START'],
  final_acceptance: TO_FINAL_ACCEPTANCE,
  graded: [...TO_FINAL_ACCEPTANCE, 'GRADE'],
  failed: [...TO_FINAL_ACCEPTANCE, 'FAIL'],
  rejected: ['SUBMIT', 'REJECT'],
  withdrawn: ['WITHDRAW'],
};

/** Reaches a state by chaining legal decide() calls from createProject. */
function reach(state: ProjectState): ProjectSnapshot {
  const snapshot = PATH[state].reduce((current, event) => step(current, event), newProject());
  expect(stateOf(snapshot)).toBe(state);
  return snapshot;
}

const frozen = (snapshot: ProjectSnapshot): PersistedProject => structuredClone(persistProject(snapshot));

/** Expects a legal decision from `from` to `to`, and returns the next snapshot. */
function expectMoved(decision: Decision, from: ProjectState, to: ProjectState): ProjectSnapshot {
  expect(decision).toMatchObject({ ok: true, from, to });
  if (!decision.ok) throw new Error('unreachable');
  expect(stateOf(decision.snapshot)).toBe(to);
  return decision.snapshot;
}

const INITIAL_CONTEXT = {
  projectId: PROJECT_ID,
  unitId: UNIT_ID,
  returnedForRevision: false,
  submissions: 0,
  grade: null,
  funding: null,
  recommended: false,
  reviewSubmissions: 0,
  progressReports: 0,
};

/** Blank values a required text may take. */
const BLANKS: Array<[string, string | undefined]> = [
  ['empty', ''],
  ['whitespace only', '  \n\t '],
  ['missing', undefined],
];

/** Registers the three "required text is blank" cases of one transition. */
function itRequiresText(state: ProjectState, event: EventType, field: string, code: string): void {
  it.each(BLANKS)(`${event} with ${field} %s is unprocessable: ${code}`, (_name, blank) => {
    const snapshot = reach(state);
    const before = frozen(snapshot);
    const decision = fire(snapshot, event, { payload: { ...VALID[event], [field]: blank } });
    expect(decision).toMatchObject({ ok: false, kind: 'unprocessable', state, violation: { code, detail: { field } } });
    expect(frozen(snapshot)).toEqual(before);
  });
}

// ---------------------------------------------------------------------------------------------
// The spec's vocabulary matches the machine's
// ---------------------------------------------------------------------------------------------

describe('vocabulary', () => {
  it('STATES are exactly the states of DOMAIN.md', () => {
    expect(sorted(STATES)).toEqual(sorted(SPEC_STATES));
  });

  it('project@1 has exactly the events of DOMAIN.md', () => {
    expect(sorted(PROJECT_1_EVENT_TYPES)).toEqual(sorted(SPEC_EVENTS));
  });

  it('a new project starts as an empty draft of its unit', () => {
    const snapshot = newProject();
    expect(stateOf(snapshot)).toBe('draft');
    expect(snapshot.context).toEqual(INITIAL_CONTEXT);
  });
});

// ---------------------------------------------------------------------------------------------
// Every row of the lifecycle table, legal case
// ---------------------------------------------------------------------------------------------

describe('lifecycle table: the legal case of every row', () => {
  it.each(LIFECYCLE)('$from --$event--> $to, fired by $role', ({ from, event, to }) => {
    const snapshot = reach(from);
    legalCase(() => {
      expectMoved(fire(snapshot, event), from, to);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Per state: effects and refusals
// ---------------------------------------------------------------------------------------------

describe('draft', () => {
  describe('SUBMIT', () => {
    it('moves to submitted and counts the submission', () => {
      const next = expectMoved(fire(reach('draft'), 'SUBMIT'), 'draft', 'submitted');
      expect(next.context).toEqual({ ...INITIAL_CONTEXT, submissions: 1 });
    });

    it('is forbidden to the applicant of another unit (not_own_unit)', () => {
      expect(fire(reach('draft'), 'SUBMIT', { actor: actors.otherApplicant })).toMatchObject({
        ok: false,
        kind: 'forbidden',
        state: 'draft',
        violation: { code: 'not_own_unit' },
      });
    });

    it('is forbidden to an applicant bound to no unit (not_own_unit)', () => {
      expect(fire(reach('draft'), 'SUBMIT', { actor: actors.unitlessApplicant })).toMatchObject({
        ok: false,
        kind: 'forbidden',
        violation: { code: 'not_own_unit' },
      });
    });

    it('checks authorisation before the letter: another unit with an incomplete letter is forbidden', () => {
      expect(fire(reach('draft'), 'SUBMIT', { actor: actors.otherApplicant, facts: { title: '', letter: {} } })).toMatchObject({
        ok: false,
        kind: 'forbidden',
        violation: { code: 'not_own_unit' },
      });
    });

    it.each([
      {
        name: 'an empty letter and no title',
        title: '',
        letter: {},
        missing: ['title', 'rationale', 'activities', 'expectedOutcomes', 'leader', 'members', 'contact'],
      },
      {
        name: 'whitespace-only texts',
        title: '   ',
        letter: completeLetter({ rationale: ' \n ', contact: '\t' }),
        missing: ['title', 'rationale', 'contact'],
      },
      {
        name: 'an empty activity list',
        title: '以乐育人',
        letter: completeLetter({ activities: [] }),
        missing: ['activities'],
      },
      {
        name: 'activities with blank fields',
        title: '以乐育人',
        letter: completeLetter({
          activities: [activity(), activity({ form: '', when: ' ' }), activity({ content: '' })],
        }),
        missing: ['activities[1].form', 'activities[1].when', 'activities[2].content'],
      },
      {
        name: 'no members',
        title: '以乐育人',
        letter: completeLetter({ members: [] }),
        missing: ['members'],
      },
      {
        name: 'a blank member',
        title: '以乐育人',
        letter: completeLetter({ members: ['李老师', ' '] }),
        missing: ['members'],
      },
      {
        name: 'no expected outcomes and no leader',
        title: '以乐育人',
        letter: completeLetter({ expectedOutcomes: undefined, leader: '' }),
        missing: ['expectedOutcomes', 'leader'],
      },
    ])('with $name is unprocessable: letter_incomplete, listing exactly what is missing', ({ title, letter, missing }) => {
      const snapshot = reach('draft');
      const before = frozen(snapshot);
      const decision = fire(snapshot, 'SUBMIT', { facts: { title, letter } });
      expect(decision).toMatchObject({ ok: false, kind: 'unprocessable', state: 'draft', violation: { code: 'letter_incomplete' } });
      if (decision.ok || decision.kind !== 'unprocessable') throw new Error('unreachable');
      expect(decision.violation.detail).toEqual({ missing });
      expect(frozen(snapshot)).toEqual(before);
    });

    it('checks the letter before the deadline when both fail', () => {
      expect(fire(reach('draft'), 'SUBMIT', { facts: { title: '', now: SUBMISSION_CLOSES_AT + 1000 } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        violation: { code: 'letter_incomplete' },
      });
    });
  });

  describe('SUBMIT before the deadline (29 March 2023, end of day inclusive, Asia/Shanghai)', () => {
    it('the fixture deadline is the exclusive end of 29 March in Shanghai', () => {
      expect(SUBMISSION_CLOSES_AT).toBe(Date.parse('2023-03-30T00:00:00+08:00'));
      expect(new Date(SUBMISSION_CLOSES_AT).toISOString()).toBe('2023-03-29T16:00:00.000Z');
    });

    it('one second before the deadline (23:59:59 on 29 March) is accepted', () => {
      expectMoved(fire(reach('draft'), 'SUBMIT', { facts: { now: SUBMISSION_CLOSES_AT - 1000 } }), 'draft', 'submitted');
    });

    it.each([
      ['exactly at', 0],
      ['one second after', 1000],
      ['a month after', 30 * 24 * 3600 * 1000],
    ])('%s the deadline is unprocessable: deadline_passed', (_name, offset) => {
      expect(fire(reach('draft'), 'SUBMIT', { facts: { now: SUBMISSION_CLOSES_AT + offset } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        state: 'draft',
        violation: { code: 'deadline_passed', detail: { closesAt: '2023-03-29T16:00:00.000Z' } },
      });
    });

    it('a revision deadline does not extend the window of a project that was never returned', () => {
      const revisionClosesAt = Date.parse('2023-04-10T00:00:00+08:00');
      expect(fire(reach('draft'), 'SUBMIT', { facts: { now: SUBMISSION_CLOSES_AT + 1000, revisionClosesAt } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        violation: { code: 'deadline_passed' },
      });
    });
  });

  describe('SUBMIT and the signed letter (a round can require it)', () => {
    const letter = { fileId: 'file-letter-1', sha256: 'a'.repeat(64) };

    it('a round that requires it refuses SUBMIT without one: signed_letter_required, nothing changes', () => {
      const snapshot = reach('draft');
      const before = frozen(snapshot);
      expect(fire(snapshot, 'SUBMIT', { facts: { signedLetterRequired: true, signedLetter: null } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        state: 'draft',
        violation: { code: 'signed_letter_required' },
      });
      expect(frozen(snapshot)).toEqual(before);
    });

    it('with the letter uploaded, SUBMIT moves on', () => {
      expectMoved(fire(reach('draft'), 'SUBMIT', { facts: { signedLetterRequired: true, signedLetter: letter } }), 'draft', 'submitted');
    });

    it('a round that does not require it never asks for the letter', () => {
      const facts = makeFacts();
      Object.defineProperty(facts, 'signedLetter', {
        get() {
          throw new Error('signedLetter read although the round does not require it');
        },
      });
      expectMoved(decide(reach('draft'), { type: 'SUBMIT', actor: actors.applicant, facts }), 'draft', 'submitted');
    });

    it('the letter and the deadline are checked before the signed letter', () => {
      expect(fire(reach('draft'), 'SUBMIT', { facts: { title: '', signedLetterRequired: true } })).toMatchObject({
        violation: { code: 'letter_incomplete' },
      });
      expect(fire(reach('draft'), 'SUBMIT', { facts: { now: SUBMISSION_CLOSES_AT, signedLetterRequired: true } })).toMatchObject({
        violation: { code: 'deadline_passed' },
      });
    });

    it('is a payload-free guard: allowedEvents leaves SUBMIT out until the letter is there', () => {
      expect(allowedEvents(reach('draft'), actors.applicant, makeFacts({ signedLetterRequired: true }))).toEqual(['WITHDRAW']);
      expect(allowedEvents(reach('draft'), actors.applicant, makeFacts({ signedLetterRequired: true, signedLetter: letter }))).toEqual(['SUBMIT', 'WITHDRAW']);
    });
  });

  describe('SUBMIT after RETURN_FOR_REVISION follows the revision deadline', () => {
    const revisionClosesAt = Date.parse('2023-04-10T00:00:00+08:00');
    const afterDeadline = SUBMISSION_CLOSES_AT + 5 * 24 * 3600 * 1000;

    const returned = (): ProjectSnapshot => {
      const snapshot = step(reach('submitted'), 'RETURN_FOR_REVISION');
      expect(stateOf(snapshot)).toBe('draft');
      expect(snapshot.context.returnedForRevision).toBe(true);
      return snapshot;
    };

    it('with no revision deadline (null) resubmission has no limit, and counts a second submission', () => {
      const far = Date.parse('2024-01-01T00:00:00+08:00');
      const next = expectMoved(fire(returned(), 'SUBMIT', { facts: { now: far, revisionClosesAt: null } }), 'draft', 'submitted');
      expect(next.context).toEqual({ ...INITIAL_CONTEXT, returnedForRevision: true, submissions: 2 });
    });

    it('one second before the revision deadline is accepted, though the round deadline has passed', () => {
      expectMoved(fire(returned(), 'SUBMIT', { facts: { now: revisionClosesAt - 1000, revisionClosesAt } }), 'draft', 'submitted');
      expect(revisionClosesAt - 1000).toBeGreaterThan(SUBMISSION_CLOSES_AT);
    });

    it.each([
      ['exactly at', 0],
      ['one second after', 1000],
    ])('%s the revision deadline is unprocessable: revision_deadline_passed', (_name, offset) => {
      expect(fire(returned(), 'SUBMIT', { facts: { now: revisionClosesAt + offset, revisionClosesAt } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        state: 'draft',
        violation: { code: 'revision_deadline_passed', detail: { closesAt: '2023-04-09T16:00:00.000Z' } },
      });
    });

    it('after a return only the revision deadline counts, even inside the round window', () => {
      const earlyRevisionClose = SUBMISSION_CLOSES_AT - 24 * 3600 * 1000;
      expect(fire(returned(), 'SUBMIT', { facts: { now: earlyRevisionClose, revisionClosesAt: earlyRevisionClose } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        violation: { code: 'revision_deadline_passed' },
      });
    });

    it('a resubmitted project keeps the letter check', () => {
      expect(fire(returned(), 'SUBMIT', { facts: { now: afterDeadline, letter: completeLetter({ leader: '' }) } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        violation: { code: 'letter_incomplete', detail: { missing: ['leader'] } },
      });
    });
  });

  describe('WITHDRAW', () => {
    it.each([
      ['with a reason', { reason: '负责人调离' }],
      ['without a reason (it is optional)', {}],
    ])('%s moves to withdrawn', (_name, payload) => {
      const next = expectMoved(fire(reach('draft'), 'WITHDRAW', { payload }), 'draft', 'withdrawn');
      expect(next.context).toEqual(INITIAL_CONTEXT);
    });

    it('is forbidden to the applicant of another unit (not_own_unit)', () => {
      expect(fire(reach('draft'), 'WITHDRAW', { actor: actors.otherApplicant })).toMatchObject({
        ok: false,
        kind: 'forbidden',
        violation: { code: 'not_own_unit' },
      });
    });
  });
});

describe('submitted', () => {
  it('WITHDRAW by the applicant of the unit moves to withdrawn', () => {
    expectMoved(fire(reach('submitted'), 'WITHDRAW', { payload: {} }), 'submitted', 'withdrawn');
  });

  it('WITHDRAW by the applicant of another unit is forbidden (not_own_unit)', () => {
    expect(fire(reach('submitted'), 'WITHDRAW', { actor: actors.otherApplicant })).toMatchObject({
      ok: false,
      kind: 'forbidden',
      state: 'submitted',
      violation: { code: 'not_own_unit' },
    });
  });

  it('RETURN_FOR_REVISION moves back to draft and marks the project returned', () => {
    const next = expectMoved(fire(reach('submitted'), 'RETURN_FOR_REVISION'), 'submitted', 'draft');
    expect(next.context).toEqual({ ...INITIAL_CONTEXT, submissions: 1, returnedForRevision: true });
  });

  itRequiresText('submitted', 'RETURN_FOR_REVISION', 'comment', 'comment_required');

  it.each([
    ['without a comment', {}],
    ['with a comment', { comment: '材料齐全' }],
  ])('PASS_PRELIMINARY_CHECK %s moves to preliminarily_checked', (_name, payload) => {
    const next = expectMoved(fire(reach('submitted'), 'PASS_PRELIMINARY_CHECK', { payload }), 'submitted', 'preliminarily_checked');
    expect(next.context).toEqual({ ...INITIAL_CONTEXT, submissions: 1 });
  });

  it('REJECT by org_dept moves to rejected', () => {
    expectMoved(fire(reach('submitted'), 'REJECT', { actor: actors.orgDept }), 'submitted', 'rejected');
  });

  itRequiresText('submitted', 'REJECT', 'reason', 'reason_required');

  it("REJECT by the committee is forbidden here: it is org_dept's row (role_not_allowed)", () => {
    const snapshot = reach('submitted');
    const before = frozen(snapshot);
    expect(fire(snapshot, 'REJECT', { actor: actors.committee })).toMatchObject({
      ok: false,
      kind: 'forbidden',
      state: 'submitted',
      violation: { code: 'role_not_allowed', detail: { role: 'committee', allowedRoles: ['org_dept'] } },
    });
    expect(frozen(snapshot)).toEqual(before);
  });

  it('a second SUBMIT is illegal', () => {
    expect(fire(reach('submitted'), 'SUBMIT')).toEqual({ ok: false, kind: 'illegal', state: 'submitted' });
  });
});

describe('preliminarily_checked', () => {
  describe('SUBMIT_REVIEW (stays)', () => {
    it('by an assigned reviewer of another unit keeps the state and counts the review', () => {
      const snapshot = reach('preliminarily_checked');
      legalCase(() => {
        const next = expectMoved(fire(snapshot, 'SUBMIT_REVIEW'), 'preliminarily_checked', 'preliminarily_checked');
        expect(next.context).toEqual({ ...snapshot.context, reviewSubmissions: snapshot.context.reviewSubmissions + 1 });
      });
    });

    it('a second review by the same reviewer is accepted (it replaces the first until the panel closes)', () => {
      const snapshot = reach('preliminarily_checked');
      legalCase(() => {
        expectMoved(fire(snapshot, 'SUBMIT_REVIEW', { facts: { reviewedReviewerIds: [actors.reviewer.id] } }), 'preliminarily_checked', 'preliminarily_checked');
      });
    });

    it.each([
      ['the minimum', 1],
      ['the maximum', 10],
    ])('scores at %s of the scale pass the range check', (_name, value) => {
      const scores = Object.fromEntries(CRITERIA.map((c) => [c, value])) as Scores;
      const snapshot = reach('preliminarily_checked');
      // With a blank comment the next check in order (comment) is the one that fails: the scores passed.
      expect(fire(snapshot, 'SUBMIT_REVIEW', { payload: { scores, comment: '' } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        violation: { code: 'comment_required' },
      });
      legalCase(() => {
        expectMoved(fire(snapshot, 'SUBMIT_REVIEW', { payload: { scores, comment: '好' } }), 'preliminarily_checked', 'preliminarily_checked');
      });
    });

    it('by a reviewer not assigned to the project is forbidden (not_assigned)', () => {
      expect(fire(reach('preliminarily_checked'), 'SUBMIT_REVIEW', { actor: actors.unassignedReviewer })).toMatchObject({
        ok: false,
        kind: 'forbidden',
        state: 'preliminarily_checked',
        violation: { code: 'not_assigned' },
      });
    });

    it.each([
      ['of the project unit', 'ownUnitReviewer'],
      ['of the unit above it', 'parentUnitReviewer'],
    ] as Array<[string, ActorName]>)('by an assigned reviewer %s is forbidden (conflict_of_interest)', (_name, who) => {
      const actor = actors[who];
      const facts = { assignedReviewerIds: [...makeFacts().assignedReviewerIds, actor.id] };
      expect(fire(reach('preliminarily_checked'), 'SUBMIT_REVIEW', { actor, facts })).toMatchObject({
        ok: false,
        kind: 'forbidden',
        violation: { code: 'conflict_of_interest' },
      });
    });

    it('a reviewer bound to no unit has no conflict', () => {
      const snapshot = reach('preliminarily_checked');
      const actor: Actor = { id: 'reviewer-external', role: 'reviewer', unitId: null };
      const facts = { assignedReviewerIds: [actor.id] };
      // Blank comment: refused by the comment check, i.e. past every authorisation.
      expect(fire(snapshot, 'SUBMIT_REVIEW', { actor, facts, payload: { scores: SCORES, comment: '' } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        violation: { code: 'comment_required' },
      });
    });

    it('authorisation comes before the payload: an unassigned reviewer with bad scores is forbidden', () => {
      expect(
        fire(reach('preliminarily_checked'), 'SUBMIT_REVIEW', {
          actor: actors.unassignedReviewer,
          payload: { scores: { ...SCORES, breadth: 99 }, comment: '' },
        }),
      ).toMatchObject({ ok: false, kind: 'forbidden', violation: { code: 'not_assigned' } });
    });

    it.each([
      ['below the minimum', 0],
      ['above the maximum', 11],
      ['negative', -3],
      ['a fraction', 7.5],
      ['barely above an integer', 8.000001],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
    ])('a score %s is unprocessable: score_out_of_range', (_name, bad) => {
      const snapshot = reach('preliminarily_checked');
      const before = frozen(snapshot);
      expect(fire(snapshot, 'SUBMIT_REVIEW', { payload: { scores: { ...SCORES, innovation: bad }, comment: '好' } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        state: 'preliminarily_checked',
        violation: { code: 'score_out_of_range', detail: { criteria: ['innovation'], min: 1, max: 10 } },
      });
      expect(frozen(snapshot)).toEqual(before);
    });

    it('lists every criterion out of range, in the order of the notice', () => {
      const scores: Scores = { direction: 0, innovation: 5, practicality: 4.5, breadth: 5, exemplarity: 12 };
      expect(fire(reach('preliminarily_checked'), 'SUBMIT_REVIEW', { payload: { scores, comment: '好' } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        violation: { code: 'score_out_of_range', detail: { criteria: ['direction', 'practicality', 'exemplarity'] } },
      });
    });

    it('the scale comes from the round', () => {
      const scores = Object.fromEntries(CRITERIA.map((c) => [c, 90])) as Scores;
      expect(fire(reach('preliminarily_checked'), 'SUBMIT_REVIEW', { payload: { scores, comment: '' }, facts: { scoreMin: 0, scoreMax: 100 } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        violation: { code: 'comment_required' },
      });
    });

    itRequiresText('preliminarily_checked', 'SUBMIT_REVIEW', 'comment', 'comment_required');
  });

  describe('COMPLETE_PANEL_REVIEW', () => {
    it('with the minimum reached and every assigned reviewer done moves to panel_reviewed', () => {
      const snapshot = reach('preliminarily_checked');
      const next = expectMoved(fire(snapshot, 'COMPLETE_PANEL_REVIEW'), 'preliminarily_checked', 'panel_reviewed');
      expect(next.context).toEqual(snapshot.context);
    });

    it.each([
      ['no review', [] as string[]],
      ['two of the three required', ['reviewer-1', 'reviewer-2']],
    ])('with %s is unprocessable: too_few_reviews', (_name, reviewedReviewerIds) => {
      expect(fire(reach('preliminarily_checked'), 'COMPLETE_PANEL_REVIEW', { facts: { reviewedReviewerIds } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        state: 'preliminarily_checked',
        violation: { code: 'too_few_reviews', detail: { reviews: reviewedReviewerIds.length, required: 3 } },
      });
    });

    it('with the minimum reached but an assigned reviewer pending is unprocessable: reviews_pending', () => {
      const facts = {
        assignedReviewerIds: ['reviewer-1', 'reviewer-2', 'reviewer-3', 'reviewer-4'],
        reviewedReviewerIds: ['reviewer-1', 'reviewer-2', 'reviewer-3'],
      };
      expect(fire(reach('preliminarily_checked'), 'COMPLETE_PANEL_REVIEW', { facts })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        violation: { code: 'reviews_pending', detail: { pendingReviewerIds: ['reviewer-4'] } },
      });
    });

    it('is forbidden to a reviewer (role_not_allowed)', () => {
      expect(fire(reach('preliminarily_checked'), 'COMPLETE_PANEL_REVIEW', { actor: actors.reviewer })).toMatchObject({
        ok: false,
        kind: 'forbidden',
        violation: { code: 'role_not_allowed' },
      });
    });
  });
});

describe('panel_reviewed', () => {
  it('APPROVE by the committee with a meeting reference moves to committee_approved', () => {
    const next = expectMoved(fire(reach('panel_reviewed'), 'APPROVE'), 'panel_reviewed', 'committee_approved');
    expect(next.context).toEqual({ ...INITIAL_CONTEXT, submissions: 1 });
  });

  itRequiresText('panel_reviewed', 'APPROVE', 'meetingReference', 'meetingReference_required');

  it('REJECT by the committee moves to rejected', () => {
    expectMoved(fire(reach('panel_reviewed'), 'REJECT', { actor: actors.committee }), 'panel_reviewed', 'rejected');
  });

  itRequiresText('panel_reviewed', 'REJECT', 'reason', 'reason_required');

  it.each(['REJECT', 'APPROVE'] as EventType[])("%s by org_dept is forbidden here: it is the committee's (role_not_allowed)", (event) => {
    expect(fire(reach('panel_reviewed'), event, { actor: actors.orgDept })).toMatchObject({
      ok: false,
      kind: 'forbidden',
      state: 'panel_reviewed',
      violation: { code: 'role_not_allowed', detail: { role: 'org_dept', allowedRoles: ['committee'] } },
    });
  });
});

describe('committee_approved', () => {
  it.each([
    ['without a comment', {}],
    ['with a comment', { comment: '随立项名单公布启动' }],
  ])('START by org_dept %s moves to in_progress', (_name, payload) => {
    expectMoved(fire(reach('committee_approved'), 'START', { payload }), 'committee_approved', 'in_progress');
  });

  it('START by the committee is forbidden (role_not_allowed)', () => {
    expect(fire(reach('committee_approved'), 'START', { actor: actors.committee })).toMatchObject({
      ok: false,
      kind: 'forbidden',
      violation: { code: 'role_not_allowed', detail: { allowedRoles: ['org_dept'] } },
    });
  });
});

describe('in_progress', () => {
  it('SUBMIT_PROGRESS_REPORT by the applicant of the unit keeps the state and counts the report', () => {
    const snapshot = reach('in_progress');
    legalCase(() => {
      const next = expectMoved(fire(snapshot, 'SUBMIT_PROGRESS_REPORT'), 'in_progress', 'in_progress');
      expect(next.context).toEqual({ ...snapshot.context, progressReports: snapshot.context.progressReports + 1 });
    });
  });

  itRequiresText('in_progress', 'SUBMIT_PROGRESS_REPORT', 'text', 'text_required');

  it('SUBMIT_FINAL_REPORT moves to final_acceptance', () => {
    expectMoved(fire(reach('in_progress'), 'SUBMIT_FINAL_REPORT'), 'in_progress', 'final_acceptance');
  });

  itRequiresText('in_progress', 'SUBMIT_FINAL_REPORT', 'summary', 'summary_required');

  describe('SUBMIT_FINAL_REPORT with documents', () => {
    const finalReportDocuments = { 'file-a': 'a'.repeat(64), 'file-b': 'b'.repeat(64) };

    it('keeps each named document with the checksum the facts give, in the order named', () => {
      const next = expectMoved(
        fire(reach('in_progress'), 'SUBMIT_FINAL_REPORT', { payload: { summary: '完成', documents: ['file-b', 'file-a'] }, facts: { finalReportDocuments } }),
        'in_progress',
        'final_acceptance',
      );
      expect(next.context.finalReportDocuments).toEqual([
        { fileId: 'file-b', sha256: 'b'.repeat(64) },
        { fileId: 'file-a', sha256: 'a'.repeat(64) },
      ]);
    });

    it('without documents keeps none, and never reads the project’s documents', () => {
      const facts = makeFacts();
      Object.defineProperty(facts, 'finalReportDocuments', {
        get() {
          throw new Error('finalReportDocuments read although no document is named');
        },
      });
      const decision = decide(reach('in_progress'), { type: 'SUBMIT_FINAL_REPORT', summary: '完成', actor: actors.applicant, facts });
      const next = expectMoved(decision, 'in_progress', 'final_acceptance');
      expect(next.context.finalReportDocuments).toBeUndefined();
    });

    it('a document that is not one of the project’s final report documents is unprocessable: unknown_document', () => {
      const snapshot = reach('in_progress');
      const before = frozen(snapshot);
      expect(fire(snapshot, 'SUBMIT_FINAL_REPORT', { payload: { summary: '完成', documents: ['file-a', 'file-x'] }, facts: { finalReportDocuments } })).toMatchObject({
        ok: false,
        kind: 'unprocessable',
        state: 'in_progress',
        violation: { code: 'unknown_document', detail: { documents: ['file-x'] } },
      });
      expect(frozen(snapshot)).toEqual(before);
    });

    it('a resubmission after RETURN_FINAL_REPORT replaces the documents', () => {
      const first = step(reach('in_progress'), 'SUBMIT_FINAL_REPORT', { payload: { summary: '完成', documents: ['file-a'] }, facts: { finalReportDocuments } });
      const back = step(first, 'RETURN_FINAL_REPORT');
      expect(back.context.finalReportDocuments).toEqual([{ fileId: 'file-a', sha256: 'a'.repeat(64) }]);
      const again = step(back, 'SUBMIT_FINAL_REPORT', { payload: { summary: '补充', documents: ['file-b'] }, facts: { finalReportDocuments } });
      expect(again.context.finalReportDocuments).toEqual([{ fileId: 'file-b', sha256: 'b'.repeat(64) }]);
      expect(step(again, 'RETURN_FINAL_REPORT').context.finalReportDocuments).toEqual([{ fileId: 'file-b', sha256: 'b'.repeat(64) }]);
    });
  });

  it.each(['SUBMIT_PROGRESS_REPORT', 'SUBMIT_FINAL_REPORT'] as EventType[])('%s by the applicant of another unit is forbidden (not_own_unit)', (event) => {
    expect(fire(reach('in_progress'), event, { actor: actors.otherApplicant })).toMatchObject({
      ok: false,
      kind: 'forbidden',
      state: 'in_progress',
      violation: { code: 'not_own_unit' },
    });
  });
});

describe('final_acceptance', () => {
  it('RETURN_FINAL_REPORT moves back to in_progress, from where the report can be handed in again', () => {
    const back = expectMoved(fire(reach('final_acceptance'), 'RETURN_FINAL_REPORT'), 'final_acceptance', 'in_progress');
    expect(back.context).toEqual({ ...INITIAL_CONTEXT, submissions: 1 });
    expectMoved(fire(back, 'SUBMIT_FINAL_REPORT'), 'in_progress', 'final_acceptance');
  });

  itRequiresText('final_acceptance', 'RETURN_FINAL_REPORT', 'comment', 'comment_required');

  it.each(GRADES.map((grade) => [grade, ROUND_FUNDING[grade]] as [Grade, number]))('GRADE %s moves to graded with the funding of the round (%i yuan)', (grade, funding) => {
    const next = expectMoved(fire(reach('final_acceptance'), 'GRADE', { payload: { grade } }), 'final_acceptance', 'graded');
    expect(next.context).toEqual({ ...INITIAL_CONTEXT, submissions: 1, grade, funding });
  });

  it('GRADE takes the funding from the facts, not from the notice', () => {
    const funding = { first: 5000, second: 4000, third: 2500, qualified: 800 };
    const next = step(reach('final_acceptance'), 'GRADE', { payload: { grade: 'qualified' }, facts: { funding } });
    expect(next.context.funding).toBe(800);
  });

  it('GRADE with an unknown grade is unprocessable: invalid_grade', () => {
    expect(fire(reach('final_acceptance'), 'GRADE', { payload: { grade: 'excellent' } })).toMatchObject({
      ok: false,
      kind: 'unprocessable',
      violation: { code: 'invalid_grade', detail: { allowed: ['first', 'second', 'third', 'qualified'] } },
    });
  });

  it('FAIL moves to failed with funding 0 and no grade', () => {
    const next = expectMoved(fire(reach('final_acceptance'), 'FAIL'), 'final_acceptance', 'failed');
    expect(next.context).toEqual({ ...INITIAL_CONTEXT, submissions: 1, grade: null, funding: 0 });
  });

  itRequiresText('final_acceptance', 'FAIL', 'reason', 'reason_required');

  it.each(['RETURN_FINAL_REPORT', 'GRADE', 'FAIL'] as EventType[])('%s by the applicant is forbidden (role_not_allowed)', (event) => {
    expect(fire(reach('final_acceptance'), event, { actor: actors.applicant })).toMatchObject({
      ok: false,
      kind: 'forbidden',
      violation: { code: 'role_not_allowed', detail: { role: 'applicant' } },
    });
  });
});

describe('graded', () => {
  it('accepts only RECOMMEND', () => {
    expect(eventsAcceptedIn('graded')).toEqual(['RECOMMEND']);
  });

  it('RECOMMEND by the committee stays graded and marks the project recommended', () => {
    const snapshot = reach('graded');
    const next = expectMoved(fire(snapshot, 'RECOMMEND'), 'graded', 'graded');
    expect(next.context).toEqual({ ...snapshot.context, recommended: true });
    expect(next.context).toMatchObject({ grade: 'second', funding: ROUND_FUNDING.second });
  });

  it('a second RECOMMEND is refused by its guard: already_recommended', () => {
    const once = step(reach('graded'), 'RECOMMEND');
    const before = frozen(once);
    expect(fire(once, 'RECOMMEND')).toMatchObject({
      ok: false,
      kind: 'unprocessable',
      state: 'graded',
      violation: { code: 'already_recommended' },
    });
    expect(frozen(once)).toEqual(before);
  });

  itRequiresText('graded', 'RECOMMEND', 'note', 'note_required');

  it('RECOMMEND by org_dept is forbidden (role_not_allowed)', () => {
    expect(fire(reach('graded'), 'RECOMMEND', { actor: actors.orgDept })).toMatchObject({
      ok: false,
      kind: 'forbidden',
      violation: { code: 'role_not_allowed', detail: { allowedRoles: ['committee'] } },
    });
  });

  it.each(SPEC_EVENTS.filter((e) => e !== 'RECOMMEND'))('%s is illegal', (event) => {
    expect(fire(reach('graded'), event)).toEqual({ ok: false, kind: 'illegal', state: 'graded' });
  });
});

describe.each(FINAL_STATES)('%s (final)', (state) => {
  it('accepts no event', () => {
    expect(eventsAcceptedIn(state)).toEqual([]);
  });

  it.each(SPEC_EVENTS)('%s is illegal for every role that fires it', (event) => {
    const snapshot = reach(state);
    const before = frozen(snapshot);
    for (const role of rolesFiring(event)) {
      expect(fire(snapshot, event, { actor: ACTOR_FOR_ROLE[role] })).toEqual({ ok: false, kind: 'illegal', state });
    }
    expect(frozen(snapshot)).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// Cross-cutting refusals
// ---------------------------------------------------------------------------------------------

describe('a role that never fires the event is forbidden (role_not_allowed)', () => {
  const cases = LIFECYCLE.flatMap((row) => ALL_ROLES.filter((role) => !rolesFiring(row.event).includes(role)).map((role) => ({ ...row, actor: role })));

  it.each(cases)('$event in $from by $actor', ({ from, event, actor }) => {
    const snapshot = reach(from);
    const before = frozen(snapshot);
    const decision = fire(snapshot, event, { actor: ACTOR_FOR_ROLE[actor] });
    expect(decision).toMatchObject({
      ok: false,
      kind: 'forbidden',
      state: from,
      violation: { code: 'role_not_allowed', detail: { role: actor } },
    });
    if (decision.ok || decision.kind !== 'forbidden') throw new Error('unreachable');
    expect(sorted(decision.violation.detail?.allowedRoles as Role[])).toEqual(sorted(rolesFiring(event)));
    expect(frozen(snapshot)).toEqual(before);
  });

  it('admin and auditor are forbidden even where the event would be illegal', () => {
    for (const state of SPEC_STATES) {
      const snapshot = reach(state);
      for (const actor of [actors.admin, actors.auditor]) {
        for (const event of SPEC_EVENTS) {
          expect(fire(snapshot, event, { actor })).toMatchObject({ ok: false, kind: 'forbidden', violation: { code: 'role_not_allowed' } });
        }
      }
    }
  });
});

describe('exhaustive matrix: decide is illegal exactly outside the DOMAIN.md table', () => {
  const matrix = STATES.flatMap((state) =>
    PROJECT_1_EVENT_TYPES.flatMap((event) => {
      const row = specRow(state, event);
      if (row) return [{ state, event, role: row.role, expected: row.to }];
      // Outside the table: every role that may fire this event somewhere gets 'illegal'.
      return rolesFiring(event).map((role) => ({ state, event, role, expected: 'illegal' }));
    }),
  );

  it('covers every state and every event', () => {
    expect(new Set(matrix.map((c) => c.state)).size).toBe(11);
    expect(new Set(matrix.map((c) => c.event)).size).toBe(15);
    expect(matrix.filter((c) => c.expected !== 'illegal')).toHaveLength(17);
  });

  it.each(matrix)('$state × $event by $role → $expected', ({ state, event, role, expected }) => {
    const snapshot = reach(state);
    const before = frozen(snapshot);
    if (expected === 'illegal') {
      expect(fire(snapshot, event, { actor: ACTOR_FOR_ROLE[role] })).toEqual({ ok: false, kind: 'illegal', state });
      expect(frozen(snapshot)).toEqual(before);
      return;
    }
    legalCase(() => {
      expectMoved(fire(snapshot, event, { actor: ACTOR_FOR_ROLE[role] }), state, expected as ProjectState);
    });
  });

  it.each(SPEC_STATES)('eventsAcceptedIn(%s) lists exactly the events of its rows', (state) => {
    expect(sorted(eventsAcceptedIn(state))).toEqual(sorted(LIFECYCLE.filter((r) => r.from === state).map((r) => r.event)));
  });
});

// ---------------------------------------------------------------------------------------------
// allowedEvents
// ---------------------------------------------------------------------------------------------

describe('allowedEvents', () => {
  /** The conflicted reviewer is assigned, so it is excluded by the conflict rule, not by assignment. */
  const assigned = [...makeFacts().assignedReviewerIds, actors.ownUnitReviewer.id];
  const facts = makeFacts({ assignedReviewerIds: assigned, reviewedReviewerIds: assigned });

  it('applicant of the unit in draft: [SUBMIT, WITHDRAW]', () => {
    expect(allowedEvents(reach('draft'), actors.applicant, facts)).toEqual(['SUBMIT', 'WITHDRAW']);
  });

  it('applicant of another unit in draft: []', () => {
    expect(allowedEvents(reach('draft'), actors.otherApplicant, facts)).toEqual([]);
  });

  it('org_dept in submitted: return, pass or reject', () => {
    expect(sorted(allowedEvents(reach('submitted'), actors.orgDept, facts))).toEqual(sorted(['RETURN_FOR_REVISION', 'PASS_PRELIMINARY_CHECK', 'REJECT']));
  });

  it('committee in submitted: [] (REJECT there is org_dept’s)', () => {
    expect(allowedEvents(reach('submitted'), actors.committee, facts)).toEqual([]);
  });

  it.each([
    ['the assigned reviewer', 'reviewer', ['SUBMIT_REVIEW']],
    ['an unassigned reviewer', 'unassignedReviewer', []],
    ['a reviewer of the project unit', 'ownUnitReviewer', []],
    ['org_dept', 'orgDept', ['COMPLETE_PANEL_REVIEW']],
  ] as Array<[string, ActorName, EventType[]]>)('%s in preliminarily_checked: %j', (_name, who, expected) => {
    expect(allowedEvents(reach('preliminarily_checked'), actors[who], facts)).toEqual(expected);
  });

  it('org_dept in preliminarily_checked before every assigned reviewer has scored: [] (payload-free guard)', () => {
    expect(allowedEvents(reach('preliminarily_checked'), actors.orgDept, makeFacts({ reviewedReviewerIds: [] }))).toEqual([]);
  });

  it('applicant in draft after the deadline: only WITHDRAW (SUBMIT is blocked by the deadline guard)', () => {
    const late = makeFacts({ now: makeFacts().submissionClosesAt });
    expect(allowedEvents(reach('draft'), actors.applicant, late)).toEqual(['WITHDRAW']);
  });

  it.each(SPEC_STATES)('admin and auditor get [] in %s', (state) => {
    const snapshot = reach(state);
    expect(allowedEvents(snapshot, actors.admin, facts)).toEqual([]);
    expect(allowedEvents(snapshot, actors.auditor, facts)).toEqual([]);
  });

  /** Everyone of the cast, in every state, against the spec table. */
  const ineligible: ReadonlySet<ActorName> = new Set<ActorName>(['otherApplicant', 'unitlessApplicant', 'unassignedReviewer', 'ownUnitReviewer', 'parentUnitReviewer']);
  const cast = Object.keys(actors) as ActorName[];
  const grid = SPEC_STATES.flatMap((state) => cast.map((who) => ({ state, who })));

  it.each(grid)('$who in $state gets the events of its rows (spec)', ({ state, who }) => {
    const actor = actors[who];
    const expected = ineligible.has(who) ? [] : LIFECYCLE.filter((row) => row.from === state && row.role === actor.role).map((row) => row.event);
    const assignedReviewerIds = [...facts.assignedReviewerIds, actors.parentUnitReviewer.id];
    // Every assigned reviewer has scored, so the panel can close: only roles and units decide here.
    const allFacts = makeFacts({ assignedReviewerIds, reviewedReviewerIds: assignedReviewerIds });
    expect(sorted(allowedEvents(reach(state), actor, allFacts))).toEqual(sorted(expected));
  });
});

// ---------------------------------------------------------------------------------------------
// Persistence
// ---------------------------------------------------------------------------------------------

describe('persistProject / restoreProject', () => {
  it.each(SPEC_STATES)('round trip through JSON in %s gives the same state and context', (state) => {
    const snapshot = reach(state);
    const persisted = persistProject(snapshot);
    expect(persisted).toMatchObject({ machineId: 'project', machineVersion: 1, state });
    const restored = restoreProject(JSON.parse(JSON.stringify(persisted)) as PersistedProject);
    expect(stateOf(restored)).toBe(stateOf(snapshot));
    expect(restored.value).toEqual(snapshot.value);
    expect(restored.context).toEqual(snapshot.context);
    expect(persistProject(restored)).toEqual(persisted);
  });

  it('a restored project keeps deciding on its context: a returned draft follows the revision deadline', () => {
    const returned = step(reach('submitted'), 'RETURN_FOR_REVISION');
    const restored = restoreProject(JSON.parse(JSON.stringify(persistProject(returned))) as PersistedProject);
    const revisionClosesAt = Date.parse('2023-04-10T00:00:00+08:00');
    expect(fire(restored, 'SUBMIT', { facts: { now: revisionClosesAt, revisionClosesAt } })).toMatchObject({
      ok: false,
      kind: 'unprocessable',
      violation: { code: 'revision_deadline_passed' },
    });
    const next = expectMoved(fire(restored, 'SUBMIT', { facts: { now: revisionClosesAt - 1000, revisionClosesAt } }), 'draft', 'submitted');
    expect(next.context.submissions).toBe(2);
  });

  it('a restored recommended project refuses a second RECOMMEND', () => {
    const recommended = step(reach('graded'), 'RECOMMEND');
    const restored = restoreProject(JSON.parse(JSON.stringify(persistProject(recommended))) as PersistedProject);
    expect(fire(restored, 'RECOMMEND')).toMatchObject({ ok: false, violation: { code: 'already_recommended' } });
  });

  it.each([
    ['a newer version', { machineVersion: 2 }],
    ['an older version', { machineVersion: 0 }],
    ['another machine', { machineId: 'round' }],
  ])('refuses a snapshot of %s', (_name, override) => {
    const persisted = { ...persistProject(reach('submitted')), ...override };
    expect(() => restoreProject(persisted)).toThrow(/needs a migration/);
  });
});

// ---------------------------------------------------------------------------------------------
// Description
// ---------------------------------------------------------------------------------------------

describe('describeMachine', () => {
  const description = describeMachine();

  it('names the machine, its version and its initial state', () => {
    expect(description).toMatchObject({ id: 'project', version: 1, initial: 'draft' });
  });

  it('has the 17 transitions of the DOMAIN.md table, with their roles', () => {
    expect(description.transitions).toHaveLength(17);
    expect(TRANSITIONS).toHaveLength(17);
    const key = (t: { from: string; event: string; to: string; roles: readonly string[] }) => `${t.from} ${t.event} ${t.to} ${[...t.roles].sort().join('+')}`;
    expect(description.transitions.map(key).sort()).toEqual(LIFECYCLE.map((row) => key({ ...row, roles: [row.role] })).sort());
  });

  it('lists every state with non-empty zh and en labels, the zh labels of DOMAIN.md, and the final flag', () => {
    expect(description.states.map((s) => s.name)).toEqual([...STATES]);
    for (const state of description.states) {
      expect(state.label.zh.trim()).not.toBe('');
      expect(state.label.en.trim()).not.toBe('');
      expect(state.label.zh).toBe(SPEC_STATE_ZH[state.name]);
      expect(state.final).toBe(FINAL_STATES.includes(state.name));
      expect(sorted(state.events)).toEqual(sorted(LIFECYCLE.filter((r) => r.from === state.name).map((r) => r.event)));
    }
  });

  it('lists every event with non-empty zh and en labels and the roles that fire it', () => {
    expect(sorted(description.events.map((e) => e.type))).toEqual(sorted(SPEC_EVENTS));
    for (const event of description.events) {
      expect(event.label.zh.trim()).not.toBe('');
      expect(event.label.en.trim()).not.toBe('');
      expect(sorted(event.roles)).toEqual(sorted(rolesFiring(event.type)));
    }
  });

  it('lists the six roles with labels', () => {
    expect(sorted(description.roles.map((r) => r.name))).toEqual(sorted(ALL_ROLES));
    for (const role of description.roles) {
      expect(role.label.zh.trim()).not.toBe('');
      expect(role.label.en.trim()).not.toBe('');
    }
  });

  it('carries a Mermaid diagram with every state and every transition', () => {
    const { mermaid } = description;
    expect(mermaid).toBe(toMermaid());
    expect(mermaid.startsWith('stateDiagram-v2')).toBe(true);
    expect(mermaid).toContain('[*] --> draft');
    for (const state of SPEC_STATES) {
      expect(mermaid).toContain(`  ${state}: ${SPEC_STATE_ZH[state]}`);
    }
    for (const row of LIFECYCLE) {
      expect(mermaid).toContain(`  ${row.from} --> ${row.to}: ${row.event} `);
    }
    for (const state of FINAL_STATES) {
      expect(mermaid).toContain(`  ${state} --> [*]`);
    }
  });
});

describe("decide's transition is XState's transition()", () => {
  it('gives the same snapshot for every row of the table, again and again on one scope', () => {
    for (let round = 0; round < 3; round += 1) {
      for (const row of LIFECYCLE) {
        const snapshot = reach(row.from);
        const event = eventOf(snapshot, row.event);
        const decision = decide(snapshot, event);
        const [expected] = transition(projectMachine, snapshot, event);
        expect(decision.ok, `${row.from} ${row.event}`).toBe(true);
        if (!decision.ok) continue;
        expect(stateOf(decision.snapshot)).toBe(row.to);
        expect(decision.snapshot.value).toEqual(expected.value);
        expect(decision.snapshot.context).toEqual(expected.context);
        expect(decision.snapshot.status).toBe(expected.status);
        expect(decision.snapshot.output).toEqual(expected.output);
      }
    }
  });

  it("takes an event exactly when XState's snapshot.can() says so: every state, event and role, valid and empty payloads, deadline passed or not", () => {
    let taken = 0;
    let refused = 0;
    for (const state of STATES) {
      const snapshot = reach(state);
      for (const type of PROJECT_1_EVENT_TYPES) {
        for (const actor of Object.values(ACTOR_FOR_ROLE)) {
          for (const payload of [VALID[type], {}]) {
            for (const facts of [{}, { now: SUBMISSION_CLOSES_AT + 1 }]) {
              const event = eventOf(snapshot, type, { actor, payload, facts });
              const decision = decide(snapshot, event);
              expect(decision.ok, `${state} ${type} by ${actor.role} with ${JSON.stringify(payload)}`).toBe(snapshot.can(event));
              if (decision.ok) taken += 1;
              else refused += 1;
            }
          }
        }
      }
    }
    expect(taken).toBeGreaterThan(17);
    expect(refused).toBeGreaterThan(1000);
  });
});
