import { Type } from 'typebox';
import type { Db } from '../db/client.js';
import { Problem } from '../http/problems.js';
import { Cursor, Limit, Timestamp, page, problems, ref } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { principalOf } from '../plugins/auth.js';
import { TransitionSchema } from '../projects/projects.schemas.js';
import { toTransitionView } from '../projects/projects.service.js';
import { verifyChain } from './hash-chain.js';
import { iterateLog, queryEntries } from './transition-log.repository.js';

const AUDITORS = ['auditor', 'org_dept'] as const;

const VerifySchema = Type.Object(
  {
    valid: Type.Boolean(),
    count: Type.Integer({ description: 'Rows checked (up to the first bad one)' }),
    headSeq: Type.Optional(Type.Integer()),
    headHash: Type.Optional(Type.String()),
    firstBadSeq: Type.Optional(Type.Integer()),
    reason: Type.Optional(Type.String()),
  },
  { additionalProperties: false, description: '日志校验结果 / Result of walking the hash chain' },
);

function decodeSeqCursor(cursor: string): number {
  const seq = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(seq) || seq < 0) throw new Problem('validation-failed', '分页游标无效 / Invalid cursor', { field: 'cursor' });
  return seq;
}

export async function auditRoutes(app: App, { db }: { db: Db }) {
  app.get(
    '/audit/transitions',
    {
      config: { roles: AUDITORS },
      schema: {
        operationId: 'listTransitions',
        tags: ['audit'],
        summary: '全部流转日志 / The whole transition log',
        querystring: Type.Object(
          {
            projectId: Type.Optional(Type.String({ maxLength: 64 })),
            actorId: Type.Optional(Type.String({ maxLength: 64 })),
            from: Type.Optional(Timestamp),
            to: Type.Optional(Timestamp),
            limit: Type.Optional(Limit),
            cursor: Type.Optional(Cursor),
          },
          { additionalProperties: false },
        ),
        response: { 200: page(ref(TransitionSchema), 'A page of log entries in sequence order'), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { cursor, from, to, ...filters } = request.query;
      const limit = filters.limit ?? 20;
      const rows = queryEntries(db, {
        ...filters,
        ...(from ? { from: new Date(from).toISOString() } : {}),
        ...(to ? { to: new Date(to).toISOString() } : {}),
        ...(cursor ? { afterSeq: decodeSeqCursor(cursor) } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map((row) => toTransitionView(row, principal)),
        nextCursor: rows.length > limit && last ? Buffer.from(String(last.seq)).toString('base64url') : null,
      };
    },
  );

  app.get(
    '/audit/verify',
    {
      config: { roles: AUDITORS },
      schema: {
        operationId: 'verifyTransitionLog',
        tags: ['audit'],
        summary: '校验日志哈希链 / Verify the hash chain',
        description: 'Walks the whole log: gap-free sequence numbers, each prevHash equal to the previous hash, each hash recomputed.',
        response: { 200: VerifySchema, ...problems(401, 403) },
      },
    },
    async () => verifyChain(iterateLog(db.$client)),
  );
}
