/**
 * The round governs its projects (DOMAIN.md, "The round governs its projects"): a project's step is
 * legal only when its own machine and its round's stage allow it. This file is that table for each
 * version of the round machine, pure like the machines: the service hands in the round's state,
 * its dates and the clock (`GateFacts`); nothing here reads a database or a clock.
 *
 * A gate is kept beside the round machine, not inside it: round@1's definition is signed by kept
 * checkpoints and may not change, and the project machine stays round-agnostic. The workflow step
 * decides every project event through `decideInRound` (src/workflow/step.ts).
 */
import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import type { Decision, Lifecycle } from './lifecycle.js';
import type { EventType, ProjectContext, ProjectState } from './project.types.js';
import { ROUND_EVENT_LABELS, ROUND_MACHINE_VERSION } from './round.machine.js';
import { ROUND_MACHINE_V2_VERSION } from './round.machine.v2.js';
import { roundStateLabel } from './round.lifecycle.js';
import { ROUND_1_STATES, ROUND_2_STATES, type RoundEventType, type RoundState } from './round.types.js';
import { ROLE_LABELS, type Label, type Role } from './vocabulary.js';

export const GATE_NAMES = [
  'submission',
  'preliminary_check',
  'panel_review',
  'committee_decision',
  'publicity',
  'publication',
  'execution',
  'acceptance',
  'grade_confirmation',
  'recommendation',
] as const;
export type GateName = (typeof GATE_NAMES)[number];

/** The round event, and the role firing it, that opens a gate. */
export interface GateOpener {
  event: RoundEventType;
  role: Role;
}

/** Everything a gate reads besides the project's own context, gathered by the service with the event. */
export interface GateFacts {
  roundId: string;
  /** The round's state as stored when the project event runs. */
  roundState: RoundState;
  /** The version of the round's machine: it selects the gate table. */
  roundVersion: number;
  /** The service's clock, epoch ms. */
  now: number;
  /** Exclusive end of the project's unit's submission window, its extension included, epoch ms. */
  submissionClosesAt: number;
  /** Exclusive end of the resubmission window after a return; null: no revision deadline. */
  revisionClosesAt: number | null;
  /** The round's final-acceptance date, YYYY-MM-DD, Asia/Shanghai. */
  finalAcceptanceDate: string;
  /** A recorded round setting opening acceptance on another day, YYYY-MM-DD; null: the final-acceptance date. */
  acceptanceOpensOn: string | null;
  /** The round event this project event runs inside: START runs only inside PUBLISH_LIST (and, under round@2, GRADE and FAIL only inside CONFIRM_GRADES). */
  via?: RoundEventType;
  /** round@2: the exclusive end of the publicity period, epoch ms; null or absent before it began. */
  publicityEndsAt?: number | null;
}

/** Why a gate is shut although the round is in one of its stages. */
export interface GateCondition {
  code: 'submission_closed' | 'revision_closed' | 'acceptance_not_open' | 'publish_list_only' | 'confirm_grades_only' | 'publicity_over';
  message: Label;
  /** When the window closed (deadlines), ISO UTC. */
  closedAt?: string;
  /** The Asia/Shanghai day from which the gate opens, YYYY-MM-DD. */
  opensOn?: string;
}

export interface Gate {
  name: GateName;
  /** Chinese first, like every label. */
  label: Label;
  /** The project events this gate governs, from these project states (an event legal elsewhere too is split by state). */
  events: readonly EventType[];
  from: readonly ProjectState[];
  /** The round states in which the gate may be open. */
  openIn: readonly RoundState[];
  /** The round event the project event must run inside (START inside PUBLISH_LIST). */
  onlyVia?: RoundEventType;
  /** The round event that opens the gate; null when the gate is open from the round's start. */
  opensWith: GateOpener | null;
  /** Further conditions inside the stages: deadlines, dates. */
  when?: (context: ProjectContext, facts: GateFacts) => GateCondition | null;
}

export interface GateRefusal {
  /** `round_stage` when the round is in none of the gate's stages, else the gate's condition. */
  code: 'round_stage' | GateCondition['code'];
  event: EventType;
  from: ProjectState;
  roundId: string;
  roundVersion: number;
  roundState: RoundState;
  gate: Pick<Gate, 'name' | 'label' | 'openIn' | 'opensWith'> & { onlyVia?: RoundEventType };
  /** The round has passed every stage of the gate: nothing will open it again. */
  passed: boolean;
  condition?: GateCondition;
  /** The Asia/Shanghai day from which the acceptance gate opens, YYYY-MM-DD. */
  opensOn?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The start of a calendar day in Asia/Shanghai (UTC+8 without daylight saving since 1991), epoch ms. */
export function startOfShanghaiDay(date: string): number {
  const start = DAY.test(date) ? Date.parse(`${date}T00:00:00+08:00`) : Number.NaN;
  if (Number.isNaN(start)) throw new RangeError(`not a calendar date: ${date}`);
  return start;
}

/** The day acceptance opens: the recorded setting, else the final-acceptance date. */
export const acceptanceOpensOn = (facts: GateFacts): string => facts.acceptanceOpensOn ?? facts.finalAcceptanceDate;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * SUBMIT and WITHDRAW: while the round is open, until the unit's deadline (its extension included);
 * a project returned for revision also until the revision deadline, through the preliminary checks.
 */
function submissionWindow(context: ProjectContext, facts: GateFacts): GateCondition | null {
  const { roundState, now, submissionClosesAt, revisionClosesAt } = facts;
  if (roundState === 'open' && now < submissionClosesAt) return null;
  if (context.returnedForRevision) {
    if (revisionClosesAt === null || now < revisionClosesAt) return null;
    return {
      code: 'revision_closed',
      message: { zh: '已过修改后重新申报的截止时间', en: 'The revision deadline has passed' },
      closedAt: iso(revisionClosesAt),
    };
  }
  return {
    code: 'submission_closed',
    message: { zh: '已过本单位的申报截止时间', en: "The unit's submission deadline has passed" },
    closedAt: iso(submissionClosesAt),
  };
}

/** Acceptance opens at the start of its day, Asia/Shanghai. */
function acceptanceDate(_context: ProjectContext, facts: GateFacts): GateCondition | null {
  const opensOn = acceptanceOpensOn(facts);
  return facts.now >= startOfShanghaiDay(opensOn)
    ? null
    : { code: 'acceptance_not_open', message: { zh: `结项验收自 ${opensOn}（北京时间）起开放`, en: `Final acceptance opens on ${opensOn} (Asia/Shanghai)` }, opensOn };
}

const ORG_DEPT = 'org_dept' as const;

/**
 * round@1's gates, DOMAIN.md's table row by row. Where round@1 lacks a stage the table names, the
 * nearest stage stands in: the committee decides while the round is `under_review` (CONCLUDE_DECISIONS
 * ends it), and as round@1 has no confirmation of grades a grade is final when given, so RECOMMEND
 * is open once acceptance is (`under_acceptance`, `closed`).
 */
export const ROUND_1_GATES: readonly Gate[] = [
  {
    name: 'submission',
    label: { zh: '申报', en: 'Submission' },
    events: ['SUBMIT', 'WITHDRAW'],
    from: ['draft', 'submitted'],
    openIn: ['open', 'submissions_closed'],
    opensWith: null,
    when: submissionWindow,
  },
  {
    name: 'preliminary_check',
    label: { zh: '初审', en: 'Preliminary check' },
    events: ['PASS_PRELIMINARY_CHECK', 'RETURN_FOR_REVISION', 'REJECT'],
    from: ['submitted'],
    openIn: ['open', 'submissions_closed'],
    opensWith: null,
  },
  {
    name: 'panel_review',
    label: { zh: '评审', en: 'Panel review' },
    events: ['SUBMIT_REVIEW', 'COMPLETE_PANEL_REVIEW'],
    from: ['preliminarily_checked'],
    openIn: ['under_review'],
    opensWith: { event: 'START_REVIEW', role: ORG_DEPT },
  },
  {
    name: 'committee_decision',
    label: { zh: '党委研究决定', en: 'Committee decision' },
    events: ['APPROVE', 'REJECT'],
    from: ['panel_reviewed'],
    openIn: ['under_review'],
    opensWith: { event: 'START_REVIEW', role: ORG_DEPT },
  },
  {
    name: 'publication',
    label: { zh: '公布立项名单', en: 'Publication of the approved list' },
    events: ['START'],
    from: ['committee_approved'],
    // PUBLISH_LIST writes the round `in_execution` before it starts the approved projects.
    openIn: ['in_execution'],
    onlyVia: 'PUBLISH_LIST',
    opensWith: { event: 'PUBLISH_LIST', role: ORG_DEPT },
  },
  {
    name: 'execution',
    label: { zh: '实施', en: 'Execution' },
    events: ['SUBMIT_PROGRESS_REPORT'],
    from: ['in_progress'],
    openIn: ['in_execution'],
    opensWith: { event: 'PUBLISH_LIST', role: ORG_DEPT },
  },
  {
    name: 'acceptance',
    label: { zh: '结项验收', en: 'Final acceptance' },
    events: ['SUBMIT_FINAL_REPORT', 'RETURN_FINAL_REPORT', 'GRADE', 'FAIL'],
    from: ['in_progress', 'final_acceptance'],
    openIn: ['under_acceptance'],
    opensWith: { event: 'OPEN_ACCEPTANCE', role: ORG_DEPT },
    when: acceptanceDate,
  },
  {
    name: 'recommendation',
    label: { zh: '择优推荐', en: 'Recommendation' },
    events: ['RECOMMEND'],
    from: ['graded'],
    openIn: ['under_acceptance', 'closed'],
    opensWith: { event: 'OPEN_ACCEPTANCE', role: ORG_DEPT },
  },
];

/** The committee reverses a decision only while the publicity period runs. */
function publicityWindow(_context: ProjectContext, facts: GateFacts): GateCondition | null {
  const endsAt = facts.publicityEndsAt ?? null;
  if (endsAt !== null && facts.now < endsAt) return null;
  return {
    code: 'publicity_over',
    message: { zh: '公示期已结束，不能再改变决定', en: 'The publicity period is over: decisions no longer change' },
    ...(endsAt !== null ? { closedAt: iso(endsAt) } : {}),
  };
}

const gateOfRound1 = (name: GateName): Gate => ROUND_1_GATES.find((g) => g.name === name)!;

/**
 * round@2's gates: round@1's up to the committee's decisions; then 公示, in which the committee may
 * reverse a decision until the period ends; the list published only after it; the acceptance panel's
 * scores and org_dept's proposals in acceptance; GRADE and FAIL only inside the committee's
 * CONFIRM_GRADES; RECOMMEND and the selection's outcome once the grades are confirmed, as DOMAIN.md's
 * table says.
 */
export const ROUND_2_GATES: readonly Gate[] = [
  gateOfRound1('submission'),
  gateOfRound1('preliminary_check'),
  gateOfRound1('panel_review'),
  gateOfRound1('committee_decision'),
  {
    name: 'publicity',
    label: { zh: '公示', en: 'Publicity' },
    events: ['REVERSE_DECISION'],
    from: ['committee_approved', 'rejected'],
    openIn: ['in_publicity'],
    opensWith: { event: 'CONCLUDE_DECISIONS', role: 'committee' },
    when: publicityWindow,
  },
  gateOfRound1('publication'),
  gateOfRound1('execution'),
  {
    name: 'acceptance',
    label: { zh: '结项验收', en: 'Final acceptance' },
    events: ['SUBMIT_FINAL_REPORT', 'RETURN_FINAL_REPORT', 'SUBMIT_ACCEPTANCE_REVIEW', 'PROPOSE_GRADE'],
    from: ['in_progress', 'final_acceptance'],
    openIn: ['under_acceptance'],
    opensWith: { event: 'OPEN_ACCEPTANCE', role: ORG_DEPT },
    when: acceptanceDate,
  },
  {
    name: 'grade_confirmation',
    label: { zh: '党委确认结项等级', en: 'Confirmation of the grades' },
    events: ['GRADE', 'FAIL'],
    from: ['final_acceptance'],
    // CONFIRM_GRADES writes the round `grades_confirmed` before it carries out the proposals.
    openIn: ['grades_confirmed'],
    onlyVia: 'CONFIRM_GRADES',
    opensWith: { event: 'CONFIRM_GRADES', role: 'committee' },
  },
  {
    name: 'recommendation',
    label: { zh: '择优推荐', en: 'Recommendation' },
    events: ['RECOMMEND', 'RECORD_RECOMMENDATION_OUTCOME'],
    from: ['graded'],
    openIn: ['grades_confirmed', 'closed'],
    opensWith: { event: 'CONFIRM_GRADES', role: 'committee' },
  },
];

/** The gate tables by round machine version, each with the order of its round's states. */
export const ROUND_GATES: Readonly<Record<number, { states: readonly RoundState[]; gates: readonly Gate[] }>> = {
  [ROUND_MACHINE_VERSION]: { states: ROUND_1_STATES, gates: ROUND_1_GATES },
  [ROUND_MACHINE_V2_VERSION]: { states: ROUND_2_STATES, gates: ROUND_2_GATES },
};

function tableOf(version: number) {
  const table = ROUND_GATES[version];
  if (!table) throw new Error(`no gate table for round@${version}`);
  return table;
}

/**
 * Whether a round of this version can govern projects of this lifecycle: its gate table has exactly
 * one gate for every transition of the project machine, and no gate that governs none of them. A round pins the newest project machine it
 * governs (round@1 cannot run project@2's 公示 and acceptance review; round@2 runs project@2).
 */
export function governs(roundVersion: number, project: Pick<Lifecycle, 'transitions'>): boolean {
  const table = ROUND_GATES[roundVersion];
  if (!table) return false;
  const gatesOf = (t: { from: string; event: string }) => table.gates.filter((g) => g.events.includes(t.event as EventType) && g.from.includes(t.from as ProjectState));
  // Every transition under exactly one gate, and every gate over some transition: round@2's 公示 and
  // confirmation of grades need project@2's events, which project@1 lacks.
  return project.transitions.every((t) => gatesOf(t).length === 1) && table.gates.every((g) => project.transitions.some((t) => gatesOf(t).includes(g)));
}

/** The gate of one project transition; a transition without one is a fault of the table. */
export function gateOf(roundVersion: number, from: ProjectState, event: EventType): Gate {
  const gates = tableOf(roundVersion).gates.filter((g) => g.events.includes(event) && g.from.includes(from));
  if (gates.length !== 1) throw new Error(`round@${roundVersion} has ${gates.length} gates for ${event} from ${from}`);
  return gates[0]!;
}

/**
 * Whether the round lets the project take `event` from `from` now: null when it does, else the
 * refusal naming the round's state, the gate and what would open it. Call it only for a transition
 * the project's machine has.
 */
export function checkGate(context: ProjectContext, from: ProjectState, event: EventType, facts: GateFacts): GateRefusal | null {
  const { states } = tableOf(facts.roundVersion);
  const gate = gateOf(facts.roundVersion, from, event);
  const refusal = (code: GateRefusal['code'], condition?: GateCondition): GateRefusal => {
    const last = Math.max(...gate.openIn.map((s) => states.indexOf(s)));
    const passed = states.indexOf(facts.roundState) > last;
    return {
      code,
      event,
      from,
      roundId: facts.roundId,
      roundVersion: facts.roundVersion,
      roundState: facts.roundState,
      gate: { name: gate.name, label: gate.label, openIn: gate.openIn, opensWith: gate.opensWith, ...(gate.onlyVia ? { onlyVia: gate.onlyVia } : {}) },
      passed,
      ...(condition ? { condition } : {}),
      ...(gate.name === 'acceptance' ? { opensOn: acceptanceOpensOn(facts) } : {}),
    };
  };
  if (!gate.openIn.includes(facts.roundState)) return refusal('round_stage');
  if (gate.onlyVia && facts.via !== gate.onlyVia) {
    const { zh, en } = ROUND_EVENT_LABELS[gate.onlyVia];
    const code = gate.onlyVia === 'PUBLISH_LIST' ? 'publish_list_only' : 'confirm_grades_only';
    return refusal(code, {
      code,
      message: { zh: `${event} 只能随${zh}（${gate.onlyVia}）执行`, en: `${event} runs only inside ${gate.onlyVia} (${en.toLowerCase()})` },
    });
  }
  const condition = gate.when?.(context, facts) ?? null;
  return condition ? refusal(condition.code, condition) : null;
}

/**
 * A gate refusal in words, Chinese first: the event and the stages it needs, the round's state, and
 * what would open the gate (or that nothing will).
 */
export function gateRefusalMessage(refusal: GateRefusal): Label {
  const { event, gate, roundState } = refusal;
  const stagesZh = gate.openIn.map((s) => `「${roundStateLabel(s).zh}」`).join('或');
  const stagesEn = gate.openIn.join(' or ');
  const now = { zh: `批次现为「${roundStateLabel(roundState).zh}」`, en: `the round is ${roundState}` };
  const gateName = { zh: `（${gate.label.zh}关口）`, en: ` (gate ${gate.name})` };
  const need = { zh: `${event} 须在批次${stagesZh}阶段${gateName.zh}`, en: `${event} needs the round in ${stagesEn}${gateName.en}` };
  const date = refusal.opensOn ? { zh: `，${refusal.opensOn} 起`, en: `, from ${refusal.opensOn} (Asia/Shanghai)` } : { zh: '', en: '' };
  let opens: Label;
  if (refusal.passed) {
    opens = { zh: '该阶段已过，批次不会回到此阶段', en: 'that stage is over and the round does not return to it' };
  } else if (refusal.condition) {
    const c = refusal.condition;
    const at = c.closedAt ? { zh: `（${c.closedAt}）`, en: ` (${c.closedAt})` } : { zh: '', en: '' };
    opens = { zh: `${c.message.zh}${at.zh}`, en: `${c.message.en}${at.en}` };
  } else if (gate.opensWith) {
    const role = ROLE_LABELS[gate.opensWith.role];
    const e = gate.opensWith.event;
    opens = gate.onlyVia
      ? { zh: `${role.zh}执行 ${e}（${ROUND_EVENT_LABELS[e].zh}）时随之执行`, en: `runs when ${gate.opensWith.role} fires ${e}` }
      : { zh: `${role.zh}执行 ${e}（${ROUND_EVENT_LABELS[e].zh}）后开放${date.zh}`, en: `opens when ${gate.opensWith.role} fires ${e}${date.en}` };
  } else {
    opens = { zh: '该阶段自批次开放起即开放', en: 'open from the round’s start' };
  }
  return { zh: `${need.zh}；${now.zh}；${opens.zh}`, en: `${need.en}; ${now.en}; ${opens.en}` };
}

/** The refusal's detail as the API writes it: `中文 / English`. */
export const gateRefusalDetail = (refusal: GateRefusal): string => {
  const { zh, en } = gateRefusalMessage(refusal);
  return `${zh} / ${en}`;
};

export type GatedDecision<Snap> = Decision<Snap, ProjectState> | { ok: false; kind: 'gated'; state: ProjectState; refusal: GateRefusal };

/**
 * The project's machine decides, then the round: an actor who may not fire the event (403) and an
 * event the project's state does not accept (409 illegal) are answered first; a transition the
 * machine takes or refuses only on its conditions (422) is then held to the round's gate, so a
 * closed gate (409) is named before a failed condition.
 */
export function decideInRound<M extends AnyStateMachine>(
  lifecycle: Lifecycle<M, ProjectState, EventType>,
  snapshot: SnapshotFrom<M>,
  event: Parameters<Lifecycle<M, ProjectState, EventType>['decide']>[1],
  facts: GateFacts,
): GatedDecision<SnapshotFrom<M>> {
  const decision = lifecycle.decide(snapshot, event);
  if (!decision.ok && decision.kind !== 'unprocessable') return decision;
  const from = lifecycle.stateOf(snapshot);
  const context = (snapshot as { context: ProjectContext }).context;
  const refusal = checkGate(context, from, (event as { type: EventType }).type, facts);
  return refusal ? { ok: false, kind: 'gated', state: from, refusal } : decision;
}
