import { Type, type Static } from 'typebox';
import { EXAMPLE } from '../http/examples.js';
import { CalendarDate, Id, Timestamp, withExamples, type Example } from '../http/schemas.js';

const Yuan = (example: number) => Type.Integer({ minimum: 0, maximum: 100_000_000, description: '元（人民币，整数）/ Whole yuan (CNY)', examples: [example] });

export const FundingSchema = Type.Object(
  { first: Yuan(3000), second: Yuan(2000), third: Yuan(1500), qualified: Yuan(1000) },
  { additionalProperties: false, description: '各等级资助金额（元）/ Funding per grade, whole yuan: first 一等奖, second 二等奖, third 三等奖, qualified 合格' },
);

const ScoreBound = (description: string, example: number, minimum: number) => Type.Integer({ minimum, maximum: 1000, description, examples: [example] });

export const RoundSchema = Type.Object(
  {
    id: Id('批次标识 / Round id', EXAMPLE.roundId),
    year: Type.Integer({ description: '年度 / Year', examples: [2023] }),
    title: Type.String({ minLength: 1, description: '标题 / Title', examples: ['2023年度党建项目立项'] }),
    documentNumber: Type.String({ minLength: 1, description: '发文字号 / Document number of the notice', examples: ['办字〔2023〕8号'] }),
    submissionDeadline: { ...CalendarDate, description: '申报截止日（含当日，北京时间）/ Last day of submission, Asia/Shanghai, inclusive' },
    revisionDeadline: Type.Union([CalendarDate, Type.Null()], { description: '退回修改后的重新申报截止日，null 为不限 / Last day to resubmit after a return; null: no limit' }),
    finalAcceptanceDate: { ...CalendarDate, description: '结项验收日期 / Final acceptance date', examples: ['2023-12-31'] },
    funding: FundingSchema,
    minReviews: Type.Integer({ description: '每个项目最少评审份数 / Minimum reviews per project', examples: [3] }),
    scoreScale: Type.Object(
      { min: ScoreBound('每项最低分 / Lowest score', 0, 0), max: ScoreBound('每项最高分 / Highest score', 20, 1) },
      { additionalProperties: false, description: '五项评审标准各自的分值范围 / Range of each of the five criteria' },
    ),
    createdAt: Timestamp,
  },
  { $id: 'Round', additionalProperties: false, description: '立项批次 / A call for proposals' },
);
export type Round = Static<typeof RoundSchema>;

export const ROUND_EXAMPLE: Round = {
  id: EXAMPLE.roundId,
  year: 2023,
  title: '2023年度党建项目立项',
  documentNumber: '办字〔2023〕8号',
  submissionDeadline: '2023-03-29',
  revisionDeadline: '2023-04-10',
  finalAcceptanceDate: '2023-12-31',
  funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
  minReviews: 3,
  scoreScale: { min: 0, max: 20 },
  createdAt: EXAMPLE.createdAt,
};

export const ROUND_EXAMPLES: Record<string, Example<Round>> = {
  round2023: { summary: '2023 年度批次 / The 2023 round', value: ROUND_EXAMPLE },
};

export const CreateRoundBody = withExamples(
  Type.Object(
    {
      year: Type.Integer({ minimum: 2000, maximum: 2200, description: '年度 / Year', examples: [2023] }),
      title: Type.String({ minLength: 1, maxLength: 200, description: '标题 / Title', examples: ['2023年度党建项目立项'] }),
      documentNumber: Type.String({ minLength: 1, maxLength: 100, description: '发文字号 / Document number', examples: ['办字〔2023〕8号'] }),
      submissionDeadline: { ...CalendarDate, description: '申报截止日（含当日，北京时间）/ Last day of submission, Asia/Shanghai, inclusive' },
      revisionDeadline: Type.Optional(
        Type.Union([{ ...CalendarDate, examples: ['2023-04-10'] }, Type.Null()], {
          description: '退回修改后的重新申报截止日；不给或 null 为不限 / Last day to resubmit after a return; none: no limit',
        }),
      ),
      finalAcceptanceDate: { ...CalendarDate, description: '结项验收日期 / Final acceptance date', examples: ['2023-12-31'] },
      funding: FundingSchema,
      minReviews: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 50, default: 3, description: '每个项目最少评审份数 / Minimum reviews per project', examples: [3] }),
      ),
      scoreScale: Type.Optional(
        Type.Object(
          { min: ScoreBound('每项最低分 / Lowest score', 0, 0), max: ScoreBound('每项最高分 / Highest score', 20, 1) },
          { additionalProperties: false, description: '五项评审标准各自的分值范围，默认 0 至 20 / Range of each of the five criteria; default 0 to 20' },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  {
    round2023: {
      summary: '2023 年度批次（办字〔2023〕8号）/ The 2023 round of the notice',
      value: {
        year: 2023,
        title: '2023年度党建项目立项',
        documentNumber: '办字〔2023〕8号',
        submissionDeadline: '2023-03-29',
        revisionDeadline: '2023-04-10',
        finalAcceptanceDate: '2023-12-31',
        funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
        minReviews: 3,
        scoreScale: { min: 0, max: 20 },
      },
    },
  },
);
export type CreateRoundInput = Static<typeof CreateRoundBody>;
