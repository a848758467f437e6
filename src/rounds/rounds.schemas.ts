import { Type, type Static } from 'typebox';
import { CalendarDate, Timestamp, Uuid } from '../http/schemas.js';

const Yuan = Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Whole yuan (CNY)' });

export const FundingSchema = Type.Object(
  { first: Yuan, second: Yuan, third: Yuan, qualified: Yuan },
  { additionalProperties: false, description: '各等级资助金额（元）/ Funding per grade, whole yuan', examples: [{ first: 3000, second: 2000, third: 1500, qualified: 1000 }] },
);

export const RoundSchema = Type.Object(
  {
    id: Uuid,
    year: Type.Integer(),
    title: Type.String(),
    documentNumber: Type.String(),
    submissionDeadline: CalendarDate,
    revisionDeadline: Type.Union([CalendarDate, Type.Null()]),
    finalAcceptanceDate: CalendarDate,
    funding: FundingSchema,
    minReviews: Type.Integer(),
    scoreScale: Type.Object({ min: Type.Integer(), max: Type.Integer() }, { additionalProperties: false }),
    createdAt: Timestamp,
  },
  { $id: 'Round', additionalProperties: false, description: '立项批次 / A call for proposals' },
);
export type Round = Static<typeof RoundSchema>;

export const CreateRoundBody = Type.Object(
  {
    year: Type.Integer({ minimum: 2000, maximum: 2200, examples: [2023] }),
    title: Type.String({ minLength: 1, maxLength: 200, examples: ['2023年度党建项目立项'] }),
    documentNumber: Type.String({ minLength: 1, maxLength: 100, examples: ['办字〔2023〕8号'] }),
    submissionDeadline: Type.String({ format: 'date', description: 'Last day of submission, Asia/Shanghai, inclusive', examples: ['2023-03-29'] }),
    revisionDeadline: Type.Optional(
      Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: 'Last day to resubmit after a return; none: no limit' }),
    ),
    finalAcceptanceDate: Type.String({ format: 'date', examples: ['2023-12-31'] }),
    funding: FundingSchema,
    minReviews: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 3 })),
    scoreScale: Type.Optional(
      Type.Object(
        { min: Type.Integer({ minimum: 0, maximum: 1000 }), max: Type.Integer({ minimum: 1, maximum: 1000 }) },
        { additionalProperties: false, description: 'Range of each of the five criteria; default 0 to 20' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CreateRoundInput = Static<typeof CreateRoundBody>;
