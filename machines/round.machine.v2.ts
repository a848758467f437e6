/**
 * round@2: the round of DOMAIN.md's second edition. After the committee concludes its decisions the
 * proposed list is in publicity (公示) for the round's working days; anyone of the institution may
 * lodge an objection, org_dept records how each was handled, and only after the period has ended
 * and every objection is handled is the list published, with its document number, date and the
 * signed document. Acceptance ends with the committee confirming the round's grades (CONFIRM_GRADES),
 * within the round's caps on prizes; the service then carries out every proposal in the same
 * transaction, as PUBLISH_LIST starts every approved project.
 *
 * Pure like round@1: the service hands in the clock, the period's end as the calendar makes it,
 * the uploaded documents and the counts of projects and proposals.
 */
import { assign, setup } from 'xstate';
import { blank, permit as permitRule, requireText, ruleBook, type Rule, type Violation } from './rules.js';
import { roundChecks } from './round.machine.js';
import type { RoundContext, RoundEvent, RoundInput } from './round.types.js';
import { label, type Role } from './vocabulary.js';

export const ROUND_MACHINE_V2_VERSION = 2;

type RoundCheckFn = (context: RoundContext, event: RoundEvent) => Violation | null;

const iso = (ms: number) => new Date(ms).toISOString();

/** The publicity period has ended (its end is exclusive: Asia/Shanghai midnight after its last working day). */
const publicityOver: RoundCheckFn = (context, event) => {
  const endsAt = context.publicity ? Date.parse(context.publicity.endsAt) : Number.POSITIVE_INFINITY;
  return event.facts.now >= endsAt
    ? null
    : {
        code: 'publicity_not_over',
        message: { zh: `公示期至 ${context.publicity?.endsAt ?? '—'} 结束，尚未期满`, en: `The publicity period runs until ${context.publicity?.endsAt ?? '—'}` },
        detail: { endsAt: context.publicity?.endsAt ?? null },
      };
};

export const roundChecksV2 = {
  ...roundChecks,
  publicityRunning: (context: RoundContext, event: RoundEvent): Violation | null => {
    const endsAt = context.publicity ? Date.parse(context.publicity.endsAt) : Number.NEGATIVE_INFINITY;
    return event.facts.now < endsAt
      ? null
      : {
          code: 'publicity_over',
          message: { zh: `公示期已于 ${context.publicity?.endsAt ?? '—'} 结束`, en: `The publicity period ended at ${context.publicity?.endsAt ?? '—'}` },
          detail: { endsAt: context.publicity?.endsAt ?? null },
        };
  },
  publicityOver,
  reasonGiven: requireText<RoundContext, RoundEvent>('reason', '异议理由'),
  responseGiven: requireText<RoundContext, RoundEvent>('response', '处理意见'),
  meetingReferenceGiven: requireText<RoundContext, RoundEvent>('meetingReference', '党委会议记录编号'),
  /** An objection names a project the committee decided on in this round, or none (the whole list). */
  objectionTarget: (_context: RoundContext, event: RoundEvent): Violation | null => {
    if (event.type !== 'LODGE_OBJECTION' || event.projectId === undefined) return null;
    return (event.facts.decidedProjectIds ?? []).includes(event.projectId)
      ? null
      : {
          code: 'project_not_on_list',
          message: { zh: '异议针对的项目须为本批次经党委研究决定的项目', en: 'The project must be one the committee decided on in this round' },
          detail: { field: 'projectId', projectId: event.projectId },
        };
  },
  objectionOpen: (context: RoundContext, event: RoundEvent): Violation | null => {
    if (event.type !== 'HANDLE_OBJECTION') return null;
    const objection = (context.objections ?? []).find((o) => o.number === event.objectionNumber);
    if (!objection) {
      return {
        code: 'objection_not_found',
        message: { zh: `没有编号为 ${event.objectionNumber} 的异议`, en: `No objection number ${event.objectionNumber}` },
        detail: { field: 'objectionNumber', objections: (context.objections ?? []).length },
      };
    }
    return objection.handling === null
      ? null
      : {
          code: 'objection_already_handled',
          message: { zh: `第 ${objection.number} 号异议已处理`, en: `Objection ${objection.number} has been handled` },
          detail: { field: 'objectionNumber', handling: objection.handling },
        };
  },
  everyObjectionHandled: (context: RoundContext): Violation | null => {
    const open = (context.objections ?? []).filter((o) => o.handling === null).map((o) => o.number);
    return open.length === 0
      ? null
      : { code: 'objections_open', message: { zh: `仍有 ${open.length} 个异议未处理`, en: `${open.length} objection(s) not handled yet` }, detail: { objections: open } };
  },
  /** The signed list document named by PUBLISH_LIST was uploaded to this round. */
  listDocumentGiven: (_context: RoundContext, event: RoundEvent): Violation | null => {
    if (event.type !== 'PUBLISH_LIST') return null;
    if (blank(event.document)) {
      return {
        code: 'document_required',
        message: { zh: '须附签章的立项名单文件（PDF，先上传到批次）', en: 'The signed list document (a PDF uploaded to the round) is required' },
        detail: { field: 'document' },
      };
    }
    return Object.hasOwn(event.facts.listDocuments ?? {}, event.document!)
      ? null
      : {
          code: 'unknown_document',
          message: { zh: '文件须为本批次已上传的立项名单文件', en: 'The document must be a list document uploaded to this round' },
          detail: { field: 'document', document: event.document },
        };
  },
  noFinalReportOutstanding: (_context: RoundContext, event: RoundEvent): Violation | null => {
    const left = event.facts.projectsByState.in_progress ?? 0;
    return left === 0
      ? null
      : {
          code: 'final_reports_outstanding',
          message: { zh: `仍有项目未提交结项报告（${left} 个）`, en: `Projects have not handed in their final report (${left})` },
          detail: { projects: left },
        };
  },
  everyGradeProposed: (_context: RoundContext, event: RoundEvent): Violation | null => {
    const missing = event.facts.proposals?.missing ?? 0;
    return missing === 0
      ? null
      : {
          code: 'grades_not_proposed',
          message: { zh: `仍有项目未经组织部建议等级（${missing} 个）`, en: `Projects still await org_dept’s proposal (${missing})` },
          detail: { projects: missing },
        };
  },
  withinPrizeCaps: (_context: RoundContext, event: RoundEvent): Violation | null => {
    const caps = event.facts.prizeCaps ?? {};
    const proposed = event.facts.proposals?.byGrade ?? {};
    const over = (['first', 'second', 'third'] as const)
      .filter((grade) => caps[grade] !== undefined && (proposed[grade] ?? 0) > caps[grade])
      .map((grade) => ({ grade, proposed: proposed[grade] ?? 0, cap: caps[grade]! }));
    return over.length === 0
      ? null
      : {
          code: 'prize_cap_exceeded',
          message: {
            zh: `建议的获奖数超过本批次上限：${over.map((o) => `${o.grade} ${o.proposed}/${o.cap}`).join('，')}`,
            en: `More prizes proposed than the round allows: ${over.map((o) => `${o.grade} ${o.proposed}/${o.cap}`).join(', ')}`,
          },
          detail: { over },
        };
  },
} satisfies Record<string, RoundCheckFn>;

export type RoundCheckV2 = keyof typeof roundChecksV2;

export const roundRulesV2 = ruleBook<RoundContext, RoundEvent, never, RoundCheckV2>({}, roundChecksV2, [
  'deadlinePassed',
  'everySubmissionChecked',
  'everyProjectDecided',
  'everyProjectConcluded',
  'publicityRunning',
  'publicityOver',
  'everyObjectionHandled',
  'noFinalReportOutstanding',
  'everyGradeProposed',
  'withinPrizeCaps',
]);

const permit = (roles: Role | readonly Role[], ...checks: RoundCheckV2[]) => permitRule<never, RoundCheckV2>(roles, { checks });

/** Anyone of the institution may object: every role but the system's administrator. */
const OBJECTORS: readonly Role[] = ['applicant', 'reviewer', 'org_dept', 'committee', 'auditor'];

export const roundMachineV2 = setup({
  types: {
    context: {} as RoundContext,
    events: {} as RoundEvent,
    input: {} as RoundInput,
  },
  guards: {
    permitted: ({ context, event }, rule: Rule<never, RoundCheckV2>) => roundRulesV2.judge(rule, context, event).ok,
  },
  actions: {
    startPublicity: assign(({ event }) => ({
      publicity: {
        startedAt: iso(event.facts.now),
        endsAt: iso(event.facts.publicityEndsAt ?? event.facts.now),
        workingDays: event.facts.publicityWorkingDays ?? 0,
      },
      objections: [],
    })),
    addObjection: assign(({ context, event }) => {
      if (event.type !== 'LODGE_OBJECTION') return {};
      const objections = context.objections ?? [];
      return {
        objections: [
          ...objections,
          {
            number: objections.length + 1,
            projectId: event.projectId ?? null,
            reason: event.reason.trim(),
            lodgedBy: event.actor.id,
            lodgedAt: iso(event.facts.now),
            handling: null,
          },
        ],
      };
    }),
    handleObjection: assign(({ context, event }) => {
      if (event.type !== 'HANDLE_OBJECTION') return {};
      const handling = { outcome: event.outcome, response: event.response.trim(), by: event.actor.id, at: iso(event.facts.now) };
      return { objections: (context.objections ?? []).map((o) => (o.number === event.objectionNumber ? { ...o, handling } : o)) };
    }),
    recordPublication: assign(({ event }) =>
      event.type === 'PUBLISH_LIST'
        ? {
            publication: {
              documentNumber: event.documentNumber.trim(),
              publishedOn: event.publishedOn,
              document: { fileId: event.document!, sha256: event.facts.listDocuments![event.document!]! },
            },
          }
        : {},
    ),
    recordConfirmation: assign(({ event }) =>
      event.type === 'CONFIRM_GRADES' ? { gradesConfirmation: { meetingReference: event.meetingReference.trim(), at: iso(event.facts.now) } } : {},
    ),
  },
}).createMachine({
  id: 'round',
  version: String(ROUND_MACHINE_V2_VERSION),
  initial: 'open',
  context: ({ input }) => ({ roundId: input?.roundId ?? '', publication: null, publicity: null, objections: [], gradesConfirmation: null }),
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
      on: { CONCLUDE_DECISIONS: { target: 'in_publicity', guard: permit('committee', 'everyProjectDecided'), actions: 'startPublicity' } },
    },
    in_publicity: {
      meta: label('拟立项名单公示中', 'Proposed list in publicity'),
      on: {
        LODGE_OBJECTION: { guard: permit(OBJECTORS, 'publicityRunning', 'reasonGiven', 'objectionTarget'), actions: 'addObjection' },
        HANDLE_OBJECTION: { guard: permit('org_dept', 'objectionOpen', 'responseGiven'), actions: 'handleObjection' },
        // The service fires START for every committee-approved project in the same transaction.
        PUBLISH_LIST: {
          target: 'in_execution',
          guard: permit('org_dept', 'publicityOver', 'everyObjectionHandled', 'documentGiven', 'listDocumentGiven'),
          actions: 'recordPublication',
        },
      },
    },
    in_execution: {
      meta: label('立项名单已公布，实施中', 'Approved list published; in execution'),
      on: { OPEN_ACCEPTANCE: { target: 'under_acceptance', guard: permit('org_dept') } },
    },
    under_acceptance: {
      meta: label('结项验收', 'Under final acceptance'),
      // The service fires GRADE or FAIL for every proposal in the same transaction.
      on: {
        CONFIRM_GRADES: {
          target: 'grades_confirmed',
          guard: permit('committee', 'meetingReferenceGiven', 'noFinalReportOutstanding', 'everyGradeProposed', 'withinPrizeCaps'),
          actions: 'recordConfirmation',
        },
      },
    },
    grades_confirmed: {
      meta: label('结项等级已确认', 'Grades confirmed'),
      on: { CLOSE_ROUND: { target: 'closed', guard: permit('org_dept', 'everyProjectConcluded') } },
    },
    closed: { type: 'final', meta: label('已结束', 'Closed') },
  },
});
