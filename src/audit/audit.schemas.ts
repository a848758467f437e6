import { Type } from 'typebox';
import { EXAMPLE } from '../http/examples.js';
import { Cursor, Id, Limit, PageQuerySchema, Timestamp } from '../http/schemas.js';

/** A checkpoint of the example log (42 entries, head EXAMPLE.hash), signed by an example key of instance `default`. */
const CHECKPOINT_EXAMPLE = {
  keyId: '1ea0a7b9',
  note:
    'lixiang/default/transition-log\n42\nnBGFpcXp/FRhKAiXfuj1SLIljTHxseH0xbOl0eDyo7Q=\n' +
    'machine project@1 sha256:c4bee4f6abee7e3caa854db08176b372e1aa5036b503318a1e46fa0404d1e510\n\n' +
    '\u2014 lixiang/default HqCnuTywihTuaYNwcNgiMXtgaKftLi+0Wmtr/aJT9boPTeQEcX+cHKfpbicbxbz4CCsV7NwhebeRMwzA2zePu7ULnwQ=\n',
  signature: 'PLCKFO5pg3Bw2CIxe2Bop+0uL7Raa2v9olP1ug9N5ARxf5wcp+luJxvFvPgIKxXs3CF5t5EzDMDbN4+7tQufBA==',
} as const;

/** Hex SHA-256 of a log entry (64 zeros: the head of the empty log). */
export const HeadHash = (description: string, example: string = EXAMPLE.hash) =>
  Type.String({ minLength: 64, maxLength: 64, pattern: '^[0-9a-f]{64}$', description, examples: [example] });

/** The number of entries a head covers: its sequence number (0: the empty log). */
export const HeadSize = (description: string) => Type.Integer({ minimum: 0, description, examples: [42] });

export const CheckpointSchema = Type.Object(
  {
    id: Type.Integer({ minimum: 1, description: '检查点序号 / Checkpoint id', examples: [7] }),
    size: HeadSize('覆盖的条目数，即所签日志头的序号（0：空日志）/ Entries covered: the sequence number of the signed head (0: the empty log)'),
    headHash: HeadHash('日志头条目的哈希（十六进制 SHA-256）/ Hex SHA-256 of the head entry'),
    keyId: Type.String({
      minLength: 8,
      maxLength: 8,
      pattern: '^[0-9a-f]{8}$',
      description: '签名密钥的 signed-note 密钥标识（十六进制）/ Hex signed-note key id of the signing key',
      examples: [CHECKPOINT_EXAMPLE.keyId],
    }),
    note: Type.String({
      minLength: 1,
      description: '签名文本，与 GET /audit/checkpoints/latest 返回的完全相同 / The signed note, exactly as GET /audit/checkpoints/latest serves it',
      examples: [CHECKPOINT_EXAMPLE.note],
    }),
    signature: Type.String({
      minLength: 1,
      description: '对签名文本正文的 Ed25519 签名（Base64）/ Base64 Ed25519 signature over the note body',
      examples: [CHECKPOINT_EXAMPLE.signature],
    }),
    createdAt: Timestamp,
  },
  { $id: 'Checkpoint', additionalProperties: false, description: '签名检查点 / A signed checkpoint of the transition log' },
);

export const SecurityEventSchema = Type.Object(
  {
    id: Type.Integer({ minimum: 1, description: '记录序号 / Record id', examples: [3] }),
    at: Timestamp,
    requestId: Type.String({ minLength: 1, description: '请求标识 / The request id', examples: [EXAMPLE.requestId] }),
    actor: Type.Object(
      {
        id: Type.Union([Id('调用者 / The caller', EXAMPLE.reviewerId), Type.Null()], { description: '调用者，未认证时为 null / The caller; null when not authenticated' }),
        name: Type.Optional(
          Type.Union([Type.String({ minLength: 1, description: '调用者姓名 / The caller’s name', examples: ['赵教授'] }), Type.Null()], {
            description: '调用者现在的姓名，未认证时为 null / The caller’s current name; null when not authenticated',
          }),
        ),
        role: Type.Union([Type.String({ minLength: 1, examples: ['reviewer'] }), Type.Null()], {
          description: '调用者角色，未认证时为 null / The caller’s role; null when not authenticated',
        }),
      },
      { additionalProperties: false, description: '调用者，无法认证时为 null / The caller; null when the caller could not be authenticated' },
    ),
    method: Type.String({ minLength: 1, description: 'HTTP 方法 / The HTTP method', examples: ['POST'] }),
    route: Type.String({ minLength: 1, description: '路由模式 / The route pattern, e.g. /api/v1/projects/:id/events', examples: ['/api/v1/projects/:id/events'] }),
    url: Type.String({
      minLength: 1,
      description: '请求的 URL，疑似密钥的查询参数值已隐去 / The URL asked for; secret-looking query values redacted',
      examples: [`/api/v1/projects/${EXAMPLE.projectId}/events`],
    }),
    status: Type.Integer({ minimum: 400, maximum: 599, description: '返回的 HTTP 状态码 / The HTTP status answered', examples: [403] }),
    problemType: Type.String({
      minLength: 1,
      description: '返回的问题类型（非问题文档时为 about:blank）/ The problem type answered (about:blank when the answer was not a problem document)',
      examples: ['urn:lixiang:problem:forbidden'],
    }),
    detail: Type.String({
      description: '返回的问题说明，可为空 / The problem detail answered; may be empty',
      examples: ['角色 reviewer 无权调用此接口 / Role reviewer may not call this route'],
    }),
    // The id as asked for, which may be no project's (up to the router's 200 characters).
    projectId: Type.Union([Type.String({ examples: [EXAMPLE.projectId] }), Type.Null()], {
      description: '涉及的项目（项目路由），即请求中的标识 / The project id asked for, on project routes',
    }),
    event: Type.Union([Type.String({ examples: ['START'] }), Type.Null()], { description: '尝试的事件类型（事件路由）/ The event type attempted, on event routes' }),
    subject: Type.Union(
      [
        Type.Object(
          {
            kind: Type.String({ minLength: 1, description: '对象种类 / The subject’s kind', examples: ['project'] }),
            id: Type.String({ minLength: 1, description: '请求中的标识 / The id as asked for', examples: [EXAMPLE.projectId] }),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: '涉及的对象（任一种类），路由未指明时为 null / What the attempt addressed, of any kind; null where the route names none' },
    ),
    source: Type.Union([Type.String({ minLength: 1, examples: ['203.0.113.7'] }), Type.Null()], {
      description: '客户端地址（经可信代理之后）/ The client’s address, after trusted proxies; null for rows recorded before it was kept',
    }),
  },
  { $id: 'SecurityEvent', additionalProperties: false, description: '已认证调用者被拒绝的写操作 / A refused write attempt by an authenticated caller' },
);

export const RefusedAttemptSchema = Type.Object(
  {
    source: Type.String({ minLength: 1, description: '客户端地址 / The client’s address', examples: ['203.0.113.7'] }),
    minute: Type.String({ minLength: 17, maxLength: 17, description: '所在分钟（UTC）/ The minute, UTC', examples: ['2023-03-01T02:00Z'] }),
    method: Type.String({ minLength: 1, description: 'HTTP 方法 / The HTTP method', examples: ['POST'] }),
    route: Type.String({ minLength: 1, description: '路由模式 / The route pattern', examples: ['/api/v1/projects/:id/events'] }),
    status: Type.Integer({ minimum: 400, maximum: 599, description: '返回的 HTTP 状态码 / The HTTP status answered', examples: [401] }),
    problemType: Type.String({ minLength: 1, description: '返回的问题类型 / The problem type answered', examples: ['urn:lixiang:problem:unauthenticated'] }),
    count: Type.Integer({ minimum: 1, description: '该分钟内的次数 / Attempts in that minute', examples: [1200] }),
    firstAt: Timestamp,
    lastAt: Timestamp,
    lastRequestId: Type.String({ minLength: 1, description: '最近一次的请求标识 / The latest attempt’s request id', examples: [EXAMPLE.requestId] }),
  },
  {
    $id: 'RefusedAttempt',
    additionalProperties: false,
    description: '无有效令牌者被拒绝的请求，按来源、分钟与拒绝种类计数 / Refused attempts without a valid token, counted per source, minute and kind of refusal',
  },
);

export const AUDIT_SCHEMAS = [CheckpointSchema, SecurityEventSchema, RefusedAttemptSchema];

export const PageQuery = PageQuerySchema;

/** A filter by identifier; an empty value means no filter. */
export const FilterId = (description: string, example: string) => Type.String({ maxLength: 64, description, examples: [example] });
export const From = { ...Timestamp, description: '起始时间（含），ISO-8601 / From this time, inclusive; ISO-8601' };
export const To = { ...Timestamp, description: '截止时间（含），ISO-8601 / Up to this time, inclusive; ISO-8601', examples: [EXAMPLE.submittedAt] };

const SourceFilter = Type.String({ maxLength: 64, description: '只看此来源地址 / Only this source address', examples: ['203.0.113.7'] });

export const RefusedAttemptsQuery = Type.Object(
  {
    source: Type.Optional(SourceFilter),
    from: Type.Optional({ ...From, description: '自此时间所在的分钟起（含）/ From this time’s minute, inclusive' }),
    to: Type.Optional({ ...To, description: '至此时间所在的分钟止（含）/ Up to this time’s minute, inclusive' }),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const SecurityEventsQuery = Type.Object(
  {
    actorId: Type.Optional(FilterId('只看此调用者 / Only this caller', EXAMPLE.reviewerId)),
    source: Type.Optional(SourceFilter),
    projectId: Type.Optional(FilterId('只看此项目 / Only this project', EXAMPLE.projectId)),
    status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599, description: '只看此状态码 / Only this HTTP status', examples: [403] })),
    from: Type.Optional(From),
    to: Type.Optional(To),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const KeptCheckpointBody = Type.Object(
  {
    note: Type.String({
      minLength: 1,
      maxLength: 16_384,
      description: '先前从 GET /audit/checkpoints/latest 保存的检查点 / A checkpoint note kept from an earlier GET /audit/checkpoints/latest',
      examples: [CHECKPOINT_EXAMPLE.note],
    }),
  },
  { additionalProperties: false },
);

export const KeptCheckpointVerdictSchema = Type.Object(
  {
    consistent: Type.Boolean({
      description: '由本服务签名、属于本日志，且日志在该长度处的哈希仍相同 / Signed by this service, this log, and the log still has exactly that hash at that size',
      examples: [true],
    }),
    size: Type.Union([HeadSize('检查点声明的条目数 / The entries the checkpoint covers'), Type.Null()], {
      description: '检查点声明的条目数，无法解析时为 null / The size the checkpoint claims; null when it could not be read',
    }),
    headHash: Type.Union([HeadHash('检查点声明的哈希 / The hash the checkpoint claims'), Type.Null()], {
      description: '检查点声明的哈希，无法解析时为 null / The head hash the checkpoint claims; null when it could not be read',
    }),
    head: Type.Object(
      {
        size: HeadSize('日志当前的条目数 / Entries in the log now'),
        hash: HeadHash('日志当前头条目的哈希 / Hex SHA-256 of the log’s head entry now'),
      },
      { additionalProperties: false, description: '日志当前的头 / The log head now' },
    ),
    reasons: Type.Array(Type.String({ minLength: 1, examples: ['the checkpoint covers 42 entries but the log has 40: the log lost entries'] }), {
      description: '不一致的原因，一致时为空 / Why it is not consistent; empty when it is',
    }),
  },
  { additionalProperties: false, description: '检查点一致性 / Whether a kept checkpoint is a prefix of the log now' },
);

const AUDITED_TABLE_NAMES = [
  'units',
  'users',
  'rounds',
  'projects',
  'reviewer_assignments',
  'reviews',
  'files',
  'round_extensions',
  'panels',
  'panel_members',
  'letter_revisions',
  'calendar_years',
  'round_documents',
] as const;
const ProjectedValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null(), Type.Array(Type.Unknown()), Type.Record(Type.String(), Type.Unknown())], {
  description:
    '投影中的值（批次联系人为数组）；整行缺失时为另一方的整行投影或 null / A value of the audited projection (a round’s contacts are an array); for a row on one side only, that side’s whole projection and null on the other',
});

/** The comparison of the tables with the rows the log implies (src/audit/tables-replay.mjs). */
export const TablesVerdictSchema = Type.Object(
  {
    valid: Type.Boolean({ description: '每张受审计的表都与日志重放的结果一致 / Every audited table is what replaying the log implies', examples: [true] }),
    tables: Type.Array(
      Type.Object(
        {
          table: Type.Enum(AUDITED_TABLE_NAMES, { description: '表名 / The table', examples: ['projects'] }),
          storedRows: Type.Integer({ minimum: 0, description: '表中已比较的行数 / Rows of the table compared', examples: [12] }),
          loggedRows: Type.Integer({ minimum: 0, description: '日志所证明的行数 / Rows the log implies', examples: [12] }),
          divergences: Type.Integer({ minimum: 0, description: '该表的不一致数 / Divergences in this table', examples: [0] }),
        },
        { additionalProperties: false },
      ),
      { description: '每张表的比较 / The comparison, table by table' },
    ),
    divergenceCount: Type.Integer({ minimum: 0, description: '不一致的总数 / Every divergence, counted', examples: [0] }),
    divergences: Type.Array(
      Type.Object(
        {
          table: Type.Enum(AUDITED_TABLE_NAMES, { description: '表名 / The table', examples: ['projects'] }),
          key: Type.String({
            minLength: 1,
            description: '行的主键（两列主键为 projectId/reviewerId）/ The row’s key (projectId/reviewerId for two-column keys)',
            examples: [EXAMPLE.projectId],
          }),
          field: Type.String({
            minLength: 1,
            description: '投影的字段；(row) 表示整行只在日志中或只在表中 / The projection’s field; (row): the row is only in the log or only in the table',
            examples: ['funding'],
          }),
          logged: ProjectedValue,
          stored: ProjectedValue,
        },
        { additionalProperties: false },
      ),
      { maxItems: 100, description: '前 100 个不一致 / The first 100 divergences' },
    ),
  },
  { additionalProperties: false, description: '日志对各表的证明 / Whether the log proves the tables' },
);
