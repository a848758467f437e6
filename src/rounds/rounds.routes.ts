import { Type } from 'typebox';
import { ROUND_EVENT_LABELS } from '../../machines/round.machine.js';
import { etagOf, parseIfMatch } from '../http/etag.js';
import { sendStoredJson } from '../http/stored-reply.js';
import type { App } from '../http/type-provider.js';
import { IdParams, json, page, pageExamples, PageQuerySchema, problems, ref, REPLAYED_HEADER } from '../http/schemas.js';
import { principalOf } from '../plugins/auth.js';
import { TransitionSchema, type TransitionView } from '../projects/projects.schemas.js';
import { AmendRoundBody, CreateRoundBody, ROUND_EXAMPLE, ROUND_EXAMPLES, RoundEventBody, RoundEventResultSchema, RoundSchema, RoundsQuerySchema } from './rounds.schemas.js';
import type { RoundsService } from './rounds.service.js';
import { idempotentCreate } from '../workflow/idempotent-create.js';

const ETAG = { type: 'string', description: '批次版本，作 If-Match 使用，如 "3" / The round version, for If-Match, e.g. "3"' } as const;
const REPLAYED = REPLAYED_HEADER;

export async function roundsRoutes(app: App, { rounds }: { rounds: RoundsService }) {
  app.post(
    '/rounds',
    idempotentCreate({
      config: { roles: ['admin'] },
      schema: {
        operationId: 'createRound',
        tags: ['admin'],
        summary: '新建立项批次 / Create a round',
        description:
          '一次立项通知：截止日期（北京时间，含当日）、各等级资助金额、最少评审份数与评分范围。\n' +
          'One call for proposals: deadlines (Asia/Shanghai, end of day inclusive), funding per grade, minimum reviews and score scale. ' +
          '422 (naming the field) unless submissionDeadline ≤ revisionDeadline ≤ finalAcceptanceDate, submissionDeadline ≤ acceptanceOpensOn ≤ finalAcceptanceDate ' +
          '(when acceptanceOpensOn is given; null or absent: acceptance opens at finalAcceptanceDate), funding first ≥ second ≥ third ≥ qualified ≥ 0 ' +
          'and 0 ≤ scoreScale.min < scoreScale.max ≤ 1000; 409 `document_number_taken` when the year already has a round with that document number.',
        body: CreateRoundBody,
        response: { 201: json(ref(RoundSchema), '已创建的批次 / The new round', ROUND_EXAMPLES), ...problems('conflict', 'unprocessable') },
      },
    }),
    async (request, reply) => {
      const round = await rounds.create({ actor: principalOf(request), requestId: request.id }, request.body);
      return reply.code(201).header('ETag', etagOf(round.version)).send(round);
    },
  );

  app.get(
    '/rounds',
    {
      schema: {
        operationId: 'listRounds',
        tags: ['admin'],
        summary: '立项批次列表 / List rounds',
        description: '立项批次，按创建顺序分页；state 只列某一状态的批次。\nThe rounds, in creation order, a page at a time; `state` keeps those in that state.',
        querystring: RoundsQuerySchema,
        response: {
          200: json(
            page(ref(RoundSchema), '一页批次 / A page of rounds'),
            '批次 / The rounds',
            pageExamples({ rounds: { summary: '一个批次 / One round', value: [ROUND_EXAMPLE] } }),
          ),
          ...problems(400),
        },
      },
    },
    async (request) => rounds.list(request.query),
  );

  app.get(
    '/rounds/:id',
    {
      schema: {
        operationId: 'getRound',
        tags: ['admin'],
        summary: '立项批次详情 / Get a round',
        description: '一个立项批次，含其状态与调用者现在可以触发的批次事件。\nOne round, with its state and the round events the caller may fire now.',
        params: IdParams,
        response: { 200: json(ref(RoundSchema), '批次 / The round', ROUND_EXAMPLES, { ETag: ETAG }), ...problems('not-found') },
      },
    },
    async (request, reply) => {
      const round = rounds.get(principalOf(request), request.params.id);
      return reply.header('ETag', etagOf(round.version)).send(round);
    },
  );

  app.patch(
    '/rounds/:id',
    {
      config: { roles: ['admin', 'org_dept'] },
      schema: {
        operationId: 'amendRound',
        tags: ['rounds'],
        summary: '修改批次设置 / Amend a round’s settings',
        description: [
          '修改批次设置，记一条 AMEND_ROUND 日志（各设置的原值与新值及原因），批次版本加一。',
          '批次开始前（仍为开放申报且没有项目离开过草稿）可修改全部设置，原因可选；开始后只能修改日期（申报截止、修改截止、结项验收、验收开放），且须说明原因，',
          '否则 422（`round_opened` 列出不能修改的字段，或 `reason_required`）。规则同新建批次；If-Match 使修改有条件（412）。',
          '',
          'Amends the round’s settings, logged as AMEND_ROUND with each changed setting’s from and to and the reason; the round’s version goes one up.',
          'Until the round has opened (it is still open and none of its projects ever left draft) every setting may change, the reason optional; afterwards only',
          'its dates (submissionDeadline, revisionDeadline, finalAcceptanceDate, acceptanceOpensOn), with a reason: 422 `round_opened` (naming the fields that may not',
          'change in `fields`) or `reason_required` otherwise. The rules of creation hold (422, 409 `document_number_taken`); an extension granted must',
          'still end before the revision deadline and the final acceptance date (422 `extension_conflict`). If-Match (the round’s ETag) makes it conditional (412).',
          'A request that changes nothing writes nothing.',
        ].join('\n'),
        params: IdParams,
        headers: Type.Object({
          'if-match': Type.Optional(Type.String({ description: '批次的 ETag，如 "3" / The round’s ETag, e.g. "3"', examples: ['"1"'] })),
        }),
        body: AmendRoundBody,
        response: {
          200: json(ref(RoundSchema), '修改后的批次 / The round after the amendment', ROUND_EXAMPLES, { ETag: ETAG }),
          ...problems('not-found', 'conflict', 'precondition-failed', 'unprocessable'),
        },
      },
    },
    async (request, reply) => {
      const round = await rounds.amend({ actor: principalOf(request), requestId: request.id }, request.params.id, request.body, parseIfMatch(request.headers['if-match']));
      return reply.header('ETag', etagOf(round.version)).send(round);
    },
  );

  app.post(
    '/rounds/:id/events',
    {
      // Every role of the institution may reach a round event (round@2: anyone may lodge an objection); the machine answers who may fire which.
      config: { roles: ['org_dept', 'committee', 'applicant', 'reviewer', 'auditor'], subject: { kind: 'round', param: 'id' }, eventField: 'type' },
      schema: {
        operationId: 'fireRoundEvent',
        tags: ['rounds'],
        summary: '触发批次事件 / Fire a round event',
        description: [
          '批次的生命周期（round@1）：开放申报 → 申报截止 → 评审中 → 党委已研究决定 → 立项名单已公布、实施中 → 结项验收 → 已结束。',
          '`CLOSE_SUBMISSIONS`（组织部，申报截止日过后）、`START_REVIEW`（组织部，已申报项目均已初审）、`CONCLUDE_DECISIONS`（党委，所有项目已决定）、',
          '`PUBLISH_LIST`（组织部，带党委文件字号与日期；**在同一事务中为每个党委批准的项目触发 START**，每个启动各有一条日志）、',
          '`OPEN_ACCEPTANCE`（组织部）、`CLOSE_ROUND`（组织部，所有项目已结项或已决定）。每个事件写一条批次日志（machine.id 为 round），',
          '与项目日志在同一条哈希链中。非法事件 409、条件不满足 422、角色不符 403，均不写入任何内容。',
          'round@2（第二版规则）中，党委研究决定完毕后进入公示（in_publicity）：`CONCLUDE_DECISIONS` 按批次的公示期（工作日）与工作日历记下公示的开始与结束；',
          '公示期内本单位任何人员可 `LODGE_OBJECTION`（写明理由，可针对党委研究决定的某个项目），组织部 `HANDLE_OBJECTION` 记录处理；',
          '`PUBLISH_LIST` 须公示期已结束（422 `publicity_not_over`）、异议均已处理（422 `objections_open`）并附已上传到批次的签章名单文件 `document`',
          '（422 `document_required`、`unknown_document`），其 SHA-256 记入日志。各角色均可调用本接口，由状态机决定谁可触发哪个事件（403）。',
          '',
          'The round’s lifecycle: open → submissions_closed → under_review → decided → in_execution (approved list published) → under_acceptance → closed.',
          '`CLOSE_SUBMISSIONS` (org_dept, after the submission deadline), `START_REVIEW` (org_dept, every submission preliminarily checked),',
          '`CONCLUDE_DECISIONS` (committee, every project decided), `PUBLISH_LIST` (org_dept, with the committee document’s number and date;',
          '**fires START for every committee-approved project of the round in the same transaction**, each start its own log entry),',
          '`OPEN_ACCEPTANCE` (org_dept), `CLOSE_ROUND` (org_dept, every project concluded). Each event writes one log entry with machine id `round`,',
          'in the same hash chain as the projects’ entries. An illegal event answers 409, a failed condition 422, a wrong role 403; none writes anything.',
          'Under round@2 (the second edition of the rules) the committee’s conclusion opens the publicity period (in_publicity): `CONCLUDE_DECISIONS` records its',
          'start and its end from the round’s publicityWorkingDays and the working-day calendar; during it anyone of the institution may `LODGE_OBJECTION` (with a',
          'reason, optionally about a project the committee decided on) and org_dept records each one’s handling with `HANDLE_OBJECTION`; `PUBLISH_LIST` needs the',
          'period over (422 `publicity_not_over`), every objection handled (422 `objections_open`) and the signed list document uploaded to the round as `document`',
          '(422 `document_required`, `unknown_document`), whose SHA-256 goes into the log. Every role may call this route; the machine decides who fires which event (403).',
          'If-Match (the round’s ETag) makes the event conditional (412 when the round moved); an Idempotency-Key makes a retry safe:',
          'the same key and body replay the first answer (`Idempotent-Replayed: true`), the same key with another body is refused (422).',
        ].join('\n'),
        params: IdParams,
        headers: Type.Object({
          'if-match': Type.Optional(Type.String({ description: '批次的 ETag，如 "3" / The round’s ETag, e.g. "3"', examples: ['"1"'] })),
          'idempotency-key': Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              description: '每个意图中的事件唯一；重复时重放首次应答 / Unique per intended event; repeats replay the first answer',
              examples: ['publish-2023-list'],
            }),
          ),
        }),
        body: RoundEventBody,
        response: {
          200: json(
            ref(RoundEventResultSchema),
            '事件之后的批次、批次日志条目及启动的项目 / The round after the event, its log entry and the projects started',
            {
              closed: {
                summary: '截止申报之后 / After CLOSE_SUBMISSIONS',
                value: {
                  round: { ...ROUND_EXAMPLE, state: 'submissions_closed', stateLabel: { zh: '申报截止（初审中）', en: 'Submissions closed (preliminary checks)' }, version: 2 },
                  transition: {
                    seq: 12,
                    subject: { kind: 'round', id: ROUND_EXAMPLE.id },
                    event: 'CLOSE_SUBMISSIONS',
                    eventLabel: ROUND_EVENT_LABELS.CLOSE_SUBMISSIONS,
                    fromState: 'open',
                    toState: 'submissions_closed',
                    payload: {},
                    actor: { id: '0189a0b8-0000-7000-8000-00000000000d', name: '组织部李老师', role: 'org_dept', unitId: null },
                    at: '2023-03-30T01:00:00.000Z',
                    requestId: 'req-1',
                    machine: { id: 'round', version: 1 },
                    prevHash: '0'.repeat(64),
                    hash: 'a'.repeat(64),
                  },
                  started: [],
                  graded: [],
                },
              },
            },
            { ETag: ETAG, 'Idempotent-Replayed': REPLAYED },
          ),
          ...problems('forbidden', 'not-found', 'illegal-transition', 'precondition-failed', 'guard-failed', 'idempotency-key-reused'),
        },
      },
    },
    async (request, reply) => {
      const answer = await rounds.fire(principalOf(request), request.params.id, request.body, {
        expectedVersion: parseIfMatch(request.headers['if-match']),
        requestId: request.id,
        idempotencyKey: request.headers['idempotency-key'] ?? null,
      });
      if (answer.replayed) reply.header('Idempotent-Replayed', 'true');
      reply.header('ETag', etagOf(answer.version));
      return sendStoredJson(reply, answer.body);
    },
  );

  app.get(
    '/rounds/:id/transitions',
    {
      schema: {
        operationId: 'listRoundTransitions',
        tags: ['rounds'],
        summary: '批次流转记录 / The round’s transition history',
        description: '批次自身的日志条目（machine.id 为 round），按序号分页。\nThe round’s own log entries (machine id `round`), in sequence order, a page at a time.',
        params: IdParams,
        querystring: PageQuerySchema,
        response: {
          200: json(
            page(ref(TransitionSchema), '一页流转记录 / A page of entries'),
            '流转记录 / The entries',
            pageExamples<TransitionView>({
              published: {
                summary: '公布立项名单 / The list published',
                value: [
                  {
                    seq: 40,
                    subject: { kind: 'round', id: ROUND_EXAMPLE.id },
                    event: 'PUBLISH_LIST',
                    eventLabel: ROUND_EVENT_LABELS.PUBLISH_LIST,
                    fromState: 'decided',
                    toState: 'in_execution',
                    payload: { documentNumber: '党委〔2023〕12号', publishedOn: '2023-05-10' },
                    actor: { id: '0189a0b8-0000-7000-8000-00000000000d', name: '组织部李老师', role: 'org_dept', unitId: null },
                    at: '2023-05-10T02:00:00.000Z',
                    requestId: 'req-2',
                    machine: { id: 'round', version: 1 },
                    prevHash: 'b'.repeat(64),
                    hash: 'c'.repeat(64),
                  },
                ],
              },
            }),
          ),
          ...problems(400, 'not-found'),
        },
      },
    },
    async (request) => rounds.transitions(principalOf(request), request.params.id, request.query),
  );
}
