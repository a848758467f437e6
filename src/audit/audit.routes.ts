import { PassThrough, type Readable } from 'node:stream';
import { Type } from 'typebox';
import type { Db } from '../db/client.js';
import { SUBJECT_KINDS } from '../db/schema.js';
import { EXAMPLE } from '../http/examples.js';
import { preferredMediaType } from '../http/media-type.js';
import { DEFAULT_PAGE_SIZE, decodeSeqCursor, encodeSeqCursor } from '../http/paging.js';
import { Cursor, Limit, page, problems, ref } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { principalOf } from '../plugins/auth.js';
import { TransitionSchema } from '../projects/projects.schemas.js';
import { toTransitionView } from '../projects/projects.service.js';
import { actorNames } from '../users/actor-names.js';
import {
  CheckpointSchema,
  FilterId,
  From,
  HeadHash,
  KeptCheckpointBody,
  KeptCheckpointVerdictSchema,
  PageQuery,
  RefusedAttemptSchema,
  RefusedAttemptsQuery,
  SecurityEventSchema,
  SecurityEventsQuery,
  TablesVerdictSchema,
  To,
} from './audit.schemas.js';
import type { CheckpointsService } from './checkpoints.js';
import type { AuditExportService } from './export-bundle.js';
import { HeadVerdictSchema, type HeadVerdict } from './head.schemas.js';
import { queryRefusedAttempts, querySecurityEvents } from './security-events.repository.js';
import { queryEntries } from './transition-log.repository.js';
import { verifyAudit, type VerifyProgress } from './verify-tables.js';

const AUDITORS = ['auditor', 'org_dept'] as const;

export interface AuditRouteOptions {
  db: Db;
  checkpoints: CheckpointsService;
  exporter: AuditExportService;
  /** The head section of the verification (src/audit/head-check.ts). */
  head: () => HeadVerdict;
}

const NOTE_TYPE = 'text/plain; charset=utf-8';

const VerifySchema = Type.Object(
  {
    valid: Type.Boolean({
      description: '哈希链完好、日志头通过核验且各表与日志一致 / Whether the whole chain is intact, the head checks out (`head`) and every audited table is what the log implies',
      examples: [true],
    }),
    chainValid: Type.Boolean({ description: '哈希链是否完好 / Whether the whole chain is intact', examples: [true] }),
    count: Type.Integer({ minimum: 0, description: '已校验的条目数（至第一条错误为止）/ Rows checked (up to the first bad one)', examples: [42] }),
    headSeq: Type.Optional(Type.Integer({ minimum: 0, description: '日志头的序号（链完好时）/ Sequence number of the head, when the chain is intact', examples: [42] })),
    headHash: Type.Optional(HeadHash('日志头条目的哈希（链完好时）/ Hex SHA-256 of the head entry, when the chain is intact')),
    firstBadSeq: Type.Optional(
      Type.Integer({ minimum: 1, description: '第一条错误条目的序号（链损坏时）/ Sequence number of the first bad row, when the chain is broken', examples: [17] }),
    ),
    reason: Type.Optional(
      Type.String({
        minLength: 1,
        description: '链损坏的原因 / What is wrong with that row, when the chain is broken',
        examples: ['hash does not match the row content'],
      }),
    ),
    tables: TablesVerdictSchema,
    head: HeadVerdictSchema,
  },
  { additionalProperties: false, description: '日志校验结果：哈希链与各表的比较 / Result of walking the hash chain and comparing the tables with the log' },
);

export async function auditRoutes(app: App, { db, checkpoints, exporter, head }: AuditRouteOptions) {
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
            subjectKind: Type.Optional(Type.Enum(SUBJECT_KINDS, { description: '只看此种类的对象 / Only subjects of this kind', examples: ['round'] })),
            // An assignment's id is two ids: `<projectId>/<reviewerId>`.
            subjectId: Type.Optional({
              ...FilterId('只看此对象；评审分配为「项目标识/评审人标识」 / Only this subject; an assignment is `<projectId>/<reviewerId>`', EXAMPLE.roundId),
              maxLength: 160,
            }),
            projectId: Type.Optional({
              ...FilterId(
                '只看此项目，即 subjectKind=project 且 subjectId 为此值；请改用二者 / Only this project: subjectKind=project with this subjectId; use those instead',
                EXAMPLE.projectId,
              ),
              deprecated: true,
            }),
            actorId: Type.Optional(FilterId('只看此操作者 / Only this actor', EXAMPLE.applicantId)),
            from: Type.Optional(From),
            to: Type.Optional(To),
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
      const limit = filters.limit ?? DEFAULT_PAGE_SIZE;
      const rows = queryEntries(db, {
        ...filters,
        ...(from ? { from: new Date(from).toISOString() } : {}),
        ...(to ? { to: new Date(to).toISOString() } : {}),
        ...(cursor ? { afterSeq: decodeSeqCursor(cursor) } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const nameOf = actorNames(
        db.$client,
        items.map((row) => row.actorId),
      );
      const last = items.at(-1);
      return {
        items: items.map((row) => toTransitionView(row, principal, nameOf)),
        nextCursor: rows.length > limit && last ? encodeSeqCursor(last.seq) : null,
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
        summary: '校验日志哈希链并以日志证明各表 / Verify the hash chain, and that the log proves the tables',
        description:
          '校验整个日志：序号连续无缺，每条的 prevHash 等于前一条的哈希，每条哈希重新计算。日志较大时分段在工作线程中并行校验，不阻塞其他请求。\n' +
          'Walks the whole log: gap-free sequence numbers, each prevHash equal to the previous hash, each hash recomputed. ' +
          'A large log is verified in ranges on worker threads, one per core, so other requests are answered meanwhile.\n' +
          '同时重放日志，得出各表（单位、用户、批次、项目、评审分配、评审、文件）应有的行，并与库中的行逐字段比较；任何不一致都使结果无效，并列出前 100 个（表、主键、字段、日志值、库中值）。\n' +
          'Meanwhile the log is replayed into the rows it implies for every audited table (units, users, rounds, projects, reviewer assignments, reviews, files) ' +
          'and each stored row is compared with them field by field; any divergence makes the verdict invalid, and the first 100 are named (table, key, field, logged value, stored value).\n' +
          '`head`: the sealed head is valid under the service’s key and states the real head; every checkpoint row and every witness record is a prefix of the log; ' +
          'checkpoint ids run without gaps, the latest the one sealed. Checkpoints an operator’s acknowledgement superseded are listed, not failures. `valid` is false when any part fails.\n' +
          '带 `Accept: text/event-stream` 时以服务器发送事件报告进度：若干 `progress`（data 为 {"done","total"}：已重放的日志条目与已比较的表行），最后一个 `result`（data 为同一校验结果）。\n' +
          'With `Accept: text/event-stream` the answer is a stream of server-sent events telling how far it has come: `progress` events (data `{"done","total"}`: log entries replayed ' +
          'and table rows compared, at most five a second), then one `result` whose data is the same verdict as the JSON answer.',
        response: {
          200: {
            description: '校验结果，或其进度事件流 / The verdict, or a stream of its progress',
            content: {
              'application/json': { schema: VerifySchema },
              'text/event-stream': {
                schema: Type.Unsafe<Readable>({
                  type: 'string',
                  description: '服务器发送事件：progress…，result / Server-sent events: progress…, then result',
                  examples: ['event: progress\ndata: {"done":4000,"total":9120}\n\nevent: result\ndata: {"valid":true,"chainValid":true,"count":5020,…}\n\n'],
                }),
              },
            },
          },
          ...problems(401, 403),
        },
      },
    },
    async (request, reply) => {
      const verdictOf = async (onProgress?: VerifyProgress) => {
        const verdict = await verifyAudit(db.$client, onProgress ? { onProgress } : {});
        const headSection = head();
        return { ...verdict, valid: verdict.valid && headSection.valid, head: headSection };
      };
      reply.header('Vary', 'Accept');
      if (preferredMediaType(request.headers.accept, ['application/json', 'text/event-stream']) !== 'text/event-stream') {
        return reply.type('application/json; charset=utf-8').send(await verdictOf());
      }
      // Server-sent events: progress at most every 200 ms, then the verdict; the stream ends either way.
      const events = new PassThrough();
      const send = (event: string, data: unknown) => events.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      let told = 0;
      void verdictOf(({ done, total }) => {
        const now = Date.now();
        if (done < total && now - told < 200) return;
        told = now;
        send('progress', { done, total });
      })
        .then(
          (verdict) => send('result', verdict),
          (error: unknown) => {
            request.log.error({ err: error }, 'verification failed');
            send('error', { title: '校验未能完成 / The verification could not finish', status: 500 });
          },
        )
        .finally(() => events.end());
      return reply.type('text/event-stream; charset=utf-8').header('Cache-Control', 'no-cache').send(events);
    },
  );

  app.post(
    '/audit/checkpoints',
    {
      config: { roles: AUDITORS },
      schema: {
        operationId: 'signCheckpoint',
        tags: ['audit'],
        summary: '立即签名检查点 / Sign the log head now',
        description:
          "Signs the current head (size and hash) with the service's Ed25519 key as a C2SP-style checkpoint note. Keep the note outside the service: any later log must still have exactly this hash at this size.",
        response: { 201: ref(CheckpointSchema), ...problems(401, 403, 'witness-unavailable') },
      },
    },
    async (_request, reply) => reply.code(201).send(checkpoints.sign()),
  );

  app.get(
    '/audit/checkpoints',
    {
      config: { roles: AUDITORS },
      schema: {
        operationId: 'listCheckpoints',
        tags: ['audit'],
        summary: '签名检查点列表 / The signed checkpoints, oldest first',
        querystring: PageQuery,
        response: { 200: page(ref(CheckpointSchema), 'A page of checkpoints, oldest first'), ...problems(400, 401, 403) },
      },
    },
    async (request) => checkpoints.list(request.query),
  );

  app.get(
    '/audit/checkpoints/latest',
    {
      config: { roles: AUDITORS },
      schema: {
        operationId: 'getLatestCheckpoint',
        tags: ['audit'],
        summary: '最新检查点（签名文本）/ The latest checkpoint as its signed note',
        response: {
          200: { description: 'The signed note (C2SP tlog-checkpoint style)', content: { 'text/plain': { schema: Type.String() } } },
          ...problems(401, 403, 404),
        },
      },
    },
    async (_request, reply) => reply.type(NOTE_TYPE).send(checkpoints.latest().note),
  );

  app.post(
    '/audit/checkpoints/verify',
    {
      config: { roles: AUDITORS, readsOnly: true },
      schema: {
        operationId: 'verifyKeptCheckpoint',
        tags: ['audit'],
        summary: '核对保存的检查点 / Check a kept checkpoint against the log now',
        description:
          "The service-side form of the stand-alone verifier's --checkpoint check: signature, origin, machine definitions, and the whole prefix the note signs (every entry up to its size verified, the last with the signed hash).",
        body: KeptCheckpointBody,
        response: { 200: KeptCheckpointVerdictSchema, ...problems(400, 401, 403, 413, 415) },
      },
    },
    async (request) => checkpoints.verifyKept(request.body.note),
  );

  app.get(
    '/audit/public-key',
    {
      schema: {
        operationId: 'getSigningPublicKey',
        tags: ['audit'],
        summary: '检查点公钥 / The public key that verifies checkpoints',
        description: 'PEM (SPKI) of the Ed25519 key; the `Note-Verifier-Key` header gives it in signed-note form.',
        response: {
          200: {
            description: 'The public key, PEM',
            headers: { 'Note-Verifier-Key': { type: 'string', description: '<name>+<hex key id>+<base64 key>' } },
            content: { 'application/x-pem-file': { schema: Type.String() } },
          },
          ...problems(401),
        },
      },
    },
    async (_request, reply) => reply.type('application/x-pem-file').header('Note-Verifier-Key', checkpoints.key.verifierKey).send(checkpoints.key.publicKeyPem),
  );

  app.get(
    '/audit/export',
    {
      config: { roles: ['auditor'] },
      schema: {
        operationId: 'exportAuditBundle',
        tags: ['audit'],
        summary: '导出审计包 / Export the audit bundle (.tar.gz)',
        description:
          'A streamed .tar.gz of one directory: manifest.json, transitions.ndjson, checkpoints.ndjson, projects.ndjson, rounds.ndjson, ' +
          'tables/<table>.ndjson (the stored rows of every audited table as the projections the log is replayed into), machines/<id>@<version>.json, ' +
          'public-key.pem, verify.mjs and tables-replay.mjs (the replay rules verify.mjs imports). Unpack it and run `node verify.mjs <dir> --checkpoint <kept note>`.',
        response: {
          200: {
            description: 'The bundle',
            headers: { 'Content-Disposition': { type: 'string' } },
            content: { 'application/gzip': { schema: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }) } },
          },
          ...problems(401, 403),
        },
      },
    },
    async (_request, reply) => {
      const { filename, stream } = await exporter.archive();
      return reply.type('application/gzip').header('Content-Disposition', `attachment; filename="${filename}"`).send(stream);
    },
  );

  app.get(
    '/audit/security-events',
    {
      config: { roles: AUDITORS },
      schema: {
        operationId: 'listSecurityEvents',
        tags: ['audit'],
        summary: '已认证调用者被拒绝的写操作 / Refused write attempts by authenticated callers',
        description:
          '已认证调用者的每次被拒绝写操作（401、403、404、409、412、422、428），最早的在前；无有效令牌者的见 /audit/refused-attempts。不在哈希链中；保留期后删除。\n' +
          'Every 401, 403, 404, 409, 412, 422 and 428 answered to an authenticated POST, PATCH, PUT or DELETE, oldest first; refusals without a valid token are ' +
          'counted in /audit/refused-attempts. Kept outside the hash chain, and pruned after the retention period (LIXIANG_REFUSAL_RETENTION_DAYS).',
        querystring: SecurityEventsQuery,
        response: { 200: page(ref(SecurityEventSchema), 'A page of refused attempts, oldest first'), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = querySecurityEvents(db, request.query);
      const nameOf = actorNames(
        db.$client,
        page.items.flatMap((item) => (item.actor.id ? [item.actor.id] : [])),
      );
      return { ...page, items: page.items.map((item) => ({ ...item, actor: { ...item.actor, name: item.actor.id ? nameOf(item.actor.id) : null } })) };
    },
  );

  app.get(
    '/audit/refused-attempts',
    {
      config: { roles: AUDITORS },
      schema: {
        operationId: 'listRefusedAttempts',
        tags: ['audit'],
        summary: '无有效令牌的被拒请求（按分钟计数）/ Refused attempts without a valid token, counted per minute',
        description:
          '无有效令牌者被拒绝的写操作，以及任何方法上的认证失败（401）与认证失败过多（429），按来源地址、分钟、方法、路由、状态与问题类型计数，最早的分钟在前。保留期后删除。\n' +
          'Refused writes by callers without a valid token, and failed or rate-limited authentications (401, 429) on any method, counted per source address, ' +
          'minute, method, route, status and problem type; oldest minute first. Pruned after the retention period (LIXIANG_REFUSAL_RETENTION_DAYS).',
        querystring: RefusedAttemptsQuery,
        response: { 200: page(ref(RefusedAttemptSchema), 'A page of counted refusals, oldest minute first'), ...problems(400, 401, 403) },
      },
    },
    async (request) => queryRefusedAttempts(db, request.query),
  );
}
