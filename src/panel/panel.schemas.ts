/**
 * Shapes of the review panel: bulk assignment for a round, a reviewer's worklist and the reviews
 * of a project (reviewer identities and scores only for those who may see them).
 */
import { Type, type Static } from 'typebox';
import { CRITERION_LABELS } from '../../machines/project.machine.js';
import { CRITERIA, STATES } from '../../machines/project.types.js';
import { EXAMPLE } from '../http/examples.js';
import { Id, LabelSchema, Timestamp, ref, withExamples } from '../http/schemas.js';
import { CATEGORY_NAMES } from '../projects/categories.js';

export const REFUSAL_CODES = ['conflict_of_interest', 'not_a_reviewer', 'not_on_panel', 'already_assigned', 'wrong_state', 'not_in_round', 'not_enough_reviewers'] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export const NamedUnitSchema = Type.Object(
  {
    id: Id('单位标识 / Unit id', EXAMPLE.branchId),
    name: Type.String({ minLength: 1, description: '单位名称 / Unit name', examples: ['声乐系党支部'] }),
  },
  { additionalProperties: false, description: '一个单位 / A unit' },
);

export const PANEL_KINDS = ['review', 'acceptance'] as const;

export const PanelParams = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, description: '立项批次 / The round’s id', examples: [EXAMPLE.roundId] }),
    kind: Type.Enum(PANEL_KINDS, { description: '评审组类别：review 评审组，acceptance 结项评审组 / review (the panel that scores) or acceptance (final acceptance)' }),
  },
  { additionalProperties: false },
);

export const MemberParams = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, description: '立项批次 / The round’s id', examples: [EXAMPLE.roundId] }),
    kind: Type.Enum(PANEL_KINDS, { description: '评审组类别 / Panel kind' }),
    userId: Id('成员（用户）/ The member (a user)', EXAMPLE.reviewerId),
  },
  { additionalProperties: false },
);

export const ReplaceParams = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, description: '项目标识 / The project’s id', examples: [EXAMPLE.projectId] }),
    reviewerId: Id('被更换的评审人 / The reviewer to replace', EXAMPLE.reviewerId),
  },
  { additionalProperties: false },
);

const Reason = (example: string) => Type.String({ minLength: 1, maxLength: 500, description: '理由（必填，记入日志）/ The reason (required; logged)', examples: [example] });

export const NamePanelBody = withExamples(
  Type.Object(
    { name: Type.String({ minLength: 1, maxLength: 100, description: '评审组名称 / The panel’s name', examples: ['2023年度评审组'] }) },
    { additionalProperties: false, description: '评审组名称 / The panel’s name' },
  ),
  { named: { summary: '评审组名称 / A panel’s name', value: { name: '2023年度评审组' } } },
);

export const AddMemberBody = withExamples(
  Type.Object(
    { userId: Id('要加入的评审人（角色 reviewer，在职）/ An active user of role reviewer', EXAMPLE.reviewerId) },
    { additionalProperties: false, description: '要加入的成员 / The member to add' },
  ),
  { member: { summary: '一名评审人 / A reviewer', value: { userId: EXAMPLE.reviewerId } } },
);

export const RemoveMemberBody = withExamples(
  Type.Object({ reason: Reason('工作调动，无法参加本批次评审') }, { additionalProperties: false, description: '移出理由 / Why the member leaves the panel' }),
  { removed: { summary: '移出理由 / The reason', value: { reason: '工作调动，无法参加本批次评审' } } },
);

export const ReplaceBody = withExamples(
  Type.Object(
    {
      replacementId: Id('接替的评审人（评审组在任成员）/ The replacement (an active member of the round’s review panel)', EXAMPLE.reviewerId),
      reason: Reason('评审人出差，无法按期评分'),
    },
    { additionalProperties: false, description: '接替者与更换理由 / The replacement and the reason' },
  ),
  { replaced: { summary: '接替者与理由 / The replacement and the reason', value: { replacementId: EXAMPLE.reviewerId, reason: '评审人出差，无法按期评分' } } },
);

export const MemberSchema = Type.Object(
  {
    id: Id('用户标识 / User id', EXAMPLE.reviewerId),
    name: Type.String({ minLength: 1, description: '姓名 / Name', examples: ['赵教授'] }),
    unitId: Type.Union([Id('所在单位 / Unit', EXAMPLE.branchId), Type.Null()], { description: '所在单位，无则为 null / The member’s unit, or null' }),
    unitName: Type.Union([Type.String({ minLength: 1, examples: ['图书馆直属党支部'] }), Type.Null()], { description: '单位名称 / The unit’s name, or null' }),
    active: Type.Boolean({ description: '是否在任（未移出）/ Whether still a member (not removed)', examples: [true] }),
    addedAt: { ...Timestamp, examples: [EXAMPLE.createdAt] },
    removedAt: Type.Union([{ ...Timestamp, examples: [EXAMPLE.submittedAt] }, Type.Null()], { description: '移出时间 / When removed; null while a member' }),
    removeReason: Type.Union([Type.String({ minLength: 1, examples: ['工作调动，无法参加本批次评审'] }), Type.Null()], {
      description: '移出理由 / Why removed; null while a member',
    }),
  },
  { additionalProperties: false, description: '评审组成员 / A member of a panel' },
);

export const PanelSchema = Type.Object(
  {
    roundId: Id('立项批次 / Round id', EXAMPLE.roundId),
    kind: Type.Enum(PANEL_KINDS, { description: '评审组类别 / Panel kind' }),
    name: Type.String({ minLength: 1, description: '评审组名称 / The panel’s name', examples: ['2023年度评审组'] }),
    createdBy: Id('组建者 / Named by', EXAMPLE.orgDeptId),
    createdAt: { ...Timestamp, examples: [EXAMPLE.createdAt] },
    updatedAt: { ...Timestamp, examples: [EXAMPLE.createdAt] },
    members: Type.Array(MemberSchema, { description: '成员（含已移出的），按加入顺序 / Members, removed ones included, in the order added' }),
  },
  { additionalProperties: false, description: '批次的一个评审组 / A panel of a round' },
);
export type PanelView = Static<typeof PanelSchema>;

export const PendingAssignmentSchema = Type.Object(
  {
    projectId: Id('项目标识 / Project id', EXAMPLE.projectId),
    projectTitle: Type.String({ minLength: 1, description: '项目主题 / Theme', examples: ['“红色旋律”党员先锋岗'] }),
    reviewerId: Id('评审人 / Reviewer', EXAMPLE.reviewerId),
    reviewerName: Type.String({ minLength: 1, description: '评审人姓名 / Reviewer’s name', examples: ['赵教授'] }),
    since: { ...Timestamp, description: '分配时间 / Assigned at', examples: [EXAMPLE.submittedAt] },
  },
  { additionalProperties: false, description: '待评分的分配 / An assignment not yet scored' },
);
export type PendingAssignment = Static<typeof PendingAssignmentSchema>;

export const RemovedMemberSchema = Type.Object(
  {
    panel: PanelSchema,
    pendingAssignments: Type.Array(PendingAssignmentSchema, {
      description: '该成员在本批次尚未评分的分配，供更换评审人 / The member’s assignments in the round not yet scored: replace these',
    }),
  },
  { additionalProperties: false, description: '移出后的评审组及该成员待评的分配 / The panel after the removal, and the member’s pending assignments' },
);
export type RemovedMember = Static<typeof RemovedMemberSchema>;

export const ReplacementSchema = Type.Object(
  {
    projectId: Id('项目标识 / Project id', EXAMPLE.projectId),
    replaced: Id('被更换的评审人 / The reviewer replaced', EXAMPLE.reviewerId),
    replacement: Id('接替的评审人 / The replacement', EXAMPLE.reviewerId),
    reason: Type.String({ minLength: 1, description: '更换理由 / The reason', examples: ['评审人出差，无法按期评分'] }),
    at: { ...Timestamp, examples: [EXAMPLE.submittedAt] },
  },
  { additionalProperties: false, description: '一次评审人更换 / A replacement of a reviewer' },
);

export const PendingQuery = Type.Object(
  { state: Type.Optional(Type.Enum(['open'], { description: 'open：已分配且未评分 / open: assigned and not yet scored (the only filter)', default: 'open' })) },
  { additionalProperties: false },
);

export const PANEL_EXAMPLE: PanelView = {
  roundId: EXAMPLE.roundId,
  kind: 'review',
  name: '2023年度评审组',
  createdBy: EXAMPLE.orgDeptId,
  createdAt: EXAMPLE.createdAt,
  updatedAt: EXAMPLE.createdAt,
  members: [
    {
      id: EXAMPLE.reviewerId,
      name: '赵教授',
      unitId: EXAMPLE.branchId,
      unitName: '图书馆直属党支部',
      active: true,
      addedAt: EXAMPLE.createdAt,
      removedAt: null,
      removeReason: null,
    },
  ],
};

export const PENDING_EXAMPLE: PendingAssignment = {
  projectId: EXAMPLE.projectId,
  projectTitle: '“红色旋律”党员先锋岗',
  reviewerId: EXAMPLE.reviewerId,
  reviewerName: '赵教授',
  since: EXAMPLE.submittedAt,
};

const PairSchema = Type.Object(
  {
    projectId: Id('项目标识 / Project id', EXAMPLE.projectId),
    reviewerId: Id('评审人（角色 reviewer）/ The reviewer (a user of role reviewer)', EXAMPLE.reviewerId),
  },
  { additionalProperties: false, description: '一对项目与评审人 / One project and one reviewer' },
);

const ExplicitAssignment = Type.Object(
  {
    mode: Type.Literal('explicit', { minLength: 1, description: '逐对指定 / Pairs given one by one', examples: ['explicit'] }),
    pairs: Type.Array(PairSchema, { minItems: 1, maxItems: 1000, description: '要分配的项目—评审人对 / The pairs to assign' }),
  },
  { additionalProperties: false, description: '逐对分配 / Explicit pairs' },
);

const AutomaticAssignment = Type.Object(
  { mode: Type.Literal('automatic', { minLength: 1, description: '自动分配 / Automatic', examples: ['automatic'] }) },
  { additionalProperties: false, description: '自动分配 / Automatic assignment' },
);

export const AssignmentsBody = withExamples(
  Type.Union([ExplicitAssignment, AutomaticAssignment], {
    description:
      '`explicit`：逐对分配，被拒绝的对列出原因，其余照常分配；`automatic`：每个项目补足批次的最少评审人数。\n' +
      '`explicit`: the pairs given; refused pairs are reported with their reason and the others are applied. ' +
      '`automatic`: every project gets reviewers up to the round’s minimum.',
  }),
  {
    automatic: { summary: '自动分配 / Automatic', value: { mode: 'automatic' } },
    explicit: {
      summary: '逐对分配 / Explicit pairs',
      value: { mode: 'explicit', pairs: [{ projectId: EXAMPLE.projectId, reviewerId: EXAMPLE.reviewerId }] },
    },
  },
);
export type AssignmentsInput = Static<typeof AssignmentsBody>;

const RefusalSchema = Type.Object(
  {
    projectId: Id('项目标识 / Project id', EXAMPLE.projectId),
    reviewerId: Type.Union([Id('评审人 / Reviewer', EXAMPLE.reviewerId), Type.Null()], {
      description: '被拒绝的评审人；评审人不足时为 null / The refused reviewer; null for not_enough_reviewers',
    }),
    code: Type.Enum(REFUSAL_CODES, {
      description:
        '原因 / Why: conflict_of_interest 评审人来自项目所在单位、其上下级单位或同一党总支（按批次的回避范围）, not_a_reviewer 不是有效评审人, ' +
        'not_on_panel 不是批次评审组的在任成员, already_assigned 已分配, ' +
        'wrong_state 项目不在已申报或初审通过状态, not_in_round 项目不属于此批次, not_enough_reviewers 可用评审人不足',
    }),
    detail: Type.String({
      minLength: 1,
      description: '说明（中文 / English）/ Explanation',
      examples: ['评审人不得来自项目所在单位或其上下级单位 / Reviewer belongs to the project unit or a unit above or below it'],
    }),
    conflictingUnits: Type.Optional(
      Type.Array(NamedUnitSchema, {
        description: '回避的单位（conflict_of_interest）：评审人所在、与项目有上下级或同属关系的单位 / The reviewer’s unit in the project’s line or family',
      }),
    ),
    required: Type.Optional(Type.Integer({ minimum: 1, description: '批次要求的最少评审人数（not_enough_reviewers）/ The round’s minimum', examples: [3] })),
    assigned: Type.Optional(Type.Integer({ minimum: 0, description: '项目现有评审人数（not_enough_reviewers）/ Reviewers the project now has', examples: [2] })),
  },
  { additionalProperties: false, description: '被拒绝的分配或评审人不足的项目 / A refused pair, or a project that could not get enough reviewers' },
);

const MadeSchema = Type.Object(
  {
    projectId: Id('项目标识 / Project id', EXAMPLE.projectId),
    reviewerId: Id('评审人 / Reviewer', EXAMPLE.reviewerId),
  },
  { additionalProperties: false, description: '新建的分配 / An assignment made' },
);

export const AssignmentOutcomeSchema = Type.Object(
  {
    roundId: Id('立项批次 / Round id', EXAMPLE.roundId),
    mode: Type.Enum(['explicit', 'automatic'], { description: '分配方式 / Mode' }),
    assigned: Type.Array(MadeSchema, { description: '本次新建的分配 / The assignments made' }),
    refused: Type.Array(RefusalSchema, { description: '被拒绝的分配及原因 / What was refused, and why' }),
  },
  { additionalProperties: false, description: '批量分配的结果 / The outcome of a bulk assignment' },
);
export type AssignmentOutcome = Static<typeof AssignmentOutcomeSchema>;
export type Refusal = Static<typeof RefusalSchema>;

const criterionName = (c: (typeof CRITERIA)[number]) => `${CRITERION_LABELS[c].zh} / ${CRITERION_LABELS[c].en}`;

const ScoresView = Type.Object(
  Object.fromEntries(CRITERIA.map((c) => [c, Type.Integer({ minimum: 0, description: criterionName(c), examples: [16] })])) as Record<
    (typeof CRITERIA)[number],
    ReturnType<typeof Type.Integer>
  >,
  { additionalProperties: false, description: '五项评审标准的分数 / Scores on the five criteria' },
);

export const ReviewSchema = Type.Object(
  {
    projectId: Id('项目标识 / Project id', EXAMPLE.projectId),
    reviewerId: Id('评审人 / Reviewer', EXAMPLE.reviewerId),
    reviewerName: Type.String({ minLength: 1, description: '评审人姓名 / Reviewer’s name', examples: ['赵教授'] }),
    scores: ScoresView,
    total: Type.Integer({ minimum: 0, description: '总分 / Total', examples: [77] }),
    comment: Type.String({ description: '评审意见 / Comment', examples: ['特色鲜明，可操作性强'] }),
    createdAt: { ...Timestamp, examples: [EXAMPLE.submittedAt] },
    updatedAt: { ...Timestamp, examples: [EXAMPLE.submittedAt] },
  },
  { additionalProperties: false, description: '一份评审意见 / One review' },
);
export type ReviewView = Static<typeof ReviewSchema>;

export const WorklistItemSchema = Type.Object(
  {
    id: Id('项目标识 / Project id', EXAMPLE.projectId),
    roundId: Id('立项批次 / Round id', EXAMPLE.roundId),
    title: Type.String({ minLength: 1, description: '项目主题 / Theme', examples: ['“红色旋律”党员先锋岗'] }),
    category: Type.Enum(CATEGORY_NAMES, { description: '类别 / Category' }),
    direction: Type.String({ minLength: 1, description: '方向 / Direction', examples: ['member_platforms'] }),
    state: Type.Enum(STATES, { description: '生命周期状态 / Lifecycle state' }),
    stateLabel: ref(LabelSchema),
    assignedAt: { ...Timestamp, examples: [EXAMPLE.submittedAt] },
    reviewed: Type.Boolean({ description: '是否已评分 / Whether the caller has scored it', examples: [true] }),
    review: Type.Union([ReviewSchema, Type.Null()], { description: '调用者自己的评审意见，未评分时为 null / The caller’s own review; null until scored' }),
  },
  { additionalProperties: false, description: '评审人工作清单中的一个项目 / A project of a reviewer’s worklist' },
);
export type WorklistItem = Static<typeof WorklistItemSchema>;

export const REVIEW_EXAMPLE: ReviewView = {
  projectId: EXAMPLE.projectId,
  reviewerId: EXAMPLE.reviewerId,
  reviewerName: '赵教授',
  scores: { direction: 16, innovation: 15, practicality: 17, breadth: 14, exemplarity: 15 },
  total: 77,
  comment: '特色鲜明，可操作性强',
  createdAt: EXAMPLE.submittedAt,
  updatedAt: EXAMPLE.submittedAt,
};

export const WORKLIST_EXAMPLE: WorklistItem = {
  id: EXAMPLE.projectId,
  roundId: EXAMPLE.roundId,
  title: '“红色旋律”党员先锋岗',
  category: 'vanguard',
  direction: 'member_platforms',
  state: 'preliminarily_checked',
  stateLabel: { zh: '初审通过（待评审）', en: 'Passed preliminary check (awaiting panel review)' },
  assignedAt: EXAMPLE.submittedAt,
  reviewed: true,
  review: REVIEW_EXAMPLE,
};

export const OUTCOME_EXAMPLE: AssignmentOutcome = {
  roundId: EXAMPLE.roundId,
  mode: 'automatic',
  assigned: [{ projectId: EXAMPLE.projectId, reviewerId: EXAMPLE.reviewerId }],
  refused: [
    {
      projectId: EXAMPLE.projectId,
      reviewerId: null,
      code: 'not_enough_reviewers',
      detail: '可用评审人不足 / Not enough eligible reviewers: 2 of 3',
      required: 3,
      assigned: 2,
    },
  ],
};
