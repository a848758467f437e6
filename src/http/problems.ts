/**
 * Every kind of error the API answers, each with a stable `type`, an HTTP status and a title in
 * Chinese and English. Services throw `Problem`; one error handler renders RFC 9457 documents,
 * with the title in the caller's language and both titles in `titles`.
 */
import type { Label } from '../../machines/project.types.js';
import { DEFAULT_LANGUAGE, type Language } from './language.js';

export const PROBLEM_KINDS = {
  'validation-failed': { status: 400, title: { zh: '请求格式错误', en: 'Malformed request' } },
  unauthenticated: { status: 401, title: { zh: '未认证或令牌无效', en: 'Missing or invalid credentials' } },
  forbidden: { status: 403, title: { zh: '无权执行此操作', en: 'Not allowed' } },
  'not-found': { status: 404, title: { zh: '资源不存在', en: 'Not found' } },
  'not-acceptable': { status: 406, title: { zh: '无法提供可接受的表示', en: 'Not acceptable' } },
  'illegal-transition': { status: 409, title: { zh: '当前状态下不能执行此事件', en: 'Event not allowed in the current state' } },
  'round-gate-closed': { status: 409, title: { zh: '批次当前阶段不允许此事件', en: "The round's stage does not allow this event" } },
  conflict: { status: 409, title: { zh: '与现有数据冲突', en: 'Conflict with the current data' } },
  'precondition-failed': { status: 412, title: { zh: '版本已变更（If-Match 不匹配）', en: 'Precondition failed: stale If-Match' } },
  'payload-too-large': { status: 413, title: { zh: '请求体过大', en: 'Request body too large' } },
  'uri-too-long': { status: 414, title: { zh: '请求路径过长', en: 'URI too long' } },
  'unsupported-media-type': { status: 415, title: { zh: '不支持的内容类型', en: 'Unsupported media type' } },
  'guard-failed': { status: 422, title: { zh: '不满足执行条件', en: 'A condition of the transition is not met' } },
  unprocessable: { status: 422, title: { zh: '请求无法处理', en: 'Unprocessable request' } },
  'idempotency-key-reused': { status: 422, title: { zh: '幂等键已用于不同的请求', en: 'Idempotency key reused with a different request' } },
  'precondition-required': { status: 428, title: { zh: '需要 If-Match 请求头', en: 'If-Match header required' } },
  'rate-limited': { status: 429, title: { zh: '请求过于频繁', en: 'Too many requests' } },
  'headers-too-large': { status: 431, title: { zh: '请求头过大', en: 'Request header fields too large' } },
  internal: { status: 500, title: { zh: '服务器内部错误', en: 'Internal server error' } },
  'shutting-down': { status: 503, title: { zh: '服务正在关闭', en: 'The service is shutting down' } },
  'witness-unavailable': { status: 503, title: { zh: '见证文件无法写入', en: 'The witness file cannot be written' } },
  'database-unavailable': { status: 503, title: { zh: '数据库暂时不可用', en: 'The database is unavailable for the moment' } },
  'head-refused': { status: 503, title: { zh: '日志头未通过核验，服务只读', en: 'The log head failed its check; the service is read-only' } },
} as const satisfies Record<string, { status: number; title: Label }>;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

/** What a request arriving while the service closes is told, and when to come back (Retry-After). */
export const SHUTTING_DOWN_DETAIL = '服务正在关闭，请稍后重试 / The service is shutting down; retry in a few seconds';
export const SHUTTING_DOWN_RETRY_AFTER_SECONDS = 5;

/** When to retry after the database was unreachable (Retry-After, seconds). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

export const problemType = (kind: ProblemKind): string => `urn:lixiang:problem:${kind}`;

export class Problem extends Error {
  readonly kind: ProblemKind;
  readonly status: number;
  readonly extensions: Record<string, unknown>;

  constructor(kind: ProblemKind, detail: string, extensions: Record<string, unknown> = {}) {
    super(detail);
    this.kind = kind;
    this.status = PROBLEM_KINDS[kind].status;
    this.extensions = extensions;
  }
}

export interface ProblemDocument {
  type: string;
  title: string;
  titles: Label;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

/** The RFC 9457 document of a problem; `title` is in `language`, `titles` holds both. */
export function problemDocument(
  kind: ProblemKind,
  detail: string,
  instance: string | undefined,
  extensions: Record<string, unknown> = {},
  language: Language = DEFAULT_LANGUAGE,
): ProblemDocument {
  const { status, title } = PROBLEM_KINDS[kind];
  const { type: _t, title: _ti, titles: _ts, status: _s, detail: _d, instance: _i, ...members } = extensions;
  return {
    type: problemType(kind),
    title: title[language],
    titles: { zh: title.zh, en: title.en },
    status,
    detail,
    ...(instance ? { instance } : {}),
    ...members,
  };
}

/** "中文 / English" for a detail line built from a machine label. */
export const bilingual = (label: Label): string => `${label.zh} / ${label.en}`;
