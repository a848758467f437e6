import type { Grade } from '../../machines/project.types.js';
import { endOfShanghaiDay } from '../clock.js';
import type { RoundRow } from '../db/schema.js';

/** The facts of a round that the project machine's guards read. */
export interface RoundFacts {
  submissionClosesAt: number;
  revisionClosesAt: number | null;
  minReviews: number;
  scoreMin: number;
  scoreMax: number;
  funding: Record<Grade, number>;
}

export function roundFacts(row: RoundRow): RoundFacts {
  return {
    submissionClosesAt: endOfShanghaiDay(row.submissionDeadline),
    revisionClosesAt: row.revisionDeadline === null ? null : endOfShanghaiDay(row.revisionDeadline),
    minReviews: row.minReviews,
    scoreMin: row.scoreMin,
    scoreMax: row.scoreMax,
    funding: { first: row.fundingFirst, second: row.fundingSecond, third: row.fundingThird, qualified: row.fundingQualified },
  };
}

