import { Type } from 'typebox';
import type { App } from '../http/type-provider.js';
import { Problem } from '../http/problems.js';
import { IdParams, problems, ref } from '../http/schemas.js';
import { CreateRoundBody, RoundSchema } from './rounds.schemas.js';
import { toRound, type RoundsService } from './rounds.service.js';

export async function roundsRoutes(app: App, { rounds }: { rounds: RoundsService }) {
  app.post(
    '/rounds',
    {
      config: { roles: ['admin'] },
      schema: {
        operationId: 'createRound',
        tags: ['admin'],
        summary: '新建立项批次 / Create a round',
        body: CreateRoundBody,
        response: { 201: ref(RoundSchema), ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(rounds.create(request.body)),
  );

  app.get(
    '/rounds',
    {
      schema: {
        operationId: 'listRounds',
        tags: ['admin'],
        summary: '立项批次列表 / List rounds',
        response: { 200: Type.Array(ref(RoundSchema)), ...problems(401) },
      },
    },
    async () => rounds.list(),
  );

  app.get(
    '/rounds/:id',
    {
      schema: {
        operationId: 'getRound',
        tags: ['admin'],
        summary: '立项批次详情 / Get a round',
        params: IdParams,
        response: { 200: ref(RoundSchema), ...problems(401, 404) },
      },
    },
    async (request) => {
      const row = rounds.findRow(request.params.id);
      if (!row) throw new Problem('not-found', `批次不存在 / Round ${request.params.id} not found`);
      return toRound(row);
    },
  );
}
