/**
 * The project lifecycle of DOMAIN.md as one XState machine. It reads like the lifecycle table:
 * every transition names who may fire it and the conditions it needs (`permit(...)`), and the
 * service hands it every fact through the event. It is pure: no I/O, no clock, no database.
 */
import { assign, setup } from 'xstate';
import { judge, type Authorization, type Check, type Rule } from './project.rules.js';
import type { Criterion, EventType, Grade, Label, ProjectContext, ProjectEvent, ProjectInput, Role } from './project.types.js';
import { permit as permitRule } from './rules.js';
import { label } from './vocabulary.js';
export { ROLE_LABELS } from './vocabulary.js';

export const PROJECT_MACHINE_ID = 'project';
export const PROJECT_MACHINE_VERSION = 1;

const permit = (roles: Role | readonly Role[], options: { authorizations?: readonly Authorization[]; checks?: readonly Check[] } = {}) =>
  permitRule<Authorization, Check>(roles, options);

/** The machine's types and named guards and actions; a later version of the machine is built from these too. */
export const projectSetup = setup({
  types: {
    context: {} as ProjectContext,
    events: {} as ProjectEvent,
    input: {} as ProjectInput,
  },
  guards: {
    permitted: ({ context, event }, rule: Rule) => judge(rule, context, event).ok,
  },
  actions: {
    recordSubmission: assign({ submissions: ({ context }) => context.submissions + 1 }),
    markReturnedForRevision: assign({ returnedForRevision: true }),
    assignGradeAndFunding: assign(({ event }) => {
      if (event.type !== 'GRADE') return {};
      const grade: Grade = event.grade;
      return { grade, funding: event.facts.funding[grade] };
    }),
    withholdFunding: assign({ funding: 0 }),
    markRecommended: assign({ recommended: true }),
    countReview: assign({ reviewSubmissions: ({ context }) => context.reviewSubmissions + 1 }),
    countProgressReport: assign({ progressReports: ({ context }) => context.progressReports + 1 }),
    // The service resolved each named document's checksum into the facts; none named: none kept.
    recordFinalReportDocuments: assign(({ event }) => {
      if (event.type !== 'SUBMIT_FINAL_REPORT') return {};
      const documents = (event.documents ?? []).map((fileId) => ({ fileId, sha256: event.facts.finalReportDocuments[fileId]! }));
      return { finalReportDocuments: documents.length > 0 ? documents : undefined };
    }),
  },
});

export const projectMachine = projectSetup.createMachine({
  id: PROJECT_MACHINE_ID,
  version: String(PROJECT_MACHINE_VERSION),
  initial: 'draft',
  // XState builds actors without input for its pure functions (initialTransition(), and the
  // scope of ./pure-transition.ts); reading input defensively keeps those from throwing.
  context: ({ input }) => ({
    projectId: input?.projectId ?? '',
    unitId: input?.unitId ?? '',
    returnedForRevision: false,
    submissions: 0,
    grade: null,
    funding: null,
    recommended: false,
    reviewSubmissions: 0,
    progressReports: 0,
  }),
  states: {
    draft: {
      meta: label('草稿', 'Draft'),
      on: {
        SUBMIT: {
          target: 'submitted',
          guard: permit('applicant', { authorizations: ['ownUnit'], checks: ['letterComplete', 'submissionWindowOpen', 'signedLetterProvided'] }),
          actions: 'recordSubmission',
        },
        WITHDRAW: { target: 'withdrawn', guard: permit('applicant', { authorizations: ['ownUnit'] }) },
      },
    },
    submitted: {
      meta: label('已申报（待初审）', 'Submitted (awaiting preliminary check)'),
      on: {
        WITHDRAW: { target: 'withdrawn', guard: permit('applicant', { authorizations: ['ownUnit'] }) },
        RETURN_FOR_REVISION: {
          target: 'draft',
          guard: permit('org_dept', { checks: ['commentGiven'] }),
          actions: 'markReturnedForRevision',
        },
        PASS_PRELIMINARY_CHECK: { target: 'preliminarily_checked', guard: permit('org_dept') },
        REJECT: { target: 'rejected', guard: permit('org_dept', { checks: ['reasonGiven'] }) },
      },
    },
    preliminarily_checked: {
      meta: label('初审通过（待评审）', 'Passed preliminary check (awaiting panel review)'),
      on: {
        // Stays in this state; the review itself is stored by the service.
        SUBMIT_REVIEW: {
          guard: permit('reviewer', {
            authorizations: ['assignedReviewer', 'noConflictOfInterest'],
            checks: ['scoresInRange', 'commentGiven'],
          }),
          actions: 'countReview',
        },
        COMPLETE_PANEL_REVIEW: { target: 'panel_reviewed', guard: permit('org_dept', { checks: ['enoughReviews'] }) },
      },
    },
    panel_reviewed: {
      meta: label('评审完成（待党委研究）', 'Panel reviewed (awaiting the party committee)'),
      on: {
        APPROVE: { target: 'committee_approved', guard: permit('committee', { checks: ['meetingReferenceGiven'] }) },
        REJECT: { target: 'rejected', guard: permit('committee', { checks: ['reasonGiven'] }) },
      },
    },
    committee_approved: {
      meta: label('党委批准立项', 'Approved by the party committee'),
      on: {
        START: { target: 'in_progress', guard: permit('org_dept') },
      },
    },
    in_progress: {
      meta: label('实施中', 'In progress'),
      on: {
        SUBMIT_PROGRESS_REPORT: {
          guard: permit('applicant', { authorizations: ['ownUnit'], checks: ['textGiven'] }),
          actions: 'countProgressReport',
        },
        SUBMIT_FINAL_REPORT: {
          target: 'final_acceptance',
          guard: permit('applicant', { authorizations: ['ownUnit'], checks: ['summaryGiven', 'documentsUploaded'] }),
          actions: 'recordFinalReportDocuments',
        },
      },
    },
    final_acceptance: {
      meta: label('结项验收中', 'Under final acceptance'),
      on: {
        RETURN_FINAL_REPORT: { target: 'in_progress', guard: permit('org_dept', { checks: ['commentGiven'] }) },
        GRADE: {
          target: 'graded',
          guard: permit('org_dept', { checks: ['validGrade'] }),
          actions: 'assignGradeAndFunding',
        },
        FAIL: { target: 'failed', guard: permit('org_dept', { checks: ['reasonGiven'] }), actions: 'withholdFunding' },
      },
    },
    graded: {
      meta: label('已评定等级', 'Graded'),
      on: {
        RECOMMEND: {
          guard: permit('committee', { checks: ['notYetRecommended', 'noteGiven'] }),
          actions: 'markRecommended',
        },
      },
    },
    failed: { type: 'final', meta: label('未通过结项', 'Failed final acceptance') },
    rejected: { type: 'final', meta: label('未获立项', 'Not approved') },
    withdrawn: { type: 'final', meta: label('已撤回', 'Withdrawn') },
  },
});

export type ProjectMachine = typeof projectMachine;

export const EVENT_LABELS: Record<EventType, Label> = {
  SUBMIT: { zh: '提交申报', en: 'Submit' },
  WITHDRAW: { zh: '撤回', en: 'Withdraw' },
  RETURN_FOR_REVISION: { zh: '退回修改', en: 'Return for revision' },
  PASS_PRELIMINARY_CHECK: { zh: '初审通过', en: 'Pass preliminary check' },
  REJECT: { zh: '不予立项', en: 'Reject' },
  SUBMIT_REVIEW: { zh: '提交评审意见', en: 'Submit review' },
  COMPLETE_PANEL_REVIEW: { zh: '完成评审', en: 'Complete panel review' },
  APPROVE: { zh: '党委批准', en: 'Approve' },
  START: { zh: '启动实施', en: 'Start' },
  SUBMIT_PROGRESS_REPORT: { zh: '提交进展报告', en: 'Submit progress report' },
  SUBMIT_FINAL_REPORT: { zh: '提交结项报告', en: 'Submit final report' },
  RETURN_FINAL_REPORT: { zh: '退回结项报告', en: 'Return final report' },
  GRADE: { zh: '评定等级', en: 'Grade' },
  FAIL: { zh: '不予结项', en: 'Fail' },
  RECOMMEND: { zh: '择优推荐', en: 'Recommend upward' },
  REVERSE_DECISION: { zh: '改变立项决定', en: 'Reverse the decision' },
  SUBMIT_ACCEPTANCE_REVIEW: { zh: '提交结项评审意见', en: 'Submit acceptance review' },
  PROPOSE_GRADE: { zh: '建议结项等级', en: 'Propose the grade' },
  RECORD_RECOMMENDATION_OUTCOME: { zh: '记录上级评选结果', en: 'Record the selection’s outcome' },
};

/** The five criteria of the notice that reviewers score. */
export const CRITERION_LABELS: Record<Criterion, Label> = {
  direction: { zh: '先进性', en: 'Right direction' },
  innovation: { zh: '创新性', en: 'Innovation' },
  practicality: { zh: '实践性', en: 'Practicality' },
  breadth: { zh: '广泛性', en: 'Broad participation' },
  exemplarity: { zh: '典型性', en: 'Exemplarity' },
};

export const GRADE_LABELS: Record<Grade, Label> = {
  first: { zh: '一等奖', en: 'First prize' },
  second: { zh: '二等奖', en: 'Second prize' },
  third: { zh: '三等奖', en: 'Third prize' },
  qualified: { zh: '合格', en: 'Qualified' },
};
