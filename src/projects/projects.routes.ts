import { Type } from 'typebox';
import { principalOf } from '../plugins/auth.js';
import { etagOf, parseIfMatch } from '../http/etag.js';
import { sendStoredJson } from '../http/stored-reply.js';
import { IdParams, json, page, pageExamples, PageQuerySchema, problems, ref, REPLAYED_HEADER } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import {
  ASSIGNMENT_EXAMPLE,
  AssignReviewerBody,
  AssignmentSchema,
  CreateProjectBody,
  DRAFT_EXAMPLE,
  EVENT_RESULT_EXAMPLE,
  EventBody,
  EventResultSchema,
  GRADED_EXAMPLE,
  ListProjectsQuery,
  PatchProjectBody,
  ProjectSchema,
  SUBMITTED_EXAMPLE,
  TRANSITION_EXAMPLE,
  TransitionSchema,
} from './projects.schemas.js';
import type { ProjectsService } from './projects.service.js';
import { letterRevisionsRoutes } from './letter-revisions.routes.js';
import { idempotentCreate } from '../workflow/idempotent-create.js';

const READERS = ['applicant', 'org_dept', 'reviewer', 'committee', 'auditor'] as const;

const IfMatchHeader = Type.Optional(
  Type.String({ maxLength: 100, description: '变更所基于的版本的 ETag，如 "3" / The ETag of the version the change is based on, e.g. "3"', examples: ['"2"'] }),
);
const ETAG = { type: 'string', description: '项目版本，修改时作 If-Match 使用，如 "3" / The project version, for If-Match, e.g. "3"' } as const;
const LOCATION = { type: 'string', description: '新项目的地址 / Where the new project is' } as const;
const REPLAYED = REPLAYED_HEADER;

export async function projectsRoutes(app: App, { projects }: { projects: ProjectsService }) {
  app.post(
    '/projects',
    idempotentCreate({
      config: { roles: ['applicant'] },
      schema: {
        operationId: 'createProject',
        tags: ['projects'],
        summary: '新建项目草稿 / Create a draft for the caller’s unit',
        description:
          '为调用者所在党组织新建草稿；责任书可以先不完整，提交（SUBMIT）时须完整。\n' +
          'Creates a draft for the caller’s unit. The letter may be incomplete until SUBMIT. ' +
          '422 when the round does not exist or the direction is not one of the category.',
        body: CreateProjectBody,
        response: {
          201: json(ref(ProjectSchema), '新草稿 / The new draft', { draft: { summary: '新草稿 / A new draft', value: DRAFT_EXAMPLE } }, { ETag: ETAG, Location: LOCATION }),
          ...problems('forbidden', 'unprocessable'),
        },
      },
    }),
    async (request, reply) => {
      const project = await projects.create(principalOf(request), request.body, request.id);
      return reply.code(201).header('ETag', etagOf(project.version)).header('Location', `/api/v1/projects/${project.id}`).send(project);
    },
  );

  app.get(
    '/projects',
    {
      config: { roles: READERS },
      schema: {
        operationId: 'listProjects',
        tags: ['projects'],
        summary: '项目列表 / List the projects the caller may see',
        description:
          '申报人看到本单位及下级单位的项目，评审人看到分配给自己的项目，组织部、党委与审计人员看到全部。按创建顺序分页。\n' +
          'Applicants see their unit and the units below it; reviewers their assigned projects; org_dept, committee and auditors all. ' +
          'Pages in creation order: pass `nextCursor` as `cursor`.',
        querystring: ListProjectsQuery,
        response: {
          200: json(page(ref(ProjectSchema), '按创建顺序的一页项目 / A page of projects in creation order'), '一页项目 / A page of projects', {
            page: { summary: '末页 / The last page', value: { items: [SUBMITTED_EXAMPLE, GRADED_EXAMPLE], nextCursor: null } },
          }),
        },
      },
    },
    async (request) => projects.list(principalOf(request), request.query),
  );

  app.get(
    '/projects/:id',
    {
      config: { roles: READERS, subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'getProject',
        tags: ['projects'],
        summary: '项目详情 / Get a project with the events the caller may fire now',
        description:
          '项目及调用者此刻可以触发的事件（allowedEvents）。看不到的项目与不存在的项目一样答 404。\n' +
          'The project and the events the caller may fire now (`allowedEvents`). A project the caller may not see is a 404, like an unknown one.',
        params: IdParams,
        response: {
          200: json(ref(ProjectSchema), '项目 / The project', { submitted: { summary: '已申报的项目 / A submitted project', value: SUBMITTED_EXAMPLE } }, { ETag: ETAG }),
          ...problems('not-found'),
        },
      },
    },
    async (request, reply) => {
      const project = projects.get(principalOf(request), request.params.id);
      return reply.header('ETag', etagOf(project.version)).send(project);
    },
  );

  app.patch(
    '/projects/:id',
    {
      config: { roles: ['applicant'], subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'updateProject',
        tags: ['projects'],
        summary: '修改草稿 / Edit a draft (If-Match required)',
        description:
          '只有本单位的草稿可以修改，且须带 If-Match（428 缺失，412 过期）；非草稿答 409。\n' +
          'Only the unit’s drafts can be edited, with If-Match (428 when missing, 412 when stale); a project past draft answers 409.',
        params: IdParams,
        headers: Type.Object({ 'if-match': IfMatchHeader }),
        body: PatchProjectBody,
        response: {
          200: json(
            ref(ProjectSchema),
            '修改后的草稿 / The edited draft',
            { edited: { summary: '修改后的草稿 / The edited draft', value: { ...DRAFT_EXAMPLE, version: 2 } } },
            { ETag: ETAG },
          ),
          ...problems('forbidden', 'not-found', 'conflict', 'precondition-failed', 'unprocessable', 'precondition-required'),
        },
      },
    },
    async (request, reply) => {
      const project = await projects.patch(principalOf(request), request.params.id, parseIfMatch(request.headers['if-match']), request.body, request.id);
      return reply.header('ETag', etagOf(project.version)).send(project);
    },
  );

  app.post(
    '/projects/:id/events',
    {
      config: { roles: READERS, subject: { kind: 'project', param: 'id' }, eventField: 'type' },
      schema: {
        operationId: 'fireProjectEvent',
        tags: ['projects'],
        summary: '触发事件 / Fire a lifecycle event',
        description: [
          '请求体就是事件：`{ "type": "SUBMIT" }`、`{ "type": "REJECT", "reason": "..." }` 等（见 oneOf 与示例）。',
          '403：调用者不能触发此事件；409：当前状态不接受此事件（应答列出 `allowedEvents`）；422：条件不满足（`violation.code` 指明）。',
          '带 `Idempotency-Key` 时，重复请求重放首次应答。',
          '',
          'The body is the event: `{ "type": "SUBMIT" }`, `{ "type": "REJECT", "reason": "..." }`, ... (see the oneOf and the examples).',
          '403: the caller may not fire it; 409: the current state does not accept the event (the body lists `allowedEvents`);',
          '422: a condition failed (`violation.code` names it). With `Idempotency-Key`, a repeated request replays the first answer.',
        ].join('\n'),
        params: IdParams,
        headers: Type.Object({
          'if-match': IfMatchHeader,
          'idempotency-key': Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              description: '每个意图中的事件唯一；重复时重放首次应答 / Unique per intended event; repeats replay the first answer',
              examples: ['submit-2023-001'],
            }),
          ),
        }),
        body: EventBody,
        response: {
          200: json(
            ref(EventResultSchema),
            '事件之后的项目与新的日志条目 / The project after the event and the new log entry',
            { submitted: { summary: 'SUBMIT 之后 / After SUBMIT', value: EVENT_RESULT_EXAMPLE } },
            { ETag: ETAG, 'Idempotent-Replayed': REPLAYED },
          ),
          ...problems('forbidden', 'not-found', 'illegal-transition', 'round-gate-closed', 'precondition-failed', 'guard-failed', 'idempotency-key-reused'),
        },
      },
    },
    async (request, reply) => {
      const result = await projects.fireEvent(principalOf(request), request.params.id, request.body, {
        expectedVersion: parseIfMatch(request.headers['if-match']),
        idempotencyKey: request.headers['idempotency-key'] ?? null,
        requestId: request.id,
      });
      if (result.replayed) reply.header('Idempotent-Replayed', 'true');
      reply.header('ETag', etagOf(result.version));
      return sendStoredJson(reply, result.body);
    },
  );

  app.get(
    '/projects/:id/transitions',
    {
      config: { roles: READERS, subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'listProjectTransitions',
        tags: ['projects'],
        summary: '项目流转记录 / The project’s transition history',
        description:
          '项目的流转日志条目，按序号分页。申报人看不到评审人与分数。\n' +
          'The project’s log entries, in sequence order, a page at a time. Applicants, and reviewers for others’ reviews, see reviews redacted.',
        params: IdParams,
        querystring: PageQuerySchema,
        response: {
          200: json(
            page(ref(TransitionSchema), '一页流转记录 / A page of entries'),
            '流转记录 / The entries',
            pageExamples({ submitted: { summary: '提交之后 / After SUBMIT', value: [TRANSITION_EXAMPLE] } }),
          ),
          ...problems(400, 'not-found'),
        },
      },
    },
    async (request) => projects.transitions(principalOf(request), request.params.id, request.query),
  );

  app.post(
    '/projects/:id/reviewers',
    idempotentCreate({
      config: { roles: ['org_dept'], subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'assignReviewer',
        tags: ['projects'],
        summary: '分配评审人 / Assign a reviewer',
        description:
          '在已申报或初审通过的项目上分配评审人；评审人不得来自项目所在单位或其上下级单位（422，code conflict_of_interest），重复分配答 409。\n' +
          'Assigns a reviewer while the project is submitted or preliminarily checked. Refuses a reviewer of the project’s unit or of a unit above or below it ' +
          '(422, code conflict_of_interest), a user who is not an active reviewer (422, not_a_reviewer) and a second assignment (409).',
        params: IdParams,
        body: AssignReviewerBody,
        response: {
          201: json(Type.Array(ref(AssignmentSchema)), '项目的全部评审分配 / Every assignment of the project', {
            assigned: { summary: '一名评审人 / One reviewer', value: [ASSIGNMENT_EXAMPLE] },
          }),
          ...problems('not-found', 'conflict', 'unprocessable'),
        },
      },
    }),
    async (request, reply) => reply.code(201).send(await projects.assignReviewer(principalOf(request), request.params.id, request.body.reviewerId, request.id)),
  );

  app.get(
    '/projects/:id/reviewers',
    {
      config: { roles: ['org_dept', 'committee', 'auditor'], subject: { kind: 'project', param: 'id' } },
      schema: {
        operationId: 'listReviewers',
        tags: ['projects'],
        summary: '评审分配 / The project’s reviewers',
        description: '项目的评审分配及是否已评分，按分配顺序分页。\nThe project’s reviewer assignments and whether each has scored, in assignment order, a page at a time.',
        params: IdParams,
        querystring: PageQuerySchema,
        response: {
          200: json(
            page(ref(AssignmentSchema), '一页评审分配 / A page of assignments'),
            '评审分配 / The assignments',
            pageExamples({ assigned: { summary: '一名评审人 / One reviewer', value: [{ ...ASSIGNMENT_EXAMPLE, reviewed: true }] } }),
          ),
          ...problems(400, 'not-found'),
        },
      },
    },
    async (request) => projects.listReviewers(principalOf(request), request.params.id, request.query),
  );

  letterRevisionsRoutes(app, { projects });
}
