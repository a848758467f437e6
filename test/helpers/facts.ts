/**
 * Fixture builders for pure machine tests: actors and the facts a service would hand the machine.
 * The defaults describe a project that may take every transition of the lifecycle table: a complete
 * letter, a clock before the 2023 deadline, three assigned reviewers who have all scored.
 */
import type { Activity, Actor, Facts, Letter } from '../../machines/project.types.js';

/** The project's unit: a 党支部 under a 党总支. */
export const UNIT_ID = 'unit-composition-branch';
/** The general branch above UNIT_ID: its members conflict too. */
export const PARENT_UNIT_ID = 'unit-composition-general-branch';
/** An unrelated unit. */
export const OTHER_UNIT_ID = 'unit-piano-branch';

export const PROJECT_ID = 'project-2023-001';

/** 2023 round: deadline 29 March, end of that day inclusive, Asia/Shanghai; stored as the exclusive end. */
export const SUBMISSION_CLOSES_AT = Date.parse('2023-03-30T00:00:00+08:00');
/** A working day well inside the 2023 submission window. */
export const BEFORE_DEADLINE = Date.parse('2023-03-20T10:00:00+08:00');

/** Round funding deliberately unlike the notice's figures, to show they come from the round. */
export const ROUND_FUNDING = { first: 3100, second: 2100, third: 1600, qualified: 1100 } as const;

export function activity(overrides: Partial<Activity> = {}): Activity {
  return { content: '“红色乐章”主题党日', form: '专题音乐会', when: '2023年5月', ...overrides };
}

export function completeLetter(overrides: Partial<Letter> = {}): Letter {
  return {
    rationale: '青年教师党员参与思政育人不足，以音乐会为载体推动党建与教学融合。',
    activities: [activity(), activity({ content: '师德师风讲堂', form: '讲座', when: '2023年9月' })],
    expectedOutcomes: '形成两场主题音乐会与一份育人案例。',
    leader: '张书记',
    members: ['李老师', '王老师'],
    contact: '024-0000-0000',
    ...overrides,
  };
}

export function makeFacts(overrides: Partial<Facts> = {}): Facts {
  return {
    now: BEFORE_DEADLINE,
    title: '以乐育人：红色音乐进课堂',
    letter: completeLetter(),
    submissionClosesAt: SUBMISSION_CLOSES_AT,
    revisionClosesAt: null,
    minReviews: 3,
    scoreMin: 1,
    scoreMax: 10,
    funding: { ...ROUND_FUNDING },
    conflictingUnitIds: [UNIT_ID, PARENT_UNIT_ID],
    assignedReviewerIds: ['reviewer-1', 'reviewer-2', 'reviewer-3'],
    reviewedReviewerIds: ['reviewer-1', 'reviewer-2', 'reviewer-3'],
    signedLetterRequired: false,
    signedLetter: null,
    finalReportDocuments: {},
    ...overrides,
  };
}

export const actors = {
  /** The applicant of the project's own unit. */
  applicant: { id: 'applicant-1', role: 'applicant', unitId: UNIT_ID },
  otherApplicant: { id: 'applicant-2', role: 'applicant', unitId: OTHER_UNIT_ID },
  unitlessApplicant: { id: 'applicant-3', role: 'applicant', unitId: null },
  orgDept: { id: 'org-1', role: 'org_dept', unitId: 'unit-org-dept' },
  /** Assigned (see makeFacts) and from a unit without conflict. */
  reviewer: { id: 'reviewer-1', role: 'reviewer', unitId: 'unit-vocal-branch' },
  unassignedReviewer: { id: 'reviewer-9', role: 'reviewer', unitId: 'unit-theory-branch' },
  /** Reviewers of the project's own unit and of the unit above it: assign them explicitly to test. */
  ownUnitReviewer: { id: 'reviewer-own', role: 'reviewer', unitId: UNIT_ID },
  parentUnitReviewer: { id: 'reviewer-parent', role: 'reviewer', unitId: PARENT_UNIT_ID },
  committee: { id: 'committee-1', role: 'committee', unitId: null },
  auditor: { id: 'auditor-1', role: 'auditor', unitId: null },
  admin: { id: 'admin-1', role: 'admin', unitId: null },
} as const satisfies Record<string, Actor>;

export type ActorName = keyof typeof actors;
