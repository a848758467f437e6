/**
 * The round machine's event payloads, declared once as TypeBox schemas; `RoundCommand` is derived
 * from them (see ./project.events.ts for why).
 */
import { Type, type Static } from 'typebox';
import type { RoundEventType } from './round.types.js';

const plainEvent = <T extends Exclude<RoundEventType, 'PUBLISH_LIST'>>(type: T, description: string) =>
  Type.Object({ type: Type.Literal(type, { minLength: 1, description, examples: [type] }) }, { additionalProperties: false, description });

export const PublishListEvent = Type.Object(
  {
    type: Type.Literal('PUBLISH_LIST', { minLength: 1, description: '公布立项名单 / Publish the approved list', examples: ['PUBLISH_LIST'] }),
    documentNumber: Type.String({ minLength: 1, maxLength: 100, description: '党委文件字号 / The committee document’s number', examples: ['党委〔2023〕12号'] }),
    publishedOn: Type.String({ format: 'date', minLength: 10, maxLength: 10, description: '发文日期 / Date of the document', examples: ['2023-05-10'] }),
  },
  {
    additionalProperties: false,
    description: '公布立项名单（组织部）：同一事务中启动每个党委批准的项目 / Publish the approved list (org_dept): starts every approved project in the same transaction',
  },
);

export const ROUND_EVENT_SCHEMAS = [
  plainEvent('CLOSE_SUBMISSIONS', '截止申报（组织部；申报截止日过后）/ Close submissions (org_dept; after the deadline)'),
  plainEvent('START_REVIEW', '开始评审（组织部；已申报项目均已初审）/ Start panel review (org_dept; every submission checked)'),
  plainEvent('CONCLUDE_DECISIONS', '党委研究决定完毕（党委；所有项目已决定）/ Conclude decisions (committee; every project decided)'),
  PublishListEvent,
  plainEvent('OPEN_ACCEPTANCE', '启动结项验收（组织部）/ Open final acceptance (org_dept)'),
  plainEvent('CLOSE_ROUND', '结束批次（组织部；所有项目已结项或已决定）/ Close the round (org_dept; every project concluded)'),
] as const;

export type RoundCommand = Static<(typeof ROUND_EVENT_SCHEMAS)[number]>;
