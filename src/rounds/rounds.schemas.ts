import { Type, type Static } from 'typebox';
import { OBJECTION_OUTCOMES, ROUND_EVENT_TYPES, ROUND_STATES } from '../../machines/round.types.js';
import { EXAMPLE } from '../http/examples.js';
import { CalendarDate, Cursor, Id, LabelSchema, Limit, Timestamp, ref, withExamples, type Example } from '../http/schemas.js';
import { MachineRef, TransitionSchema } from '../projects/projects.schemas.js';
import { ROUND_EVENT_SCHEMAS } from '../../machines/round.events.js';

export const RoundStateSchema = Type.Enum(ROUND_STATES, {
  description:
    '批次状态 / Round state: open 开放申报, submissions_closed 申报截止, under_review 评审中, decided 党委已研究决定, ' +
    'in_publicity 拟立项名单公示中 (round@2), in_execution 立项名单已公布、实施中, under_acceptance 结项验收, grades_confirmed 结项等级已确认 (round@2), closed 已结束',
});
export const RoundEventTypeSchema = Type.Enum(ROUND_EVENT_TYPES, { description: '批次事件 / Round event' });

const PublicationSchema = Type.Object(
  {
    documentNumber: Type.String({ minLength: 1, description: '党委文件字号 / The committee document’s number', examples: ['党委〔2023〕12号'] }),
    publishedOn: { ...CalendarDate, description: '发文日期 / Date of the document', examples: ['2023-05-10'] },
    document: Type.Optional(
      Type.Object(
        {
          fileId: Id('签章名单文件标识 / The signed list document’s file id', EXAMPLE.fileId),
          sha256: Type.String({
            minLength: 64,
            maxLength: 64,
            pattern: '^[0-9a-f]{64}$',
            description: '文件的 SHA-256，记入日志 / The file’s SHA-256, as logged',
            examples: ['ab'.repeat(32)],
          }),
        },
        { additionalProperties: false, description: 'round@2：公布时所附签章的立项名单文件（PDF）/ round@2: the signed list document (PDF) the publication carries' },
      ),
    ),
  },
  { additionalProperties: false, description: '已公布的立项名单 / The published approved list' },
);

export const PublicitySchema = Type.Object(
  {
    startedAt: { ...Timestamp, description: '公示开始（党委研究决定完毕）的时间 / When the publicity began: the committee concluded its decisions' },
    endsAt: {
      ...Timestamp,
      description:
        '公示结束时间（不含）：自开始之日的次日起第 N 个工作日结束时（北京时间午夜）；N 为 0 时即开始时间 / Exclusive end: Asia/Shanghai midnight after the N-th working day after the start’s day; N = 0: the start itself',
    },
    workingDays: Type.Integer({ minimum: 0, maximum: 30, description: '公示期（工作日）/ The period in working days', examples: [5] }),
  },
  { additionalProperties: false, description: 'round@2：拟立项名单的公示期 / round@2: the proposed list’s publicity period (公示)' },
);

const ObjectionCountsSchema = Type.Object(
  {
    open: Type.Integer({ minimum: 0, description: '未处理的异议数 / Objections not handled yet', examples: [1] }),
    handled: Type.Integer({ minimum: 0, description: '已处理的异议数 / Objections handled', examples: [2] }),
  },
  { additionalProperties: false, description: '公示期异议数（round@1 均为 0）/ The objections lodged during publicity (0 and 0 under round@1)' },
);

const PublicityWorkingDays = (description: string) =>
  Type.Integer({
    minimum: 0,
    maximum: 30,
    description:
      `${description}：拟立项名单公示的工作日数（北京时间，节假日与调休按工作日历），自党委研究决定完毕之日的次日起算；0 为不设公示期（开始即结束）；仅 round@2 批次使用 / ` +
      'The proposed list’s publicity period in working days (Asia/Shanghai, holidays and adjusted working days from the calendar), counted from the day after the committee concludes; 0: no period (it ends as it begins); used by round@2 rounds',
    examples: [5],
  });

const Yuan = (example: number) => Type.Integer({ minimum: 0, maximum: 100_000_000, description: '元（人民币，整数）/ Whole yuan (CNY)', examples: [example] });

export const FundingSchema = Type.Object(
  { first: Yuan(3000), second: Yuan(2000), third: Yuan(1500), qualified: Yuan(1000) },
  { additionalProperties: false, description: '各等级资助金额（元）/ Funding per grade, whole yuan: first 一等奖, second 二等奖, third 三等奖, qualified 合格' },
);

export const CONFLICT_SCOPES = ['family', 'line'] as const;
const ConflictScope = Type.Enum(CONFLICT_SCOPES, {
  description:
    '利益冲突范围：family（默认）为项目单位及其上下级、同一党总支/机关党委下的全部党组织；line 仅为项目单位及其上下级 / ' +
    'Conflict of interest: `family` (default) bars reviewers of the project’s unit, its line (above and below) and every unit under the same ' +
    'general branch or organ committee; `line` narrows it to the unit and its line',
  examples: ['family'],
});

export const ContactSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50, description: '联系人 / Contact person', examples: ['邹老师'] }),
    phone: Type.String({ minLength: 7, maxLength: 21, pattern: '^\\+?\\d[\\d -]{6,19}$', description: '电话 / Phone number', examples: ['024-23870157'] }),
    extension: Type.Optional(Type.String({ pattern: '^\\d{1,8}$', description: '分机号 / Extension', examples: ['8012'] })),
  },
  { additionalProperties: false, description: '通知中的联系人 / A contact person of the notice' },
);
export type RoundContactInput = Static<typeof ContactSchema>;

const Contacts = Type.Array(ContactSchema, { maxItems: 5, description: '联系人，至多 5 位 / Contact persons, at most 5' });

const ACCEPTANCE_OPENS_ON =
  '验收开放日（北京时间，自当日起）；null 为于结项验收日期开放。须不早于申报截止日、不晚于结项验收日期 / First day acceptance is open, Asia/Shanghai, from the start of the day; null: acceptance opens at finalAcceptanceDate. Not before submissionDeadline, not after finalAcceptanceDate';

export const AcceptanceCriterionSchema = Type.Object(
  {
    key: Type.String({
      pattern: '^[a-z][a-z0-9_]{0,39}$',
      minLength: 1,
      maxLength: 40,
      description: '评审标准的键，SUBMIT_ACCEPTANCE_REVIEW 的 scores 以此为名 / The criterion’s key, as SUBMIT_ACCEPTANCE_REVIEW’s scores name it',
      examples: ['completion'],
    }),
    label: Type.Object(
      {
        zh: Type.String({ minLength: 1, maxLength: 50, description: '中文名称 / Chinese name', examples: ['目标完成情况'] }),
        en: Type.String({ minLength: 1, maxLength: 100, description: '英文名称 / English name', examples: ['Targets achieved'] }),
      },
      { additionalProperties: false, description: '名称 / Name' },
    ),
  },
  { additionalProperties: false, description: '结项评审标准 / An acceptance criterion' },
);

const AcceptanceCriteria = Type.Array(AcceptanceCriterionSchema, {
  minItems: 1,
  maxItems: 10,
  description:
    '结项评审标准，1 至 10 项，键不重复；每项按批次的评分范围（scoreScale）打分。默认：目标完成情况 completion、实际成效 effect、材料规范 documentation / ' +
    'The criteria the acceptance panel scores, 1 to 10 with unique keys, each on the round’s scoreScale. Default: completion, effect, documentation',
  examples: [
    [
      { key: 'completion', label: { zh: '目标完成情况', en: 'Targets achieved' } },
      { key: 'effect', label: { zh: '实际成效', en: 'Actual effect' } },
      { key: 'documentation', label: { zh: '材料规范', en: 'Documentation in order' } },
    ],
  ],
});

const MinAcceptanceReviews = Type.Integer({
  minimum: 1,
  maximum: 50,
  description: '组织部建议等级前每个项目最少的结项评审份数，默认 3 / Acceptance reviews a project needs before org_dept proposes its grade; default 3',
  examples: [3],
});

const PrizeCap = (name: string, example: number) => Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: `${name}的上限 / Cap`, examples: [example] }));
const PrizeCaps = Type.Object(
  { first: PrizeCap('一等奖', 2), second: PrizeCap('二等奖', 4), third: PrizeCap('三等奖', 6) },
  {
    additionalProperties: false,
    description:
      '各奖项的获奖项目数上限，党委确认等级时检查（超出答 422 prize_cap_exceeded）；未列出的奖项不限，默认 {} / ' +
      'The most projects each prize may go to, checked when the committee confirms the grades (422 prize_cap_exceeded); an absent prize has no cap; default {}',
  },
);

const RecommendableGrades = Type.Array(Type.Enum(['first', 'second', 'third', 'qualified'] as const), {
  minItems: 1,
  maxItems: 4,
  uniqueItems: true,
  description: '党委可择优推荐的等级，默认仅一等奖 / The grades the committee may recommend upward; default first prize only',
  examples: [['first']],
});

/** A setting as an amendment documents it: fixed once the round has opened. */
const fixedOnceOpened = <T extends object>(schema: T): T => ({
  ...schema,
  description: `${(schema as { description?: string }).description ?? ''}；批次开始后不能修改 / fixed once the round has opened`,
});

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
    acceptanceOpensOn: Type.Union([{ ...CalendarDate, examples: ['2023-12-01'] }, Type.Null()], {
      description: ACCEPTANCE_OPENS_ON,
    }),
    funding: FundingSchema,
    minReviews: Type.Integer({ description: '每个项目最少评审份数 / Minimum reviews per project', examples: [3] }),
    scoreScale: Type.Object(
      { min: ScoreBound('每项最低分 / Lowest score', 0, 0), max: ScoreBound('每项最高分 / Highest score', 20, 1) },
      { additionalProperties: false, description: '五项评审标准各自的分值范围 / Range of each of the five criteria' },
    ),
    requireSignedLetter: Type.Boolean({ description: '提交前须上传盖章扫描件（PDF）/ SUBMIT needs the signed and sealed letter (a PDF upload) first', examples: [true] }),
    conflictScope: ConflictScope,
    contacts: Contacts,
    acceptanceCriteria: AcceptanceCriteria,
    minAcceptanceReviews: MinAcceptanceReviews,
    prizeCaps: PrizeCaps,
    recommendableGrades: RecommendableGrades,
    publicityWorkingDays: PublicityWorkingDays('公示期 / Publicity period'),
    state: RoundStateSchema,
    stateLabel: ref(LabelSchema),
    version: Type.Integer({
      minimum: 1,
      description: '批次版本，每次批次流转或设置修改加一（ETag）/ Incremented by every round transition and amendment (the ETag)',
      examples: [1],
    }),
    publication: Type.Union([PublicationSchema, Type.Null()], { description: '立项名单公布前为 null / null until the approved list is published' }),
    publicity: Type.Union([PublicitySchema, Type.Null()], {
      description: 'round@2：党委研究决定完毕后的公示期；此前及 round@1 为 null / round@2: the publicity period once the committee concluded; null before and under round@1',
    }),
    objections: ObjectionCountsSchema,
    machine: MachineRef,
    projectMachine: {
      ...MachineRef,
      description: '本批次项目所用的项目状态机版本；迁移时随项目一同变更 / The project machine version this round’s projects run under; a migration moves it with them',
    },
    allowedEvents: Type.Optional(
      Type.Array(RoundEventTypeSchema, {
        description: '调用者现在可以触发的批次事件（详情接口）/ Round events the caller may fire now (detail only)',
        examples: [['CLOSE_SUBMISSIONS']],
      }),
    ),
    opened: Type.Optional(
      Type.Boolean({
        description:
          '批次是否已开始（已离开 open，或有项目曾离开草稿）：开始后只能修改日期且须说明原因（详情接口）/ Whether the round has opened (it left open, or a project of it ever left draft): from then on only its dates may be amended, with a reason (detail only)',
        examples: [false],
      }),
    ),
    createdAt: Timestamp,
    updatedAt: Type.Union([Timestamp, Type.Null()], { description: '最近一次流转时间 / Time of the latest round transition' }),
  },
  { $id: 'Round', additionalProperties: false, description: '立项批次 / A call for proposals' },
);
export type Round = Static<typeof RoundSchema>;

/** The notice's 2023 round, as an administrator creates it. */
const ROUND_SETTINGS_EXAMPLE = {
  year: 2023,
  title: '2023年度党建项目立项',
  documentNumber: '办字〔2023〕8号',
  submissionDeadline: '2023-03-29',
  revisionDeadline: '2023-04-10',
  finalAcceptanceDate: '2023-12-31',
  acceptanceOpensOn: null,
  funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
  minReviews: 3,
  scoreScale: { min: 0, max: 20 },
  requireSignedLetter: true,
  conflictScope: 'family' as const,
  contacts: [{ name: '邹老师', phone: '024-23870157' }],
  acceptanceCriteria: [
    { key: 'completion', label: { zh: '目标完成情况', en: 'Targets achieved' } },
    { key: 'effect', label: { zh: '实际成效', en: 'Actual effect' } },
    { key: 'documentation', label: { zh: '材料规范', en: 'Documentation in order' } },
  ],
  minAcceptanceReviews: 3,
  prizeCaps: { first: 2 },
  recommendableGrades: ['first' as const],
  publicityWorkingDays: 5,
};

export const ROUND_EXAMPLE: Round = {
  id: EXAMPLE.roundId,
  machine: { id: 'round', version: 1 },
  projectMachine: { id: 'project', version: 1 },
  ...ROUND_SETTINGS_EXAMPLE,
  state: 'open',
  stateLabel: { zh: '开放申报', en: 'Open for submissions' },
  version: 1,
  publication: null,
  publicity: null,
  objections: { open: 0, handled: 0 },
  createdAt: EXAMPLE.createdAt,
  updatedAt: null,
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
      acceptanceOpensOn: Type.Optional(
        Type.Union([{ ...CalendarDate, examples: ['2023-12-01'] }, Type.Null()], {
          description: `${ACCEPTANCE_OPENS_ON}; 不给为 null / none: null`,
        }),
      ),
      funding: FundingSchema,
      minReviews: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 3, description: '每个项目最少评审份数 / Minimum reviews per project', examples: [3] })),
      scoreScale: Type.Optional(
        Type.Object(
          { min: ScoreBound('每项最低分 / Lowest score', 0, 0), max: ScoreBound('每项最高分 / Highest score', 20, 1) },
          { additionalProperties: false, description: '五项评审标准各自的分值范围，默认 0 至 20 / Range of each of the five criteria; default 0 to 20' },
        ),
      ),
      requireSignedLetter: Type.Optional(
        Type.Boolean({ default: false, description: '提交前须上传盖章扫描件（PDF），默认否 / SUBMIT needs the signed letter uploaded first; default false', examples: [true] }),
      ),
      conflictScope: Type.Optional({ ...ConflictScope, default: 'family' }),
      contacts: Type.Optional(Contacts),
      acceptanceCriteria: Type.Optional(AcceptanceCriteria),
      minAcceptanceReviews: Type.Optional({ ...MinAcceptanceReviews, default: 3 }),
      prizeCaps: Type.Optional(PrizeCaps),
      recommendableGrades: Type.Optional(RecommendableGrades),
      publicityWorkingDays: Type.Optional({ ...PublicityWorkingDays('公示期，默认 5 / Publicity period, default 5'), default: 5 }),
    },
    { additionalProperties: false },
  ),
  {
    round2023: {
      summary: '2023 年度批次（办字〔2023〕8号）/ The 2023 round of the notice',
      value: ROUND_SETTINGS_EXAMPLE,
    },
  },
);
export type CreateRoundInput = Static<typeof CreateRoundBody>;

export const AmendRoundBody = withExamples(
  Type.Object(
    {
      year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2200, description: '年度 / Year', examples: [2023] })),
      title: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '标题 / Title', examples: ['2023年度党建工作项目立项'] })),
      documentNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: '发文字号 / Document number', examples: ['办字〔2023〕8号'] })),
      submissionDeadline: Type.Optional({ ...CalendarDate, description: '申报截止日 / Last day of submission', examples: ['2023-04-05'] }),
      revisionDeadline: Type.Optional(
        Type.Union([{ ...CalendarDate, examples: ['2023-04-15'] }, Type.Null()], { description: '重新申报截止日，null 为不限 / Last day to resubmit; null: no limit' }),
      ),
      finalAcceptanceDate: Type.Optional({ ...CalendarDate, description: '结项验收日期 / Final acceptance date', examples: ['2023-12-31'] }),
      acceptanceOpensOn: Type.Optional(
        Type.Union([{ ...CalendarDate, examples: ['2023-12-01'] }, Type.Null()], {
          description: `${ACCEPTANCE_OPENS_ON}; null 恢复为于结项验收日期开放 / null: back to opening at finalAcceptanceDate`,
        }),
      ),
      funding: Type.Optional(FundingSchema),
      minReviews: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: '每个项目最少评审份数 / Minimum reviews per project', examples: [3] })),
      scoreScale: Type.Optional(
        Type.Object(
          { min: ScoreBound('每项最低分 / Lowest score', 0, 0), max: ScoreBound('每项最高分 / Highest score', 20, 1) },
          { additionalProperties: false, description: '评分范围 / Score range of each criterion' },
        ),
      ),
      requireSignedLetter: Type.Optional(Type.Boolean({ description: '提交前须上传盖章扫描件 / SUBMIT needs the signed letter first', examples: [true] })),
      conflictScope: Type.Optional(ConflictScope),
      contacts: Type.Optional(Contacts),
      acceptanceCriteria: Type.Optional(fixedOnceOpened(AcceptanceCriteria)),
      minAcceptanceReviews: Type.Optional(fixedOnceOpened(MinAcceptanceReviews)),
      prizeCaps: Type.Optional(fixedOnceOpened(PrizeCaps)),
      recommendableGrades: Type.Optional(fixedOnceOpened(RecommendableGrades)),
      publicityWorkingDays: Type.Optional(PublicityWorkingDays('公示期；批次开始后不能修改 / Publicity period; fixed once the round has opened')),
      reason: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 500,
          description: '修改原因；批次开始后必填 / Why; required once the round has opened',
          examples: ['申报材料较多，截止日期顺延一周'],
        }),
      ),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  {
    deadline: { summary: '截止日期顺延 / A deadline moved', value: { submissionDeadline: '2023-04-05', reason: '申报材料较多，截止日期顺延一周' } },
    acceptanceOpensOn: {
      summary: '提前开放验收 / Acceptance opened earlier',
      value: { acceptanceOpensOn: '2023-12-01', reason: '党委决定提前组织结项验收' },
    },
    contacts: { summary: '补充联系人 / Contacts added', value: { contacts: [{ name: '邹老师', phone: '024-23870157', extension: '8012' }] } },
  },
);
export type AmendRoundInput = Static<typeof AmendRoundBody>;

export const RoundEventBody = withExamples(Type.Union([...ROUND_EVENT_SCHEMAS], { description: '批次事件，按 `type` 区分 / A round event, told apart by `type`' }), {
  closeSubmissions: { summary: '截止申报 / Close submissions', value: { type: 'CLOSE_SUBMISSIONS' } },
  publish: { summary: '公布立项名单 / Publish the approved list', value: { type: 'PUBLISH_LIST', documentNumber: '党委〔2023〕12号', publishedOn: '2023-05-10' } },
  publishWithDocument: {
    summary: '公布立项名单并附签章文件（round@2）/ Publish with the signed list document (round@2)',
    value: { type: 'PUBLISH_LIST', documentNumber: '党委〔2024〕12号', publishedOn: '2024-05-14', document: EXAMPLE.fileId },
  },
  lodgeObjection: {
    summary: '提出异议（round@2 公示期）/ Lodge an objection (round@2, publicity)',
    value: { type: 'LODGE_OBJECTION', projectId: EXAMPLE.projectId, reason: '该项目内容与本单位常规组织生活重复' },
  },
  handleObjection: {
    summary: '处理异议（组织部）/ Handle an objection (org_dept)',
    value: { type: 'HANDLE_OBJECTION', objectionNumber: 1, outcome: 'dismissed', response: '经核实，该项目与常规组织生活内容不同，异议不成立' },
  },
});
export type RoundEventInput = Static<typeof RoundEventBody>;

/** An objection as the round's context records it (user ids, no names). */
const RecordedObjectionSchema = Type.Object(
  {
    number: Type.Integer({ minimum: 1, description: '异议编号 / The objection’s number', examples: [1] }),
    projectId: Type.Union([Id('项目标识 / Project id', EXAMPLE.projectId), Type.Null()], { description: '针对的项目；null 为整个名单 / The project; null: the whole list' }),
    reason: Type.String({ minLength: 1, description: '异议理由 / The reason', examples: ['该项目内容与本单位常规组织生活重复'] }),
    lodgedBy: Id('提出人 / Who lodged it', EXAMPLE.applicantId),
    lodgedAt: Timestamp,
    handling: Type.Union(
      [
        Type.Object(
          {
            outcome: Type.Enum(OBJECTION_OUTCOMES, { description: 'upheld 成立 / dismissed 不成立', examples: ['dismissed'] }),
            response: Type.String({ minLength: 1, description: '处理意见 / How it was handled', examples: ['异议不成立'] }),
            by: Id('处理人 / Who handled it', EXAMPLE.orgDeptId),
            at: Timestamp,
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: '处理；未处理为 null / The handling; null while open' },
    ),
  },
  {
    additionalProperties: false,
    description:
      'round@2：LODGE_OBJECTION 或 HANDLE_OBJECTION 记录的异议；其他事件无此项 / round@2: the objection LODGE_OBJECTION or HANDLE_OBJECTION recorded; absent for other events',
  },
);

export const RoundEventResultSchema = Type.Object(
  {
    round: ref(RoundSchema),
    transition: ref(TransitionSchema),
    started: Type.Array(ref(TransitionSchema), {
      description: 'PUBLISH_LIST 启动的项目各自的 START 日志条目，其余事件为空 / The START entries PUBLISH_LIST wrote, one per approved project; empty for other events',
    }),
    graded: Type.Array(ref(TransitionSchema), {
      description:
        'CONFIRM_GRADES 按组织部建议为每个结项验收中的项目写下的 GRADE 或 FAIL 日志条目（round@2），其余事件为空 / ' +
        'The GRADE or FAIL entries CONFIRM_GRADES wrote, one per project under final acceptance, carrying out org_dept’s proposals (round@2); empty for other events',
    }),
    objection: Type.Optional(RecordedObjectionSchema),
  },
  { $id: 'RoundEventResult', additionalProperties: false, description: '批次事件之后的批次与日志条目 / The round after the event, and the log entries written' },
);

/** The rounds' list: a page, optionally of one or more states. */
export const RoundsQuerySchema = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    state: Type.Optional(Type.Enum(ROUND_STATES, { description: '只列此状态的批次 / Only the rounds in this state', examples: ['open'] })),
  },
  { additionalProperties: false },
);
export type RoundsQuery = Static<typeof RoundsQuerySchema>;
