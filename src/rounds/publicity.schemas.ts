/**
 * The schemas of 公示 (round@2): objections as people read them, the proposed list, and the bodies of
 * the convenience routes that fire LODGE_OBJECTION and HANDLE_OBJECTION.
 */
import { Type, type Static } from 'typebox';
import { HandleObjectionEvent, LodgeObjectionEvent } from '../../machines/round.events.js';
import { OBJECTION_OUTCOMES } from '../../machines/round.types.js';
import { EXAMPLE } from '../http/examples.js';
import { Id, LabelSchema, Timestamp, ref, withExamples, type Example } from '../http/schemas.js';

const Person = (description: string) =>
  Type.Object(
    {
      id: Id('用户标识 / User id', EXAMPLE.applicantId),
      name: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: '姓名 / Name', examples: ['声乐系书记'] }),
    },
    { additionalProperties: false, description },
  );

export const ObjectionSchema = Type.Object(
  {
    number: Type.Integer({ minimum: 1, description: '异议编号（批次内依次为 1、2、3……）/ The objection’s number in the round', examples: [1] }),
    projectId: Type.Union([Id('项目标识 / Project id', EXAMPLE.projectId), Type.Null()], {
      description: '异议针对的项目；null 为针对整个名单 / The project it concerns; null: the list as a whole',
    }),
    projectTitle: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: '项目名称 / The project’s title', examples: ['“红色旋律”党员先锋岗'] }),
    reason: Type.String({ minLength: 1, description: '异议理由 / The reason', examples: ['该项目内容与本单位常规组织生活重复'] }),
    lodgedBy: Person('提出人 / Who lodged it'),
    lodgedAt: { ...Timestamp, description: '提出时间 / When it was lodged' },
    handling: Type.Union(
      [
        Type.Object(
          {
            outcome: Type.Enum(OBJECTION_OUTCOMES, { description: 'upheld 异议成立，dismissed 不成立 / upheld or dismissed', examples: ['upheld'] }),
            response: Type.String({ minLength: 1, description: '处理意见 / How it was handled', examples: ['经核实异议成立，已提请党委改变决定'] }),
            by: Person('处理人（组织部）/ Who handled it (org_dept)'),
            at: { ...Timestamp, description: '处理时间 / When' },
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: '组织部的处理；未处理为 null / org_dept’s handling; null while open' },
    ),
  },
  { $id: 'Objection', additionalProperties: false, description: '公示期的一项异议 / An objection lodged during the publicity period' },
);
export type ObjectionViewSchema = Static<typeof ObjectionSchema>;

export const OBJECTION_EXAMPLE: ObjectionViewSchema = {
  number: 1,
  projectId: EXAMPLE.projectId,
  projectTitle: '“红色旋律”党员先锋岗',
  reason: '该项目内容与本单位常规组织生活重复',
  lodgedBy: { id: EXAMPLE.applicantId, name: '舞蹈学院书记' },
  lodgedAt: '2024-05-07T02:00:00.000Z',
  handling: null,
};

export const HANDLED_OBJECTION_EXAMPLE: ObjectionViewSchema = {
  ...OBJECTION_EXAMPLE,
  handling: {
    outcome: 'upheld',
    response: '经核实异议成立，已提请党委改变决定',
    by: { id: EXAMPLE.orgDeptId, name: '组织部李老师' },
    at: '2024-05-09T03:00:00.000Z',
  },
};

export const OBJECTION_EXAMPLES: Record<string, Example<ObjectionViewSchema>> = {
  lodged: { summary: '新提出的异议 / An objection just lodged', value: OBJECTION_EXAMPLE },
};

export const ObjectionListSchema = Type.Object(
  {
    items: Type.Array(ref(ObjectionSchema), { description: '按提出顺序 / In the order lodged' }),
    open: Type.Integer({ minimum: 0, description: '其中未处理的 / Of these, not handled yet', examples: [1] }),
    handled: Type.Integer({ minimum: 0, description: '其中已处理的 / Of these, handled', examples: [0] }),
  },
  { $id: 'ObjectionList', additionalProperties: false, description: '批次的异议 / The round’s objections' },
);

const { type: _lodgeType, ...lodgeFields } = LodgeObjectionEvent.properties;
export const LodgeObjectionBody = withExamples(
  Type.Object(lodgeFields, {
    additionalProperties: false,
    description: '公示期内提出异议（本单位任何角色，管理员除外）/ Lodge an objection during the publicity period (anyone of the institution but the administrator)',
  }),
  {
    project: { summary: '针对一个项目 / About one project', value: { projectId: EXAMPLE.projectId, reason: '该项目内容与本单位常规组织生活重复' } },
    list: { summary: '针对整个名单 / About the whole list', value: { reason: '名单未按规定程序公示' } },
  },
);
export type LodgeObjectionInput = Static<typeof LodgeObjectionBody>;

const { type: _handleType, objectionNumber: _number, ...handleFields } = HandleObjectionEvent.properties;
export const HandleObjectionBody = withExamples(
  Type.Object(handleFields, { additionalProperties: false, description: '组织部记录异议的处理 / org_dept records how the objection was handled' }),
  {
    upheld: { summary: '异议成立 / Upheld', value: { outcome: 'upheld', response: '经核实异议成立，已提请党委改变决定' } },
    dismissed: { summary: '异议不成立 / Dismissed', value: { outcome: 'dismissed', response: '经核实，该项目与常规组织生活内容不同，异议不成立' } },
  },
);
export type HandleObjectionInput = Static<typeof HandleObjectionBody>;

export const ObjectionParams = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, description: '批次标识 / The round’s id', examples: [EXAMPLE.roundId] }),
    number: Type.Integer({ minimum: 1, maximum: 1_000_000, description: '异议编号 / The objection’s number', examples: [1] }),
  },
  { additionalProperties: false },
);

const Coded = (description: string, example: string) =>
  Type.Object({ code: Type.String({ minLength: 1, examples: [example] }), label: ref(LabelSchema) }, { additionalProperties: false, description });

export const ListedProjectSchema = Type.Object(
  {
    id: Id('项目标识 / Project id', EXAMPLE.projectId),
    title: Type.String({ minLength: 1, description: '项目名称 / Title', examples: ['“红色旋律”党员先锋岗'] }),
    unit: Type.Object(
      { id: Id('党组织标识 / Unit id', EXAMPLE.branchId), name: Type.String({ minLength: 1, description: '申报单位 / Unit', examples: ['声乐系党支部'] }) },
      { additionalProperties: false, description: '申报单位 / The unit' },
    ),
    category: Coded('项目类别 / Category', 'vanguard'),
    direction: Coded('项目方向 / Direction', 'member_platforms'),
  },
  { additionalProperties: false, description: '名单上的一个项目（无评分）/ A project of the list (no scores)' },
);

export const ProposedListSchema = Type.Object(
  {
    round: Type.Object(
      {
        id: Id('批次标识 / Round id', EXAMPLE.roundId),
        year: Type.Integer({ description: '年度 / Year', examples: [2024] }),
        title: Type.String({ minLength: 1, description: '批次标题 / Title', examples: ['2024年度党建项目立项'] }),
      },
      { additionalProperties: false, description: '批次 / The round' },
    ),
    publicity: Type.Object(
      {
        startedAt: { ...Timestamp, description: '公示开始 / Start of the period' },
        endsAt: { ...Timestamp, description: '公示结束（不含，北京时间午夜）/ Exclusive end (Asia/Shanghai midnight)' },
        workingDays: Type.Integer({ minimum: 0, description: '公示期（工作日）/ Working days', examples: [5] }),
        over: Type.Boolean({ description: '公示期是否已结束 / Whether the period has ended', examples: [false] }),
      },
      { additionalProperties: false, description: '公示期 / The publicity period' },
    ),
    projects: Type.Array(ListedProjectSchema, {
      description: '党委批准立项的项目（含公示期内改变决定的结果），按类别、单位、名称排序 / The committee-approved projects (reversals applied), by category, unit and title',
    }),
    howToObject: ref(LabelSchema),
    asOf: { ...Timestamp, description: '名单的查询时间 / When the list was read' },
  },
  { $id: 'ProposedList', additionalProperties: false, description: '公示中的拟立项名单 / The proposed list in publicity' },
);

export const PROPOSED_LIST_EXAMPLE: Static<typeof ProposedListSchema> = {
  round: { id: EXAMPLE.roundId, year: 2024, title: '2024年度党建项目立项' },
  publicity: { startedAt: '2024-05-06T02:00:00.000Z', endsAt: '2024-05-13T16:00:00.000Z', workingDays: 5, over: false },
  projects: [
    {
      id: EXAMPLE.projectId,
      title: '“红色旋律”党员先锋岗',
      unit: { id: EXAMPLE.branchId, name: '声乐系党支部' },
      category: { code: 'vanguard', label: { zh: '党员先锋工程', en: 'Member vanguard' } },
      direction: {
        code: 'member_platforms',
        label: { zh: '党员作用发挥平台（先锋岗、责任区、志愿服务队）', en: 'Platforms for members (vanguard posts, responsibility zones, volunteer teams)' },
      },
    },
  ],
  howToObject: {
    zh: '公示期内，本单位任何人员均可对名单或其中的项目提出异议：POST /api/v1/rounds/{id}/objections，写明理由（针对项目的填 projectId）；组织部逐一处理并记录处理意见',
    en: 'During the period anyone of the institution may object to the list or to one of its projects: POST /api/v1/rounds/{id}/objections with a reason (and the projectId for a project); org_dept handles each and records how',
  },
  asOf: '2024-05-07T02:00:00.000Z',
};

export const PUBLICITY_SCHEMAS = [ObjectionSchema, ObjectionListSchema, ProposedListSchema];
