/**
 * The named conditions of the lifecycle table. Each check returns null when it holds, or a
 * violation saying why not; guards are `check(...) === null`, and the same functions explain a
 * refusal to the caller, so the decision and its explanation can never disagree.
 */
import { blank, requireText, ruleBook, type CheckFn, type Rule as GenericRule, type Verdict } from './rules.js';
import { CRITERIA, GRADES, type ProjectContext, type ProjectEvent } from './project.types.js';

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
} satisfies Record<string, Check_>;

export type Check = keyof typeof checks;

/** Checks that read only the project and the facts, never the payload: they decide `allowedEvents` too. */
export const PAYLOAD_FREE_CHECKS: readonly Check[] = ['letterComplete', 'submissionWindowOpen', 'signedLetterProvided', 'enoughReviews', 'notYetRecommended'];

/** Who may take a transition and under which conditions: the "who" and "guard" columns of the table. */
export type Rule = GenericRule<Authorization, Check>;

export const projectRules = ruleBook<ProjectContext, ProjectEvent, Authorization, Check>(authorizations, checks, PAYLOAD_FREE_CHECKS);

export const authorize = (rule: Rule, context: ProjectContext, event: ProjectEvent) => projectRules.authorize(rule, context, event);
export const judge = (rule: Rule, context: ProjectContext, event: ProjectEvent): Verdict => projectRules.judge(rule, context, event);
