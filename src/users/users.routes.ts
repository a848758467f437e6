import type { App } from '../http/type-provider.js';
import { IdParams, json, page, pageExamples, problems, ref } from '../http/schemas.js';
import { principalOf } from '../plugins/auth.js';
import {
  AmendUserBody,
  CREATED_USER_EXAMPLE,
  CreateUserBody,
  CreatedUserSchema,
  DEACTIVATED_USER_EXAMPLE,
  DeactivatedUserSchema,
  ReasonBody,
  USER_EXAMPLE,
  USER_EXAMPLES,
  UserSchema,
  UsersQuerySchema,
} from './users.schemas.js';
import type { UsersService } from './users.service.js';
import { idempotentCreateWithheld } from '../workflow/idempotent-create.js';

/** Who may read the directory of users. */
const DIRECTORY_READERS = ['admin', 'org_dept', 'committee', 'auditor'] as const;

const NEW_TOKEN_EXAMPLES = { token: { summary: '新令牌，仅此一次 / The new token, shown once', value: CREATED_USER_EXAMPLE } };

export async function usersRoutes(app: App, { users }: { users: UsersService }) {
  app.post(
    '/users',
    idempotentCreateWithheld({
      config: { roles: ['admin'] },
      schema: {
        operationId: 'createUser',
        tags: ['admin'],
        summary: '新建用户并签发令牌 / Create a user and issue its token',
        description:
          '令牌只在此应答中出现一次，服务只保存其 SHA-256 哈希。申报人与评审人须属于一个启用的党组织。\n' +
          'The token is in this answer only; the service keeps its SHA-256 hash. Applicants and reviewers need an active unit (422 otherwise).',
        body: CreateUserBody,
        response: {
          201: json(CreatedUserSchema, '新用户及其令牌 / The new user and its token', { applicant: { summary: '申报人 / An applicant', value: CREATED_USER_EXAMPLE } }),
          ...problems('unprocessable'),
        },
      },
    }),
    async (request, reply) => reply.code(201).send(await users.create({ actor: principalOf(request), requestId: request.id }, request.body)),
  );

  app.get(
    '/users',
    {
      config: { roles: DIRECTORY_READERS },
      schema: {
        operationId: 'listUsers',
        tags: ['admin'],
        summary: '用户名录 / The directory of users',
        description:
          '用户（从不含令牌或其哈希）及其党组织名称，按创建顺序分页；可按角色、党组织、是否启用筛选。\n' +
          'The users (never a token nor its hash) with their unit’s name, in creation order, a page at a time; filter by role, unitId, active.',
        querystring: UsersQuerySchema,
        response: { 200: json(page(ref(UserSchema), '一页用户 / A page of users'), '用户 / The users', pageExamples(USER_EXAMPLES)), ...problems(400) },
      },
    },
    async (request) => users.list(request.query),
  );

  app.get(
    '/users/me',
    {
      schema: {
        operationId: 'getCurrentUser',
        tags: ['admin'],
        summary: '当前用户 / The caller',
        description: '调用者本人：姓名、角色、党组织。\nThe caller itself: its name, role and unit.',
        response: { 200: json(ref(UserSchema), '当前用户 / The caller', { me: { summary: '申报人 / An applicant', value: USER_EXAMPLE } }) },
      },
    },
    async (request) => users.get(principalOf(request).id),
  );

  app.post(
    '/users/me/token',
    {
      schema: {
        operationId: 'rotateOwnToken',
        tags: ['admin'],
        summary: '更换自己的令牌 / Rotate the caller’s token',
        description:
          '签发新令牌（只在此应答中出现一次），旧令牌立即失效；日志记 ROTATE_TOKEN 及新令牌的指纹。\n' +
          'Issues a new token, shown in this answer only; the old one is refused from the next request on. Logged as ROTATE_TOKEN with the new token’s fingerprint.',
        response: { 201: json(CreatedUserSchema, '新令牌 / The new token', NEW_TOKEN_EXAMPLES) },
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      return reply.code(201).send(await users.rotateToken({ actor, requestId: request.id }, actor.id));
    },
  );

  app.get(
    '/users/:id',
    {
      config: { roles: DIRECTORY_READERS },
      schema: {
        operationId: 'getUser',
        tags: ['admin'],
        summary: '用户详情 / Get a user',
        description: '一个用户（不含令牌）及其党组织名称。\nOne user (never its token) with its unit’s name.',
        params: IdParams,
        response: { 200: json(ref(UserSchema), '用户 / The user', { applicant: { summary: '申报人 / An applicant', value: USER_EXAMPLE } }), ...problems('not-found') },
      },
    },
    async (request) => users.get(request.params.id),
  );

  app.patch(
    '/users/:id',
    {
      config: { roles: ['admin'], subject: { kind: 'user', param: 'id' } },
      schema: {
        operationId: 'amendUser',
        tags: ['admin'],
        summary: '修改用户 / Amend a user',
        description:
          '更正姓名或调整所属党组织（须存在且启用；申报人与评审人不能没有单位），可附理由；日志记 AMEND_USER 及每项的原值与新值。角色不可修改（422），新角色请新建用户。\n' +
          'Corrects the name or moves the user to another unit (existing and active; applicants and reviewers keep one), with an optional reason; logged as AMEND_USER ' +
          'with each field’s from and to. The role cannot change (422): a new role is a new user. Nothing changed: the user as it is, nothing logged.',
        params: IdParams,
        body: AmendUserBody,
        response: {
          200: json(ref(UserSchema), '修改后的用户 / The amended user', { applicant: { summary: '申报人 / An applicant', value: USER_EXAMPLE } }),
          ...problems('not-found', 'unprocessable'),
        },
      },
    },
    async (request) => users.amend({ actor: principalOf(request), requestId: request.id }, request.params.id, request.body),
  );

  app.post(
    '/users/:id/deactivate',
    {
      config: { roles: ['admin'], subject: { kind: 'user', param: 'id' } },
      schema: {
        operationId: 'deactivateUser',
        tags: ['admin'],
        summary: '停用用户 / Deactivate a user',
        description:
          '停用后其令牌立即失效（401）；日志记 DEACTIVATE_USER 及理由。应答列出其尚未评分的评审分配，以便更换评审人。管理员不能停用自己，也不能停用最后一位启用的管理员（422）；已停用时 409。\n' +
          'The user’s token is refused from the next request on (401); logged as DEACTIVATE_USER with the reason. The answer lists the user’s assignments still ' +
          'waiting for a review, to replace the reviewer on each. An admin cannot deactivate themself nor the last active admin (422); 409 when already inactive.',
        params: IdParams,
        body: ReasonBody,
        response: {
          200: json(DeactivatedUserSchema, '已停用的用户 / The deactivated user', {
            reviewer: { summary: '有待更换分配的评审人 / A reviewer with an open assignment', value: DEACTIVATED_USER_EXAMPLE },
          }),
          ...problems('not-found', 'conflict', 'unprocessable'),
        },
      },
    },
    async (request) => users.deactivate({ actor: principalOf(request), requestId: request.id }, request.params.id, request.body.reason),
  );

  app.post(
    '/users/:id/reactivate',
    {
      config: { roles: ['admin'], subject: { kind: 'user', param: 'id' } },
      schema: {
        operationId: 'reactivateUser',
        tags: ['admin'],
        summary: '恢复用户 / Reactivate a user',
        description:
          '恢复已停用的用户，其令牌重新有效；日志记 REACTIVATE_USER 及理由。未停用时 409；所属党组织已停用时 422。\n' +
          'Its token is accepted again; logged as REACTIVATE_USER with the reason. 409 when the user is active; 422 while its unit is inactive.',
        params: IdParams,
        body: ReasonBody,
        response: {
          200: json(ref(UserSchema), '恢复的用户 / The reactivated user', { applicant: { summary: '申报人 / An applicant', value: USER_EXAMPLE } }),
          ...problems('not-found', 'conflict', 'unprocessable'),
        },
      },
    },
    async (request) => users.reactivate({ actor: principalOf(request), requestId: request.id }, request.params.id, request.body.reason),
  );

  app.post(
    '/users/:id/token',
    {
      config: { roles: ['admin'], subject: { kind: 'user', param: 'id' } },
      schema: {
        operationId: 'reissueUserToken',
        tags: ['admin'],
        summary: '重发用户令牌 / Reissue a user’s token',
        description:
          '管理员为用户签发新令牌（如令牌泄露），只在此应答中出现一次，旧令牌立即失效；日志记 REISSUE_TOKEN、新令牌的指纹及理由。\n' +
          'An admin issues the user a new token (a leaked one, a lost one), shown in this answer only; the old one is refused from the next request on. ' +
          'Logged as REISSUE_TOKEN with the new token’s fingerprint and the reason.',
        params: IdParams,
        body: ReasonBody,
        response: { 201: json(CreatedUserSchema, '新令牌 / The new token', NEW_TOKEN_EXAMPLES), ...problems('not-found') },
      },
    },
    async (request, reply) => reply.code(201).send(await users.rotateToken({ actor: principalOf(request), requestId: request.id }, request.params.id, request.body.reason)),
  );
}
