import { Type } from 'typebox';
import type { ProjectCommand } from '../../machines/project.types.js';
import { principalOf } from '../plugins/auth.js';
import { etagOf, parseIfMatch } from '../http/etag.js';
import { IdParams, page, problems, ref } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import {
  AssignReviewerBody,
  AssignmentSchema,
  CreateProjectBody,
  EventBody,
  EventResultSchema,
  ListProjectsQuery,
  PatchProjectBody,
  ProjectSchema,
  TransitionSchema,
} from './projects.schemas.js';
import type { ProjectsService } from './projects.service.js';

const READERS = ['applicant', 'org_dept', 'reviewer', 'committee', 'auditor'] as const;

const IfMatchHeader = Type.Optional(Type.String({ maxLength: 100, description: 'The ETag of the version the change is based on, e.g. "3"' }));
const EtagHeader = { ETag: { type: 'string', description: 'The project version, e.g. "3"' } };

export async function projectsRoutes(app: App, { projects }: { projects: ProjectsService }) {
  app.post(
    '/projects',
    {
      config: { roles: ['applicant'] },
      schema: {
        operationId: 'createProject',
        tags: ['projects'],
        summary: '新建项目草稿 / Create a draft for the caller’s unit',
        body: CreateProjectBody,
        response: { 201: ref(ProjectSchema), ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const project = projects.create(principalOf(request), request.body);
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
        description: 'Applicants see their unit and the units below it; reviewers their assigned projects; org_dept, committee and auditors all.',
        querystring: ListProjectsQuery,
        response: { 200: page(ref(ProjectSchema), 'A page of projects in creation order'), ...problems(400, 401, 403) },
      },
    },
    async (request) => projects.list(principalOf(request), request.query),
  );

  app.get(
    '/projects/:id',
    {
      config: { roles: READERS },
      schema: {
        operationId: 'getProject',
        tags: ['projects'],
        summary: '项目详情 / Get a project with the events the caller may fire now',
        params: IdParams,
        response: { 200: { ...ref(ProjectSchema), headers: EtagHeader }, ...problems(401, 403, 404) },
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
      config: { roles: ['applicant'] },
      schema: {
        operationId: 'updateProject',
        tags: ['projects'],
        summary: '修改草稿 / Edit a draft (If-Match required)',
        params: IdParams,
        headers: Type.Object({ 'if-match': IfMatchHeader }),
        body: PatchProjectBody,
        response: { 200: { ...ref(ProjectSchema), headers: EtagHeader }, ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422, 428) },
      },
    },
    async (request, reply) => {
      const project = projects.patch(principalOf(request), request.params.id, parseIfMatch(request.headers['if-match']), request.body);
      return reply.header('ETag', etagOf(project.version)).send(project);
    },
  );

  app.post(
    '/projects/:id/events',
    {
      config: { roles: READERS },
      schema: {
        operationId: 'fireProjectEvent',
        tags: ['projects'],
        summary: '触发事件 / Fire a lifecycle event',
        description: [
          'The body is the event: `{ "type": "SUBMIT" }`, `{ "type": "REJECT", "reason": "..." }`, ... (see the oneOf).',
          '409: the current state does not accept the event (the body lists `allowedEvents`); 403: the caller may not fire it;',
          '422: a condition failed (`violation.code` names it). With `Idempotency-Key`, a repeated request replays the first answer.',
        ].join(' '),
        params: IdParams,
        headers: Type.Object({
          'if-match': IfMatchHeader,
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Unique per intended event; repeats replay the first answer' })),
        }),
        body: EventBody,
        response: { 200: { ...ref(EventResultSchema), headers: EtagHeader }, ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const result = projects.fireEvent(principalOf(request), request.params.id, request.body as ProjectCommand, {
        expectedVersion: parseIfMatch(request.headers['if-match']),
        idempotencyKey: request.headers['idempotency-key'] ?? null,
        requestId: request.id,
      });
      if (result.replayed) reply.header('Idempotent-Replayed', 'true');
      if (result.version !== null) reply.header('ETag', etagOf(result.version));
      // The stored JSON text is sent as is, so a replay answers byte for byte what the first call did.
      return reply.code(result.statusCode as 200).type('application/json; charset=utf-8').send(result.body as never);
    },
  );

  app.get(
    '/projects/:id/transitions',
    {
      config: { roles: READERS },
      schema: {
        operationId: 'listProjectTransitions',
        tags: ['projects', 'audit'],
        summary: '项目流转记录 / The project’s transition history',
        params: IdParams,
        response: { 200: Type.Array(ref(TransitionSchema)), ...problems(401, 403, 404) },
      },
    },
    async (request) => projects.transitions(principalOf(request), request.params.id),
  );

  app.post(
    '/projects/:id/reviewers',
    {
      config: { roles: ['org_dept'] },
      schema: {
        operationId: 'assignReviewer',
        tags: ['projects'],
        summary: '分配评审人 / Assign a reviewer',
        description: 'Refuses a reviewer of the project’s unit or of a unit above or below it (422, code conflict_of_interest).',
        params: IdParams,
        body: AssignReviewerBody,
        response: { 201: Type.Array(ref(AssignmentSchema)), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(projects.assignReviewer(principalOf(request), request.params.id, request.body.reviewerId)),
  );

  app.get(
    '/projects/:id/reviewers',
    {
      config: { roles: ['org_dept', 'committee', 'auditor'] },
      schema: {
        operationId: 'listReviewers',
        tags: ['projects'],
        summary: '评审分配 / The project’s reviewers',
        params: IdParams,
        response: { 200: Type.Array(ref(AssignmentSchema)), ...problems(401, 403, 404) },
      },
    },
    async (request) => projects.listReviewers(principalOf(request), request.params.id),
  );
}
