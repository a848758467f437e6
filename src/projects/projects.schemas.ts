import { Type, type Static } from 'typebox';
import { GradeSchema, PROJECT_EVENT_SCHEMAS } from '../../machines/project.events.js';
import { EVENT_TYPES, GRADE_PROPOSALS, RECOMMENDATION_OUTCOMES, STATES, type EventType, type ProjectCommand } from '../../machines/project.types.js';
import { EVENT_LABELS } from '../../machines/project.machine.js';
import { ROUND_EVENT_LABELS } from '../../machines/round.machine.js';
import { ROUND_EVENT_TYPES, ROUND_STATES } from '../../machines/round.types.js';
import type { Label } from '../../machines/vocabulary.js';
import { SUBJECT_KINDS } from '../db/schema.js';
import { EXAMPLE } from '../http/examples.js';
import { MIGRATE_EVENT } from '../workflow/machine-migrations.js';
import { RECORD_EVENT_LABELS, RECORD_EVENTS, RECORD_STATES } from '../workflow/records.js';
import { Cursor, Id, LabelSchema, Limit, Timestamp, ref, withExamples, type Example } from '../http/schemas.js';
import { CATEGORY_NAMES, DIRECTION_NAMES } from './categories.js';

const Text = (maxLength: number, options: Record<string, unknown> = {}) => Type.String({ maxLength, ...options });

// Activity fields may be blank while the project is a draft: SUBMIT's guard names what is missing.
export const ActivitySchema = Type.Object(
  {
    content: Text(5000, { description: '活动内容 / What is done', examples: ['“红色旋律”主题党日，党员师生共同排演革命歌曲'] }),
    form: Text(1000, { description: '活动形式 / Form', examples: ['主题党日 + 音乐会'] }),
    when: Text(200, { description: '时间安排 / When', examples: ['2023年5月'] }),
  },
  { $id: 'Activity', additionalProperties: false, description: '内容与载体中的一项活动 / One activity of the content and carriers' },
);

export const LetterSchema = Type.Object(
  {
    rationale: Type.Optional(
      Text(10000, {
        description: '立项起因：背景、目的、意义、解决的具体问题 / Rationale: background, purpose, significance, the problem it solves',
        examples: ['学院党支部组织生活形式单一，党员参与度不高，需要以专业特色激活组织生活。'],
      }),
    ),
    activities: Type.Optional(Type.Array(ref(ActivitySchema), { maxItems: 50, description: '内容与载体 / Content and carriers' })),
    expectedOutcomes: Type.Optional(Text(10000, { description: '成果预期 / Expected outcomes', examples: ['形成一套可复制的“专业+党建”组织生活模式，举办汇报音乐会一场。'] })),
    leader: Type.Optional(Text(200, { description: '项目负责人 / Leader', examples: ['王书记'] })),
    members: Type.Optional(Type.Array(Text(200, { examples: ['李老师'] }), { maxItems: 200, description: '参与成员 / Participating members' })),
    contact: Type.Optional(Text(200, { description: '联系方式 / Contact', examples: ['024-12345678'] })),
  },
  {
    $id: 'Letter',
    additionalProperties: false,
    description: '申请立项目标责任书；草稿可不完整，提交时须完整 / Target responsibility letter; may be incomplete while a draft, complete to submit',
  },
);
export type LetterView = Static<typeof LetterSchema>;

const CategorySchema = Type.Enum(CATEGORY_NAMES, { description: '类别 / Category: fortress 堡垒巩固工程, vanguard 党员先锋工程' });
const DirectionSchema = Type.Enum(DIRECTION_NAMES, { description: '类别下的方向（标签见 GET /api/v1/machine）/ A direction of the category (labels: GET /api/v1/machine)' });
const StateSchema = Type.Enum(STATES, { description: '生命周期状态 / Lifecycle state' });
const EventTypeSchema = Type.Enum(EVENT_TYPES, { description: '事件类型 / Event type' });
const LogStateSchema = Type.Enum([...STATES, ...ROUND_STATES, ...RECORD_STATES], {
  description:
    '项目或批次的状态；记录条目：none（尚不存在）、active（有效）、inactive（停用）、assigned（已分配）、stored（已保存） / ' +
    'State of the project or of the round; for record entries: none (not yet there), active, inactive, assigned, stored',
});
export const MachineRef = Type.Object(
  {
    id: Type.String({ minLength: 1, description: '状态机标识 / Machine id', examples: ['project'] }),
    version: Type.Integer({ minimum: 1, description: '状态机版本 / Machine version', examples: [1] }),
  },
  { additionalProperties: false, description: '决定此状态的状态机及其版本 / The machine (and version) that decided the state' },
);

export const ProjectSchema = Type.Object(
  {
    id: Id('项目标识 / Project id', EXAMPLE.projectId),
    roundId: Id('立项批次 / Round id', EXAMPLE.roundId),
    unitId: Id('申报党组织 / The applicant unit', EXAMPLE.branchId),
    category: CategorySchema,
    direction: Type.String({ minLength: 1, description: '方向 / Direction', examples: ['member_platforms'] }),
    title: Type.String({ minLength: 1, description: '项目主题 / Theme', examples: ['“红色旋律”党员先锋岗'] }),
    letter: ref(LetterSchema),
    state: StateSchema,
    stateLabel: ref(LabelSchema),
    version: Type.Integer({ minimum: 1, description: '版本，每次变更加一，即 ETag / Incremented by every change; the ETag', examples: [2] }),
    grade: Type.Union([GradeSchema, Type.Null()], { description: '结项等级，评定前为 null / The grade; null until GRADE' }),
    funding: Type.Union([Type.Integer({ examples: [3000] }), Type.Null()], {
      description: '资助金额（元），由 GRADE 或 FAIL 确定 / Whole yuan; set by GRADE (from the round) or FAIL (0)',
    }),
    recommended: Type.Boolean({ description: '是否已择优推荐 / Recommended upward', examples: [false] }),
    proposal: Type.Optional(
      Type.Union(
        [
          Type.Object(
            {
              grade: Type.Enum(GRADE_PROPOSALS, { description: '建议等级，或 fail 建议不予结项 / The proposed grade, or fail', examples: ['second'] }),
              comment: Type.Union([Type.String(), Type.Null()], { description: '说明 / Comment', examples: ['结项评审平均分 86.3，位列第 4'] }),
            },
            { additionalProperties: false },
          ),
          Type.Null(),
        ],
        {
          description:
            '组织部依结项评审分数提出的建议（project@2），党委确认前可改；只向组织部、党委与审计人员给出，未建议为 null / ' +
            'org_dept’s proposal from the acceptance scores (project@2), open to change until the committee confirms; shown to org_dept, the committee and auditors only; null until proposed',
        },
      ),
    ),
    recommendationOutcome: Type.Optional(
      Type.Union(
        [
          Type.Object(
            {
              outcome: Type.Enum(RECOMMENDATION_OUTCOMES, { description: 'selected 入选，not_selected 未入选 / selected or not_selected', examples: ['selected'] }),
              level: Type.String({ minLength: 1, description: '评选层级 / Level of the selection', examples: ['省级'] }),
              note: Type.Union([Type.String(), Type.Null()], { description: '说明 / Note', examples: ['入选省委教育工委党建工作示范项目'] }),
            },
            { additionalProperties: false },
          ),
          Type.Null(),
        ],
        {
          description:
            '被推荐项目的上级评选结果，由组织部记录（project@2），未记录为 null / The higher-level selection’s outcome for a recommended project, recorded by org_dept (project@2); null until recorded',
        },
      ),
    ),
    submissions: Type.Integer({ minimum: 0, description: '提交申报的次数 / Times submitted', examples: [1] }),
    machine: MachineRef,
    createdBy: Id('创建者 / Created by', EXAMPLE.applicantId),
    createdAt: Timestamp,
    updatedAt: { ...Timestamp, examples: [EXAMPLE.submittedAt] },
    allowedEvents: Type.Optional(
      Type.Array(EventTypeSchema, { description: '调用者此刻可触发的事件（条件仍可能拒绝）/ Events the caller may fire now (a guard may still refuse)' }),
    ),
    submittedLetterRevision: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, examples: [1] }), Type.Null()], {
        description:
          '最近一次提交申报的责任书修订号（见 letter-revisions），未提交为 null；项目详情与列表给出 / The letter revision the latest SUBMIT submitted (see letter-revisions); null until submitted. In the project view and list',
      }),
    ),
  },
  { $id: 'Project', additionalProperties: false, description: '党建项目 / A party-building project' },
);
export type ProjectView = Static<typeof ProjectSchema>;

const Hash = (description: string, example: string) => Type.String({ minLength: 64, maxLength: 64, pattern: '^[0-9a-f]{64}$', description, examples: [example] });

export const TransitionSchema = Type.Object(
  {
    seq: Type.Integer({ minimum: 1, description: '在整个日志中的连续序号 / Gap-free position in the whole log', examples: [42] }),
    subject: Type.Object(
      {
        kind: Type.Enum(SUBJECT_KINDS, { description: '对象的种类 / The kind of subject' }),
        id: Type.String({
          minLength: 1,
          maxLength: 160,
          description: '对象的标识；评审分配为「项目标识/评审人标识」 / The subject’s id; for an assignment `<projectId>/<reviewerId>`',
          examples: [EXAMPLE.projectId],
        }),
      },
      { additionalProperties: false, description: '条目的对象：项目、批次等 / What the entry is about: a project, a round, …' },
    ),
    projectId: Type.Optional({
      ...Id('对象为项目时即 subject.id；请改用 subject / subject.id when the subject is a project; use subject instead', EXAMPLE.projectId),
      deprecated: true,
    }),
    event: Type.Enum([...EVENT_TYPES, ...ROUND_EVENT_TYPES, MIGRATE_EVENT, ...RECORD_EVENTS], {
      description:
        '事件类型：项目或批次状态机的事件；MIGRATE 为迁移到状态机新版本；记录条目（状态机 record）：' +
        RECORD_EVENTS.map((e) => `${e} ${RECORD_EVENT_LABELS[e].zh}`).join('、') +
        ' / Event type: of the project or the round machine; MIGRATE: moved to another version of its machine; record entries (machine `record`): ' +
        RECORD_EVENTS.map((e) => `${e} ${RECORD_EVENT_LABELS[e].en}`).join(', '),
    }),
    eventLabel: {
      ...ref(LabelSchema),
      description:
        '事件的名称（中英文）：项目与批次状态机的事件同状态机定义所列，MIGRATE 与记录条目（CREATE_USER、SET_PASSWORD、AMEND_UNIT……）亦然 / ' +
        'The event’s name in both languages: a machine event’s as its machine definition gives it, and MIGRATE’s and every record entry’s (CREATE_USER, SET_PASSWORD, AMEND_UNIT, …) alike',
    },
    fromState: LogStateSchema,
    toState: LogStateSchema,
    payload: Type.Record(Type.String(), Type.Unknown(), {
      description:
        '事件载荷（规范化 JSON），即重建数据所依据的事实：项目与批次的每条状态机条目带 contextSha256（所写上下文的哈希），GRADE 带 funding（资助金额），' +
        'SUBMIT 带 letterSha256（目标责任书的哈希）；记录条目的载荷见各事件。评审意见对申报人隐藏。 / ' +
        'The event payload (canonical JSON): the facts the rows are rebuilt from. Every project and round machine entry carries contextSha256 (the hash of the context written), ' +
        'GRADE the funding amount, SUBMIT letterSha256 (the hash of the letter); record entries carry the facts of their act ' +
        '(CREATE_UNIT name, type, parentId; CREATE_USER name, role, unitId, tokenFingerprint; CREATE_ROUND settings, machine, projectMachineVersion, contextSha256; ' +
        'CREATE_PROJECT roundId, unitId, category, direction, title, letterSha256, machine, contextSha256; EDIT_DRAFT category, direction, title, letterSha256, revision, changed; ' +
        'ASSIGN_REVIEWER projectId, reviewerId; UPLOAD_FILE projectId, kind, fileName, mediaType, size, sha256; ADOPT row). ' +
        'Reviews are hidden from applicants and other reviewers.',
    }),
    actor: Type.Object(
      {
        id: Type.Union([Id('操作者 / Actor', EXAMPLE.applicantId), Type.Null()], { description: '操作者，隐藏时为 null / The actor; null when hidden' }),
        name: Type.Optional(
          Type.Union([Type.String({ minLength: 1, description: '操作者姓名 / The actor’s name', examples: ['声乐系书记'] }), Type.Null()], {
            description:
              '操作者现在的姓名（系统与命令行以其身份命名），隐藏或未知时为 null / The actor’s current name (the service and the command line by what they are); null when hidden or unknown',
          }),
        ),
        role: Type.String({ minLength: 1, description: '操作者角色 / The actor’s role', examples: ['applicant'] }),
        unitId: Type.Union([Id('操作者所属党组织 / The actor’s unit', EXAMPLE.branchId), Type.Null()], { description: '操作者所属党组织 / The actor’s unit' }),
      },
      { additionalProperties: false, description: '操作者 / Who fired the event' },
    ),
    at: { ...Timestamp, examples: [EXAMPLE.submittedAt] },
    requestId: Type.String({ minLength: 1, description: '请求标识 / The request id', examples: [EXAMPLE.requestId] }),
    machine: MachineRef,
    prevHash: Hash('前一条的哈希（首条为 64 个 0）/ The previous entry’s hash (64 zeros for the first)', EXAMPLE.prevHash),
    hash: Hash('本条按 RFC 8785 规范化后的 SHA-256（含 prevHash）/ SHA-256 over the RFC 8785 canonical form of the entry, prevHash included', EXAMPLE.hash),
  },
  { $id: 'Transition', additionalProperties: false, description: '状态流转日志条目 / An entry of the transition log' },
);
export type TransitionView = Static<typeof TransitionSchema>;

export const MIGRATE_LABEL: Label = { zh: '迁移到状态机新版本', en: 'Moved to another version of its machine' };

/** The name of a log entry's event: a record entry's, MIGRATE's, or the round's or the project's machine event's; the code when unknown. */
export function eventLabelOf(event: string, machineId: string): Label {
  const labels: Record<string, Label> = machineId === 'record' ? RECORD_EVENT_LABELS : machineId === 'round' ? ROUND_EVENT_LABELS : EVENT_LABELS;
  if (event === MIGRATE_EVENT) return MIGRATE_LABEL;
  return (Object.hasOwn(labels, event) ? labels[event] : undefined) ?? { zh: event, en: event };
}

export const CreateProjectBody = withExamples(
  Type.Object(
    {
      roundId: Id('立项批次 / Round id', EXAMPLE.roundId),
      category: CategorySchema,
      direction: DirectionSchema,
      title: Text(200, { minLength: 1, description: '项目主题 / Theme', examples: ['“红色旋律”党员先锋岗'] }),
      letter: Type.Optional(ref(LetterSchema)),
    },
    { additionalProperties: false },
  ),
  {
    minimal: {
      summary: '只有主题的草稿 / A draft with its theme only',
      value: { roundId: EXAMPLE.roundId, category: 'vanguard', direction: 'member_platforms', title: '“红色旋律”党员先锋岗' },
    },
    complete: {
      summary: '责任书完整的草稿，可直接提交 / A draft whose letter is complete, ready to submit',
      value: {
        roundId: EXAMPLE.roundId,
        category: 'vanguard',
        direction: 'member_platforms',
        title: '“红色旋律”党员先锋岗',
        letter: {
          rationale: '学院党支部组织生活形式单一，党员参与度不高，需要以专业特色激活组织生活。',
          activities: [
            { content: '“红色旋律”主题党日，党员师生共同排演革命歌曲', form: '主题党日 + 音乐会', when: '2023年5月' },
            { content: '党员先锋岗进琴房，结对帮扶学生', form: '结对帮扶', when: '2023年6月至11月' },
          ],
          expectedOutcomes: '形成一套可复制的“专业+党建”组织生活模式，举办汇报音乐会一场。',
          leader: '王书记',
          members: ['李老师', '张老师', '陈同学'],
          contact: '024-12345678',
        },
      },
    },
  },
);
export type CreateProjectInput = Static<typeof CreateProjectBody>;

export const PatchProjectBody = withExamples(
  Type.Object(
    {
      category: Type.Optional(CategorySchema),
      direction: Type.Optional(DirectionSchema),
      title: Type.Optional(Text(200, { minLength: 1, description: '项目主题 / Theme', examples: ['“红色旋律”党员先锋岗（修订）'] })),
      letter: Type.Optional(ref(LetterSchema)),
    },
    {
      additionalProperties: false,
      minProperties: 1,
      description:
        '给出的字段替换原值，责任书逐项替换；状态、版本、等级、资助与单位不可修改。\n' +
        'Fields given replace the stored ones; letter fields replace one by one. State, version, grade, funding and unit are never editable.',
    },
  ),
  {
    contact: { summary: '补充联系方式 / Add the contact', value: { letter: { contact: '024-12345678' } } },
    title: { summary: '修改主题 / Change the theme', value: { title: '“红色旋律”党员先锋岗（修订）' } },
  },
);
export type PatchProjectInput = Static<typeof PatchProjectBody>;

export const ListProjectsQuery = Type.Object(
  {
    state: Type.Optional(StateSchema),
    roundId: Type.Optional(Id('只看此批次 / Only this round', EXAMPLE.roundId)),
    unitId: Type.Optional(Id('只看此党组织 / Only this unit', EXAMPLE.branchId)),
    category: Type.Optional(CategorySchema),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ListProjectsInput = Static<typeof ListProjectsQuery>;

export const AssignReviewerBody = withExamples(
  Type.Object({ reviewerId: Id('评审人（角色 reviewer）/ The reviewer (a user of role reviewer)', EXAMPLE.reviewerId) }, { additionalProperties: false }),
  { reviewer: { summary: '分配一名评审人 / Assign one reviewer', value: { reviewerId: EXAMPLE.reviewerId } } },
);

export const AssignmentSchema = Type.Object(
  {
    projectId: Id('项目标识 / Project id', EXAMPLE.projectId),
    reviewerId: Id('评审人 / Reviewer', EXAMPLE.reviewerId),
    reviewerName: Type.String({ minLength: 1, description: '评审人姓名 / Reviewer’s name', examples: ['赵教授'] }),
    assignedBy: Id('分配者 / Assigned by', EXAMPLE.orgDeptId),
    assignedAt: { ...Timestamp, examples: [EXAMPLE.submittedAt] },
    reviewed: Type.Boolean({ description: '是否已提交评审意见 / Whether the reviewer has scored', examples: [false] }),
    state: Type.Enum(['assigned', 'replaced'], {
      description: '分配状态：assigned 在评，replaced 已被更换（不再评审、不计入评审份数）/ assigned, or replaced (no longer reviews; not counted)',
    }),
    replacedBy: Type.Union([Id('接替的评审人 / The replacement', EXAMPLE.reviewerId), Type.Null()], {
      description: '接替的评审人，未更换时为 null / Who took over; null unless replaced',
    }),
    replacedAt: Type.Union([{ ...Timestamp, examples: [EXAMPLE.submittedAt] }, Type.Null()], { description: '更换时间 / When replaced; null unless replaced' }),
    replaceReason: Type.Union([Type.String({ minLength: 1, examples: ['评审人出差，无法按期评分'] }), Type.Null()], {
      description: '更换理由 / Why replaced; null unless replaced',
    }),
  },
  { $id: 'Assignment', additionalProperties: false, description: '评审分配 / A reviewer assignment' },
);

export const EVENT_SCHEMAS = PROJECT_EVENT_SCHEMAS;

/** A named example of every event, as a client sends it. */
const EVENT_EXAMPLES: { [T in EventType]: Example<Extract<ProjectCommand, { type: T }>> } = {
  // The machine types SUBMIT's payload as `Record<string, never>`, which no object with `type` satisfies.
  SUBMIT: { summary: '提交申报 / Submit', value: { type: 'SUBMIT' } },
  WITHDRAW: { summary: '撤回 / Withdraw', value: { type: 'WITHDRAW', reason: '调整项目方向' } },
  RETURN_FOR_REVISION: { summary: '退回修改 / Return for revision', value: { type: 'RETURN_FOR_REVISION', comment: '活动安排需细化到月' } },
  PASS_PRELIMINARY_CHECK: { summary: '初审通过 / Pass preliminary check', value: { type: 'PASS_PRELIMINARY_CHECK' } },
  REJECT: { summary: '不予立项 / Reject', value: { type: 'REJECT', reason: '属于常规工作，不符合立项要求' } },
  SUBMIT_REVIEW: {
    summary: '提交评审意见 / Submit a review',
    value: { type: 'SUBMIT_REVIEW', scores: { direction: 16, innovation: 15, practicality: 17, breadth: 14, exemplarity: 15 }, comment: '特色鲜明，可操作性强' },
  },
  COMPLETE_PANEL_REVIEW: { summary: '完成评审 / Complete the panel review', value: { type: 'COMPLETE_PANEL_REVIEW' } },
  APPROVE: { summary: '党委批准 / Approve', value: { type: 'APPROVE', meetingReference: '党委会〔2023〕5次' } },
  START: { summary: '启动实施 / Start', value: { type: 'START' } },
  SUBMIT_PROGRESS_REPORT: { summary: '提交进展报告 / Report progress', value: { type: 'SUBMIT_PROGRESS_REPORT', text: '已完成主题党日两次' } },
  SUBMIT_FINAL_REPORT: {
    summary: '提交结项报告及结项文件 / Submit the final report with its documents',
    value: { type: 'SUBMIT_FINAL_REPORT', summary: '完成全部活动，举办汇报音乐会', documents: [EXAMPLE.fileId] },
  },
  RETURN_FINAL_REPORT: { summary: '退回结项报告 / Return the final report', value: { type: 'RETURN_FINAL_REPORT', comment: '请补充活动照片' } },
  GRADE: { summary: '评定等级 / Grade', value: { type: 'GRADE', grade: 'first' } },
  FAIL: { summary: '不予结项 / Fail', value: { type: 'FAIL', reason: '未完成预期成果' } },
  RECOMMEND: { summary: '择优推荐 / Recommend upward', value: { type: 'RECOMMEND', note: '推荐参加省级评选' } },
  REVERSE_DECISION: {
    summary: '公示期间改变立项决定 / Reverse the decision during the publicity period',
    value: { type: 'REVERSE_DECISION', reason: '公示期间收到异议，经核实该项目与已有常规工作重复', meetingReference: '党委会〔2024〕9次' },
  },
  SUBMIT_ACCEPTANCE_REVIEW: {
    summary: '提交结项评审意见 / Submit an acceptance review',
    value: { type: 'SUBMIT_ACCEPTANCE_REVIEW', scores: { completion: 18, effect: 17, documentation: 16 }, comment: '活动完成度高，成果材料齐全' },
  },
  PROPOSE_GRADE: { summary: '建议结项等级 / Propose the grade', value: { type: 'PROPOSE_GRADE', grade: 'second', comment: '结项评审平均分 86.3，位列第 4' } },
  RECORD_RECOMMENDATION_OUTCOME: {
    summary: '记录上级评选结果 / Record the selection’s outcome',
    value: { type: 'RECORD_RECOMMENDATION_OUTCOME', outcome: 'selected', level: '省级', note: '入选省委教育工委党建工作示范项目' },
  },
};

export const EventBody = withExamples(
  Type.Unsafe<ProjectCommand>({
    type: 'object',
    required: ['type'],
    discriminator: { propertyName: 'type' },
    oneOf: EVENT_SCHEMAS.map((schema) => ref(schema)),
    description: '事件及其载荷，按 `type` 区分；事件未定义的字段会被拒绝 / The event and its payload, told apart by `type`; fields an event does not define are refused',
  }),
  EVENT_EXAMPLES,
);

export const EventResultSchema = Type.Object(
  { project: ref(ProjectSchema), transition: ref(TransitionSchema) },
  { $id: 'EventResult', additionalProperties: false, description: '事件之后的项目与新的日志条目 / The project after the event and the new log entry' },
);

export const COMPLETE_LETTER: LetterView = {
  rationale: '学院党支部组织生活形式单一，党员参与度不高，需要以专业特色激活组织生活。',
  activities: [
    { content: '“红色旋律”主题党日，党员师生共同排演革命歌曲', form: '主题党日 + 音乐会', when: '2023年5月' },
    { content: '党员先锋岗进琴房，结对帮扶学生', form: '结对帮扶', when: '2023年6月至11月' },
  ],
  expectedOutcomes: '形成一套可复制的“专业+党建”组织生活模式，举办汇报音乐会一场。',
  leader: '王书记',
  members: ['李老师', '张老师', '陈同学'],
  contact: '024-12345678',
};

export const DRAFT_EXAMPLE: ProjectView = {
  id: EXAMPLE.projectId,
  roundId: EXAMPLE.roundId,
  unitId: EXAMPLE.branchId,
  category: 'vanguard',
  direction: 'member_platforms',
  title: '“红色旋律”党员先锋岗',
  letter: COMPLETE_LETTER,
  state: 'draft',
  stateLabel: { zh: '草稿', en: 'Draft' },
  version: 1,
  grade: null,
  funding: null,
  recommended: false,
  submissions: 0,
  machine: { id: 'project', version: 1 },
  createdBy: EXAMPLE.applicantId,
  createdAt: EXAMPLE.createdAt,
  updatedAt: EXAMPLE.createdAt,
  allowedEvents: ['SUBMIT', 'WITHDRAW'],
};

export const SUBMITTED_EXAMPLE: ProjectView = {
  ...DRAFT_EXAMPLE,
  state: 'submitted',
  stateLabel: { zh: '已申报（待初审）', en: 'Submitted (awaiting preliminary check)' },
  version: 2,
  submissions: 1,
  updatedAt: EXAMPLE.submittedAt,
  allowedEvents: ['WITHDRAW'],
};

export const GRADED_EXAMPLE: ProjectView = {
  ...DRAFT_EXAMPLE,
  state: 'graded',
  stateLabel: { zh: '已评定等级', en: 'Graded' },
  version: 12,
  grade: 'first',
  funding: 3000,
  submissions: 1,
  updatedAt: '2023-12-20T06:00:00.000Z',
  allowedEvents: [],
};

export const TRANSITION_EXAMPLE: TransitionView = {
  seq: 42,
  subject: { kind: 'project', id: EXAMPLE.projectId },
  projectId: EXAMPLE.projectId,
  event: 'SUBMIT',
  eventLabel: EVENT_LABELS.SUBMIT,
  fromState: 'draft',
  toState: 'submitted',
  payload: {},
  actor: { id: EXAMPLE.applicantId, name: '王书记', role: 'applicant', unitId: EXAMPLE.branchId },
  at: EXAMPLE.submittedAt,
  requestId: EXAMPLE.requestId,
  machine: { id: 'project', version: 1 },
  prevHash: EXAMPLE.prevHash,
  hash: EXAMPLE.hash,
};

export const EVENT_RESULT_EXAMPLE: Static<typeof EventResultSchema> = { project: SUBMITTED_EXAMPLE, transition: TRANSITION_EXAMPLE };

export const ASSIGNMENT_EXAMPLE: Static<typeof AssignmentSchema> = {
  projectId: EXAMPLE.projectId,
  reviewerId: EXAMPLE.reviewerId,
  reviewerName: '赵教授',
  assignedBy: EXAMPLE.orgDeptId,
  assignedAt: EXAMPLE.submittedAt,
  reviewed: false,
  state: 'assigned',
  replacedBy: null,
  replacedAt: null,
  replaceReason: null,
};

export const PROJECT_SCHEMAS = [ActivitySchema, LetterSchema, ProjectSchema, TransitionSchema, AssignmentSchema, EventResultSchema, ...EVENT_SCHEMAS];
