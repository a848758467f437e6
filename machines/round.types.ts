/**
 * Types of the round lifecycle: a call for proposals from its opening to its closing. Like the
 * project machine it is pure: the service hands it the clock, the deadlines and how many of the
 * round's projects are in each state.
 */
import type { ProjectState } from './project.types.js';
import type { RoundCommand } from './round.events.js';
import type { Actor, Label } from './vocabulary.js';

export const ROUND_STATES = ['open', 'submissions_closed', 'under_review', 'decided', 'in_execution', 'under_acceptance', 'closed'] as const;
export type RoundState = (typeof ROUND_STATES)[number];

export const ROUND_EVENT_TYPES = ['CLOSE_SUBMISSIONS', 'START_REVIEW', 'CONCLUDE_DECISIONS', 'PUBLISH_LIST', 'OPEN_ACCEPTANCE', 'CLOSE_ROUND'] as const;
export type RoundEventType = (typeof ROUND_EVENT_TYPES)[number];

/** The approved list as the committee published it. */
export interface Publication {
  /** The committee document's number, e.g. 党委〔2023〕12号. */
  documentNumber: string;
  /** Calendar date of the document, YYYY-MM-DD. */
  publishedOn: string;
}

export interface RoundContext {
  roundId: string;
  publication: Publication | null;
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
}

interface Base {
  actor: Actor;
  facts: RoundFactsForMachine;
}

/** What a client sends, as declared by the schemas of ./round.events.ts. */
export type { RoundCommand };

export type RoundEvent = RoundCommand & Base;

export type { Label };
