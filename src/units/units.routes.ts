import { Type } from 'typebox';
import type { App } from '../http/type-provider.js';
import { problems, ref } from '../http/schemas.js';
import { CreateUnitBody, UnitSchema } from './units.schemas.js';
import type { UnitsService } from './units.service.js';

export async function unitsRoutes(app: App, { units }: { units: UnitsService }) {
  app.post(
    '/units',
    {
      config: { roles: ['admin'] },
      schema: {
        operationId: 'createUnit',
        tags: ['admin'],
        summary: '新建党组织 / Create a unit',
        body: CreateUnitBody,
        response: { 201: ref(UnitSchema), ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(units.create(request.body)),
  );

  app.get(
    '/units',
    {
      schema: {
        operationId: 'listUnits',
        tags: ['admin'],
        summary: '党组织列表 / List units',
        response: { 200: Type.Array(ref(UnitSchema)), ...problems(401) },
      },
    },
    async () => units.list(),
  );
}
