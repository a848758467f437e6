/**
 * 公示 over HTTP (round@2): the proposed list for every user while it is in publicity, the round's
 * objections, and two convenient routes that fire LODGE_OBJECTION and HANDLE_OBJECTION through the
 * same workflow step as POST /rounds/{id}/events (one log entry each, If-Match and Idempotency-Key
 * alike).
 */
import { Type } from 'typebox';
import type { Objection } from '../../machines/round.types.js';
import { etagOf, parseIfMatch } from '../http/etag.js';
import type { App } from '../http/type-provider.js';
import { IdParams, json, problems, ref, REPLAYED_HEADER } from '../http/schemas.js';
import { principalOf } from '../plugins/auth.js';
import type { PublicityService } from './publicity.js';
import {
  HANDLED_OBJECTION_EXAMPLE,
  HandleObjectionBody,
  LodgeObjectionBody,
  OBJECTION_EXAMPLE,
  OBJECTION_EXAMPLES,
  ObjectionListSchema,
  ObjectionParams,
  ObjectionSchema,
  PROPOSED_LIST_EXAMPLE,
  ProposedListSchema,
} from './publicity.schemas.js';
import type { RoundEventResult, RoundsService } from './rounds.service.js';

const ETAG = { type: 'string', description: '事件之后的批次版本 / The round’s version after the event' } as const;

const EventHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: '批次的 ETag，如 "7" / The round’s ETag, e.g. "7"', examples: ['"7"'] })),
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: '每个意图中的请求唯一；重复时重放首次应答 / Unique per intended request; repeats replay the first answer',
      examples: ['objection-2024-0001'],
    }),
  ),
});

/** Everyone of the institution: the machine answers who may (admin: 403 from the route). */
const OBJECTORS = ['applicant', 'reviewer', 'org_dept', 'committee', 'auditor'] as const;

export async function publicityRoutes(app: App, { rounds, publicity }: { rounds: RoundsService; publicity: PublicityService }) {
  app.get(
    '/rounds/:id/proposed-list',
    {
      schema: {
        operationId: 'getProposedList',
        tags: ['rounds'],
        summary: '公示中的拟立项名单 / The proposed list in publicity',
        description: [
          '批次处于公示期（in_publicity，round@2）时，任何已认证用户均可查阅拟立项名单：党委批准立项的项目（含公示期内改变决定的结果）的名称、申报单位、类别与方向，',
          '不含评分与评审人；以及公示期（开始、结束、工作日数、是否已结束）与提出异议的方式。公示期结束后、名单公布前仍可查阅。',
          '批次不在公示期 409 `not_in_publicity`（含批次状态）。',
          '',
          'While the round is in publicity (in_publicity, round@2) every authenticated user reads the proposed list: the committee-approved projects (reversals',
          'applied) with title, unit, category and direction, no scores and no reviewers; the period (start, exclusive end, working days, whether it is over)',
          'and how to object. Still readable after the period ended until the list is published. 409 `not_in_publicity` (with the round’s state) otherwise.',
        ].join('\n'),
        params: IdParams,
        response: {
          200: json(ref(ProposedListSchema), '拟立项名单 / The proposed list', { list: { summary: '公示中的名单 / The list in publicity', value: PROPOSED_LIST_EXAMPLE } }),
          ...problems('not-found', 'conflict'),
        },
      },
    },
    async (request) => publicity.proposedList(request.params.id),
  );

  app.get(
    '/rounds/:id/objections',
    {
      schema: {
        operationId: 'listObjections',
        tags: ['rounds'],
        summary: '公示期异议 / The round’s objections',
        description: [
          '组织部、党委与审计人员看到全部异议及提出人；其他用户只看到自己提出的。按提出顺序；round@1 批次没有异议。',
          '',
          'org_dept, the committee and auditors read every objection with who lodged it; anyone else reads only their own. In the order lodged; a round@1 round has none.',
        ].join('\n'),
        params: IdParams,
        response: {
          200: json(ref(ObjectionListSchema), '异议 / The objections', {
            two: {
              summary: '一项已处理、一项未处理 / One handled, one open',
              value: { items: [HANDLED_OBJECTION_EXAMPLE, { ...OBJECTION_EXAMPLE, number: 2 }], open: 1, handled: 1 },
            },
          }),
          ...problems('not-found'),
        },
      },
    },
    async (request) => publicity.objections(principalOf(request), request.params.id),
  );

  app.post(
    '/rounds/:id/objections',
    {
      config: { roles: OBJECTORS, subject: { kind: 'round', param: 'id' } },
      schema: {
        operationId: 'lodgeObjection',
        tags: ['rounds'],
        summary: '提出异议 / Lodge an objection',
        description: [
          '公示期内（批次 in_publicity 且未过公示结束时间）本单位任何人员对名单或其中一个项目提出异议，须写明理由；即批次事件 LODGE_OBJECTION，',
          '与 POST /rounds/{id}/events 同一流程、写一条批次日志（载明异议编号）。所针对的项目须为本批次经党委研究决定的项目（批准或党委不予立项），',
          '否则 422 `project_not_on_list`；理由为空 422 `reason_required`；公示期已过 422 `publicity_over`；批次不在公示期 409；管理员 403。',
          'If-Match 与 Idempotency-Key 同批次事件。',
          '',
          'During the publicity period (the round in_publicity, before the period’s end) anyone of the institution objects to the list or to one of its projects,',
          'with a reason: the round event LODGE_OBJECTION through the same step as POST /rounds/{id}/events, one round log entry naming the objection’s number.',
          'The project must be one the committee decided on in this round (approved, or rejected by the committee): 422 `project_not_on_list` otherwise;',
          'a blank reason 422 `reason_required`; after the period 422 `publicity_over`; outside publicity 409; the administrator 403.',
          'If-Match and Idempotency-Key as for round events. Answers 201 with the objection.',
        ].join('\n'),
        params: IdParams,
        headers: EventHeaders,
        body: LodgeObjectionBody,
        response: {
          201: json(ref(ObjectionSchema), '已提出的异议 / The objection lodged', OBJECTION_EXAMPLES, { ETag: ETAG, 'Idempotent-Replayed': REPLAYED_HEADER }),
          ...problems('forbidden', 'not-found', 'illegal-transition', 'precondition-failed', 'guard-failed', 'idempotency-key-reused'),
        },
      },
    },
    async (request, reply) => {
      const answer = await rounds.fire(
        principalOf(request),
        request.params.id,
        { type: 'LODGE_OBJECTION', ...request.body },
        { expectedVersion: parseIfMatch(request.headers['if-match']), requestId: request.id, idempotencyKey: request.headers['idempotency-key'] ?? null },
      );
      if (answer.replayed) reply.header('Idempotent-Replayed', 'true');
      reply.header('ETag', etagOf(answer.version));
      return reply.code(201).send(publicity.view(recorded(answer.body)));
    },
  );

  app.post(
    '/rounds/:id/objections/:number/handling',
    {
      config: { roles: ['org_dept'], subject: { kind: 'round', param: 'id' } },
      schema: {
        operationId: 'handleObjection',
        tags: ['rounds'],
        summary: '处理异议 / Record how an objection was handled',
        description: [
          '组织部记录一项异议的处理结果（upheld 成立 / dismissed 不成立）与处理意见；即批次事件 HANDLE_OBJECTION，写一条批次日志。公示期结束后仍可处理；',
          '每项异议只处理一次（再次 422 `objection_already_handled`），编号不存在 422 `objection_not_found`，处理意见为空 422 `response_required`。',
          '异议成立需改变立项决定的，由党委在公示期内对项目执行 REVERSE_DECISION。',
          '',
          'org_dept records an objection’s outcome (upheld or dismissed) and its response: the round event HANDLE_OBJECTION, one round log entry. It may come',
          'after the period has ended; each objection is handled once (422 `objection_already_handled`), an unknown number is 422 `objection_not_found`, a',
          'blank response 422 `response_required`. Where an upheld objection changes a decision, the committee fires REVERSE_DECISION on the project during the period.',
        ].join('\n'),
        params: ObjectionParams,
        headers: EventHeaders,
        body: HandleObjectionBody,
        response: {
          200: json(
            ref(ObjectionSchema),
            '处理后的异议 / The objection, handled',
            { handled: { summary: '异议成立 / Upheld', value: HANDLED_OBJECTION_EXAMPLE } },
            {
              ETag: ETAG,
              'Idempotent-Replayed': REPLAYED_HEADER,
            },
          ),
          ...problems('forbidden', 'not-found', 'illegal-transition', 'precondition-failed', 'guard-failed', 'idempotency-key-reused'),
        },
      },
    },
    async (request, reply) => {
      const answer = await rounds.fire(
        principalOf(request),
        request.params.id,
        { type: 'HANDLE_OBJECTION', objectionNumber: request.params.number, ...request.body },
        { expectedVersion: parseIfMatch(request.headers['if-match']), requestId: request.id, idempotencyKey: request.headers['idempotency-key'] ?? null },
      );
      if (answer.replayed) reply.header('Idempotent-Replayed', 'true');
      reply.header('ETag', etagOf(answer.version));
      return publicity.view(recorded(answer.body));
    },
  );
}

/** The objection a round event's answer carries (LODGE_OBJECTION, HANDLE_OBJECTION always record one). */
function recorded(body: string): Objection {
  const objection = (JSON.parse(body) as RoundEventResult).objection;
  if (!objection) throw new Error('the objection event answered without its objection');
  return objection;
}
