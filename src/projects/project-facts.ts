/**
 * The facts the project machine's guards read, gathered inside the step's transaction, and the
 * payload the log keeps of each project event.
 */
import type { Facts, ProjectCommand, ProjectContext } from '../../machines/project.types.js';
import { endOfShanghaiDay } from '../clock.js';
import type { ProjectRow, RoundRow } from '../db/schema.js';
import { letterSha256 } from '../workflow/records.js';
import type { ProjectsRepository } from './projects.repository.js';

/** The facts of a round that the project machine's guards read. */
export type RoundFacts = Pick<Facts, 'submissionClosesAt' | 'revisionClosesAt' | 'minReviews' | 'scoreMin' | 'scoreMax' | 'funding'> &
  Required<Pick<Facts, 'minAcceptanceReviews' | 'acceptanceCriteria' | 'recommendableGrades'>>;

/** The columns of a round that its facts come from. */
export type RoundSettings = Pick<
  RoundRow,
  | 'submissionDeadline'
  | 'revisionDeadline'
  | 'minReviews'
  | 'scoreMin'
  | 'scoreMax'
  | 'fundingFirst'
  | 'fundingSecond'
  | 'fundingThird'
  | 'fundingQualified'
  | 'acceptanceCriteria'
  | 'minAcceptanceReviews'
  | 'recommendableGrades'
>;

/** The same columns as a prepared statement reads them: the JSON ones as text. */
export type RawRoundSettings = Omit<RoundSettings, 'acceptanceCriteria' | 'recommendableGrades'> & { acceptanceCriteria: string; recommendableGrades: string };

const parsed = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

export function roundFacts(row: RoundSettings | RawRoundSettings): RoundFacts {
  return {
    submissionClosesAt: endOfShanghaiDay(row.submissionDeadline),
    revisionClosesAt: row.revisionDeadline === null ? null : endOfShanghaiDay(row.revisionDeadline),
    minReviews: row.minReviews,
    scoreMin: row.scoreMin,
    scoreMax: row.scoreMax,
    funding: { first: row.fundingFirst, second: row.fundingSecond, third: row.fundingThird, qualified: row.fundingQualified },
    minAcceptanceReviews: row.minAcceptanceReviews,
    acceptanceCriteria: parsed<RoundSettings['acceptanceCriteria']>(row.acceptanceCriteria).map((c) => c.key),
    recommendableGrades: parsed<RoundSettings['recommendableGrades']>(row.recommendableGrades),
  };
}

/**
 * The facts of one project at `now`. Each is read from the database only when a guard first asks
 * for it: a progress report never loads the panel, a review never loads the letter twice. The lazy
 * ones are getters on the prototype, memoised in fields, rather than properties redefined on each
 * object: the hot path builds one of these per event.
 */
export class ProjectFacts implements Facts {
  readonly title: string;
  readonly letter: Facts['letter'];
  private readonly roundClosesAt: number;
  private extendedClosesAt: number | undefined;
  readonly revisionClosesAt: number | null;
  readonly minReviews: number;
  readonly scoreMin: number;
  readonly scoreMax: number;
  readonly funding: Facts['funding'];
  readonly signedLetterRequired: boolean;
  readonly minAcceptanceReviews: number;
  readonly acceptanceCriteria: string[];
  readonly recommendableGrades: NonNullable<Facts['recommendableGrades']>;
  private acceptanceAssigned: string[] | undefined;
  private acceptanceReviewed: string[] | undefined;
  private conflicting: string[] | undefined;
  private assigned: string[] | undefined;
  private reviewed: string[] | undefined;
  private letterFile: Facts['signedLetter'] | undefined;
  private documents: Facts['finalReportDocuments'] | undefined;

  constructor(
    private readonly repository: ProjectsRepository,
    /** The units whose reviewers may not score this project (the round's conflict scope). */
    private readonly barred: () => string[],
    private readonly project: ProjectRow,
    round: RoundFacts,
    signedLetterRequired: boolean,
    readonly now: number,
  ) {
    this.title = project.title;
    this.letter = project.letter;
    this.roundClosesAt = round.submissionClosesAt;
    this.revisionClosesAt = round.revisionClosesAt;
    this.minReviews = round.minReviews;
    this.scoreMin = round.scoreMin;
    this.scoreMax = round.scoreMax;
    this.funding = round.funding;
    this.signedLetterRequired = signedLetterRequired;
    this.minAcceptanceReviews = round.minAcceptanceReviews;
    this.acceptanceCriteria = round.acceptanceCriteria;
    this.recommendableGrades = round.recommendableGrades;
  }

  get acceptanceReviewerIds(): string[] {
    return (this.acceptanceAssigned ??= this.repository.acceptanceReviewerIds(this.project.id));
  }

  get acceptanceReviewedIds(): string[] {
    return (this.acceptanceReviewed ??= this.repository.acceptanceReviewedIds(this.project.id));
  }

  /**
   * The end of the project's unit's submission window: the round's deadline, or the unit's extension
   * in the round when it has one (Asia/Shanghai end of that day). Read only once the round's has passed.
   */
  get submissionClosesAt(): number {
    if (this.now < this.roundClosesAt) return this.roundClosesAt;
    if (this.extendedClosesAt === undefined) {
      const extension = this.repository.extensionDeadline(this.project.roundId, this.project.unitId);
      this.extendedClosesAt = extension === null ? this.roundClosesAt : Math.max(this.roundClosesAt, endOfShanghaiDay(extension));
    }
    return this.extendedClosesAt;
  }

  get conflictingUnitIds(): string[] {
    return (this.conflicting ??= this.barred());
  }

  get assignedReviewerIds(): string[] {
    return (this.assigned ??= this.repository.assignedReviewerIds(this.project.id));
  }

  get reviewedReviewerIds(): string[] {
    return (this.reviewed ??= this.repository.reviewedReviewerIds(this.project.id));
  }

  get signedLetter(): Facts['signedLetter'] {
    if (this.letterFile === undefined) this.letterFile = this.repository.latestSignedLetter(this.project.id);
    return this.letterFile;
  }

  get finalReportDocuments(): Facts['finalReportDocuments'] {
    return (this.documents ??= this.repository.finalReportDocuments(this.project.id));
  }
}

/**
 * The payload the log keeps: the command without its type, plus the facts its effect depends on,
 * so the hash chain covers exactly what was decided on. SUBMIT names the letter's hash and the
 * latest signed letter (when there is one); SUBMIT_FINAL_REPORT replaces its document ids with
 * `{ fileId, sha256 }` as the machine recorded them; GRADE adds the funding the machine computed
 * from the round's amounts. (The step adds the hash of the context written.)
 */
export function loggedPayload(command: ProjectCommand, facts: Facts, context: ProjectContext): Record<string, unknown> {
  const { type: _type, ...payload } = command;
  switch (command.type) {
    case 'SUBMIT':
      return { ...payload, letterSha256: letterSha256(facts.letter), ...(facts.signedLetter ? { signedLetter: facts.signedLetter } : {}) };
    case 'SUBMIT_FINAL_REPORT':
      return command.documents ? { ...payload, documents: context.finalReportDocuments ?? [] } : payload;
    case 'GRADE':
      return { ...payload, funding: context.funding };
    default:
      return payload;
  }
}
