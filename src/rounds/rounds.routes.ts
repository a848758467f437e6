import { Type } from 'typebox';
import type { App } from '../http/type-provider.js';
import { Problem } from '../http/problems.js';
import { IdParams, json, problems, ref } from '../http/schemas.js';
import { CreateRoundBody, ROUND_EXAMPLE, ROUND_EXAMPLES, RoundSchema } from './rounds.schemas.js';
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
        description:
          '一次立项通知：截止日期（北京时间，含当日）、各等级资助金额、最少评审份数与评分范围。\n' +
          'One call for proposals: deadlines (Asia/Shanghai, end of day inclusive), funding per grade, minimum reviews and score scale. ' +
          '422 when the scale is empty, a date does not exist or the revision deadline precedes the submission deadline.',
        body: CreateRoundBody,
        response: { 201: json(ref(RoundSchema), '已创建的批次 / The new round', ROUND_EXAMPLES), ...problems('unprocessable') },
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
        description: '全部立项批次。\nEvery round.',
        response: { 200: json(Type.Array(ref(RoundSchema)), '批次 / The rounds', { rounds: { summary: '一个批次 / One round', value: [ROUND_EXAMPLE] } }) },
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
        description: '一个立项批次。\nOne round.',
        params: IdParams,
        response: { 200: json(ref(RoundSchema), '批次 / The round', ROUND_EXAMPLES), ...problems('not-found') },
      },
    },
    async (request) => {
      const row = rounds.findRow(request.params.id);
      if (!row) throw new Problem('not-found', `批次不存在 / Round ${request.params.id} not found`);
      return toRound(row);
    },
  );
}
