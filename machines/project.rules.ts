/**
 * The named conditions of the lifecycle table. Each check returns null when it holds, or a
 * violation saying why not; guards are `check(...) === null`, and the same functions explain a
 * refusal to the caller, so the decision and its explanation can never disagree.
 */
import { blank, requireText, ruleBook, type CheckFn, type Rule as GenericRule, type Verdict } from './rules.js';
import { CRITERIA, GRADE_PROPOSALS, GRADES, type ProjectContext, type ProjectEvent } from './project.types.js';

export { roleViolation, type Verdict, type Violation } from './rules.js';

type Check_ = CheckFn<ProjectContext, ProjectEvent>;

/** Authorisation checks: a failure is "not yours to do" (403), not a broken rule (422). */
export const authorizations = {
  /** The actor belongs to the project's own unit. */
  ownUnit: (context: ProjectContext, event: ProjectEvent) =>
    event.actor.unitId !== null && event.actor.unitId === context.unitId
      ? null
      : { code: 'not_own_unit', message: { zh: '只能操作本单位的项目', en: 'Only the applicant unit may do this' } },
  /** The reviewer was assigned to this project by org_dept. */
  assignedReviewer: (_context: ProjectContext, event: ProjectEvent) =>
    event.facts.assignedReviewerIds.includes(event.actor.id)
      ? null
      : { code: 'not_assigned', message: { zh: '未被分配评审此项目', en: 'Reviewer is not assigned to this project' } },
  /** No reviewer may score a project of its own unit or of a unit above or below it. */
  noConflictOfInterest: (_context: ProjectContext, event: ProjectEvent) =>
    event.actor.unitId !== null && event.facts.conflictingUnitIds.includes(event.actor.unitId)
      ? { code: 'conflict_of_interest', message: { zh: '评审人不得评审本单位或上下级单位的项目', en: 'Reviewer belongs to the project unit or a unit above or below it' } }
      : null,
  /** project@2: the member of the acceptance panel was assigned to this project's final report by org_dept. */
  assignedAcceptanceReviewer: (_context: ProjectContext, event: ProjectEvent) =>
    (event.facts.acceptanceReviewerIds ?? []).includes(event.actor.id)
      ? null
      : { code: 'not_assigned', message: { zh: '未被分配评审此项目的结项报告', en: 'Not assigned to review this project’s final report' } },
} satisfies Record<string, Check_>;

export type Authorization = keyof typeof authorizations;

/** Business conditions: a failure is a refused guard (422). */
export const checks = {
  letterComplete: (_context: ProjectContext, event: ProjectEvent) => {
    const { letter, title } = event.facts;
    const missing: string[] = [];
    if (blank(title)) missing.push('title');
    if (blank(letter.rationale)) missing.push('rationale');
    const activities = letter.activities ?? [];
    if (activities.length === 0) missing.push('activities');
    activities.forEach((activity, index) => {
      for (const key of ['content', 'form', 'when'] as const) {
        if (blank(activity[key])) missing.push(`activities[${index}].${key}`);
      }
    });
    if (blank(letter.expectedOutcomes)) missing.push('expectedOutcomes');
    if (blank(letter.leader)) missing.push('leader');
    if (!letter.members || letter.members.length === 0 || letter.members.some(blank)) missing.push('members');
    if (blank(letter.contact)) missing.push('contact');
    return missing.length === 0
      ? null
      : { code: 'letter_incomplete', message: { zh: '目标责任书不完整', en: 'The target responsibility letter is incomplete' }, detail: { missing } };
  },
  submissionWindowOpen: (context: ProjectContext, event: ProjectEvent) => {
    const { now, submissionClosesAt, revisionClosesAt } = event.facts;
    if (!context.returnedForRevision) {
      return now < submissionClosesAt
        ? null
        : {
            code: 'deadline_passed',
            message: { zh: '已过申报截止时间', en: 'The submission deadline has passed' },
            detail: { closesAt: new Date(submissionClosesAt).toISOString() },
          };
    }
    return revisionClosesAt === null || now < revisionClosesAt
      ? null
      : {
          code: 'revision_deadline_passed',
          message: { zh: '已过修改后重新申报的截止时间', en: 'The revision deadline has passed' },
          detail: { closesAt: new Date(revisionClosesAt).toISOString() },
        };
  },
  /** Where the round requires it, the signed and sealed letter has been uploaded. */
  signedLetterProvided: (_context: ProjectContext, event: ProjectEvent) =>
    event.facts.signedLetterRequired && event.facts.signedLetter === null
      ? {
          code: 'signed_letter_required',
          message: { zh: '本批次要求提交前上传盖章扫描件（PDF）', en: 'This round requires the signed and sealed letter (a PDF upload) before submission' },
        }
      : null,
  /** Every document the final report names is a final report document uploaded for this project. */
  documentsUploaded: (_context: ProjectContext, event: ProjectEvent) => {
    if (event.type !== 'SUBMIT_FINAL_REPORT' || !Array.isArray(event.documents) || event.documents.length === 0) return null;
    const known = event.facts.finalReportDocuments;
    const unknown = event.documents.filter((id) => typeof id !== 'string' || !Object.hasOwn(known, id));
    return unknown.length === 0
      ? null
      : {
          code: 'unknown_document',
          message: { zh: '结项材料须为本项目已上传的结项文件', en: 'Each document must be a final report document uploaded for this project' },
          detail: { documents: unknown },
        };
  },
  commentGiven: requireText<ProjectContext, ProjectEvent>('comment', '意见'),
  reasonGiven: requireText<ProjectContext, ProjectEvent>('reason', '理由'),
  textGiven: requireText<ProjectContext, ProjectEvent>('text', '进展报告'),
  summaryGiven: requireText<ProjectContext, ProjectEvent>('summary', '结项总结'),
  meetingReferenceGiven: requireText<ProjectContext, ProjectEvent>('meetingReference', '党委会议记录编号'),
  noteGiven: requireText<ProjectContext, ProjectEvent>('note', '推荐说明'),
  scoresInRange: (_context: ProjectContext, event: ProjectEvent) => {
    if (event.type !== 'SUBMIT_REVIEW') return null;
    const { scoreMin, scoreMax } = event.facts;
    const scores: Partial<Record<string, unknown>> = typeof event.scores === 'object' && event.scores !== null ? event.scores : {};
    const outOfRange = CRITERIA.filter((criterion) => {
      const score = scores[criterion];
      return typeof score !== 'number' || !Number.isInteger(score) || score < scoreMin || score > scoreMax;
    });
    return outOfRange.length === 0
      ? null
      : {
          code: 'score_out_of_range',
          message: { zh: `评分须为 ${scoreMin} 至 ${scoreMax} 之间的整数`, en: `Scores must be whole numbers from ${scoreMin} to ${scoreMax}` },
          detail: { criteria: outOfRange, min: scoreMin, max: scoreMax },
        };
  },
  enoughReviews: (_context: ProjectContext, event: ProjectEvent) => {
    const { minReviews, reviewedReviewerIds, assignedReviewerIds } = event.facts;
    // Only reviews by assigned reviewers count, each reviewer once.
    const counted = new Set(reviewedReviewerIds.filter((id) => assignedReviewerIds.includes(id))).size;
    if (counted < minReviews) {
      return {
        code: 'too_few_reviews',
        message: { zh: `评审意见少于最低要求 ${minReviews} 份`, en: `Fewer than the required ${minReviews} reviews` },
        detail: { reviews: counted, required: minReviews },
      };
    }
    const pending = assignedReviewerIds.filter((id) => !reviewedReviewerIds.includes(id));
    return pending.length === 0
      ? null
      : { code: 'reviews_pending', message: { zh: '仍有评审人未提交评分', en: 'Some assigned reviewers have not scored yet' }, detail: { pendingReviewerIds: pending } };
  },
  validGrade: (_context: ProjectContext, event: ProjectEvent) =>
    event.type === 'GRADE' && !(GRADES as readonly string[]).includes(event.grade)
      ? { code: 'invalid_grade', message: { zh: '等级无效', en: 'Unknown grade' }, detail: { allowed: GRADES } }
      : null,
  notYetRecommended: (context: ProjectContext) =>
    context.recommended ? { code: 'already_recommended', message: { zh: '该项目已被推荐', en: 'The project has already been recommended' } } : null,
  // project@2 from here on.
  /** Only the committee's own rejection may be reversed; a rejection at the preliminary check is org_dept's. */
  rejectedByCommittee: (context: ProjectContext) =>
    context.rejectedBy === 'committee'
      ? null
      : {
          code: 'not_committee_decision',
          message: { zh: '该项目在初审时被组织部不予立项，不是党委的决定，不能由党委改变', en: 'The project was rejected at the preliminary check, not by the committee' },
        },
  acceptanceScoresInRange: (_context: ProjectContext, event: ProjectEvent) => {
    if (event.type !== 'SUBMIT_ACCEPTANCE_REVIEW') return null;
    const criteria = event.facts.acceptanceCriteria ?? [];
    const { scoreMin, scoreMax } = event.facts;
    const scores: Record<string, unknown> = typeof event.scores === 'object' && event.scores !== null ? event.scores : {};
    const unknown = Object.keys(scores).filter((key) => !criteria.includes(key));
    const outOfRange = criteria.filter((criterion) => {
      const score = scores[criterion];
      return typeof score !== 'number' || !Number.isInteger(score) || score < scoreMin || score > scoreMax;
    });
    if (unknown.length === 0 && outOfRange.length === 0) return null;
    return {
      code: 'score_out_of_range',
      message: {
        zh: `须为批次的每项结项评审标准给出 ${scoreMin} 至 ${scoreMax} 之间的整数分`,
        en: `Each of the round's acceptance criteria needs a whole number from ${scoreMin} to ${scoreMax}`,
      },
      detail: { criteria: outOfRange, unknownCriteria: unknown, expected: criteria, min: scoreMin, max: scoreMax },
    };
  },
  enoughAcceptanceReviews: (_context: ProjectContext, event: ProjectEvent) => {
    const assigned = event.facts.acceptanceReviewerIds ?? [];
    const reviewed = event.facts.acceptanceReviewedIds ?? [];
    const required = event.facts.minAcceptanceReviews ?? 1;
    const counted = new Set(reviewed.filter((id) => assigned.includes(id))).size;
    if (counted < required) {
      return {
        code: 'too_few_acceptance_reviews',
        message: { zh: `结项评审意见少于最低要求 ${required} 份`, en: `Fewer than the required ${required} acceptance reviews` },
        detail: { reviews: counted, required },
      };
    }
    const pending = assigned.filter((id) => !reviewed.includes(id));
    return pending.length === 0
      ? null
      : {
          code: 'acceptance_reviews_pending',
          message: { zh: '仍有结项评审组成员未提交评分', en: 'Some assigned acceptance reviewers have not scored yet' },
          detail: { pendingReviewerIds: pending },
        };
  },
  validProposal: (_context: ProjectContext, event: ProjectEvent) => {
    if (event.type !== 'PROPOSE_GRADE') return null;
    if (!(GRADE_PROPOSALS as readonly string[]).includes(event.grade)) {
      return { code: 'invalid_grade', message: { zh: '建议等级无效', en: 'Unknown grade' }, detail: { allowed: GRADE_PROPOSALS } };
    }
    return event.grade === 'fail' && blank(event.comment)
      ? { code: 'comment_required', message: { zh: '建议不予结项须说明理由', en: 'A proposal to fail needs a comment' }, detail: { field: 'comment' } }
      : null;
  },
  /** GRADE and FAIL under project@2 carry out org_dept's proposal, confirmed by the committee. */
  gradeProposed: (context: ProjectContext, event: ProjectEvent) => {
    const proposal = context.proposal ?? null;
    const fits = proposal !== null && (event.type === 'FAIL' ? proposal.grade === 'fail' : proposal.grade !== 'fail');
    return fits
      ? null
      : {
          code: 'grade_not_proposed',
          message: { zh: '组织部尚未就此提出建议', en: 'org_dept has not proposed this outcome' },
          detail: { proposal: proposal?.grade ?? null },
        };
  },
  gradeMatchesProposal: (context: ProjectContext, event: ProjectEvent) =>
    event.type === 'GRADE' && context.proposal?.grade !== event.grade
      ? {
          code: 'grade_differs_from_proposal',
          message: { zh: '确认的等级须与组织部的建议一致', en: 'The confirmed grade must be the one proposed' },
          detail: { proposed: context.proposal?.grade ?? null, grade: event.grade },
        }
      : null,
  recommendableGrade: (context: ProjectContext, event: ProjectEvent) => {
    const eligible = event.facts.recommendableGrades ?? ['first'];
    return context.grade !== null && eligible.includes(context.grade)
      ? null
      : {
          code: 'grade_not_recommendable',
          message: { zh: '本批次只推荐设定等级的项目', en: 'The round recommends only projects of the grades it names' },
          detail: { grade: context.grade, eligible },
        };
  },
  recommendedFirst: (context: ProjectContext) =>
    context.recommended ? null : { code: 'not_recommended', message: { zh: '该项目未被推荐', en: 'The project has not been recommended' } },
  levelGiven: requireText<ProjectContext, ProjectEvent>('level', '评选层级'),
} satisfies Record<string, Check_>;

export type Check = keyof typeof checks;

/** Checks that read only the project and the facts, never the payload: they decide `allowedEvents` too. */
export const PAYLOAD_FREE_CHECKS: readonly Check[] = [
  'letterComplete',
  'submissionWindowOpen',
  'signedLetterProvided',
  'enoughReviews',
  'notYetRecommended',
  'rejectedByCommittee',
  'enoughAcceptanceReviews',
  'gradeProposed',
  'recommendableGrade',
  'recommendedFirst',
];

/** Who may take a transition and under which conditions: the "who" and "guard" columns of the table. */
export type Rule = GenericRule<Authorization, Check>;

export const projectRules = ruleBook<ProjectContext, ProjectEvent, Authorization, Check>(authorizations, checks, PAYLOAD_FREE_CHECKS);

export const authorize = (rule: Rule, context: ProjectContext, event: ProjectEvent) => projectRules.authorize(rule, context, event);
export const judge = (rule: Rule, context: ProjectContext, event: ProjectEvent): Verdict => projectRules.judge(rule, context, event);
