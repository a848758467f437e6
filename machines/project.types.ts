/**
 * The vocabulary of the project lifecycle: roles, grades, the letter, and the facts a service hands
 * to the machine with every event. Pure types and constants; nothing here performs I/O.
 */

import type { ProjectCommand } from './project.events.js';
import type { Actor } from './vocabulary.js';
export { ROLES, type Actor, type Label, type Role } from './vocabulary.js';

export const GRADES = ['first', 'second', 'third', 'qualified'] as const;
export type Grade = (typeof GRADES)[number];

/** The five criteria of the notice, in its order. */
export const CRITERIA = ['direction', 'innovation', 'practicality', 'breadth', 'exemplarity'] as const;
export type Criterion = (typeof CRITERIA)[number];
export type Scores = Record<Criterion, number>;

export interface Activity {
  content: string;
  form: string;
  when: string;
}

/** 申请立项目标责任书: every field may be missing while the project is a draft. */
export interface Letter {
  rationale?: string;
  activities?: Activity[];
  expectedOutcomes?: string;
  leader?: string;
  members?: string[];
  contact?: string;
}

/** An uploaded file as the machine sees it: its id and the SHA-256 of its bytes (hex). */
export interface FileChecksum {
  fileId: string;
  sha256: string;
}

/**
 * Everything a guard may need to know about the world, gathered by the service inside the
 * transaction that applies the event. The machine never fetches anything itself.
 */
export interface Facts {
  /** The service's clock, epoch milliseconds. */
  now: number;
  /** The project's title and letter as stored. */
  title: string;
  letter: Letter;
  /** Exclusive end of the submission window (end of the deadline day, Asia/Shanghai). */
  submissionClosesAt: number;
  /** Exclusive end of the resubmission window after a return; null: no revision deadline. */
  revisionClosesAt: number | null;
  minReviews: number;
  scoreMin: number;
  scoreMax: number;
  /** Funding per grade in whole yuan, from the round. */
  funding: Record<Grade, number>;
  /** The project's unit with every unit above and below it: reviewers from these conflict. */
  conflictingUnitIds: string[];
  assignedReviewerIds: string[];
  /** Reviewers who have already scored this project. */
  reviewedReviewerIds: string[];
  /** Whether the round requires the signed and sealed letter (a PDF upload) before SUBMIT. */
  signedLetterRequired: boolean;
  /** The latest signed letter uploaded for the project; null: none yet. */
  signedLetter: FileChecksum | null;
  /** Every final report document uploaded for the project: file id → SHA-256 (hex). */
  finalReportDocuments: Record<string, string>;
  /**
   * project@2's acceptance review and recommendation (absent for project@1, and read as "none": a
   * guard that needs them refuses). The round's acceptance panel assigned to this project, and who
   * of them has scored its final report.
   */
  acceptanceReviewerIds?: string[];
  acceptanceReviewedIds?: string[];
  /** How many acceptance reviews a grade proposal needs (a round setting). */
  minAcceptanceReviews?: number;
  /** The criteria the acceptance panel scores (a round setting), by key. */
  acceptanceCriteria?: string[];
  /** The grades the round lets the committee recommend upward (a round setting; default first prize only). */
  recommendableGrades?: Grade[];
}

/** What org_dept proposes from the acceptance panel's scores (project@2): a grade, or to fail the project. */
export const GRADE_PROPOSALS = [...GRADES, 'fail'] as const;
export type GradeProposal = (typeof GRADE_PROPOSALS)[number];

/** The higher-level selection's outcome for a recommended project, as org_dept records it. */
export const RECOMMENDATION_OUTCOMES = ['selected', 'not_selected'] as const;
export type RecommendationOutcome = (typeof RECOMMENDATION_OUTCOMES)[number];

export interface ProjectContext {
  projectId: string;
  unitId: string;
  /** Set once org_dept returns the project; resubmission then follows the revision deadline. */
  returnedForRevision: boolean;
  submissions: number;
  grade: Grade | null;
  /** Whole yuan; null until acceptance decides it. */
  funding: number | null;
  recommended: boolean;
  /** SUBMIT_REVIEW events taken, replacements included. */
  reviewSubmissions: number;
  progressReports: number;
  /**
   * The documents handed in with the latest final report, with their checksums; absent when it
   * named none (and in contexts persisted before documents existed).
   */
  finalReportDocuments?: FileChecksum[];
  /** project@2: who rejected it (org_dept at the preliminary check, the committee after the panel); only a committee's decision may be reversed. */
  rejectedBy?: 'org_dept' | 'committee' | null;
  /** project@2: SUBMIT_ACCEPTANCE_REVIEW events taken. */
  acceptanceReviewSubmissions?: number;
  /** project@2: org_dept's proposal from the acceptance panel's scores; cleared when the final report is returned. */
  proposal?: { grade: GradeProposal; comment: string | null } | null;
  /** project@2: the higher-level selection's outcome, once recorded. */
  recommendationOutcome?: { outcome: RecommendationOutcome; level: string; note: string | null } | null;
}

export interface ProjectInput {
  projectId: string;
  unitId: string;
}

export const EVENT_TYPES = [
  'SUBMIT',
  'WITHDRAW',
  'RETURN_FOR_REVISION',
  'PASS_PRELIMINARY_CHECK',
  'REJECT',
  'SUBMIT_REVIEW',
  'COMPLETE_PANEL_REVIEW',
  'APPROVE',
  'START',
  'SUBMIT_PROGRESS_REPORT',
  'SUBMIT_FINAL_REPORT',
  'RETURN_FINAL_REPORT',
  'GRADE',
  'FAIL',
  'RECOMMEND',
  'REVERSE_DECISION',
  'SUBMIT_ACCEPTANCE_REVIEW',
  'PROPOSE_GRADE',
  'RECORD_RECOMMENDATION_OUTCOME',
] as const;
/** Every project event of every version: the API's vocabulary. A version accepts its own (./project.lifecycle.ts). */
export type EventType = (typeof EVENT_TYPES)[number];

/** project@1's events: its definition, signed by kept checkpoints, never changes. */
export const PROJECT_1_EVENT_TYPES = EVENT_TYPES.slice(0, 15) as readonly EventType[];

/** What a client sends: the event type and its payload, as declared by the schemas of ./project.events.ts. */
export type { ProjectCommand };
export type CommandOf<T extends EventType> = Extract<ProjectCommand, { type: T }>;
/** The payload each event type carries, as a client sends it (without `type`). */
export type EventPayloads = { [T in EventType]: Omit<CommandOf<T>, 'type'> };

/** What the machine receives: the command plus the actor and the facts. */
export type ProjectEvent = { [T in EventType]: CommandOf<T> & { actor: Actor; facts: Facts } }[EventType];

export const STATES = [
  'draft',
  'submitted',
  'preliminarily_checked',
  'panel_reviewed',
  'committee_approved',
  'in_progress',
  'final_acceptance',
  'graded',
  'failed',
  'rejected',
  'withdrawn',
] as const;
export type ProjectState = (typeof STATES)[number];
