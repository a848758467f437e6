import { asc, eq } from 'drizzle-orm';
import type { Grade } from '../../machines/project.types.js';
import { endOfShanghaiDay, isoUtc, type Clock } from '../clock.js';
import type { Executor } from '../db/executor.js';
import { rounds, type RoundRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import { newId } from '../ids.js';
import type { CreateRoundInput, Round } from './rounds.schemas.js';

export const toRound = (row: RoundRow): Round => ({
  id: row.id,
  year: row.year,
  title: row.title,
  documentNumber: row.documentNumber,
  submissionDeadline: row.submissionDeadline,
  revisionDeadline: row.revisionDeadline,
  finalAcceptanceDate: row.finalAcceptanceDate,
  funding: { first: row.fundingFirst, second: row.fundingSecond, third: row.fundingThird, qualified: row.fundingQualified },
  minReviews: row.minReviews,
  scoreScale: { min: row.scoreMin, max: row.scoreMax },
  createdAt: row.createdAt,
});

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

function validDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

export class RoundsService {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
  ) {}

  create(input: CreateRoundInput): Round {
    const scale = input.scoreScale ?? { min: 0, max: 20 };
    if (scale.max <= scale.min) {
      throw new Problem('unprocessable', '评分上限须大于下限 / scoreScale.max must exceed scoreScale.min', { field: 'scoreScale' });
    }
    for (const [field, value] of [
      ['submissionDeadline', input.submissionDeadline],
      ['revisionDeadline', input.revisionDeadline ?? null],
      ['finalAcceptanceDate', input.finalAcceptanceDate],
    ] as const) {
      if (value !== null && !validDate(value)) {
        throw new Problem('unprocessable', `日期无效 / ${field} is not a calendar date`, { field });
      }
    }
    if (input.revisionDeadline && input.revisionDeadline < input.submissionDeadline) {
      throw new Problem('unprocessable', '修改截止日期不能早于申报截止日期 / revisionDeadline precedes submissionDeadline', { field: 'revisionDeadline' });
    }
    const now = this.clock.now();
    const row: RoundRow = {
      id: newId(now),
      year: input.year,
      title: input.title,
      documentNumber: input.documentNumber,
      submissionDeadline: input.submissionDeadline,
      revisionDeadline: input.revisionDeadline ?? null,
      finalAcceptanceDate: input.finalAcceptanceDate,
      fundingFirst: input.funding.first,
      fundingSecond: input.funding.second,
      fundingThird: input.funding.third,
      fundingQualified: input.funding.qualified,
      minReviews: input.minReviews ?? 3,
      scoreMin: scale.min,
      scoreMax: scale.max,
      createdAt: isoUtc(now),
    };
    this.db.insert(rounds).values(row).run();
    return toRound(row);
  }

  list(): Round[] {
    return this.db.select().from(rounds).orderBy(asc(rounds.id)).all().map(toRound);
  }

  findRow(id: string): RoundRow | undefined {
    return this.db.select().from(rounds).where(eq(rounds.id, id)).get();
  }
}
