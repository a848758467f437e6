import { Type } from 'typebox';
import type { App } from '../http/type-provider.js';
import { problems, ref } from '../http/schemas.js';
import { CreateUserBody, CreatedUserSchema, UserSchema } from './users.schemas.js';
import type { UsersService } from './users.service.js';

export async function usersRoutes(app: App, { users }: { users: UsersService }) {
  app.post(
    '/users',
    {
      config: { roles: ['admin'] },
      schema: {
        operationId: 'createUser',
        tags: ['admin'],
        summary: '新建用户并签发令牌 / Create a user and issue its token',
        description: 'The token is in this answer only; the service keeps its SHA-256 hash.',
        body: CreateUserBody,
        response: { 201: CreatedUserSchema, ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(users.create(request.body)),
  );

  app.get(
    '/users',
    {
      config: { roles: ['admin'] },
      schema: {
        operationId: 'listUsers',
        tags: ['admin'],
        summary: '用户列表 / List users',
        response: { 200: Type.Array(ref(UserSchema)), ...problems(401, 403) },
      },
    },
    async () => users.list(),
  );
}
