/**
 * The project machine's event payloads, declared once as TypeBox schemas: the HTTP layer validates
 * request bodies with them and documents them in OpenAPI, and the TypeScript types of the commands
 * (`ProjectCommand`, `EventPayloads`) are derived from them, so a validated body is a command
 * without any cast. A payload field whose emptiness is a business rule (a blank comment) is left
 * to the machine's guards, which answer 422 with the field's name.
 */
import { Type, type Static, type TInteger, type TProperties } from 'typebox';
import { TRANSITIONS, TRANSITIONS_V2 } from './project.lifecycle.js';
import { CRITERION_LABELS, EVENT_LABELS } from './project.machine.js';
import { CRITERIA, GRADE_PROPOSALS, GRADES, RECOMMENDATION_OUTCOMES, type EventType } from './project.types.js';

const Text = (maxLength: number, options: Record<string, unknown> = {}) => Type.String({ maxLength, ...options });

/** Text an event requires: empty is refused by validation (400), blank by the machine's guard (422 `<field>_required`). */
const RequiredText = (maxLength: number, description: string, example: string) =>
  Type.String({ minLength: 1, maxLength, description: `${description}（必填，不能为空白）/ required, not blank`, examples: [example] });

export const GradeSchema = Type.Enum(GRADES, { description: '等级 / Grade: first 一等奖, second 二等奖, third 三等奖, qualified 合格' });

const criterionName = (c: (typeof CRITERIA)[number]) => `${CRITERION_LABELS[c].zh} / ${CRITERION_LABELS[c].en}`;

const ScoresSchema = Type.Object(
  Object.fromEntries(CRITERIA.map((c) => [c, Type.Integer({ description: `${criterionName(c)}：在批次的评分范围内 / within the round's scale`, examples: [16] })])) as Record<
    (typeof CRITERIA)[number],
    TInteger
  >,
  { additionalProperties: false, description: '五项评审标准的分数 / Scores on the five criteria of the notice' },
);

const OptionalComment = Type.Optional(Text(10000, { description: '意见（可选）/ Comment (optional)', examples: ['材料齐全'] }));

const describeTransitions = (transitions: typeof TRANSITIONS, type: EventType) =>
  transitions
    .filter((t) => t.event === type)
    .map((t) => `\`${t.from}\` → \`${t.to}\` (${t.rule.roles.join(', ')}${t.rule.checks.length ? `; ${t.rule.checks.join(', ')}` : ''})`)
    .join('; ');

/** The transitions an event takes in each version, for its description: from, to, roles and checks. */
function transitionsOf(type: EventType): string {
  const versions = [
    ['project@1', describeTransitions(TRANSITIONS, type)],
    ['project@2', describeTransitions(TRANSITIONS_V2, type)],
  ].filter(([, text]) => text !== '');
  return versions.map(([key, text]) => `${key}: ${text}`).join('. ');
}

/** One event's body; its description comes from the machine: label, transitions, roles and checks. */
function eventSchema<T extends EventType, P extends TProperties>(type: T, properties: P, note: string) {
  const name = type.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
  const { zh, en } = EVENT_LABELS[type];
  return Type.Object(
    { type: Type.Literal(type, { minLength: 1, description: '事件类型 / Event type', examples: [type] }), ...properties },
    { $id: `${name}Event`, additionalProperties: false, description: `${zh} / ${en}. ${note} Transitions: ${transitionsOf(type)}.` },
  );
}

export const PROJECT_EVENT_SCHEMAS = [
  eventSchema(
    'SUBMIT',
    {},
    '申报单位提交；责任书须完整，且在截止日期前；批次要求时须先上传盖章扫描件（signed_letter），其 SHA-256 记入日志 / ' +
      'The applicant submits; the letter must be complete, before the deadline; where the round requires it, the signed letter must be uploaded first ' +
      '(422 signed_letter_required). The latest signed letter’s id and SHA-256 go into the log entry’s payload as `signedLetter`.',
  ),
  eventSchema(
    'WITHDRAW',
    { reason: Type.Optional(Text(10000, { description: '撤回原因（可选）/ Reason (optional)', examples: ['调整项目方向'] })) },
    '申报单位撤回 / The applicant withdraws.',
  ),
  eventSchema(
    'RETURN_FOR_REVISION',
    { comment: RequiredText(10000, '修改意见 / What to revise', '活动安排需细化到月') },
    '组织部退回修改 / The organisation department returns it for revision.',
  ),
  eventSchema('PASS_PRELIMINARY_CHECK', { comment: OptionalComment }, '组织部初审通过 / The organisation department passes the preliminary check.'),
  eventSchema(
    'REJECT',
    { reason: RequiredText(10000, '不予立项的理由 / Reason', '属于常规工作，不符合立项要求') },
    '初审时由组织部、评审后由党委不予立项 / Rejected by org_dept when submitted, by the committee after the panel.',
  ),
  eventSchema(
    'SUBMIT_REVIEW',
    { scores: ScoresSchema, comment: RequiredText(10000, '评审意见 / Review comment', '特色鲜明，可操作性强') },
    '已分配且不属于项目单位的评审人评分；再次提交替换前一次 / An assigned reviewer, not of the unit, scores; a second replaces the first.',
  ),
  eventSchema(
    'COMPLETE_PANEL_REVIEW',
    { comment: OptionalComment },
    '组织部完成评审：达到最少评审份数且已分配的评审人都已评分 / Minimum reviews reached, every assigned reviewer done.',
  ),
  eventSchema(
    'APPROVE',
    { meetingReference: RequiredText(200, '党委会议记录编号 / Meeting reference', '党委会〔2023〕5次'), comment: OptionalComment },
    '党委批准立项 / The party committee approves.',
  ),
  eventSchema('START', { comment: OptionalComment }, '组织部启动实施 / The organisation department starts the project.'),
  eventSchema('SUBMIT_PROGRESS_REPORT', { text: RequiredText(20000, '进展报告 / Progress report', '已完成主题党日两次') }, '申报单位报告进展 / The applicant reports progress.'),
  eventSchema(
    'SUBMIT_FINAL_REPORT',
    {
      summary: RequiredText(20000, '结项报告：成果总结 / Final report: summary of outcomes', '完成全部活动，举办汇报音乐会'),
      documents: Type.Optional(
        Type.Array(
          Type.String({ minLength: 1, maxLength: 64, description: '结项文件标识 / A final report document’s file id', examples: ['01871a2b-7000-7b1d-9e2f-5a6b7c8d9e08'] }),
          {
            maxItems: 20,
            uniqueItems: true,
            description:
              '随结项报告提交的结项文件（先以 kind=final_report_document 上传），至多 20 个；日志记录每个文件的 SHA-256 / ' +
              'Final report documents handed in with the report (uploaded first with kind=final_report_document), at most 20; ' +
              'the log entry records each one as `{ fileId, sha256 }`. An id that is not a final report document of this project: 422 unknown_document.',
          },
        ),
      ),
    },
    '申报单位提交结项报告 / The applicant submits the final report.',
  ),
  eventSchema(
    'RETURN_FINAL_REPORT',
    { comment: RequiredText(10000, '退回意见 / What to add', '请补充活动照片') },
    '组织部退回结项报告 / The organisation department returns the final report.',
  ),
  eventSchema('GRADE', { grade: GradeSchema, comment: OptionalComment }, '组织部评定等级，资助金额取自批次 / Graded; the funding comes from the round.'),
  eventSchema('FAIL', { reason: RequiredText(10000, '不予结项的理由 / Reason', '未完成预期成果') }, '组织部不予结项，资助为 0 / Fails final acceptance; funding 0.'),
  eventSchema(
    'RECOMMEND',
    { note: RequiredText(5000, '推荐说明 / Note', '推荐参加省级评选') },
    '党委择优推荐，仅一次；project@2 只推荐批次设定的等级（默认一等奖）/ The committee recommends it upward, once; under project@2 only a grade the round allows (default: first prize).',
  ),
  eventSchema(
    'REVERSE_DECISION',
    {
      reason: RequiredText(10000, '改变决定的理由 / Reason', '公示期间收到异议，经核实该项目与已有常规工作重复'),
      meetingReference: Type.Optional(Text(200, { description: '党委会议记录编号（可选）/ Meeting reference (optional)', examples: ['党委会〔2024〕9次'] })),
    },
    '公示期间党委改变决定：批准改为不予立项，或党委不予立项改为批准；组织部初审不予立项的不能改 / ' +
      'During the publicity period the committee reverses its decision: an approval becomes a rejection, or its own rejection an approval (a rejection at the preliminary check is not the committee’s).',
  ),
  eventSchema(
    'SUBMIT_ACCEPTANCE_REVIEW',
    {
      scores: Type.Record(Type.String({ minLength: 1, maxLength: 40 }), Type.Integer(), {
        description: '结项评审标准（批次设定）各项的分数 / Scores on each acceptance criterion the round sets, within its scale',
        examples: [{ completion: 18, effect: 17, documentation: 16 }],
      }),
      comment: RequiredText(10000, '结项评审意见 / Acceptance review comment', '活动完成度高，成果材料齐全'),
    },
    '结项评审组中已分配且无利益冲突的成员为结项报告评分；再次提交替换前一次 / An assigned member of the acceptance panel, without a conflict of interest, scores the final report; a second replaces the first.',
  ),
  eventSchema(
    'PROPOSE_GRADE',
    {
      grade: Type.Enum(GRADE_PROPOSALS, { description: '建议等级，或 fail 建议不予结项 / The proposed grade, or fail', examples: ['second'] }),
      comment: Type.Optional(Text(10000, { description: '说明；建议不予结项时必填 / Comment; required when proposing fail', examples: ['结项评审平均分 86.3，位列第 4'] })),
    },
    '组织部依结项评审分数建议等级，党委确认前可改 / org_dept proposes a grade from the acceptance scores; it may change until the committee confirms.',
  ),
  eventSchema(
    'RECORD_RECOMMENDATION_OUTCOME',
    {
      outcome: Type.Enum(RECOMMENDATION_OUTCOMES, { description: '上级评选结果：selected 入选，not_selected 未入选 / selected or not_selected', examples: ['selected'] }),
      level: RequiredText(200, '评选层级 / Level of the selection', '省级'),
      note: Type.Optional(Text(5000, { description: '说明（可选）/ Note (optional)', examples: ['入选省委教育工委党建工作示范项目'] })),
    },
    '组织部记录被推荐项目的上级评选结果 / org_dept records the higher-level selection’s outcome for a recommended project.',
  ),
];

export type ProjectCommand = Static<(typeof PROJECT_EVENT_SCHEMAS)[number]>;
