import { Type, type Static, type TSchema } from 'typebox';
import { CRITERIA, EVENT_TYPES, GRADES, STATES, type EventType } from '../../machines/project.types.js';
import { Cursor, LabelSchema, Limit, Timestamp, Uuid, ref } from '../http/schemas.js';
import { CATEGORY_NAMES, DIRECTION_NAMES } from './categories.js';

const Text = (maxLength: number, options: Record<string, unknown> = {}) => Type.String({ maxLength, ...options });

export const ActivitySchema = Type.Object(
  {
    content: Text(5000, { description: '活动内容 / What is done' }),
    form: Text(1000, { description: '活动形式 / Form' }),
    when: Text(200, { description: '时间安排 / When' }),
  },
  { $id: 'Activity', additionalProperties: false, description: '内容与载体中的一项活动 / One activity of the content and carriers' },
);

export const LetterSchema = Type.Object(
  {
    rationale: Type.Optional(Text(10000, { description: '立项起因：背景、目的、意义、解决的具体问题 / Rationale' })),
    activities: Type.Optional(Type.Array(ref(ActivitySchema), { maxItems: 50, description: '内容与载体 / Content and carriers' })),
    expectedOutcomes: Type.Optional(Text(10000, { description: '成果预期 / Expected outcomes' })),
    leader: Type.Optional(Text(200, { description: '项目负责人 / Leader' })),
    members: Type.Optional(Type.Array(Text(200), { maxItems: 200, description: '参与成员 / Participating members' })),
    contact: Type.Optional(Text(200, { description: '联系方式 / Contact' })),
  },
  {
    $id: 'Letter',
    additionalProperties: false,
    description: '申请立项目标责任书；草稿可不完整，提交时须完整 / Target responsibility letter; may be incomplete while a draft',
  },
);

const CategorySchema = Type.Enum(CATEGORY_NAMES, { description: 'fortress 堡垒巩固工程, vanguard 党员先锋工程' });
const DirectionSchema = Type.Enum(DIRECTION_NAMES, { description: 'A direction of the category (see GET /machine for labels)' });
const StateSchema = Type.Enum(STATES);
const EventTypeSchema = Type.Enum(EVENT_TYPES);
const GradeSchema = Type.Enum(GRADES, { description: 'first 一等奖, second 二等奖, third 三等奖, qualified 合格' });

export const ProjectSchema = Type.Object(
  {
    id: Uuid,
    roundId: Uuid,
    unitId: Uuid,
    category: CategorySchema,
    direction: Type.String(),
    title: Type.String(),
    letter: ref(LetterSchema),
    state: StateSchema,
    stateLabel: ref(LabelSchema),
    version: Type.Integer({ description: 'Incremented by every change; the ETag' }),
    grade: Type.Union([GradeSchema, Type.Null()]),
    funding: Type.Union([Type.Integer(), Type.Null()], { description: 'Whole yuan; set by GRADE or FAIL' }),
    recommended: Type.Boolean(),
    submissions: Type.Integer(),
    machine: Type.Object({ id: Type.String(), version: Type.Integer() }, { additionalProperties: false }),
    createdBy: Uuid,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    allowedEvents: Type.Optional(Type.Array(EventTypeSchema, { description: 'Events the caller may fire now (a guard may still refuse)' })),
  },
  { $id: 'Project', additionalProperties: false, description: '党建项目 / A party-building project' },
);
export type ProjectView = Static<typeof ProjectSchema>;

export const TransitionSchema = Type.Object(
  {
    seq: Type.Integer({ description: 'Gap-free position in the whole log' }),
    projectId: Uuid,
    event: EventTypeSchema,
    fromState: StateSchema,
    toState: StateSchema,
    payload: Type.Record(Type.String(), Type.Unknown(), { description: 'The event payload; hidden from applicants for reviews' }),
    actor: Type.Object(
      { id: Type.Union([Uuid, Type.Null()]), role: Type.String(), unitId: Type.Union([Uuid, Type.Null()]) },
      { additionalProperties: false },
    ),
    at: Timestamp,
    requestId: Type.String(),
    machine: Type.Object({ id: Type.String(), version: Type.Integer() }, { additionalProperties: false }),
    prevHash: Type.String(),
    hash: Type.String({ description: 'SHA-256 over the RFC 8785 canonical form of the entry, prevHash included' }),
  },
  { $id: 'Transition', additionalProperties: false, description: '状态流转日志条目 / An entry of the transition log' },
);
export type TransitionView = Static<typeof TransitionSchema>;

export const CreateProjectBody = Type.Object(
  {
    roundId: Uuid,
    category: CategorySchema,
    direction: DirectionSchema,
    title: Text(200, { minLength: 1, description: '项目主题 / Theme', examples: ['“红色旋律”党员先锋岗'] }),
    letter: Type.Optional(ref(LetterSchema)),
  },
  { additionalProperties: false },
);
export type CreateProjectInput = Static<typeof CreateProjectBody>;

export const PatchProjectBody = Type.Object(
  {
    category: Type.Optional(CategorySchema),
    direction: Type.Optional(DirectionSchema),
    title: Type.Optional(Text(200, { minLength: 1 })),
    letter: Type.Optional(ref(LetterSchema)),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Fields given replace the stored ones; letter fields replace one by one. State, version, grade, funding and unit are never editable.',
  },
);
export type PatchProjectInput = Static<typeof PatchProjectBody>;

export const ListProjectsQuery = Type.Object(
  {
    state: Type.Optional(StateSchema),
    roundId: Type.Optional(Uuid),
    unitId: Type.Optional(Uuid),
    category: Type.Optional(CategorySchema),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ListProjectsInput = Static<typeof ListProjectsQuery>;

export const AssignReviewerBody = Type.Object({ reviewerId: Uuid }, { additionalProperties: false });

export const AssignmentSchema = Type.Object(
  { projectId: Uuid, reviewerId: Uuid, reviewerName: Type.String(), assignedBy: Uuid, assignedAt: Timestamp, reviewed: Type.Boolean() },
  { $id: 'Assignment', additionalProperties: false, description: '评审分配 / A reviewer assignment' },
);

const ScoresSchema = Type.Object(
  Object.fromEntries(CRITERIA.map((c) => [c, Type.Integer({ description: `Score for ${c}, within the round's scale` })])) as Record<
    (typeof CRITERIA)[number],
    ReturnType<typeof Type.Integer>
  >,
  {
    additionalProperties: false,
    description: 'direction 先进性, innovation 创新性, practicality 实践性, breadth 广泛性, exemplarity 典型性',
  },
);

const Comment = Text(10000, { description: '意见 / Comment' });

function eventSchema<P extends Record<string, TSchema>>(type: EventType, properties: P, description: string) {
  const name = type.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
  return Type.Object({ type: Type.Literal(type), ...properties }, { $id: `${name}Event`, additionalProperties: false, description });
}

export const EVENT_SCHEMAS = [
  eventSchema('SUBMIT', {}, '提交申报 (applicant of the unit): the letter must be complete, before the deadline'),
  eventSchema('WITHDRAW', { reason: Type.Optional(Comment) }, '撤回 (applicant of the unit)'),
  eventSchema('RETURN_FOR_REVISION', { comment: Comment }, '退回修改 (org_dept): comment required'),
  eventSchema('PASS_PRELIMINARY_CHECK', { comment: Type.Optional(Comment) }, '初审通过 (org_dept)'),
  eventSchema('REJECT', { reason: Comment }, '不予立项 (org_dept after submission, committee after panel review): reason required'),
  eventSchema('SUBMIT_REVIEW', { scores: ScoresSchema, comment: Comment }, '提交评审意见 (assigned reviewer, not of the unit); a second replaces the first'),
  eventSchema('COMPLETE_PANEL_REVIEW', { comment: Type.Optional(Comment) }, '完成评审 (org_dept): minimum reviews reached, every assigned reviewer done'),
  eventSchema('APPROVE', { meetingReference: Text(200), comment: Type.Optional(Comment) }, '党委批准 (committee): meeting reference required'),
  eventSchema('START', { comment: Type.Optional(Comment) }, '启动实施 (org_dept)'),
  eventSchema('SUBMIT_PROGRESS_REPORT', { text: Text(20000) }, '提交进展报告 (applicant of the unit)'),
  eventSchema('SUBMIT_FINAL_REPORT', { summary: Text(20000) }, '提交结项报告 (applicant of the unit)'),
  eventSchema('RETURN_FINAL_REPORT', { comment: Comment }, '退回结项报告 (org_dept): comment required'),
  eventSchema('GRADE', { grade: GradeSchema, comment: Type.Optional(Comment) }, '评定等级 (org_dept): funding is taken from the round'),
  eventSchema('FAIL', { reason: Comment }, '不予结项 (org_dept): reason required; funding 0'),
  eventSchema('RECOMMEND', { note: Text(5000) }, '择优推荐 (committee): once'),
];

export const EventBody = Type.Unsafe<{ type: EventType } & Record<string, unknown>>({
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: EVENT_SCHEMAS.map((schema) => ref(schema)),
  description: '事件及其载荷 / The event and its payload; fields an event does not define are refused',
});

export const EventResultSchema = Type.Object(
  { project: ref(ProjectSchema), transition: ref(TransitionSchema) },
  { $id: 'EventResult', additionalProperties: false, description: 'The project after the event and the new log entry' },
);

export const PROJECT_SCHEMAS = [ActivitySchema, LetterSchema, ProjectSchema, TransitionSchema, AssignmentSchema, EventResultSchema, ...EVENT_SCHEMAS];
