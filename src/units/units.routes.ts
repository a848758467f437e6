import { Type } from 'typebox';
import type { App } from '../http/type-provider.js';
import { IdParams, json, page, pageExamples, PageQuerySchema, problems, ref } from '../http/schemas.js';
import { principalOf } from '../plugins/auth.js';
import { AmendUnitBody, CreateUnitBody, DeleteUnitBody, UNIT_EXAMPLE, UNIT_EXAMPLES, UnitReasonBody, UnitSchema } from './units.schemas.js';
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
        description:
          '新建一个党组织。机关党委、党总支、直属党支部直属党委（无上级）；党支部须隶属在用的党总支或机关党委。\n' +
          'Creates a party organisation. An organ committee, a general branch or a direct branch sits directly under the party committee (no parentId); ' +
          'a branch needs an active general branch or the organ committee as its parent (422 naming `parentId` otherwise).',
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

  app.get(
    '/units/:id',
    {
      schema: {
        operationId: 'getUnit',
        tags: ['admin'],
        summary: '党组织详情 / Get a unit',
        description: '一个党组织，含是否在用。\nOne unit, with whether it is in use.',
        params: IdParams,
        response: { 200: json(ref(UnitSchema), '党组织 / The unit', { branch: { summary: '党支部 / A branch', value: UNIT_EXAMPLE } }), ...problems('not-found') },
      },
    },
    async (request) => units.get(request.params.id),
  );

  app.patch(
    '/units/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        operationId: 'amendUnit',
        tags: ['admin'],
        summary: '修改党组织（更名、改隶）/ Amend a unit (rename, move)',
        description:
          '更名或改隶，记一条 AMEND_UNIT 日志（各字段的原值与新值及原因）；隶属规则同新建，不能形成环。未改变任何字段时不写入。\n' +
          'Renames or moves the unit, logged as AMEND_UNIT with each changed field’s from and to and the reason. The tree’s rules are those of creation, ' +
          'and no unit may end up below itself (422 naming `parentId`). A request that changes nothing writes nothing.',
        params: IdParams,
        body: AmendUnitBody,
        response: {
          200: json(ref(UnitSchema), '修改后的党组织 / The unit after the amendment', { branch: { summary: '改隶后的党支部 / A branch moved', value: UNIT_EXAMPLE } }),
          ...problems('not-found', 'unprocessable'),
        },
      },
    },
    async (request) => units.amend({ actor: principalOf(request), requestId: request.id }, request.params.id, request.body),
  );

  app.post(
    '/units/:id/deactivate',
    {
      config: { roles: ['admin'] },
      schema: {
        operationId: 'deactivateUnit',
        tags: ['admin'],
        summary: '停用党组织 / Deactivate a unit',
        description:
          '停用（如党支部撤销）：记录保留，不再计入申报完成情况，不能新增用户或项目。已停用 409；仍有在用的下级党支部 409 `unit_has_active_children`。\n' +
          'Deactivates the unit (a branch dissolved, say), logged as DEACTIVATE_UNIT with the reason: the row stays, leaves the quota report and takes no new ' +
          'users or projects. 409 when already inactive, or `unit_has_active_children` while an active branch is below it.',
        params: IdParams,
        body: UnitReasonBody,
        response: {
          200: json(ref(UnitSchema), '停用后的党组织 / The unit, inactive', { closed: { summary: '已停用 / Inactive', value: { ...UNIT_EXAMPLE, active: false } } }),
          ...problems('not-found', 'conflict'),
        },
      },
    },
    async (request) => units.setActive({ actor: principalOf(request), requestId: request.id }, request.params.id, false, request.body),
  );

  app.post(
    '/units/:id/reactivate',
    {
      config: { roles: ['admin'] },
      schema: {
        operationId: 'reactivateUnit',
        tags: ['admin'],
        summary: '恢复党组织 / Reactivate a unit',
        description:
          '恢复停用的党组织，记 REACTIVATE_UNIT。已在用 409；上级党组织已停用 409 `parent_inactive`。\n' +
          'Reactivates an inactive unit, logged as REACTIVATE_UNIT with the reason. 409 when it is active, or `parent_inactive` while its parent is inactive.',
        params: IdParams,
        body: UnitReasonBody,
        response: {
          200: json(ref(UnitSchema), '恢复后的党组织 / The unit, active again', { branch: { summary: '党支部 / A branch', value: UNIT_EXAMPLE } }),
          ...problems('not-found', 'conflict'),
        },
      },
    },
    async (request) => units.setActive({ actor: principalOf(request), requestId: request.id }, request.params.id, true, request.body),
  );

  app.delete(
    '/units/:id',
    {
      config: { roles: ['admin'] },
      // The body (a reason) is optional: none stands for {}.
      preValidation: (request, _reply, done) => {
        request.body ??= {};
        done();
      },
      schema: {
        operationId: 'deleteUnit',
        tags: ['admin'],
        summary: '删除误建的党组织 / Delete a unit created by mistake',
        description:
          '只有从未被引用的党组织（无用户、项目、下级党组织、延期，日志中除其自身条目外未提及）可以删除，记 DELETE_UNIT；否则 409 `unit_referenced`，请停用。\n' +
          'Deletes a unit nothing ever referred to (no users, projects, child units or extensions, and no log entry but its own names it), logged as ' +
          'DELETE_UNIT with the optional reason. Otherwise 409 `unit_referenced` (with `references`): deactivate it instead.',
        params: IdParams,
        body: DeleteUnitBody,
        response: { 204: Type.Null({ description: '已删除 / Deleted' }), ...problems('not-found', 'conflict') },
      },
    },
    async (request, reply) => {
      await units.remove({ actor: principalOf(request), requestId: request.id }, request.params.id, request.body);
      return reply.code(204).send(null);
    },
  );
}
