/**
 * project@2: the project lifecycle under a round that governs it (DOMAIN.md, second edition), run
 * by projects of round@2. What changes from project@1:
 *
 * - 公示: the committee may reverse its decision while the proposed list is in publicity
 *   (REVERSE_DECISION: an approval becomes a rejection, its own rejection an approval), so a
 *   rejection is final only once the list is published (the round's gate closes it);
 * - 结项评审: the acceptance panel scores the final report (SUBMIT_ACCEPTANCE_REVIEW), org_dept
 *   proposes the grade from the scores (PROPOSE_GRADE), and the committee's confirmation of the
 *   round's grades (round event CONFIRM_GRADES) carries each proposal out as GRADE or FAIL;
 * - RECOMMEND only for the grades the round names (default first prize), and org_dept records the
 *   higher-level selection's outcome (RECORD_RECOMMENDATION_OUTCOME).
 *
 * Like project@1 it is pure: the service hands every fact in through the event.
 */
import { assign, setup } from 'xstate';
import { projectMachine } from './project.machine.js';
import { judge, type Authorization, type Check, type Rule } from './project.rules.js';
import type { ProjectContext, ProjectEvent, ProjectInput, Role } from './project.types.js';
import { permit as permitRule } from './rules.js';
import { label } from './vocabulary.js';

export const PROJECT_MACHINE_V2_VERSION = 2;

const permit = (roles: Role | readonly Role[], options: { authorizations?: readonly Authorization[]; checks?: readonly Check[] } = {}) =>
  permitRule<Authorization, Check>(roles, options);

export const projectSetupV2 = setup({
  types: {
    context: {} as ProjectContext,
    events: {} as ProjectEvent,
    input: {} as ProjectInput,
  },
  guards: {
    permitted: ({ context, event }, rule: Rule) => judge(rule, context, event).ok,
  },
  actions: {
    // project@1's actions, by name (typed by project@1's setup, which shares these types).
    ...(projectMachine.implementations.actions as Record<
      | 'recordSubmission'
      | 'markReturnedForRevision'
      | 'assignGradeAndFunding'
      | 'withholdFunding'
      | 'markRecommended'
      | 'countReview'
      | 'countProgressReport'
      | 'recordFinalReportDocuments',
      never
    >),
    recordRejection: assign(({ event }) => ({ rejectedBy: event.actor.role === 'committee' ? ('committee' as const) : ('org_dept' as const) })),
    reverseToRejected: assign({ rejectedBy: 'committee' as const }),
    reverseToApproved: assign({ rejectedBy: null }),
    countAcceptanceReview: assign({ acceptanceReviewSubmissions: ({ context }) => (context.acceptanceReviewSubmissions ?? 0) + 1 }),
    recordProposal: assign(({ event }) => (event.type === 'PROPOSE_GRADE' ? { proposal: { grade: event.grade, comment: event.comment?.trim() || null } } : {})),
    clearProposal: assign({ proposal: null }),
    recordRecommendationOutcome: assign(({ event }) =>
      event.type === 'RECORD_RECOMMENDATION_OUTCOME' ? { recommendationOutcome: { outcome: event.outcome, level: event.level.trim(), note: event.note?.trim() || null } } : {},
    ),
  },
});

const v1 = projectMachine.config.states as Record<string, { on?: Record<string, unknown> } & Record<string, unknown>>;

export const projectMachineV2 = projectSetupV2.createMachine({
  id: 'project',
  version: String(PROJECT_MACHINE_V2_VERSION),
  initial: 'draft',
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
    rejectedBy: null,
    acceptanceReviewSubmissions: 0,
    proposal: null,
    recommendationOutcome: null,
  }),
  states: {
    draft: v1.draft as never,
    submitted: {
      meta: label('已申报（待初审）', 'Submitted (awaiting preliminary check)'),
      on: {
        WITHDRAW: { target: 'withdrawn', guard: permit('applicant', { authorizations: ['ownUnit'] }) },
        RETURN_FOR_REVISION: { target: 'draft', guard: permit('org_dept', { checks: ['commentGiven'] }), actions: 'markReturnedForRevision' },
        PASS_PRELIMINARY_CHECK: { target: 'preliminarily_checked', guard: permit('org_dept') },
        REJECT: { target: 'rejected', guard: permit('org_dept', { checks: ['reasonGiven'] }), actions: 'recordRejection' },
      },
    },
    preliminarily_checked: v1.preliminarily_checked as never,
    panel_reviewed: {
      meta: label('评审完成（待党委研究）', 'Panel reviewed (awaiting the party committee)'),
      on: {
        APPROVE: { target: 'committee_approved', guard: permit('committee', { checks: ['meetingReferenceGiven'] }) },
        REJECT: { target: 'rejected', guard: permit('committee', { checks: ['reasonGiven'] }), actions: 'recordRejection' },
      },
    },
    committee_approved: {
      meta: label('党委批准立项', 'Approved by the party committee'),
      on: {
        // Fired by the service inside the round's PUBLISH_LIST, after the publicity period.
        START: { target: 'in_progress', guard: permit('org_dept') },
        REVERSE_DECISION: { target: 'rejected', guard: permit('committee', { checks: ['reasonGiven'] }), actions: 'reverseToRejected' },
      },
    },
    in_progress: v1.in_progress as never,
    final_acceptance: {
      meta: label('结项验收中', 'Under final acceptance'),
      on: {
        SUBMIT_ACCEPTANCE_REVIEW: {
          guard: permit('reviewer', {
            authorizations: ['assignedAcceptanceReviewer', 'noConflictOfInterest'],
            checks: ['acceptanceScoresInRange', 'commentGiven'],
          }),
          actions: 'countAcceptanceReview',
        },
        PROPOSE_GRADE: { guard: permit('org_dept', { checks: ['validProposal', 'enoughAcceptanceReviews'] }), actions: 'recordProposal' },
        RETURN_FINAL_REPORT: { target: 'in_progress', guard: permit('org_dept', { checks: ['commentGiven'] }), actions: 'clearProposal' },
        // Fired by the service inside the round's CONFIRM_GRADES, carrying out the proposal.
        GRADE: {
          target: 'graded',
          guard: permit('committee', { checks: ['validGrade', 'gradeProposed', 'gradeMatchesProposal'] }),
          actions: 'assignGradeAndFunding',
        },
        FAIL: { target: 'failed', guard: permit('committee', { checks: ['gradeProposed', 'reasonGiven'] }), actions: 'withholdFunding' },
      },
    },
    graded: {
      meta: label('已评定等级', 'Graded'),
      on: {
        RECOMMEND: {
          guard: permit('committee', { checks: ['recommendableGrade', 'notYetRecommended', 'noteGiven'] }),
          actions: 'markRecommended',
        },
        RECORD_RECOMMENDATION_OUTCOME: {
          guard: permit('org_dept', { checks: ['recommendedFirst', 'levelGiven'] }),
          actions: 'recordRecommendationOutcome',
        },
      },
    },
    failed: { type: 'final', meta: label('未通过结项', 'Failed final acceptance') },
    // Not final: during the publicity period the committee may reverse its own rejection.
    rejected: {
      meta: label('未获立项', 'Not approved'),
      on: {
        REVERSE_DECISION: {
          target: 'committee_approved',
          guard: permit('committee', { checks: ['rejectedByCommittee', 'reasonGiven'] }),
          actions: 'reverseToApproved',
        },
      },
    },
    withdrawn: { type: 'final', meta: label('已撤回', 'Withdrawn') },
  },
});
