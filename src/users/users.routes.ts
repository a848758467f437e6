import type { App } from '../http/type-provider.js';
import { json, page, pageExamples, PageQuerySchema, problems, ref } from '../http/schemas.js';
import { principalOf } from '../plugins/auth.js';
import { CREATED_USER_EXAMPLE, CreateUserBody, CreatedUserSchema, USER_EXAMPLES, UserSchema } from './users.schemas.js';
import type { UsersService } from './users.service.js';
import { idempotentCreateWithheld } from '../workflow/idempotent-create.js';

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
          '令牌只在此应答中出现一次，服务只保存其 SHA-256 哈希。申报人与评审人须属于一个党组织。\n' +
          'The token is in this answer only; the service keeps its SHA-256 hash. Applicants and reviewers need a unit (422 otherwise).',
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
      config: { roles: ['admin'] },
      schema: {
        operationId: 'listUsers',
        tags: ['admin'],
        summary: '用户列表 / List users',
        description: '用户（不含令牌），按创建顺序分页。\nThe users, without tokens, in creation order, a page at a time.',
        querystring: PageQuerySchema,
        response: { 200: json(page(ref(UserSchema), '一页用户 / A page of users'), '用户 / The users', pageExamples(USER_EXAMPLES)), ...problems(400) },
      },
    },
    async (request) => users.list(request.query),
  );
}
