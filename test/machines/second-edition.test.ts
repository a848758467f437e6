/**
 * The second edition's machines, pure: project@2 (reversal in 公示, the acceptance review, the
 * recommendation's outcome), round@2 (公示 with objections, publication with the signed document,
 * the committee's confirmation of grades within the prize caps) and round@2's gate table.
 */
import { describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { projectLifecycle, projectLifecycleV2 } from '../../machines/project.lifecycle.js';
import type { Actor, EventType, Facts, ProjectContext, ProjectEvent, ProjectState } from '../../machines/project.types.js';
import { checkGate, decideInRound, gateOf, governs, ROUND_2_GATES, type GateFacts } from '../../machines/round.gates.js';
import { roundLifecycle, roundLifecycleV2 } from '../../machines/round.lifecycle.js';
import { ROUND_2_STATES, type RoundContext, type RoundEvent, type RoundEventType, type RoundFactsForMachine, type RoundState } from '../../machines/round.types.js';
import { actors, makeFacts, PROJECT_ID, UNIT_ID } from '../helpers/facts.js';

type ProjectSnap = SnapshotFrom<typeof projectLifecycleV2.machine>;
type RoundSnap = SnapshotFrom<typeof roundLifecycleV2.machine>;

const project = (state: ProjectState, context: Partial<ProjectContext> = {}): ProjectSnap => {
  const base = projectLifecycleV2.persist(projectLifecycleV2.create({ projectId: PROJECT_ID, unitId: UNIT_ID }));
  return projectLifecycleV2.restore({ ...base, state, context: { ...base.context, ...context } });
};

const ACCEPTANCE = ['completion', 'effect', 'documentation'];
const acceptanceFacts = (overrides: Partial<Facts> = {}) =>
  makeFacts({
    acceptanceReviewerIds: ['reviewer-1', 'reviewer-2'],
    acceptanceReviewedIds: ['reviewer-1', 'reviewer-2'],
    minAcceptanceReviews: 2,
    acceptanceCriteria: ACCEPTANCE,
    ...overrides,
  });

const fire = (snapshot: ProjectSnap, type: EventType, actor: Actor, payload: Record<string, unknown> = {}, facts: Facts = acceptanceFacts()) =>
  projectLifecycleV2.decide(snapshot, { type, ...payload, actor, facts } as ProjectEvent);

describe('project@2', () => {
  it('keeps project@1 as it was: its events and transitions are the first edition’s', () => {
    expect(projectLifecycle.events).not.toContain('REVERSE_DECISION');
    expect(projectLifecycle.transitions.some((t) => t.event === 'PROPOSE_GRADE')).toBe(false);
    expect(projectLifecycle.isFinal('rejected')).toBe(true);
    expect(projectLifecycleV2.isFinal('rejected')).toBe(false);
  });

  it('lets the committee reverse its approval, and its own rejection, with a reason; never org_dept’s rejection at the preliminary check', () => {
    const approved = project('committee_approved');
    expect(fire(approved, 'REVERSE_DECISION', actors.committee, { reason: ' ' })).toMatchObject({ ok: false, kind: 'unprocessable', violation: { code: 'reason_required' } });
    expect(fire(approved, 'REVERSE_DECISION', actors.orgDept, { reason: 'r' })).toMatchObject({ ok: false, kind: 'forbidden' });
    const reversed = fire(approved, 'REVERSE_DECISION', actors.committee, { reason: '经核实与常规工作重复' });
    expect(reversed).toMatchObject({ ok: true, from: 'committee_approved', to: 'rejected' });
    const back = fire((reversed as { snapshot: ProjectSnap }).snapshot, 'REVERSE_DECISION', actors.committee, { reason: '异议不成立，恢复原决定' });
    expect(back).toMatchObject({ ok: true, to: 'committee_approved' });

    const byCommittee = fire(project('panel_reviewed'), 'REJECT', actors.committee, { reason: '不符合要求' });
    expect((byCommittee as { snapshot: ProjectSnap }).snapshot.context.rejectedBy).toBe('committee');
    expect(fire((byCommittee as { snapshot: ProjectSnap }).snapshot, 'REVERSE_DECISION', actors.committee, { reason: 'r' })).toMatchObject({ ok: true, to: 'committee_approved' });

    const byOrgDept = fire(project('submitted'), 'REJECT', actors.orgDept, { reason: '材料不全' });
    expect(fire((byOrgDept as { snapshot: ProjectSnap }).snapshot, 'REVERSE_DECISION', actors.committee, { reason: 'r' })).toMatchObject({
      ok: false,
      kind: 'unprocessable',
      violation: { code: 'not_committee_decision' },
    });
  });

  it('takes acceptance reviews only from assigned panel members without a conflict, on exactly the round’s criteria', () => {
    const underAcceptance = project('final_acceptance');
    const scores = { completion: 9, effect: 8, documentation: 7 };
    expect(fire(underAcceptance, 'SUBMIT_ACCEPTANCE_REVIEW', actors.reviewer, { scores, comment: '完成度高' })).toMatchObject({ ok: true, to: 'final_acceptance' });
    expect(fire(underAcceptance, 'SUBMIT_ACCEPTANCE_REVIEW', actors.unassignedReviewer, { scores, comment: 'c' })).toMatchObject({
      ok: false,
      kind: 'forbidden',
      violation: { code: 'not_assigned' },
    });
    const conflicted = acceptanceFacts({ acceptanceReviewerIds: [actors.ownUnitReviewer.id] });
    expect(fire(underAcceptance, 'SUBMIT_ACCEPTANCE_REVIEW', actors.ownUnitReviewer, { scores, comment: 'c' }, conflicted)).toMatchObject({
      ok: false,
      kind: 'forbidden',
      violation: { code: 'conflict_of_interest' },
    });
    // Panel review criteria are not the acceptance criteria; a missing criterion and one out of range are named.
    const wrong = fire(underAcceptance, 'SUBMIT_ACCEPTANCE_REVIEW', actors.reviewer, { scores: { completion: 11, direction: 5 }, comment: 'c' });
    expect(wrong).toMatchObject({
      ok: false,
      kind: 'unprocessable',
      violation: { code: 'score_out_of_range', detail: { criteria: ['completion', 'effect', 'documentation'], unknownCriteria: ['direction'] } },
    });
    // project@1 has no acceptance review at all.
    const v1 = projectLifecycle.restore({ ...projectLifecycle.persist(projectLifecycle.create({ projectId: PROJECT_ID, unitId: UNIT_ID })), state: 'final_acceptance' });
    expect(projectLifecycle.decide(v1, { type: 'SUBMIT_ACCEPTANCE_REVIEW', scores, comment: 'c', actor: actors.reviewer, facts: acceptanceFacts() })).toMatchObject({
      ok: false,
      kind: 'illegal',
    });
  });

  it('proposes a grade only once every assigned acceptance reviewer has scored; a proposal to fail needs a comment; a return clears it', () => {
    const underAcceptance = project('final_acceptance');
    const pending = acceptanceFacts({ acceptanceReviewedIds: ['reviewer-1'], minAcceptanceReviews: 1 });
    expect(fire(underAcceptance, 'PROPOSE_GRADE', actors.orgDept, { grade: 'second' }, pending)).toMatchObject({
      ok: false,
      violation: { code: 'acceptance_reviews_pending', detail: { pendingReviewerIds: ['reviewer-2'] } },
    });
    expect(fire(underAcceptance, 'PROPOSE_GRADE', actors.orgDept, { grade: 'fail' })).toMatchObject({ ok: false, violation: { code: 'comment_required' } });
    const proposed = fire(underAcceptance, 'PROPOSE_GRADE', actors.orgDept, { grade: 'second', comment: ' 平均 86 分 ' });
    expect(proposed).toMatchObject({ ok: true, to: 'final_acceptance' });
    const snapshot = (proposed as { snapshot: ProjectSnap }).snapshot;
    expect(snapshot.context.proposal).toEqual({ grade: 'second', comment: '平均 86 分' });
    const returned = fire(snapshot, 'RETURN_FINAL_REPORT', actors.orgDept, { comment: '补充材料' });
    expect((returned as { snapshot: ProjectSnap }).snapshot.context.proposal).toBeNull();
  });

  it('grades or fails only as proposed, by the committee; the funding follows the confirmed grade', () => {
    const none = project('final_acceptance');
    expect(fire(none, 'GRADE', actors.committee, { grade: 'first' })).toMatchObject({ ok: false, violation: { code: 'grade_not_proposed' } });
    const second = project('final_acceptance', { proposal: { grade: 'second', comment: null } });
    expect(fire(second, 'GRADE', actors.orgDept, { grade: 'second' })).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(fire(second, 'GRADE', actors.committee, { grade: 'first' })).toMatchObject({ ok: false, violation: { code: 'grade_differs_from_proposal' } });
    expect(fire(second, 'FAIL', actors.committee, { reason: 'r' })).toMatchObject({ ok: false, violation: { code: 'grade_not_proposed' } });
    const graded = fire(second, 'GRADE', actors.committee, { grade: 'second' });
    expect(graded).toMatchObject({ ok: true, to: 'graded' });
    expect((graded as { snapshot: ProjectSnap }).snapshot.context).toMatchObject({ grade: 'second', funding: 2100 });
    const failing = project('final_acceptance', { proposal: { grade: 'fail', comment: '未完成' } });
    expect(fire(failing, 'FAIL', actors.committee, { reason: '未完成' })).toMatchObject({ ok: true, to: 'failed' });
  });

  it('recommends only the grades the round names (first prize by default), then records the selection’s outcome', () => {
    const second = project('graded', { grade: 'second', funding: 2100 });
    expect(fire(second, 'RECOMMEND', actors.committee, { note: 'n' })).toMatchObject({
      ok: false,
      violation: { code: 'grade_not_recommendable', detail: { eligible: ['first'] } },
    });
    expect(fire(second, 'RECOMMEND', actors.committee, { note: 'n' }, acceptanceFacts({ recommendableGrades: ['first', 'second'] }))).toMatchObject({ ok: true });
    const first = project('graded', { grade: 'first', funding: 3100 });
    expect(fire(first, 'RECORD_RECOMMENDATION_OUTCOME', actors.orgDept, { outcome: 'selected', level: '省级' })).toMatchObject({
      ok: false,
      violation: { code: 'not_recommended' },
    });
    const recommended = (fire(first, 'RECOMMEND', actors.committee, { note: '推荐参加省级评选' }) as { snapshot: ProjectSnap }).snapshot;
    expect(fire(recommended, 'RECORD_RECOMMENDATION_OUTCOME', actors.orgDept, { outcome: 'selected', level: ' ' })).toMatchObject({
      ok: false,
      violation: { code: 'level_required' },
    });
    const recorded = fire(recommended, 'RECORD_RECOMMENDATION_OUTCOME', actors.orgDept, { outcome: 'selected', level: '省级', note: '入选示范项目' });
    expect((recorded as { snapshot: ProjectSnap }).snapshot.context.recommendationOutcome).toEqual({ outcome: 'selected', level: '省级', note: '入选示范项目' });
  });

  it('revives a context persisted by project@1 with the new fields’ defaults', () => {
    const v1 = projectLifecycle.persist(projectLifecycle.create({ projectId: PROJECT_ID, unitId: UNIT_ID }));
    const revived = projectLifecycleV2.restore({ ...v1, machineVersion: 2 });
    expect(revived.context).toMatchObject({ rejectedBy: null, acceptanceReviewSubmissions: 0, proposal: null, recommendationOutcome: null });
  });
});

const NOW = Date.parse('2024-05-06T02:00:00Z');
const ENDS = Date.parse('2024-05-11T16:00:00Z');
const roundFacts = (overrides: Partial<RoundFactsForMachine> = {}): RoundFactsForMachine => ({
  now: NOW,
  submissionClosesAt: NOW - 86_400_000,
  projectsByState: {},
  publicityEndsAt: ENDS,
  publicityWorkingDays: 5,
  decidedProjectIds: ['p-approved', 'p-rejected'],
  listDocuments: { 'file-1': 'ab'.repeat(32) },
  proposals: { byGrade: {}, missing: 0 },
  ...overrides,
});
const person = (role: Actor['role']): Actor => ({ id: `${role}-1`, role, unitId: role === 'applicant' ? UNIT_ID : null });
const round = (state: RoundState, context: Partial<RoundContext> = {}): RoundSnap => {
  const base = roundLifecycleV2.persist(roundLifecycleV2.create({ roundId: 'r2' }));
  return roundLifecycleV2.restore({ ...base, state, context: { ...base.context, ...context } });
};
const fireRound = (snapshot: RoundSnap, type: RoundEventType, role: Actor['role'], payload: Record<string, unknown> = {}, facts = roundFacts()) =>
  roundLifecycleV2.decide(snapshot, { type, ...payload, actor: person(role), facts } as RoundEvent);
const next = (decision: ReturnType<typeof fireRound>) => {
  if (!decision.ok) throw new Error(JSON.stringify(decision));
  return decision.snapshot;
};

describe('round@2', () => {
  it('runs open → … → in_publicity → in_execution → under_acceptance → grades_confirmed → closed', () => {
    expect(roundLifecycleV2.states).toEqual(ROUND_2_STATES);
    expect(roundLifecycleV2.transitions.filter((t) => t.from !== t.to).map((t) => `${t.from}>${t.to}`)).toEqual([
      'open>submissions_closed',
      'submissions_closed>under_review',
      'under_review>in_publicity',
      'in_publicity>in_execution',
      'in_execution>under_acceptance',
      'under_acceptance>grades_confirmed',
      'grades_confirmed>closed',
    ]);
    expect(roundLifecycle.states).not.toContain('in_publicity');
  });

  it('starts the publicity period when the committee concludes, ending where the calendar put it', () => {
    const publicity = next(fireRound(round('under_review'), 'CONCLUDE_DECISIONS', 'committee'));
    expect(publicity.value).toBe('in_publicity');
    expect(publicity.context.publicity).toEqual({ startedAt: new Date(NOW).toISOString(), endsAt: new Date(ENDS).toISOString(), workingDays: 5 });
    expect(publicity.context.objections).toEqual([]);
  });

  it('takes objections from anyone of the institution during the period, about a decided project or the list; org_dept handles each once', () => {
    const publicity = next(fireRound(round('under_review'), 'CONCLUDE_DECISIONS', 'committee'));
    expect(fireRound(publicity, 'LODGE_OBJECTION', 'admin', { reason: 'r' })).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(fireRound(publicity, 'LODGE_OBJECTION', 'applicant', { reason: 'r', projectId: 'p-elsewhere' })).toMatchObject({
      ok: false,
      violation: { code: 'project_not_on_list' },
    });
    expect(fireRound(publicity, 'LODGE_OBJECTION', 'applicant', { reason: ' ' })).toMatchObject({ ok: false, violation: { code: 'reason_required' } });
    const lodged = next(fireRound(publicity, 'LODGE_OBJECTION', 'applicant', { reason: ' 与常规工作重复 ', projectId: 'p-approved' }));
    expect(lodged.context.objections).toEqual([
      { number: 1, projectId: 'p-approved', reason: '与常规工作重复', lodgedBy: 'applicant-1', lodgedAt: new Date(NOW).toISOString(), handling: null },
    ]);
    const late = roundFacts({ now: ENDS });
    expect(fireRound(lodged, 'LODGE_OBJECTION', 'reviewer', { reason: 'r' }, late)).toMatchObject({ ok: false, violation: { code: 'publicity_over' } });
    expect(fireRound(lodged, 'HANDLE_OBJECTION', 'org_dept', { objectionNumber: 2, outcome: 'dismissed', response: 'x' })).toMatchObject({
      ok: false,
      violation: { code: 'objection_not_found' },
    });
    // Handling may come after the period has ended.
    const handled = next(fireRound(lodged, 'HANDLE_OBJECTION', 'org_dept', { objectionNumber: 1, outcome: 'upheld', response: '提请党委改变决定' }, late));
    expect(handled.context.objections![0]!.handling).toEqual({ outcome: 'upheld', response: '提请党委改变决定', by: 'org_dept-1', at: new Date(ENDS).toISOString() });
    expect(fireRound(handled, 'HANDLE_OBJECTION', 'org_dept', { objectionNumber: 1, outcome: 'dismissed', response: 'x' }, late)).toMatchObject({
      ok: false,
      violation: { code: 'objection_already_handled' },
    });
  });

  it('publishes only after the period, with every objection handled, the document number and date and the signed document uploaded', () => {
    const publicity = next(fireRound(round('under_review'), 'CONCLUDE_DECISIONS', 'committee'));
    const publish = { documentNumber: '党委〔2024〕12号', publishedOn: '2024-05-13', document: 'file-1' };
    const after = roundFacts({ now: ENDS });
    expect(fireRound(publicity, 'PUBLISH_LIST', 'org_dept', publish)).toMatchObject({ ok: false, violation: { code: 'publicity_not_over' } });
    const objected = next(fireRound(publicity, 'LODGE_OBJECTION', 'auditor', { reason: '名单程序问题' }));
    expect(fireRound(objected, 'PUBLISH_LIST', 'org_dept', publish, after)).toMatchObject({ ok: false, violation: { code: 'objections_open', detail: { objections: [1] } } });
    const handled = next(fireRound(objected, 'HANDLE_OBJECTION', 'org_dept', { objectionNumber: 1, outcome: 'dismissed', response: '程序符合规定' }, after));
    const { document: _document, ...withoutDocument } = publish;
    expect(fireRound(handled, 'PUBLISH_LIST', 'org_dept', withoutDocument, after)).toMatchObject({ ok: false, violation: { code: 'document_required' } });
    expect(fireRound(handled, 'PUBLISH_LIST', 'org_dept', { ...publish, document: 'file-9' }, after)).toMatchObject({ ok: false, violation: { code: 'unknown_document' } });
    const published = next(fireRound(handled, 'PUBLISH_LIST', 'org_dept', publish, after));
    expect(published.value).toBe('in_execution');
    expect(published.context.publication).toEqual({ documentNumber: '党委〔2024〕12号', publishedOn: '2024-05-13', document: { fileId: 'file-1', sha256: 'ab'.repeat(32) } });
  });

  it('confirms the grades only when every final report is in, every one has a proposal, and the prizes fit the caps', () => {
    const acceptance = round('under_acceptance');
    const confirm = { meetingReference: '党委会〔2024〕21次' };
    expect(fireRound(acceptance, 'CONFIRM_GRADES', 'org_dept', confirm)).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(fireRound(acceptance, 'CONFIRM_GRADES', 'committee', confirm, roundFacts({ projectsByState: { in_progress: 1, final_acceptance: 2 } }))).toMatchObject({
      ok: false,
      violation: { code: 'final_reports_outstanding' },
    });
    expect(fireRound(acceptance, 'CONFIRM_GRADES', 'committee', confirm, roundFacts({ proposals: { byGrade: { first: 1 }, missing: 1 } }))).toMatchObject({
      ok: false,
      violation: { code: 'grades_not_proposed' },
    });
    const capped = roundFacts({ proposals: { byGrade: { first: 2, second: 1 }, missing: 0 }, prizeCaps: { first: 1, second: 3 } });
    expect(fireRound(acceptance, 'CONFIRM_GRADES', 'committee', confirm, capped)).toMatchObject({
      ok: false,
      violation: { code: 'prize_cap_exceeded', detail: { over: [{ grade: 'first', proposed: 2, cap: 1 }] } },
    });
    const confirmed = next(
      fireRound(acceptance, 'CONFIRM_GRADES', 'committee', confirm, roundFacts({ proposals: { byGrade: { first: 1, fail: 1 }, missing: 0 }, prizeCaps: { first: 1 } })),
    );
    expect(confirmed.value).toBe('grades_confirmed');
    expect(confirmed.context.gradesConfirmation).toEqual({ meetingReference: '党委会〔2024〕21次', at: new Date(NOW).toISOString() });
    expect(fireRound(confirmed, 'CLOSE_ROUND', 'org_dept', {}, roundFacts({ projectsByState: { graded: 2 } }))).toMatchObject({ ok: true, to: 'closed' });
  });
});

const gateFacts = (roundState: RoundState, overrides: Partial<GateFacts> = {}): GateFacts => ({
  roundId: 'r2',
  roundState,
  roundVersion: 2,
  now: NOW,
  submissionClosesAt: NOW - 86_400_000,
  revisionClosesAt: null,
  finalAcceptanceDate: '2024-12-01',
  acceptanceOpensOn: null,
  publicityEndsAt: ENDS,
  ...overrides,
});

describe('round@2 gate table', () => {
  it('governs exactly the project machines whose every transition it gates once: round@1 cannot run project@2', () => {
    expect(governs(2, projectLifecycleV2)).toBe(true);
    expect(governs(1, projectLifecycle)).toBe(true);
    expect(governs(1, projectLifecycleV2)).toBe(false);
    expect(governs(2, projectLifecycle)).toBe(false);
    for (const t of projectLifecycleV2.transitions) expect(() => gateOf(2, t.from, t.event)).not.toThrow();
    expect(new Set(ROUND_2_GATES.flatMap((g) => g.openIn))).toEqual(new Set(ROUND_2_STATES));
  });

  it('lets the committee reverse a decision only in 公示, before the period ends', () => {
    const approved = project('committee_approved');
    const event = { type: 'REVERSE_DECISION', reason: '异议成立', actor: actors.committee, facts: acceptanceFacts() } as ProjectEvent;
    expect(decideInRound(projectLifecycleV2, approved, event, gateFacts('in_publicity'))).toMatchObject({ ok: true, to: 'rejected' });
    expect(decideInRound(projectLifecycleV2, approved, event, gateFacts('in_publicity', { now: ENDS }))).toMatchObject({
      ok: false,
      kind: 'gated',
      refusal: { code: 'publicity_over', gate: { name: 'publicity' } },
    });
    expect(decideInRound(projectLifecycleV2, approved, event, gateFacts('under_review', { publicityEndsAt: null }))).toMatchObject({
      ok: false,
      kind: 'gated',
      refusal: { code: 'round_stage', passed: false, gate: { opensWith: { event: 'CONCLUDE_DECISIONS', role: 'committee' } } },
    });
    expect(decideInRound(projectLifecycleV2, approved, event, gateFacts('in_execution'))).toMatchObject({ ok: false, kind: 'gated', refusal: { passed: true } });
  });

  it('grades only inside CONFIRM_GRADES, and recommends only once the grades are confirmed', () => {
    const proposed = project('final_acceptance', { proposal: { grade: 'first', comment: null } });
    const grade = { type: 'GRADE', grade: 'first', actor: actors.committee, facts: acceptanceFacts() } as ProjectEvent;
    expect(checkGate(proposed.context, 'final_acceptance', 'GRADE', gateFacts('grades_confirmed'))).toMatchObject({ code: 'confirm_grades_only' });
    expect(checkGate(proposed.context, 'final_acceptance', 'GRADE', gateFacts('under_acceptance'))).toMatchObject({ code: 'round_stage' });
    expect(decideInRound(projectLifecycleV2, proposed, grade, gateFacts('grades_confirmed', { via: 'CONFIRM_GRADES' }))).toMatchObject({ ok: true, to: 'graded' });
    const graded = project('graded', { grade: 'first', funding: 3100 });
    expect(checkGate(graded.context, 'graded', 'RECOMMEND', gateFacts('under_acceptance'))).toMatchObject({
      code: 'round_stage',
      gate: { name: 'recommendation', opensWith: { event: 'CONFIRM_GRADES' } },
    });
    expect(checkGate(graded.context, 'graded', 'RECOMMEND', gateFacts('grades_confirmed'))).toBeNull();
    expect(checkGate(graded.context, 'graded', 'RECORD_RECOMMENDATION_OUTCOME', gateFacts('closed'))).toBeNull();
  });

  it('holds the acceptance review and the proposals to acceptance, from its day', () => {
    const underAcceptance = project('final_acceptance');
    expect(checkGate(underAcceptance.context, 'final_acceptance', 'PROPOSE_GRADE', gateFacts('in_execution'))).toMatchObject({ code: 'round_stage' });
    expect(checkGate(underAcceptance.context, 'final_acceptance', 'SUBMIT_ACCEPTANCE_REVIEW', gateFacts('under_acceptance'))).toMatchObject({
      code: 'acceptance_not_open',
      opensOn: '2024-12-01',
    });
    expect(checkGate(underAcceptance.context, 'final_acceptance', 'SUBMIT_ACCEPTANCE_REVIEW', gateFacts('under_acceptance', { acceptanceOpensOn: '2024-05-01' }))).toBeNull();
  });
});
