/**
 * The vocabulary of the project lifecycle: roles, grades, the letter, and the facts a service hands
 * to the machine with every event. Pure types and constants; nothing here performs I/O.
 */

export const ROLES = ['applicant', 'org_dept', 'reviewer', 'committee', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

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

/** Who fires the event, as the service authenticated it. */
export interface Actor {
  id: string;
  role: Role;
  unitId: string | null;
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
}

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
}

export interface ProjectInput {
  projectId: string;
  unitId: string;
}

/** The payload each event type carries, as a client sends it (without `type`). */
export interface EventPayloads {
  SUBMIT: Record<string, never>;
  WITHDRAW: { reason?: string };
  RETURN_FOR_REVISION: { comment: string };
  PASS_PRELIMINARY_CHECK: { comment?: string };
  REJECT: { reason: string };
  SUBMIT_REVIEW: { scores: Scores; comment: string };
  COMPLETE_PANEL_REVIEW: { comment?: string };
  APPROVE: { meetingReference: string; comment?: string };
  START: { comment?: string };
  SUBMIT_PROGRESS_REPORT: { text: string };
  /** `documents`: ids of final report documents uploaded for this project. */
  SUBMIT_FINAL_REPORT: { summary: string; documents?: string[] };
  RETURN_FINAL_REPORT: { comment: string };
  GRADE: { grade: Grade; comment?: string };
  FAIL: { reason: string };
  RECOMMEND: { note: string };
}

export type EventType = keyof EventPayloads;

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
] as const satisfies readonly EventType[];

/** What a client sends: the event type and its payload. */
export type CommandOf<T extends EventType> = { type: T } & EventPayloads[T];
export type ProjectCommand = { [T in EventType]: CommandOf<T> }[EventType];

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

export interface Label {
  zh: string;
  en: string;
}
