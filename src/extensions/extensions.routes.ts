import { Type } from 'typebox';
import type { App } from '../http/type-provider.js';
import { IdParams, json, problems, ref } from '../http/schemas.js';
import { principalOf } from '../plugins/auth.js';
import { EXTENSION_EXAMPLE, EXTENSION_EXAMPLES, ExtensionListSchema, ExtensionParams, ExtensionSchema, GrantExtensionBody, RevokeExtensionBody } from './extensions.schemas.js';
import type { ExtensionsService } from './extensions.service.js';

export async function extensionsRoutes(app: App, { extensions }: { extensions: ExtensionsService }) {
  app.post(
    '/rounds/:id/extensions',
    {
      config: { roles: ['org_dept', 'admin'] },
      schema: {
        operationId: 'grantRoundExtension',
        tags: ['rounds'],
        summary: '准予延期申报 / Grant a unit an extension',
        description:
          '为一个党组织设定本批次自己的申报截止日（晚于批次申报截止日，早于修改截止日与结项验收日），记 GRANT_EXTENSION。该党组织的项目可提交至该日结束（北京时间）。' +
          '新准予 201，再次准予同一党组织则更新 200。批次已截止申报 409 `round_not_open`。\n' +
          'Gives a unit its own submission deadline in the round (after the round’s, before its revision deadline and final acceptance date), logged as ' +
          'GRANT_EXTENSION: the unit’s projects may be submitted until the end of that day (Asia/Shanghai), and the round’s submissions close only after it. ' +
          '201 when new, 200 when it replaces the unit’s earlier one; 409 `round_not_open` once submissions closed.',
        params: IdParams,
        body: GrantExtensionBody,
        response: {
          200: json(ref(ExtensionSchema), '更新后的延期 / The extension, replaced', EXTENSION_EXAMPLES),
          201: json(ref(ExtensionSchema), '新准予的延期 / The extension granted', EXTENSION_EXAMPLES),
          ...problems('not-found', 'conflict', 'unprocessable'),
        },
      },
    },
    async (request, reply) => {
      const { created, extension } = await extensions.grant({ actor: principalOf(request), requestId: request.id }, request.params.id, request.body);
      return reply.code(created ? 201 : 200).send(extension);
    },
  );

  app.get(
    '/rounds/:id/extensions',
    {
      schema: {
        operationId: 'listRoundExtensions',
        tags: ['rounds'],
        summary: '批次的延期 / A round’s extensions',
        description:
          '组织部、管理员、党委与审计人员看到全部；其他用户只看到本单位（及下级）的延期。\n' +
          'org_dept, admin, committee and auditors see every extension; anyone else sees those of their own unit and the units below it.',
        params: IdParams,
        response: {
          200: json(ref(ExtensionListSchema), '延期 / The extensions', { one: { summary: '一项延期 / One extension', value: { items: [EXTENSION_EXAMPLE] } } }),
          ...problems('not-found'),
        },
      },
    },
    async (request) => extensions.list(principalOf(request), request.params.id),
  );

  app.delete(
    '/rounds/:id/extensions/:unitId',
    {
      config: { roles: ['org_dept', 'admin'] },
      schema: {
        operationId: 'revokeRoundExtension',
        tags: ['rounds'],
        summary: '撤销延期 / Revoke an extension',
        description:
          '撤销党组织的延期（须说明原因），记 REVOKE_EXTENSION；其项目回到批次的申报截止日。没有延期 404。\n' +
          'Revokes the unit’s extension (with a reason), logged as REVOKE_EXTENSION: its projects are back to the round’s deadline. 404 when it has none.',
        params: ExtensionParams,
        body: RevokeExtensionBody,
        response: { 204: Type.Null({ description: '已撤销 / Revoked' }), ...problems('not-found') },
      },
    },
    async (request, reply) => {
      await extensions.revoke({ actor: principalOf(request), requestId: request.id }, request.params.id, request.params.unitId, request.body);
      return reply.code(204).send(null);
    },
  );
}
