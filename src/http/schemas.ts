/**
 * Shapes shared by every route. Those with an `$id` are registered once and become named
 * components of the OpenAPI document; routes refer to them with `ref()`. The helpers at the end
 * attach named examples to bodies and responses, and describe the problem answers of a route.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { EVENT_TYPES, STATES } from '../../machines/project.types.js';
import { ROUND_EVENT_TYPES, ROUND_STATES } from '../../machines/round.types.js';
import { EXAMPLE } from './examples.js';
import { PROBLEM_KINDS, SHUTTING_DOWN_DETAIL, problemDocument, problemType, type ProblemKind } from './problems.js';

export const LabelSchema = Type.Object(
  {
    zh: Type.String({ minLength: 1, description: '中文 / Chinese', examples: ['已申报（待初审）'] }),
    en: Type.String({ minLength: 1, description: '英文 / English', examples: ['Submitted (awaiting preliminary check)'] }),
  },
  { $id: 'Label', additionalProperties: false, description: '中英文标签 / Label in Chinese and English' },
);

const ViolationSchema = Type.Object(
  {
    code: Type.String({ minLength: 1, description: '未满足的条件 / The condition that failed', examples: ['letter_incomplete'] }),
    message: ref(LabelSchema),
    detail: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: '条件的细节 / Facts of the condition, e.g. the missing fields' })),
  },
  { additionalProperties: true, description: '未满足的条件或授权 / The condition or authorisation that refused the event' },
);

const ValidationErrorSchema = Type.Object(
  {
    location: Type.String({ minLength: 1, description: '出错位置 / Where: body, querystring, params or headers, then the JSON path', examples: ['body/type'] }),
    field: Type.Optional(Type.String({ description: '字段 / The field', examples: ['type'] })),
    message: Type.String({ minLength: 1, description: '说明 / What is wrong', examples: ['未知字段 / unknown field "state"'] }),
  },
  { additionalProperties: false },
);

export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      minLength: 1,
      description: `问题类型，稳定不变 / Stable identifier of the kind of problem: ${Object.keys(PROBLEM_KINDS)
        .map((kind) => `\`${problemType(kind as ProblemKind)}\``)
        .join(', ')}`,
      examples: ['urn:lixiang:problem:illegal-transition'],
    }),
    title: Type.String({
      minLength: 1,
      description: '标题，语言由 Accept-Language 决定（默认中文）/ Title in the language Accept-Language prefers (zh-CN by default, en)',
      examples: ['当前状态下不能执行此事件'],
    }),
    titles: ref(LabelSchema),
    status: Type.Integer({ minimum: 400, maximum: 599, description: 'HTTP 状态码 / The HTTP status', examples: [409] }),
    detail: Type.String({
      minLength: 1,
      description: '具体说明（中文 / English）/ What happened, in Chinese and English',
      examples: ['事件 START 不能在状态「草稿」下执行 / START is not allowed in state draft'],
    }),
    instance: Type.Optional(Type.String({ description: '请求路径 / The request path', examples: [`/api/v1/projects/${EXAMPLE.projectId}/events`] })),
    state: Type.Optional(Type.Enum([...STATES, ...ROUND_STATES], { description: '项目或批次的当前状态（409、422、403）/ The project’s or round’s current state' })),
    stateLabel: Type.Optional(ref(LabelSchema)),
    event: Type.Optional(Type.Enum([...EVENT_TYPES, ...ROUND_EVENT_TYPES], { description: '被拒绝的事件 / The refused event' })),
    allowedEvents: Type.Optional(Type.Array(Type.Enum([...EVENT_TYPES, ...ROUND_EVENT_TYPES]), { description: '当前状态接受的事件（409）/ Events the current state accepts' })),
    violation: Type.Optional(ViolationSchema),
    errors: Type.Optional(Type.Array(ValidationErrorSchema, { description: '校验错误（400）/ Validation errors' })),
    field: Type.Optional(Type.String({ description: '相关字段 / The field concerned', examples: ['roundId'] })),
    code: Type.Optional(Type.String({ description: '细分原因 / A finer reason', examples: ['conflict_of_interest'] })),
    currentVersion: Type.Optional(Type.Integer({ description: '项目当前版本（412）/ The project’s current version', examples: [4] })),
    role: Type.Optional(Type.String({ description: '调用者角色（403）/ The caller’s role', examples: ['reviewer'] })),
    allowedRoles: Type.Optional(Type.Array(Type.String(), { description: '可调用此接口的角色（403）/ Roles that may call the route' })),
    limit: Type.Optional(Type.Integer({ description: '每个时间窗口允许的写操作数（429）/ Writes allowed per window', examples: [600] })),
    windowSeconds: Type.Optional(Type.Integer({ description: '时间窗口（秒）（429）/ The window, seconds', examples: [60] })),
  },
  {
    $id: 'Problem',
    additionalProperties: true,
    description: 'RFC 9457 问题详情 / RFC 9457 problem details. Kinds add the optional members listed; clients must ignore members they do not know.',
  },
);
export type ProblemBody = Static<typeof ProblemSchema>;

/** A reference to a registered shape, typed as the shape itself. */
export function ref<T extends TSchema>(schema: T): T {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error('ref() needs a schema with an $id');
  return Type.Unsafe<Static<T>>({ $ref: `${id}#` }) as unknown as T;
}

export const SHARED_SCHEMAS = [LabelSchema, ProblemSchema];

export const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64, description: '资源标识 / The resource’s id', examples: [EXAMPLE.projectId] }) },
  { additionalProperties: false },
);

/** An identifier of the service (a UUIDv7, but clients should treat it as opaque). */
export const Id = (description: string, example: string) => Type.String({ minLength: 1, maxLength: 64, description, examples: [example] });
export const Uuid = Id('标识 / Identifier', EXAMPLE.projectId);
export const Timestamp = Type.String({ format: 'date-time', minLength: 20, description: 'ISO-8601 时间（UTC）/ ISO-8601, UTC', examples: [EXAMPLE.createdAt] });
export const CalendarDate = Type.String({ format: 'date', minLength: 10, maxLength: 10, description: '日期（北京时间）/ Calendar date, Asia/Shanghai', examples: ['2023-03-29'] });

/** The Idempotent-Replayed answer header of the event routes. */
export const REPLAYED_HEADER = {
  type: 'string',
  description: '为 "true" 时，此应答是同一 Idempotency-Key 首次请求的重放 / "true" when this answer replays the first one for the Idempotency-Key',
} as const;

export const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 50, description: '每页条数（至多 500，默认 50）/ Page size (at most 500, 50 by default)', examples: [50] });

export const Cursor = Type.String({ minLength: 1, maxLength: 200, description: '上一页返回的游标 / Opaque cursor from the previous page', examples: ['MDE4NzFhMmI'] });

/** The query of a plain paged list: page size and the cursor of the previous page. */
export const PageQuerySchema = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, { additionalProperties: false });

export function page<T extends TSchema>(item: T, description: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
        description: '下一页游标，末页为 null / Pass as `cursor` for the next page; null at the end',
      }),
    },
    { additionalProperties: false, description },
  );
}

/** A named example of the OpenAPI document (a media type's `examples` member). */
export interface Example<T> {
  summary: string;
  description?: string;
  value: T;
}

/** Examples of a list, as examples of its last page. */
export function pageExamples<T>(examples: Record<string, Example<T[]>>): Record<string, Example<{ items: T[]; nextCursor: string | null }>> {
  return Object.fromEntries(Object.entries(examples).map(([name, example]) => [name, { ...example, value: { items: example.value, nextCursor: null } }]));
}

/** The schema with named request examples (shown by the docs, checked by the OpenAPI linter). */
export function withExamples<T extends TSchema>(schema: T, examples: Record<string, Example<Static<T>>>): T {
  return { ...schema, 'x-examples': examples };
}

/** A JSON answer with named examples and optional headers, as an OpenAPI response. */
export function json<T extends TSchema>(
  schema: T,
  description: string,
  examples: Record<string, Example<Static<T>>>,
  headers?: Record<string, { type: 'string'; description: string }>,
) {
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema, examples } } };
}

export const PROBLEM_JSON_MEDIA_TYPE = 'application/problem+json';

/** The kind a bare status stands for in `problems()`. */
const KIND_OF_STATUS: Record<number, ProblemKind> = {
  400: 'validation-failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  406: 'not-acceptable',
  409: 'conflict',
  412: 'precondition-failed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  428: 'precondition-required',
  429: 'rate-limited',
  500: 'internal',
  503: 'shutting-down',
};

/** What a documented example of each kind says. */
const PROBLEM_EXAMPLES: Record<ProblemKind, { summary: string; detail: string; extensions?: Record<string, unknown> }> = {
  'validation-failed': {
    summary: '未知字段 / An unknown field',
    detail: 'body: 未知字段 / unknown field "state"',
    extensions: { errors: [{ location: 'body', field: 'state', message: '未知字段 / unknown field "state"' }] },
  },
  unauthenticated: { summary: '缺少令牌 / No token', detail: '缺少 Authorization: Bearer 令牌 / Missing bearer token' },
  forbidden: {
    summary: '角色无权 / Role not allowed',
    detail: '角色 reviewer 无权调用此接口 / Role reviewer may not call this route',
    extensions: { role: 'reviewer', allowedRoles: ['org_dept'] },
  },
  'not-found': { summary: '不存在或不可见 / Unknown or not visible', detail: `项目不存在 / Project ${EXAMPLE.projectId} not found` },
  'not-acceptable': {
    summary: '无可接受的表示 / No acceptable representation',
    detail: '可提供 application/json 或 image/svg+xml / Acceptable: application/json or image/svg+xml',
  },
  'illegal-transition': {
    summary: '当前状态不接受此事件 / Not legal in the current state',
    detail: '事件 START 不能在状态「草稿」下执行 / START is not allowed in state draft',
    extensions: { state: 'draft', stateLabel: { zh: '草稿', en: 'Draft' }, event: 'START', allowedEvents: ['SUBMIT', 'WITHDRAW'] },
  },
  'round-gate-closed': {
    summary: '批次阶段未到 / The round has not reached the stage',
    detail:
      'GRADE 须在批次「结项验收」阶段（结项验收关口）；批次现为「实施中」；组织部执行 OPEN_ACCEPTANCE（启动结项验收）后开放，2023-12-31 起 / GRADE needs the round in under_acceptance (gate acceptance); the round is in_execution; opens when org_dept fires OPEN_ACCEPTANCE, from 2023-12-31 (Asia/Shanghai)',
    extensions: {
      state: 'final_acceptance',
      stateLabel: { zh: '结项验收中', en: 'Final acceptance' },
      event: 'GRADE',
      code: 'round_stage',
      roundId: EXAMPLE.roundId,
      roundState: 'in_execution',
      roundStateLabel: { zh: '实施中', en: 'In execution' },
      gate: {
        name: 'acceptance',
        label: { zh: '结项验收', en: 'Final acceptance' },
        openIn: ['under_acceptance'],
        opensWith: { event: 'OPEN_ACCEPTANCE', role: 'org_dept', label: { zh: '启动结项验收', en: 'Open final acceptance' } },
        opensOn: '2023-12-31',
      },
      passed: false,
      allowedEvents: [],
    },
  },
  conflict: {
    summary: '与现有数据冲突 / Conflicts with the data',
    detail: '只有草稿可以修改 / Only drafts can be edited; the project is submitted',
    extensions: { state: 'submitted' },
  },
  'precondition-failed': {
    summary: 'If-Match 已过期 / Stale If-Match',
    detail: '项目已更新到版本 4 / The project is at version 4',
    extensions: { currentVersion: 4 },
  },
  'payload-too-large': { summary: '请求体过大 / Body too large', detail: '请求体超过上限 / The body exceeds the size limit' },
  'uri-too-long': { summary: '路径参数过长 / A path parameter too long', detail: '路径参数过长 / A path parameter is longer than the service accepts' },
  'unsupported-media-type': { summary: '不是 JSON / Not JSON', detail: '请使用 application/json / Send application/json' },
  'guard-failed': {
    summary: '责任书不完整 / Letter incomplete',
    detail: '目标责任书不完整 / The letter is incomplete',
    extensions: {
      state: 'draft',
      stateLabel: { zh: '草稿', en: 'Draft' },
      event: 'SUBMIT',
      violation: { code: 'letter_incomplete', message: { zh: '目标责任书不完整', en: 'The letter is incomplete' }, detail: { missing: ['contact'] } },
    },
  },
  unprocessable: {
    summary: '引用的数据不存在 / A referenced record does not exist',
    detail: `批次不存在 / Round ${EXAMPLE.roundId} does not exist`,
    extensions: { field: 'roundId' },
  },
  'idempotency-key-reused': {
    summary: '幂等键被另一请求使用 / Idempotency key reused',
    detail: '该幂等键已用于另一个请求 / This Idempotency-Key was used for a different request',
  },
  'precondition-required': {
    summary: '缺少 If-Match / If-Match missing',
    detail: '修改项目须带 If-Match 请求头 / PATCH needs If-Match with the current ETag',
  },
  'rate-limited': {
    summary: '写操作过于频繁 / Too many writes',
    detail: '写操作过于频繁，请 42 秒后再试 / Too many writes; retry in 42 s',
    extensions: { limit: 600, windowSeconds: 60 },
  },
  'headers-too-large': { summary: '请求头过大 / Headers too large', detail: '请求头过大 / The request headers are larger than the service accepts' },
  internal: { summary: '内部错误 / Internal error', detail: '服务器内部错误，已记录 / Internal error; it has been logged' },
  'shutting-down': { summary: '服务正在关闭 / Shutting down', detail: SHUTTING_DOWN_DETAIL },
  'witness-unavailable': {
    summary: '见证文件无法写入 / The witness cannot be written',
    detail:
      '见证文件 /var/lib/lixiang/witness.log 无法写入，未签名检查点 / The witness /var/lib/lixiang/witness.log cannot be written (EACCES: permission denied); no checkpoint was signed',
  },
  'database-unavailable': {
    summary: '数据库暂时不可用 / The database is unavailable',
    detail: '数据库暂时不可用，请稍后重试 / The database is unavailable; retry in a few seconds',
  },
  'head-refused': {
    summary: '日志头未通过核验 / The log head was refused',
    detail:
      "日志头未通过核验，服务只读，待运维人员确认 / The log head failed its check; the service is read-only until an operator acknowledges: the log's head is entry 363 but the seal says entry 368: entries were removed (truncated or rolled back)",
    extensions: { reasons: ["the log's head is entry 363 (3f5a0c2e91b7…) but the seal says entry 368 (9c1d44e0a3f2…): entries were removed (truncated or rolled back)"] },
  },
};

/** The example problem document of a kind, as the error handler would render it (zh-CN). */
export function problemExample(kind: ProblemKind): Example<ProblemBody> {
  const { summary, detail, extensions } = PROBLEM_EXAMPLES[kind];
  return { summary, value: problemDocument(kind, detail, `/api/v1/projects/${EXAMPLE.projectId}`, extensions) };
}

/** The OpenAPI response of one status answered by the given kinds of problem. */
export function problemResponse(kinds: readonly ProblemKind[]) {
  const description = kinds.map((kind) => `${PROBLEM_KINDS[kind].title.zh} / ${PROBLEM_KINDS[kind].title.en} (\`${kind}\`)`).join('; ');
  return {
    description,
    content: {
      [PROBLEM_JSON_MEDIA_TYPE]: {
        schema: ref(ProblemSchema),
        examples: Object.fromEntries(kinds.map((kind) => [kind, problemExample(kind)])),
      },
    },
  };
}

/**
 * The problem answers of a route, all `application/problem+json`, by kind (`'illegal-transition'`)
 * or by status (`409`, standing for its usual kind). The answers every route of a kind gives
 * (401 without a token, 403 for a role, 400/413/415 for a body, 500) are added by the openapi plugin.
 */
export function problems(...answers: Array<number | ProblemKind>): Record<number, ReturnType<typeof problemResponse>> {
  const byStatus = new Map<number, ProblemKind[]>();
  for (const answer of answers) {
    const kind = typeof answer === 'number' ? KIND_OF_STATUS[answer] : answer;
    if (!kind) throw new Error(`no problem kind answers status ${String(answer)}`);
    const { status } = PROBLEM_KINDS[kind];
    const kinds = byStatus.get(status) ?? [];
    if (!kinds.includes(kind)) kinds.push(kind);
    byStatus.set(status, kinds);
  }
  return Object.fromEntries([...byStatus].map(([status, kinds]) => [status, problemResponse(kinds)]));
}
