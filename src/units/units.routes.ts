import type { App } from '../http/type-provider.js';
import { json, page, pageExamples, PageQuerySchema, problems, ref } from '../http/schemas.js';
import { principalOf } from '../plugins/auth.js';
import { CreateUnitBody, UNIT_EXAMPLE, UNIT_EXAMPLES, UnitSchema } from './units.schemas.js';
import type { UnitsService } from './units.service.js';
import { idempotentCreate } from '../workflow/idempotent-create.js';

export async function unitsRoutes(app: App, { units }: { units: UnitsService }) {
  app.post(
    '/units',
    idempotentCreate({
      config: { roles: ['admin'] },
      schema: {
        operationId: 'createUnit',
        tags: ['admin'],
        summary: '新建党组织 / Create a unit',
        description: '新建一个党组织，可挂在上级党组织之下。\nCreates a party organisation, optionally under a parent unit (422 when the parent does not exist).',
        body: CreateUnitBody,
        response: {
          201: json(ref(UnitSchema), '已创建的党组织 / The new unit', { branch: { summary: '党支部 / A branch', value: UNIT_EXAMPLE } }),
          ...problems('unprocessable'),
        },
      },
    }),
    async (request, reply) => reply.code(201).send(await units.create({ actor: principalOf(request), requestId: request.id }, request.body)),
  );

  app.get(
    '/units',
    {
      schema: {
        operationId: 'listUnits',
        tags: ['admin'],
        summary: '党组织列表 / List units',
        description: '党组织，按创建顺序分页。\nThe units, in creation order, a page at a time; `parentId` gives the tree.',
        querystring: PageQuerySchema,
        response: { 200: json(page(ref(UnitSchema), '一页党组织 / A page of units'), '党组织 / The units', pageExamples(UNIT_EXAMPLES)), ...problems(400) },
      },
    },
    async (request) => units.list(request.query),
  );
}
