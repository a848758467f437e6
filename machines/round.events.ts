/**
 * The round machine's event payloads, declared once as TypeBox schemas; `RoundCommand` is derived
 * from them (see ./project.events.ts for why).
 */
import { Type, type Static } from 'typebox';
import { OBJECTION_OUTCOMES, type RoundEventType } from './round.types.js';

const plainEvent = <T extends Exclude<RoundEventType, 'PUBLISH_LIST' | 'LODGE_OBJECTION' | 'HANDLE_OBJECTION' | 'CONFIRM_GRADES'>>(type: T, description: string) =>
  Type.Object({ type: Type.Literal(type, { minLength: 1, description, examples: [type] }) }, { additionalProperties: false, description });

export const PublishListEvent = Type.Object(
  {
    type: Type.Literal('PUBLISH_LIST', { minLength: 1, description: '公布立项名单 / Publish the approved list', examples: ['PUBLISH_LIST'] }),
    documentNumber: Type.String({ minLength: 1, maxLength: 100, description: '党委文件字号 / The committee document’s number', examples: ['党委〔2023〕12号'] }),
    publishedOn: Type.String({ format: 'date', minLength: 10, maxLength: 10, description: '发文日期 / Date of the document', examples: ['2023-05-10'] }),
    document: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          '签章的立项名单文件（先上传到批次的 documents）；round@2 必填，其 SHA-256 记入日志 / The signed list document, uploaded to the round’s documents first; required by round@2, its SHA-256 goes into the log',
        examples: ['01871a2b-7000-7b1d-9e2f-5a6b7c8d9e0a'],
      }),
    ),
  },
  {
    additionalProperties: false,
    description: '公布立项名单（组织部）：同一事务中启动每个党委批准的项目 / Publish the approved list (org_dept): starts every approved project in the same transaction',
  },
);

export const LodgeObjectionEvent = Type.Object(
  {
    type: Type.Literal('LODGE_OBJECTION', { minLength: 1, description: '提出异议 / Lodge an objection', examples: ['LODGE_OBJECTION'] }),
    projectId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: '异议针对的项目；不填为针对整个名单 / The project it concerns; absent: the list as a whole',
        examples: ['01871a2b-7000-7b1d-9e2f-5a6b7c8d9e01'],
      }),
    ),
    reason: Type.String({ minLength: 1, maxLength: 10000, description: '异议理由（必填）/ The reason (required)', examples: ['该项目内容与本单位常规组织生活重复'] }),
  },
  { additionalProperties: false, description: '公示期内提出异议（本单位任何角色）/ Lodge an objection during the publicity period (anyone of the institution)' },
);

export const HandleObjectionEvent = Type.Object(
  {
    type: Type.Literal('HANDLE_OBJECTION', { minLength: 1, description: '处理异议 / Handle an objection', examples: ['HANDLE_OBJECTION'] }),
    objectionNumber: Type.Integer({ minimum: 1, description: '异议编号（批次内依次为 1、2、3……）/ The objection’s number in the round', examples: [1] }),
    outcome: Type.Enum(OBJECTION_OUTCOMES, { description: '处理结果：upheld 异议成立，dismissed 不成立 / upheld or dismissed', examples: ['upheld'] }),
    response: Type.String({ minLength: 1, maxLength: 10000, description: '处理意见（必填）/ How it was handled (required)', examples: ['经核实异议成立，已提请党委改变决定'] }),
  },
  { additionalProperties: false, description: '组织部记录异议的处理 / org_dept records how an objection was handled' },
);

export const ConfirmGradesEvent = Type.Object(
  {
    type: Type.Literal('CONFIRM_GRADES', { minLength: 1, description: '确认结项等级 / Confirm the grades', examples: ['CONFIRM_GRADES'] }),
    meetingReference: Type.String({ minLength: 1, maxLength: 200, description: '党委会议记录编号 / Meeting reference', examples: ['党委会〔2024〕21次'] }),
  },
  {
    additionalProperties: false,
    description:
      '党委确认本批次的结项等级（round@2）：同一事务中按组织部的建议对每个结项验收中的项目评定等级或不予结项 / The committee confirms the round’s grades (round@2): each project under final acceptance is graded or failed as proposed, in the same transaction',
  },
);

export const ROUND_EVENT_SCHEMAS = [
  plainEvent('CLOSE_SUBMISSIONS', '截止申报（组织部；申报截止日过后）/ Close submissions (org_dept; after the deadline)'),
  plainEvent('START_REVIEW', '开始评审（组织部；已申报项目均已初审）/ Start panel review (org_dept; every submission checked)'),
  plainEvent('CONCLUDE_DECISIONS', '党委研究决定完毕（党委；所有项目已决定）/ Conclude decisions (committee; every project decided)'),
  PublishListEvent,
  plainEvent('OPEN_ACCEPTANCE', '启动结项验收（组织部）/ Open final acceptance (org_dept)'),
  plainEvent('CLOSE_ROUND', '结束批次（组织部；所有项目已结项或已决定）/ Close the round (org_dept; every project concluded)'),
  LodgeObjectionEvent,
  HandleObjectionEvent,
  ConfirmGradesEvent,
] as const;

export type RoundCommand = Static<(typeof ROUND_EVENT_SCHEMAS)[number]>;
