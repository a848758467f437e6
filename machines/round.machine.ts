/**
 * The round lifecycle as one XState machine: open for submissions → submissions closed → under
 * review → decided → in execution (the approved list published) → under acceptance → closed.
 * Each transition names who may fire it and the conditions it needs, read from the facts the
 * service hands over: the clock, the deadline and how many of the round's projects are where.
 */
import { assign, setup } from 'xstate';
import type { ProjectState } from './project.types.js';
import { blank, permit as permitRule, ruleBook, type Rule, type Violation } from './rules.js';
import type { RoundContext, RoundEvent, RoundEventType, RoundInput } from './round.types.js';
import { label, type Label, type Role } from './vocabulary.js';

export const ROUND_MACHINE_ID = 'round';
export const ROUND_MACHINE_VERSION = 1;

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Counts the round's projects in the given states. */
const count = (event: RoundEvent, states: readonly ProjectState[]) => states.reduce((sum, state) => sum + (event.facts.projectsByState[state] ?? 0), 0);

function projectsLeft(code: string, states: readonly ProjectState[], zh: string, en: string) {
  return (_context: RoundContext, event: RoundEvent): Violation | null => {
    const left = count(event, states);
    if (left === 0) return null;
    const byState = Object.fromEntries(states.filter((s) => (event.facts.projectsByState[s] ?? 0) > 0).map((s) => [s, event.facts.projectsByState[s]]));
    return { code, message: { zh: `${zh}（${left} 个）`, en: `${en} (${left})` }, detail: { projects: left, byState } };
  };
}

/** The named conditions of the round's transitions: null when it holds, or why not (422). */
export const roundChecks = {
  deadlinePassed: (_context: RoundContext, event: RoundEvent): Violation | null =>
    event.facts.now >= event.facts.submissionClosesAt
      ? null
      : {
          code: 'deadline_not_passed',
          message: { zh: '申报截止日尚未过去', en: 'The submission deadline has not passed yet' },
          detail: { submissionClosesAt: new Date(event.facts.submissionClosesAt).toISOString() },
        },
  everySubmissionChecked: projectsLeft('projects_awaiting_preliminary_check', ['submitted'], '仍有项目未完成初审', 'Projects still await the preliminary check'),
  everyProjectDecided: projectsLeft(
    'projects_undecided',
    ['submitted', 'preliminarily_checked', 'panel_reviewed'],
    '仍有项目未经党委研究决定',
    'Projects still await the committee’s decision',
  ),
  documentGiven: (_context: RoundContext, event: RoundEvent): Violation | null => {
    if (event.type !== 'PUBLISH_LIST') return null;
    if (blank(event.documentNumber)) {
      return { code: 'documentNumber_required', message: { zh: '须填写党委文件字号', en: 'documentNumber is required' }, detail: { field: 'documentNumber' } };
    }
    const time = Date.parse(`${event.publishedOn}T00:00:00Z`);
    const valid = CALENDAR_DATE.test(event.publishedOn ?? '') && !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === event.publishedOn;
    return valid ? null : { code: 'publishedOn_invalid', message: { zh: '发布日期无效', en: 'publishedOn is not a calendar date' }, detail: { field: 'publishedOn' } };
  },
  everyProjectConcluded: projectsLeft(
    'projects_not_concluded',
    ['submitted', 'preliminarily_checked', 'panel_reviewed', 'committee_approved', 'in_progress', 'final_acceptance'],
    '仍有项目未结项或未决定',
    'Projects are still undecided, in progress or under acceptance',
  ),
} satisfies Record<string, (context: RoundContext, event: RoundEvent) => Violation | null>;

export type RoundCheck = keyof typeof roundChecks;

export type RoundRule = Rule<never, RoundCheck>;

/** The round has no authorisations beyond the role; every condition but the published document is payload-free. */
export const roundRules = ruleBook<RoundContext, RoundEvent, never, RoundCheck>({}, roundChecks, [
  'deadlinePassed',
  'everySubmissionChecked',
  'everyProjectDecided',
  'everyProjectConcluded',
]);

const permit = (role: Role, ...checks: RoundCheck[]) => permitRule<never, RoundCheck>(role, { checks });

export const roundMachine = setup({
  types: {
    context: {} as RoundContext,
    events: {} as RoundEvent,
    input: {} as RoundInput,
  },
  guards: {
    permitted: ({ context, event }, rule: RoundRule) => roundRules.judge(rule, context, event).ok,
  },
  actions: {
    recordPublication: assign(({ event }) =>
      event.type === 'PUBLISH_LIST' ? { publication: { documentNumber: event.documentNumber.trim(), publishedOn: event.publishedOn } } : {},
    ),
  },
}).createMachine({
  id: ROUND_MACHINE_ID,
  version: String(ROUND_MACHINE_VERSION),
  initial: 'open',
  context: ({ input }) => ({ roundId: input?.roundId ?? '', publication: null }),
  states: {
    open: {
      meta: label('开放申报', 'Open for submissions'),
      on: { CLOSE_SUBMISSIONS: { target: 'submissions_closed', guard: permit('org_dept', 'deadlinePassed') } },
    },
    submissions_closed: {
      meta: label('申报截止（初审中）', 'Submissions closed (preliminary checks)'),
      on: { START_REVIEW: { target: 'under_review', guard: permit('org_dept', 'everySubmissionChecked') } },
    },
    under_review: {
      meta: label('评审中', 'Under panel review'),
      on: { CONCLUDE_DECISIONS: { target: 'decided', guard: permit('committee', 'everyProjectDecided') } },
    },
    decided: {
      meta: label('党委已研究决定（待公布名单）', 'Decided (approved list to be published)'),
      // The service fires START for every committee-approved project in the same transaction.
      on: { PUBLISH_LIST: { target: 'in_execution', guard: permit('org_dept', 'documentGiven'), actions: 'recordPublication' } },
    },
    in_execution: {
      meta: label('立项名单已公布，实施中', 'Approved list published; in execution'),
      on: { OPEN_ACCEPTANCE: { target: 'under_acceptance', guard: permit('org_dept') } },
    },
    under_acceptance: {
      meta: label('结项验收', 'Under final acceptance'),
      on: { CLOSE_ROUND: { target: 'closed', guard: permit('org_dept', 'everyProjectConcluded') } },
    },
    closed: { type: 'final', meta: label('已结束', 'Closed') },
  },
});

export const ROUND_EVENT_LABELS: Record<RoundEventType, Label> = {
  CLOSE_SUBMISSIONS: { zh: '截止申报', en: 'Close submissions' },
  START_REVIEW: { zh: '开始评审', en: 'Start panel review' },
  CONCLUDE_DECISIONS: { zh: '党委研究决定完毕', en: 'Conclude the committee’s decisions' },
  PUBLISH_LIST: { zh: '公布立项名单', en: 'Publish the approved list' },
  OPEN_ACCEPTANCE: { zh: '启动结项验收', en: 'Open final acceptance' },
  CLOSE_ROUND: { zh: '结束批次', en: 'Close the round' },
  LODGE_OBJECTION: { zh: '提出异议', en: 'Lodge an objection' },
  HANDLE_OBJECTION: { zh: '处理异议', en: 'Handle an objection' },
  CONFIRM_GRADES: { zh: '党委确认结项等级', en: 'Confirm the grades' },
};
