/**
 * Shapes shared by every route. Those with an `$id` are registered once and become named
 * components of the OpenAPI document; routes refer to them with `ref()`.
 */
import { Type, type Static, type TSchema } from 'typebox';

export const LabelSchema = Type.Object(
  { zh: Type.String({ description: '中文' }), en: Type.String({ description: 'English' }) },
  { $id: 'Label', additionalProperties: false, description: '中英文标签 / Label in Chinese and English' },
);

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'Stable identifier of the kind of problem', examples: ['urn:lixiang:problem:illegal-transition'] }),
    title: Type.String({ description: '中文标题 / English title' }),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
  },
  {
    $id: 'Problem',
    additionalProperties: true,
    description: 'RFC 9457 problem details; kinds add members such as `state`, `allowedEvents`, `violation`, `errors`.',
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

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export const Uuid = Type.String({ minLength: 1, maxLength: 64, description: 'Identifier' });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO-8601, UTC' });
export const CalendarDate = Type.String({ format: 'date', description: 'Calendar date, Asia/Shanghai' });

export const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size (at most 100)' });
export const Cursor = Type.String({ minLength: 1, maxLength: 200, description: 'Opaque cursor from the previous page' });

/** The error answers a route can give, all as problem+json. */
export function problems(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem', content: { 'application/problem+json': { schema: ref(ProblemSchema) } } },
    ]),
  );
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: '请求格式错误或含未知字段 / Malformed request or unknown fields',
  401: '未认证 / No or bad token',
  403: '角色或单位无权 / Role or unit not allowed',
  404: '不存在或不可见 / Unknown or not visible to the caller',
  409: '状态冲突 / Not legal in the current state',
  412: 'If-Match 已过期 / Stale If-Match',
  413: '请求体过大 / Body too large',
  415: '不支持的内容类型 / Unsupported media type',
  422: '条件不满足 / A condition failed',
  428: '缺少 If-Match / If-Match required',
};

export function page<T extends TSchema>(item: T, description: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null at the end' }),
    },
    { additionalProperties: false, description },
  );
}
