/**
 * Types of the round lifecycle: a call for proposals from its opening to its closing. Like the
 * project machine it is pure: the service hands it the clock, the deadlines and how many of the
 * round's projects are in each state.
 */
import type { GradeProposal, ProjectState } from './project.types.js';
import type { RoundCommand } from './round.events.js';
import type { Actor, Label } from './vocabulary.js';

/** Every round state of every version, in the order a round passes them. */
export const ROUND_STATES = ['open', 'submissions_closed', 'under_review', 'decided', 'in_publicity', 'in_execution', 'under_acceptance', 'grades_confirmed', 'closed'] as const;
export type RoundState = (typeof ROUND_STATES)[number];
/** round@1's states: its definition, signed by kept checkpoints, never changes. */
export const ROUND_1_STATES: readonly RoundState[] = ['open', 'submissions_closed', 'under_review', 'decided', 'in_execution', 'under_acceptance', 'closed'];
/** round@2's: 公示 (in_publicity) takes the place of `decided`, and the committee confirms the grades. */
export const ROUND_2_STATES: readonly RoundState[] = [
  'open',
  'submissions_closed',
  'under_review',
  'in_publicity',
  'in_execution',
  'under_acceptance',
  'grades_confirmed',
  'closed',
];

export const ROUND_EVENT_TYPES = [
  'CLOSE_SUBMISSIONS',
  'START_REVIEW',
  'CONCLUDE_DECISIONS',
  'PUBLISH_LIST',
  'OPEN_ACCEPTANCE',
  'CLOSE_ROUND',
  'LODGE_OBJECTION',
  'HANDLE_OBJECTION',
  'CONFIRM_GRADES',
] as const;
export type RoundEventType = (typeof ROUND_EVENT_TYPES)[number];
export const ROUND_1_EVENT_TYPES = ROUND_EVENT_TYPES.slice(0, 6) as readonly RoundEventType[];

/** The approved list as the committee published it. */
export interface Publication {
  /** The committee document's number, e.g. 党委〔2023〕12号. */
  documentNumber: string;
  /** Calendar date of the document, YYYY-MM-DD. */
  publishedOn: string;
  /** round@2: the signed and sealed document (PDF) as uploaded, with its SHA-256. */
  document?: { fileId: string; sha256: string };
}

/** round@2: the proposed list's publicity period (公示). */
export interface Publicity {
  /** When the committee concluded its decisions, ISO UTC. */
  startedAt: string;
  /** Exclusive end: Asia/Shanghai midnight after the last working day of the period, ISO UTC. */
  endsAt: string;
  workingDays: number;
}

export const OBJECTION_OUTCOMES = ['upheld', 'dismissed'] as const;
export type ObjectionOutcome = (typeof OBJECTION_OUTCOMES)[number];

/** round@2: an objection (异议) lodged during the publicity period, and how org_dept handled it. */
export interface Objection {
  /** 1, 2, 3 … in the order lodged. */
  number: number;
  /** The project it concerns; null: the list as a whole. */
  projectId: string | null;
  reason: string;
  lodgedBy: string;
  lodgedAt: string;
  handling: { outcome: ObjectionOutcome; response: string; by: string; at: string } | null;
}

export interface RoundContext {
  roundId: string;
  publication: Publication | null;
  /** round@2 only. */
  publicity?: Publicity | null;
  objections?: Objection[];
  /** round@2: the committee's confirmation of the grades. */
  gradesConfirmation?: { meetingReference: string; at: string } | null;
}

export interface RoundInput {
  roundId: string;
}

export interface RoundFactsForMachine {
  /** Epoch ms. */
  now: number;
  /** End of the submission window, epoch ms (exclusive). */
  submissionClosesAt: number;
  /** How many of the round's projects are in each state (absent: none). */
  projectsByState: Partial<Record<ProjectState, number>>;
  /** round@2: where the publicity period would end if it began now, epoch ms (the round's working days and the calendar). */
  publicityEndsAt?: number;
  /** round@2: the round's publicity period in working days. */
  publicityWorkingDays?: number;
  /** round@2: the projects an objection may name: those the committee decided on (approved or rejected by it). */
  decidedProjectIds?: string[];
  /** round@2: the signed list documents uploaded for the round: file id → SHA-256. */
  listDocuments?: Record<string, string>;
  /** round@2: of the projects under final acceptance, how many have each proposal, and how many none. */
  proposals?: { byGrade: Partial<Record<GradeProposal, number>>; missing: number };
  /** round@2: the most projects the round gives each prize (absent grade: no cap). */
  prizeCaps?: Partial<Record<'first' | 'second' | 'third', number>>;
}

interface Base {
  actor: Actor;
  facts: RoundFactsForMachine;
}

/** What a client sends, as declared by the schemas of ./round.events.ts. */
export type { RoundCommand };

export type RoundEvent = RoundCommand & Base;

export type { Label };
