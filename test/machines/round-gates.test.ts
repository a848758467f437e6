/**
 * The round's gates (machines/round.gates.ts) against DOMAIN.md, "The round governs its projects".
 * The expected table and the oracle below are written by hand from DOMAIN.md's table, mapped onto
 * round@1's states as plan 16 §2 says, and deliberately NOT derived from ROUND_1_GATES: a gate
 * drifting from the rules fails here. Pure: no HTTP, no database.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRANSITIONS, decide, projectLifecycle, stateOf, type ProjectSnapshot } from '../../machines/project.lifecycle.js';
import {
  PROJECT_1_EVENT_TYPES,
  STATES,
  type Actor,
  type EventPayloads,
  type EventType,
  type ProjectContext,
  type ProjectEvent,
  type ProjectState,
  type Scores,
} from '../../machines/project.types.js';
import { roundStateLabel } from '../../machines/round.lifecycle.js';
import {
  ROUND_1_GATES,
  ROUND_GATES,
  checkGate,
  decideInRound,
  gateOf,
  gateRefusalDetail,
  gateRefusalMessage,
  startOfShanghaiDay,
  type GateFacts,
  type GateName,
  type GateRefusal,
} from '../../machines/round.gates.js';
import { ROUND_1_STATES, type RoundEventType, type RoundState } from '../../machines/round.types.js';
import { BEFORE_DEADLINE, PROJECT_ID, SUBMISSION_CLOSES_AT, UNIT_ID, actors, makeFacts } from '../helpers/facts.js';

// ---------------------------------------------------------------------------------------------
// DOMAIN.md's table, literally, on round@1's states
// ---------------------------------------------------------------------------------------------

interface SpecGate {
  name: GateName;
  events: EventType[];
  from: ProjectState[];
  openIn: RoundState[];
  onlyVia?: RoundEventType;
  opensWith: { event: RoundEventType; role: 'org_dept' | 'committee' } | null;
}

/**
 * | project events | legal while the round is |
 * | SUBMIT, WITHDRAW | open (until the deadline); after a return, until the revision deadline; extension: until it |
 * | PASS_PRELIMINARY_CHECK, RETURN_FOR_REVISION, REJECT (from submitted) | open or submissions_closed |
 * | SUBMIT_REVIEW, COMPLETE_PANEL_REVIEW | under_review |
 * | APPROVE, REJECT (committee) | under_review, before the decisions are concluded |
 * | START | only through the published list |
 * | SUBMIT_PROGRESS_REPORT | in_execution |
 * | SUBMIT_FINAL_REPORT, RETURN_FINAL_REPORT, GRADE, FAIL | under_acceptance (at or after the final-acceptance date unless a setting allows earlier) |
 * | RECOMMEND | after the round's grades are confirmed: round@1 has no confirmation, so once acceptance is open |
 */
const SPEC: readonly SpecGate[] = [
  { name: 'submission', events: ['SUBMIT', 'WITHDRAW'], from: ['draft', 'submitted'], openIn: ['open', 'submissions_closed'], opensWith: null },
  { name: 'preliminary_check', events: ['PASS_PRELIMINARY_CHECK', 'RETURN_FOR_REVISION', 'REJECT'], from: ['submitted'], openIn: ['open', 'submissions_closed'], opensWith: null },
  {
    name: 'panel_review',
    events: ['SUBMIT_REVIEW', 'COMPLETE_PANEL_REVIEW'],
    from: ['preliminarily_checked'],
    openIn: ['under_review'],
    opensWith: { event: 'START_REVIEW', role: 'org_dept' },
  },
  { name: 'committee_decision', events: ['APPROVE', 'REJECT'], from: ['panel_reviewed'], openIn: ['under_review'], opensWith: { event: 'START_REVIEW', role: 'org_dept' } },
  {
    name: 'publication',
    events: ['START'],
    from: ['committee_approved'],
    openIn: ['in_execution'],
    onlyVia: 'PUBLISH_LIST',
    opensWith: { event: 'PUBLISH_LIST', role: 'org_dept' },
  },
  { name: 'execution', events: ['SUBMIT_PROGRESS_REPORT'], from: ['in_progress'], openIn: ['in_execution'], opensWith: { event: 'PUBLISH_LIST', role: 'org_dept' } },
  {
    name: 'acceptance',
    events: ['SUBMIT_FINAL_REPORT', 'RETURN_FINAL_REPORT', 'GRADE', 'FAIL'],
    from: ['in_progress', 'final_acceptance'],
    openIn: ['under_acceptance'],
    opensWith: { event: 'OPEN_ACCEPTANCE', role: 'org_dept' },
  },
  { name: 'recommendation', events: ['RECOMMEND'], from: ['graded'], openIn: ['under_acceptance', 'closed'], opensWith: { event: 'OPEN_ACCEPTANCE', role: 'org_dept' } },
];

const SHANGHAI_MIDNIGHT = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

/**
 * The oracle: is `event` from `from` legal in the round now, and under which gate? Written from the
 * table above by hand, one case per row, without reading the gate table.
 */
function oracle(event: EventType, from: ProjectState, returned: boolean, f: GateFacts): { gate: GateName; open: boolean } {
  const round = f.roundState;
  const inRound = (...states: RoundState[]) => states.includes(round);
  switch (event) {
    case 'SUBMIT':
    case 'WITHDRAW': {
      const beforeDeadline = inRound('open') && f.now < f.submissionClosesAt;
      const inRevision = returned && inRound('open', 'submissions_closed') && (f.revisionClosesAt === null || f.now < f.revisionClosesAt);
      return { gate: 'submission', open: beforeDeadline || inRevision };
    }
    case 'PASS_PRELIMINARY_CHECK':
    case 'RETURN_FOR_REVISION':
      return { gate: 'preliminary_check', open: inRound('open', 'submissions_closed') };
    case 'REJECT':
      return from === 'submitted' ? { gate: 'preliminary_check', open: inRound('open', 'submissions_closed') } : { gate: 'committee_decision', open: inRound('under_review') };
    case 'SUBMIT_REVIEW':
    case 'COMPLETE_PANEL_REVIEW':
      return { gate: 'panel_review', open: inRound('under_review') };
    case 'APPROVE':
      return { gate: 'committee_decision', open: inRound('under_review') };
    case 'START':
      return { gate: 'publication', open: f.via === 'PUBLISH_LIST' && inRound('in_execution') };
    case 'SUBMIT_PROGRESS_REPORT':
      return { gate: 'execution', open: inRound('in_execution') };
    case 'SUBMIT_FINAL_REPORT':
    case 'RETURN_FINAL_REPORT':
    case 'GRADE':
    case 'FAIL':
      return { gate: 'acceptance', open: inRound('under_acceptance') && f.now >= SHANGHAI_MIDNIGHT(f.acceptanceOpensOn ?? f.finalAcceptanceDate) };
    case 'RECOMMEND':
      return { gate: 'recommendation', open: inRound('under_acceptance', 'closed') };
    default:
      throw new Error(`${event} is not an event of project@1`);
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const SCORES: Scores = { direction: 8, innovation: 7, practicality: 9, breadth: 6, exemplarity: 8 };

/** A valid payload for every event type. */
const VALID: { [T in EventType]: EventPayloads[T] } = {
  SUBMIT: {},
  WITHDRAW: { reason: '项目负责人调离' },
  RETURN_FOR_REVISION: { comment: '活动载体不够具体' },
  PASS_PRELIMINARY_CHECK: {},
  REJECT: { reason: '属于日常工作' },
  SUBMIT_REVIEW: { scores: SCORES, comment: '方向正确' },
  COMPLETE_PANEL_REVIEW: {},
  APPROVE: { meetingReference: '党委会〔2023〕第5次' },
  START: {},
  SUBMIT_PROGRESS_REPORT: { text: '已完成第一场' },
  SUBMIT_FINAL_REPORT: { summary: '完成两场音乐会' },
  RETURN_FINAL_REPORT: { comment: '缺少佐证材料' },
  GRADE: { grade: 'second' },
  FAIL: { reason: '未开展活动' },
  RECOMMEND: { note: '推荐参加省级评选' },
  REVERSE_DECISION: { reason: '异议成立' },
  SUBMIT_ACCEPTANCE_REVIEW: { scores: { completion: 8 }, comment: '完成度高' },
  PROPOSE_GRADE: { grade: 'second' },
  RECORD_RECOMMENDATION_OUTCOME: { outcome: 'selected', level: '省级' },
};

const REVISION_CLOSES_AT = SHANGHAI_MIDNIGHT('2023-04-10');
const FINAL_ACCEPTANCE_DATE = '2023-12-31';
const EARLY_ACCEPTANCE = '2023-12-01';

function gateFacts(overrides: Partial<GateFacts> = {}): GateFacts {
  return {
    roundId: 'round-2023',
    roundState: 'open',
    roundVersion: 1,
    now: BEFORE_DEADLINE,
    submissionClosesAt: SUBMISSION_CLOSES_AT,
    revisionClosesAt: REVISION_CLOSES_AT,
    finalAcceptanceDate: FINAL_ACCEPTANCE_DATE,
    acceptanceOpensOn: null,
    ...overrides,
  };
}

/** A project of UNIT_ID in any state, returned for revision once or never. */
function project(state: ProjectState, returned = false): ProjectSnapshot {
  const context: ProjectContext = {
    projectId: PROJECT_ID,
    unitId: UNIT_ID,
    returnedForRevision: returned,
    submissions: 1,
    grade: state === 'graded' ? 'second' : null,
    funding: state === 'graded' ? 2100 : null,
    recommended: false,
    reviewSubmissions: 0,
    progressReports: 0,
  };
  return projectLifecycle.restore({ machineId: 'project', machineVersion: 1, state, context });
}

function eventOf(type: EventType, actor: Actor, now: number, facts: GateFacts, payload: object = VALID[type]): ProjectEvent {
  return {
    type,
    ...payload,
    actor,
    facts: makeFacts({ now, submissionClosesAt: facts.submissionClosesAt, revisionClosesAt: facts.revisionClosesAt }),
  } as ProjectEvent;
}

const inRound = (snapshot: ProjectSnapshot, type: EventType, actor: Actor, facts: GateFacts, payload?: object) =>
  decideInRound(projectLifecycle, snapshot, eventOf(type, actor, facts.now, facts, payload), facts);

const transitionPairs = TRANSITIONS.map((t) => `${t.from} ${t.event}`);

// ---------------------------------------------------------------------------------------------
// (a) Coverage and (b) the literal table
// ---------------------------------------------------------------------------------------------

describe('round@1 gate table', () => {
  it('gives every transition of the project machine exactly one gate', () => {
    for (const t of TRANSITIONS) {
      const holders = ROUND_1_GATES.filter((g) => g.events.includes(t.event) && g.from.includes(t.from));
      expect(
        holders.map((g) => g.name),
        `${t.event} from ${t.from}`,
      ).toHaveLength(1);
      expect(gateOf(1, t.from, t.event).name).toBe(holders[0]!.name);
    }
    expect(TRANSITIONS).toHaveLength(17);
  });

  it('has no row for a transition the project machine does not have: each event of a gate is taken from one of its states', () => {
    for (const gate of ROUND_1_GATES) {
      for (const event of gate.events)
        expect(
          gate.from.some((from) => transitionPairs.includes(`${from} ${event}`)),
          `${gate.name} ${event}`,
        ).toBe(true);
      for (const from of gate.from)
        expect(
          gate.events.some((event) => transitionPairs.includes(`${from} ${event}`)),
          `${gate.name} from ${from}`,
        ).toBe(true);
    }
    expect(() => gateOf(1, 'draft', 'GRADE')).toThrow(/0 gates for GRADE from draft/);
    expect(() => gateOf(3, 'draft', 'SUBMIT')).toThrow(/no gate table for round@3/);
  });

  it("is DOMAIN.md's table on round@1's states, row by row", () => {
    const built = ROUND_1_GATES.map(({ name, events, from, openIn, onlyVia, opensWith }) => ({
      name,
      events: [...events],
      from: [...from],
      openIn: [...openIn],
      ...(onlyVia ? { onlyVia } : {}),
      opensWith,
    }));
    expect(built).toEqual(SPEC);
    expect(Object.keys(ROUND_GATES)).toEqual(['1', '2']);
    expect(ROUND_GATES[1]!.states).toEqual(ROUND_1_STATES);
  });

  it('keeps its conditions where the table has them: deadlines on submission, the date on acceptance, none elsewhere', () => {
    expect(ROUND_1_GATES.filter((g) => g.when).map((g) => g.name)).toEqual(['submission', 'acceptance']);
  });

  it('labels every gate in Chinese first, then English', () => {
    for (const gate of ROUND_1_GATES) {
      expect(gate.label.zh, gate.name).toMatch(/^[\u4e00-\u9fff]+$/);
      expect(gate.label.en, gate.name).toMatch(/^[A-Z][a-z ]+$/);
    }
  });

  it('every event of the machine is governed, and every round state opens some gate', () => {
    expect(new Set(ROUND_1_GATES.flatMap((g) => g.events))).toEqual(new Set(PROJECT_1_EVENT_TYPES));
    // decided has no gate open: the committee is done and the list is not yet published.
    expect(ROUND_1_STATES.filter((s) => !ROUND_1_GATES.some((g) => g.openIn.includes(s)))).toEqual(['decided']);
  });
});

// ---------------------------------------------------------------------------------------------
// (c) Model-based: round states × project states × events × actors × situations
// ---------------------------------------------------------------------------------------------

interface Situation {
  name: string;
  now: number;
  returned: boolean;
  acceptanceOpensOn: string | null;
  via?: RoundEventType;
}

const SITUATIONS: readonly Situation[] = [
  { name: 'before the deadline', now: BEFORE_DEADLINE, returned: false, acceptanceOpensOn: null },
  { name: 'before the deadline, returned, inside the publish list', now: BEFORE_DEADLINE, returned: true, acceptanceOpensOn: null, via: 'PUBLISH_LIST' },
  { name: 'after the deadline, in the revision window', now: SUBMISSION_CLOSES_AT + 3600_000, returned: false, acceptanceOpensOn: null },
  { name: 'after the deadline, returned, in the revision window', now: SUBMISSION_CLOSES_AT + 3600_000, returned: true, acceptanceOpensOn: null },
  { name: 'after the revision deadline, returned', now: REVISION_CLOSES_AT, returned: true, acceptanceOpensOn: null, via: 'PUBLISH_LIST' },
  { name: 'mid-December, acceptance at the final date', now: SHANGHAI_MIDNIGHT('2023-12-15'), returned: false, acceptanceOpensOn: null },
  { name: 'mid-December, acceptance opened early by a setting', now: SHANGHAI_MIDNIGHT('2023-12-15'), returned: false, acceptanceOpensOn: EARLY_ACCEPTANCE },
  { name: 'the final-acceptance day itself, at midnight', now: SHANGHAI_MIDNIGHT(FINAL_ACCEPTANCE_DATE), returned: false, acceptanceOpensOn: null, via: 'PUBLISH_LIST' },
  { name: 'one millisecond before the final-acceptance day', now: SHANGHAI_MIDNIGHT(FINAL_ACCEPTANCE_DATE) - 1, returned: false, acceptanceOpensOn: null },
];

const ACTORS = Object.values(actors) as Actor[];

describe('decideInRound against the oracle', () => {
  it('decides like the machine, then the oracle, for every round state, project state, event, actor and situation', () => {
    const tally = new Map<string, { open: number; gated: number }>();
    let compared = 0;
    for (const situation of SITUATIONS) {
      for (const roundState of ROUND_1_STATES) {
        const facts = gateFacts({ roundState, now: situation.now, acceptanceOpensOn: situation.acceptanceOpensOn, ...(situation.via ? { via: situation.via } : {}) });
        for (const state of STATES) {
          const snapshot = project(state, situation.returned);
          for (const type of PROJECT_1_EVENT_TYPES) {
            for (const actor of ACTORS) {
              const where = `${situation.name}: round ${roundState}, ${type} from ${state} by ${actor.id}`;
              const event = eventOf(type, actor, situation.now, facts);
              const machine = decide(snapshot, event);
              const actual = decideInRound(projectLifecycle, snapshot, event, facts);
              compared += 1;
              if (!machine.ok && (machine.kind === 'illegal' || machine.kind === 'forbidden')) {
                expect(actual, where).toEqual(machine);
                continue;
              }
              const expected = oracle(type, state, situation.returned, facts);
              const count = tally.get(expected.gate) ?? { open: 0, gated: 0 };
              tally.set(expected.gate, count);
              if (expected.open) {
                count.open += 1;
                expect(actual, where).toEqual(machine);
              } else {
                count.gated += 1;
                expect(actual, where).toMatchObject({
                  ok: false,
                  kind: 'gated',
                  state,
                  refusal: { event: type, from: state, roundState, roundId: 'round-2023', gate: { name: expected.gate } },
                });
              }
            }
          }
        }
      }
    }
    expect(compared).toBe(SITUATIONS.length * ROUND_1_STATES.length * STATES.length * PROJECT_1_EVENT_TYPES.length * ACTORS.length);
    // Each gate was seen both open and shut, so a gate that never opens (or never shuts) fails here.
    expect(new Set(tally.keys())).toEqual(new Set(SPEC.map((g) => g.name)));
    for (const [gate, count] of tally) {
      expect(count.open, `${gate} open`).toBeGreaterThan(0);
      expect(count.gated, `${gate} gated`).toBeGreaterThan(0);
    }
    // About 20 s alone on this machine: the whole cross product, synchronously.
  }, 120_000);

  it('every refusal names the round state, the gate and what would open it, in both languages', () => {
    for (const roundState of ROUND_1_STATES) {
      for (const t of TRANSITIONS) {
        const refusal = checkGate(project(t.from).context, t.from, t.event, gateFacts({ roundState, now: SHANGHAI_MIDNIGHT('2023-12-15') }));
        if (!refusal) continue;
        const { zh, en } = gateRefusalMessage(refusal);
        const where = `${t.event} from ${t.from} in ${roundState}`;
        expect(zh, where).toContain(`批次现为「${roundStateLabel(roundState).zh}」`);
        expect(zh, where).toContain(`${refusal.gate.label.zh}关口`);
        expect(en, where).toContain(`the round is ${roundState}`);
        expect(en, where).toContain(`gate ${refusal.gate.name}`);
        if (refusal.passed) expect(zh, where).toContain('批次不会回到此阶段');
        else if (refusal.code === 'round_stage') expect(zh, where).toContain(`执行 ${refusal.gate.opensWith!.event}`);
        expect(gateRefusalDetail(refusal)).toBe(`${zh} / ${en}`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The order of answers and the refusal's words
// ---------------------------------------------------------------------------------------------

describe('the order of answers: 403, 409 illegal, then the gate, then 422', () => {
  const executing = gateFacts({ roundState: 'in_execution', now: SHANGHAI_MIDNIGHT('2024-01-05') });

  it('a role that never fires the event is forbidden, whatever the round', () => {
    expect(inRound(project('final_acceptance'), 'GRADE', actors.auditor, executing)).toMatchObject({ ok: false, kind: 'forbidden', violation: { code: 'role_not_allowed' } });
  });

  it('an applicant of another unit is forbidden before the gate', () => {
    expect(inRound(project('in_progress'), 'SUBMIT_FINAL_REPORT', actors.otherApplicant, executing)).toMatchObject({
      ok: false,
      kind: 'forbidden',
      violation: { code: 'not_own_unit' },
    });
  });

  it("an event the project's state does not accept stays illegal (APPROVE on a draft)", () => {
    expect(inRound(project('draft'), 'APPROVE', actors.committee, executing)).toEqual({ ok: false, kind: 'illegal', state: 'draft' });
  });

  it('a closed gate comes before a failed condition: a blank comment in the wrong stage is gated, in the right one unprocessable', () => {
    const blank = { comment: ' ' };
    expect(inRound(project('submitted'), 'RETURN_FOR_REVISION', actors.orgDept, gateFacts({ roundState: 'under_review' }), blank)).toMatchObject({ kind: 'gated' });
    expect(inRound(project('submitted'), 'RETURN_FOR_REVISION', actors.orgDept, gateFacts({ roundState: 'open' }), blank)).toMatchObject({
      kind: 'unprocessable',
      violation: { code: 'comment_required' },
    });
  });

  it('SUBMIT after the deadline in a round still open is gated (was 422 deadline_passed from the machine alone)', () => {
    const late = gateFacts({ now: SUBMISSION_CLOSES_AT });
    expect(decide(project('draft'), eventOf('SUBMIT', actors.applicant, late.now, late))).toMatchObject({ kind: 'unprocessable', violation: { code: 'deadline_passed' } });
    expect(inRound(project('draft'), 'SUBMIT', actors.applicant, late)).toMatchObject({
      kind: 'gated',
      refusal: { code: 'submission_closed', condition: { closedAt: '2023-03-29T16:00:00.000Z' } },
    });
  });

  it('a legal step in an open gate is exactly the machine’s decision', () => {
    const decision = inRound(project('in_progress'), 'SUBMIT_PROGRESS_REPORT', actors.applicant, executing);
    expect(decision).toMatchObject({ ok: true, from: 'in_progress', to: 'in_progress' });
  });
});

describe('the shortcuts of issue 16 are refused with the gate named', () => {
  const refusalOf = (state: ProjectState, type: EventType, actor: Actor, facts: GateFacts): GateRefusal => {
    const decision = inRound(project(state), type, actor, facts);
    if (decision.ok || decision.kind !== 'gated') throw new Error(`${type} not gated: ${JSON.stringify(decision)}`);
    return decision.refusal;
  };

  it('GRADE while the round is in execution names acceptance, OPEN_ACCEPTANCE by org_dept and the day it opens', () => {
    const refusal = refusalOf('final_acceptance', 'GRADE', actors.orgDept, gateFacts({ roundState: 'in_execution', now: SHANGHAI_MIDNIGHT('2024-01-05') }));
    expect(refusal).toMatchObject({
      code: 'round_stage',
      roundState: 'in_execution',
      passed: false,
      opensOn: '2023-12-31',
      gate: { name: 'acceptance', label: { zh: '结项验收', en: 'Final acceptance' }, openIn: ['under_acceptance'], opensWith: { event: 'OPEN_ACCEPTANCE', role: 'org_dept' } },
    });
    expect(gateRefusalDetail(refusal)).toBe(
      'GRADE 须在批次「结项验收」阶段（结项验收关口）；批次现为「立项名单已公布，实施中」；党委组织部执行 OPEN_ACCEPTANCE（启动结项验收）后开放，2023-12-31 起 / ' +
        'GRADE needs the round in under_acceptance (gate acceptance); the round is in_execution; opens when org_dept fires OPEN_ACCEPTANCE, from 2023-12-31 (Asia/Shanghai)',
    );
  });

  it('GRADE after OPEN_ACCEPTANCE but before the final-acceptance day names the day; a recorded earlier day opens it', () => {
    const early = gateFacts({ roundState: 'under_acceptance', now: SHANGHAI_MIDNIGHT('2023-12-15') });
    const refusal = refusalOf('final_acceptance', 'GRADE', actors.orgDept, early);
    expect(refusal).toMatchObject({ code: 'acceptance_not_open', opensOn: '2023-12-31', condition: { opensOn: '2023-12-31' } });
    expect(gateRefusalMessage(refusal).zh).toContain('结项验收自 2023-12-31（北京时间）起开放');
    expect(inRound(project('final_acceptance'), 'GRADE', actors.orgDept, { ...early, acceptanceOpensOn: EARLY_ACCEPTANCE })).toMatchObject({ ok: true, to: 'graded' });
  });

  it('SUBMIT_REVIEW while the round is open names panel review and START_REVIEW', () => {
    const refusal = refusalOf('preliminarily_checked', 'SUBMIT_REVIEW', actors.reviewer, gateFacts({ roundState: 'open' }));
    expect(refusal).toMatchObject({ code: 'round_stage', gate: { name: 'panel_review', opensWith: { event: 'START_REVIEW', role: 'org_dept' } } });
    expect(gateRefusalDetail(refusal)).toContain('党委组织部执行 START_REVIEW（开始评审）后开放');
  });

  it('START fired directly is refused in every round state; inside PUBLISH_LIST it runs', () => {
    for (const roundState of ROUND_1_STATES) {
      expect(inRound(project('committee_approved'), 'START', actors.orgDept, gateFacts({ roundState })), roundState).toMatchObject({
        kind: 'gated',
        refusal: { gate: { name: 'publication', onlyVia: 'PUBLISH_LIST' } },
      });
    }
    const direct = refusalOf('committee_approved', 'START', actors.orgDept, gateFacts({ roundState: 'in_execution' }));
    expect(direct.code).toBe('publish_list_only');
    const before = refusalOf('committee_approved', 'START', actors.orgDept, gateFacts({ roundState: 'decided' }));
    expect(gateRefusalDetail(before)).toContain('党委组织部执行 PUBLISH_LIST（公布立项名单）时随之执行');
    expect(gateRefusalMessage(direct).zh).toContain('START 只能随公布立项名单（PUBLISH_LIST）执行');
    expect(inRound(project('committee_approved'), 'START', actors.orgDept, gateFacts({ roundState: 'in_execution', via: 'PUBLISH_LIST' }))).toMatchObject({
      ok: true,
      to: 'in_progress',
    });
  });

  it('a progress report once acceptance is open is past its stage: nothing reopens it', () => {
    const refusal = refusalOf('in_progress', 'SUBMIT_PROGRESS_REPORT', actors.applicant, gateFacts({ roundState: 'under_acceptance' }));
    expect(refusal).toMatchObject({ code: 'round_stage', passed: true });
    expect(gateRefusalDetail(refusal)).toContain('该阶段已过，批次不会回到此阶段');
  });

  it('APPROVE once the decisions are concluded is refused', () => {
    expect(refusalOf('panel_reviewed', 'APPROVE', actors.committee, gateFacts({ roundState: 'decided' }))).toMatchObject({ gate: { name: 'committee_decision' }, passed: true });
  });

  it('RECOMMEND before acceptance opens is refused; after it, and once the round is closed, it runs', () => {
    expect(refusalOf('graded', 'RECOMMEND', actors.committee, gateFacts({ roundState: 'in_execution' }))).toMatchObject({
      gate: { name: 'recommendation', opensWith: { event: 'OPEN_ACCEPTANCE' } },
      passed: false,
    });
    for (const roundState of ['under_acceptance', 'closed'] as const) {
      expect(inRound(project('graded'), 'RECOMMEND', actors.committee, gateFacts({ roundState }))).toMatchObject({ ok: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over dates: deadlines, extensions, returns for revision, the acceptance day
// ---------------------------------------------------------------------------------------------

const T0 = Date.parse('2023-01-01T00:00:00+08:00');
const YEAR = 365 * 86_400_000;
const instant = fc.integer({ min: T0, max: T0 + 2 * YEAR });
const calendarDay = fc.integer({ min: 0, max: 2 * 365 }).map((d) => new Date(T0 + 8 * 3600_000 + d * 86_400_000).toISOString().slice(0, 10));
const GATED_BY_DATES: readonly { from: ProjectState; event: EventType }[] = TRANSITIONS.filter((t) => ['submission', 'acceptance'].includes(gateOf(1, t.from, t.event).name));

const factsArb = fc.record({
  roundState: fc.constantFrom(...ROUND_1_STATES),
  now: instant,
  submissionClosesAt: instant,
  extension: fc.option(instant, { nil: null }),
  revisionClosesAt: fc.option(instant, { nil: null }),
  finalAcceptanceDate: calendarDay,
  acceptanceOpensOn: fc.option(calendarDay, { nil: null }),
  returned: fc.boolean(),
  transition: fc.constantFrom(...GATED_BY_DATES),
});

describe('properties over dates', () => {
  it('checkGate agrees with the oracle on any clock, deadline, extension, revision deadline and acceptance day', () => {
    fc.assert(
      fc.property(factsArb, ({ extension, returned, transition, ...rest }) => {
        // The service hands in the unit's own window: the round's deadline or its extension, the later.
        const facts = gateFacts({ ...rest, submissionClosesAt: Math.max(rest.submissionClosesAt, extension ?? rest.submissionClosesAt) });
        const refusal = checkGate(project(transition.from, returned).context, transition.from, transition.event, facts);
        expect(refusal === null).toBe(oracle(transition.event, transition.from, returned, facts).open);
      }),
      { numRuns: 3000, seed: 1616 },
    );
  });

  it('windows only close as time passes (submission) and only open (acceptance)', () => {
    fc.assert(
      fc.property(factsArb, fc.integer({ min: 1, max: YEAR }), ({ extension: _e, returned, transition, ...rest }, later) => {
        const facts = gateFacts(rest);
        const gate = gateOf(1, transition.from, transition.event).name;
        const context = project(transition.from, returned).context;
        const openAt = (now: number) => checkGate(context, transition.from, transition.event, { ...facts, now }) === null;
        if (gate === 'submission' && !openAt(facts.now)) expect(openAt(facts.now + later)).toBe(false);
        if (gate === 'acceptance' && openAt(facts.now)) expect(openAt(facts.now + later)).toBe(true);
      }),
      { numRuns: 2000, seed: 1617 },
    );
  });

  it('acceptance opens at midnight in Shanghai of its day, not a millisecond before', () => {
    fc.assert(
      fc.property(calendarDay, fc.option(calendarDay, { nil: null }), (finalAcceptanceDate, acceptanceOpensOn) => {
        const day = acceptanceOpensOn ?? finalAcceptanceDate;
        const start = startOfShanghaiDay(day);
        expect(new Date(start + 8 * 3600_000).toISOString()).toBe(`${day}T00:00:00.000Z`);
        const at = (now: number) =>
          checkGate(project('final_acceptance').context, 'final_acceptance', 'GRADE', gateFacts({ roundState: 'under_acceptance', now, finalAcceptanceDate, acceptanceOpensOn }));
        expect(at(start - 1)).toMatchObject({ code: 'acceptance_not_open', opensOn: day });
        expect(at(start)).toBeNull();
      }),
      { numRuns: 500, seed: 1618 },
    );
  });

  it('a returned project resubmits through the preliminary checks until its revision deadline; one never returned does not', () => {
    fc.assert(
      fc.property(instant, fc.option(instant, { nil: null }), fc.constantFrom<ProjectState>('draft', 'submitted'), (now, revisionClosesAt, from) => {
        const facts = gateFacts({ roundState: 'submissions_closed', now, revisionClosesAt });
        const event: EventType = from === 'draft' ? 'SUBMIT' : 'WITHDRAW';
        const returned = checkGate(project(from, true).context, from, event, facts);
        const expected = revisionClosesAt === null || now < revisionClosesAt;
        expect(returned === null).toBe(expected);
        if (!expected) expect(returned).toMatchObject({ code: 'revision_closed', condition: { closedAt: new Date(revisionClosesAt).toISOString() } });
        expect(checkGate(project(from, false).context, from, event, facts)).toMatchObject({ code: 'submission_closed' });
      }),
      { numRuns: 1000, seed: 1619 },
    );
  });

  it('an extension keeps its unit’s window open in a round still open, to the millisecond', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 * 86_400_000 }), (roundClosesAt, extra) => {
        const extended = roundClosesAt + extra;
        const at = (now: number) => checkGate(project('draft').context, 'draft', 'SUBMIT', gateFacts({ roundState: 'open', now, submissionClosesAt: extended }));
        expect(at(roundClosesAt)).toBeNull();
        expect(at(extended - 1)).toBeNull();
        expect(at(extended)).toMatchObject({ code: 'submission_closed', condition: { closedAt: new Date(extended).toISOString() } });
      }),
      { numRuns: 500, seed: 1620 },
    );
  });
});

describe('stateOf stays the project machine’s own', () => {
  it('a gated decision reports the project state, not the round’s', () => {
    const snapshot = project('in_progress');
    const decision = inRound(snapshot, 'SUBMIT_FINAL_REPORT', actors.applicant, gateFacts({ roundState: 'open' }));
    expect(decision).toMatchObject({ ok: false, kind: 'gated', state: stateOf(snapshot) });
  });
});
