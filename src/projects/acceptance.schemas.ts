/**
 * 结项评审 (project@2) over HTTP: the acceptance panel's assignments, a reviewer's acceptance
 * worklist and the round's acceptance score report.
 */
import { Type, type Static } from 'typebox';
import { GRADE_PROPOSALS, GRADES, STATES } from '../../machines/project.types.js';
import { EXAMPLE } from '../http/examples.js';
import { Id, LabelSchema, Timestamp, ref, withExamples } from '../http/schemas.js';
import { CATEGORY_NAMES } from './categories.js';

export const AssignAcceptanceReviewerBody = withExamples(
  Type.Object({ reviewerId: Id('结项评审组成员（评审人）/ A member of the round’s acceptance panel (a reviewer)', EXAMPLE.reviewerId) }, { additionalProperties: false }),
  { member: { summary: '结项评审组的一名成员 / A member of the acceptance panel', value: { reviewerId: EXAMPLE.reviewerId } } },
);

export const AcceptanceAssignmentSchema = Type.Object(
  {
    projectId: Id('项目标识 / Project id', EXAMPLE.projectId),
    reviewerId: Id('结项评审人 / Acceptance reviewer', EXAMPLE.reviewerId),
    reviewerName: Type.String({ minLength: 1, description: '评审人姓名 / Reviewer’s name', examples: ['赵教授'] }),
    assignedBy: Id('分配者（组织部）/ Assigned by (org_dept)', EXAMPLE.orgDeptId),
    assignedAt: { ...Timestamp, examples: ['2023-12-05T02:00:00.000Z'] },
    reviewed: Type.Boolean({ description: '是否已为结项报告评分 / Whether the reviewer has scored the final report', examples: [false] }),
    state: Type.Enum(['assigned', 'replaced'], {
      description: '分配状态：assigned 在评，replaced 已被更换（不再评分、不计入结项评审份数）/ assigned, or replaced (no longer scores; not counted)',
    }),
    replacedBy: Type.Union([Id('接替的结项评审人 / The replacement', EXAMPLE.reviewerId), Type.Null()], {
      description: '接替的结项评审人，未更换时为 null / Who took over; null unless replaced',
    }),
    replacedAt: Type.Union([{ ...Timestamp, examples: ['2023-12-08T02:00:00.000Z'] }, Type.Null()], { description: '更换时间 / When replaced; null unless replaced' }),
    replaceReason: Type.Union([Type.String({ minLength: 1, examples: ['评审人出差，无法按期评分'] }), Type.Null()], {
      description: '更换理由 / Why replaced; null unless replaced',
    }),
  },
  { $id: 'AcceptanceAssignment', additionalProperties: false, description: '一项结项评审分配 / One acceptance review assignment' },
);
export type AcceptanceAssignment = Static<typeof AcceptanceAssignmentSchema>;

export const ACCEPTANCE_ASSIGNMENT_EXAMPLE: AcceptanceAssignment = {
  projectId: EXAMPLE.projectId,
  reviewerId: EXAMPLE.reviewerId,
  reviewerName: '赵教授',
  assignedBy: EXAMPLE.orgDeptId,
  assignedAt: '2023-12-05T02:00:00.000Z',
  reviewed: false,
  state: 'assigned',
  replacedBy: null,
  replacedAt: null,
  replaceReason: null,
};

export const ReplaceAcceptanceReviewerBody = withExamples(
  Type.Object(
    {
      replacementId: Id('接替的结项评审人（结项评审组在任成员）/ The replacement (an active member of the round’s acceptance panel)', EXAMPLE.reviewerId),
      reason: Type.String({ minLength: 1, maxLength: 500, description: '理由（必填，记入日志）/ The reason (required; logged)', examples: ['评审人出差，无法按期评分'] }),
    },
    { additionalProperties: false, description: '接替者与更换理由 / The replacement and the reason' },
  ),
  { replaced: { summary: '接替者与理由 / The replacement and the reason', value: { replacementId: EXAMPLE.reviewerId, reason: '评审人出差，无法按期评分' } } },
);

const AcceptanceScores = Type.Record(Type.String(), Type.Integer(), {
  description: '结项评审标准的键 → 分数 / Acceptance criterion key → score',
  examples: [{ completion: 18, effect: 17, documentation: 16 }],
});

export const AcceptanceWorklistItemSchema = Type.Object(
  {
    id: Id('项目标识 / Project id', EXAMPLE.projectId),
    roundId: Id('立项批次 / Round id', EXAMPLE.roundId),
    title: Type.String({ minLength: 1, description: '项目主题 / Theme', examples: ['“红色旋律”党员先锋岗'] }),
    category: Type.Enum(CATEGORY_NAMES, { description: '类别 / Category' }),
    direction: Type.String({ minLength: 1, description: '方向 / Direction', examples: ['member_platforms'] }),
    state: Type.Enum(STATES, { description: '生命周期状态 / Lifecycle state' }),
    stateLabel: ref(LabelSchema),
    criteria: Type.Array(Type.Object({ key: Type.String({ minLength: 1, examples: ['completion'] }), label: ref(LabelSchema) }, { additionalProperties: false }), {
      description: '批次的结项评审标准 / The round’s acceptance criteria',
    }),
    scoreScale: Type.Object(
      { min: Type.Integer({ examples: [0] }), max: Type.Integer({ examples: [20] }) },
      { additionalProperties: false, description: '每项的分值范围 / Range of each criterion' },
    ),
    assignedAt: { ...Timestamp, examples: ['2023-12-05T02:00:00.000Z'] },
    reviewed: Type.Boolean({ description: '是否已评分 / Whether the caller has scored it', examples: [true] }),
    review: Type.Union(
      [
        Type.Object(
          {
            scores: AcceptanceScores,
            total: Type.Integer({ description: '总分 / Total', examples: [51] }),
            comment: Type.String({ minLength: 1, description: '结项评审意见 / Comment', examples: ['活动完成度高，成果材料齐全'] }),
            createdAt: Timestamp,
            updatedAt: Timestamp,
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: '调用者自己的结项评审意见，未评分时为 null / The caller’s own acceptance review; null until scored' },
    ),
  },
  { $id: 'AcceptanceWorklistItem', additionalProperties: false, description: '结项评审工作清单中的一个项目 / A project of a reviewer’s acceptance worklist' },
);
export type AcceptanceWorklistItem = Static<typeof AcceptanceWorklistItemSchema>;

export const ACCEPTANCE_WORKLIST_EXAMPLE: AcceptanceWorklistItem = {
  id: EXAMPLE.projectId,
  roundId: EXAMPLE.roundId,
  title: '“红色旋律”党员先锋岗',
  category: 'vanguard',
  direction: 'member_platforms',
  state: 'final_acceptance',
  stateLabel: { zh: '结项验收中', en: 'Under final acceptance' },
  criteria: [
    { key: 'completion', label: { zh: '目标完成情况', en: 'Targets achieved' } },
    { key: 'effect', label: { zh: '实际成效', en: 'Actual effect' } },
    { key: 'documentation', label: { zh: '材料规范', en: 'Documentation in order' } },
  ],
  scoreScale: { min: 0, max: 20 },
  assignedAt: '2023-12-05T02:00:00.000Z',
  reviewed: true,
  review: {
    scores: { completion: 18, effect: 17, documentation: 16 },
    total: 51,
    comment: '活动完成度高，成果材料齐全',
    createdAt: '2023-12-08T02:00:00.000Z',
    updatedAt: '2023-12-08T02:00:00.000Z',
  },
};

const Mean = (description: string, example: number) =>
  Type.Union([Type.Number({ examples: [example] }), Type.Null()], {
    description: `${description}（四舍五入到两位小数，无评分时为 null）/ rounded to 2 decimals; null without reviews`,
  });

export const AcceptanceScoreEntrySchema = Type.Object(
  {
    projectId: Id('项目标识 / Project id', EXAMPLE.projectId),
    title: Type.String({ minLength: 1, description: '项目主题 / Theme', examples: ['“红色旋律”党员先锋岗'] }),
    unitId: Id('申报党组织 / The applicant unit', EXAMPLE.branchId),
    unitName: Type.String({ minLength: 1, description: '申报党组织名称 / The unit’s name', examples: ['声乐系党支部'] }),
    state: Type.Enum(STATES, { description: '生命周期状态 / Lifecycle state', examples: ['final_acceptance'] }),
    reviewCount: Type.Integer({ minimum: 0, description: '结项评审份数 / Acceptance reviews', examples: [3] }),
    assignedCount: Type.Integer({ minimum: 0, description: '已分配的结项评审人数（不含已更换的）/ Acceptance reviewers assigned (replaced ones left out)', examples: [3] }),
    meanScores: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()]), {
      description: '各结项评审标准的平均分 / Mean of each acceptance criterion',
      examples: [{ completion: 17.67, effect: 16.33, documentation: 16 }],
    }),
    meanTotal: Mean('平均总分 / Mean total', 50),
    proposal: Type.Union(
      [
        Type.Object(
          {
            grade: Type.Enum(GRADE_PROPOSALS, { description: '建议等级或 fail / The proposed grade, or fail', examples: ['second'] }),
            comment: Type.Union([Type.String(), Type.Null()], { description: '说明 / Comment', examples: ['结项评审平均分 50，位列第 2'] }),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: '组织部的建议，未建议为 null / org_dept’s proposal; null until proposed' },
    ),
    grade: Type.Union([Type.Enum(GRADES), Type.Null()], { description: '党委确认后的等级 / The confirmed grade; null before', examples: [null] }),
    funding: Type.Union([Type.Integer(), Type.Null()], {
      description: '资助金额（元），确认后随等级确定 / Funding in whole yuan, following the confirmed grade',
      examples: [null],
    }),
  },
  { additionalProperties: false, description: '一个项目的结项评审汇总 / One project’s acceptance scores, aggregated' },
);

export const AcceptanceScoresSchema = Type.Object(
  {
    roundId: Id('批次标识 / Round id', EXAMPLE.roundId),
    criteria: Type.Array(Type.Object({ key: Type.String({ minLength: 1, examples: ['completion'] }), label: ref(LabelSchema) }, { additionalProperties: false }), {
      description: '批次的结项评审标准 / The round’s acceptance criteria',
    }),
    scoreScale: Type.Object(
      { min: Type.Integer({ examples: [0] }), max: Type.Integer({ examples: [20] }) },
      { additionalProperties: false, description: '每项的分值范围 / Range of each criterion' },
    ),
    minAcceptanceReviews: Type.Integer({ minimum: 1, description: '建议等级所需的最少结项评审份数 / Acceptance reviews a proposal needs', examples: [3] }),
    prizeCaps: Type.Record(Type.String(), Type.Integer(), { description: '各奖项的获奖数上限 / Caps on prizes', examples: [{ first: 2 }] }),
    proposals: Type.Object(
      {
        byGrade: Type.Record(Type.String(), Type.Integer(), {
          description: '结项验收中的项目各建议等级的个数 / Projects under final acceptance per proposal',
          examples: [{ first: 1, second: 2 }],
        }),
        missing: Type.Integer({ minimum: 0, description: '尚无建议的结项验收中项目数 / Projects under final acceptance without a proposal', examples: [0] }),
      },
      { additionalProperties: false, description: '党委确认等级时检查的建议汇总 / The proposals as CONFIRM_GRADES checks them' },
    ),
    items: Type.Array(AcceptanceScoreEntrySchema, { description: '按平均总分降序、再按项目标识 / By mean total descending, then project id' }),
  },
  { $id: 'AcceptanceScores', additionalProperties: false, description: '批次的结项评审分数汇总（不含评审人）/ The round’s acceptance scores, aggregated (never who scored what)' },
);
export type AcceptanceScores = Static<typeof AcceptanceScoresSchema>;

export const ACCEPTANCE_SCORES_EXAMPLE: AcceptanceScores = {
  roundId: EXAMPLE.roundId,
  criteria: ACCEPTANCE_WORKLIST_EXAMPLE.criteria,
  scoreScale: { min: 0, max: 20 },
  minAcceptanceReviews: 3,
  prizeCaps: { first: 2 },
  proposals: { byGrade: { second: 1 }, missing: 0 },
  items: [
    {
      projectId: EXAMPLE.projectId,
      title: '“红色旋律”党员先锋岗',
      unitId: EXAMPLE.branchId,
      unitName: '声乐系党支部',
      state: 'final_acceptance',
      reviewCount: 3,
      assignedCount: 3,
      meanScores: { completion: 17.67, effect: 16.33, documentation: 16 },
      meanTotal: 50,
      proposal: { grade: 'second', comment: '结项评审平均分 50，位列第 2' },
      grade: null,
      funding: null,
    },
  ],
};

export const ACCEPTANCE_SCHEMAS = [AcceptanceAssignmentSchema, AcceptanceWorklistItemSchema, AcceptanceScoresSchema];
