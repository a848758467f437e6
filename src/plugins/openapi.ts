/**
 * The OpenAPI document, generated from the route schemas, and the interactive docs at /docs.
 * Registered before any route so that every route is collected.
 *
 * Two passes complete what the route schemas say, so that the document is enough to build a client:
 * - per route (`transform`): the problems every route of its kind can answer, which come from the
 *   cross-cutting plugins rather than from the route (401 from auth, 403 from `config.roles`,
 *   400/413/415 from validation and the body parser, 429 from the rate limit on writes, 500 from
 *   the error handler, 503 while the service closes), and who may call it;
 * - on the whole document (`transformObject`): the discriminator mapping of the event body (Ajv
 *   refuses `mapping`, client generators need it), the `Accept-Language` and `X-Request-Id`
 *   headers, one shared example per kind of problem, and a stable order of methods.
 */
import swagger, { type SwaggerTransform, type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { PROBLEM_KINDS, type ProblemKind } from '../http/problems.js';
import { PROBLEM_JSON_MEDIA_TYPE, problemResponse } from '../http/schemas.js';

export const API_VERSION = '0.1.0';

const DESCRIPTION = `党建项目立项、评审、实施与结项验收的工作流引擎。Workflow engine for party-building project approval.

每个项目都遵循同一个状态机（\`GET /api/v1/machine\`，也可取 SVG 图）。用 \`POST /api/v1/projects/{id}/events\` 触发事件；
每个被接受的事件都在哈希链式、只追加的流转日志中留下一条记录。
Every project follows one state machine (\`GET /api/v1/machine\`, also as an SVG diagram). Fire events with
\`POST /api/v1/projects/{id}/events\`; every accepted event appends one entry to a hash-chained, append-only transition log.

**认证 / Authentication**: \`Authorization: Bearer <token>\`; tokens are issued by \`POST /api/v1/users\`. 人员以用户名和密码登录（\`POST /api/v1/session\`），凭 HttpOnly 会话 Cookie 访问，写操作须带 \`X-CSRF-Token\` / People log in with a username and password (\`POST /api/v1/session\`) and then use the HttpOnly session cookie; writes with it carry \`X-CSRF-Token\`.

**错误 / Errors**: RFC 9457 \`application/problem+json\` with a stable \`type\` (\`urn:lixiang:problem:<kind>\`).
\`title\` follows \`Accept-Language\` (中文 zh-CN by default, \`en\` for English) and \`titles\` carries both;
\`detail\` is in Chinese and English. 403: the caller may not do this; 409: not legal in the current state
(\`allowedEvents\` lists what is); 422: a condition failed (\`violation.code\` names it).

**并发与重试 / Concurrency and retries**: \`GET\` answers an \`ETag\`; send it back as \`If-Match\` to change a
project only if nobody else did (412 otherwise). 事件与每个新建操作（项目、党组织、用户、批次、文件、分配）均可带 \`Idempotency-Key\`：
同一键与同一请求体的重试重放首次应答，不同请求体 422。An \`Idempotency-Key\` on an event or on any POST that creates
(projects, units, users, rounds, files, assignments) makes a retry with the same body replay the first answer; another body is 422.`;

const TAGS = [
  { name: 'admin', description: '管理：党组织、用户、立项批次 / Units, users and rounds' },
  { name: 'audit', description: '审计：流转日志及其校验 / Transition log and its verification' },
  { name: 'calendar', description: '工作日历：法定节假日与调休 / The working-day calendar: public holidays and adjusted working days' },
  { name: 'meta', description: '元数据：状态机定义与健康检查 / Machine definition and health' },
  { name: 'projects', description: '项目及其事件 / Projects and their events' },
  {
    name: 'reports',
    description: '批次报表与导出：评审排名、结项验收、等级与经费、申报完成情况 / Round reports and exports: ranking, acceptance, grades and funding, quota compliance',
  },
  { name: 'rounds', description: '批次的生命周期：截止申报、评审、公布立项名单、结项验收 / The round’s lifecycle: closing submissions, review, the published list, acceptance' },
];

const PARAMETERS = {
  AcceptLanguage: {
    name: 'accept-language',
    in: 'header',
    required: false,
    description: '错误标题等单一字符串的语言：zh-CN（默认）或 en / Language of single strings such as problem titles: zh-CN (default) or en',
    schema: { type: 'string', examples: ['en'] },
  },
  RequestId: {
    name: 'x-request-id',
    in: 'header',
    required: false,
    description: '请求标识，原样回显并写入日志与流转记录 / Request id, echoed and kept in logs and the transition log ([A-Za-z0-9._:-]{1,128})',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$', examples: ['6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f'] },
  },
};

const HEADERS = {
  RequestId: {
    description: '请求标识（给定的或新生成的）/ The request id, given or generated',
    schema: { type: 'string', examples: ['6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f'] },
  },
  ContentLanguage: {
    description: '`title` 的语言 / The language of `title`',
    schema: { type: 'string', enum: ['zh-CN', 'en'] },
  },
  RetryAfter: {
    description: '多少秒后可再试 / Seconds to wait before trying again',
    schema: { type: 'integer', examples: [42] },
  },
};

const METHOD_ORDER = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace'];

type Json = Record<string, unknown>;
type ResponseMap = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The problem kinds a route answers whatever it does, from the plugins that answer them. */
function commonProblems(schema: FastifySchema, route: RouteOptions): ProblemKind[] {
  const config = route.config;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const kinds: ProblemKind[] = [];
  const hasInput = Boolean(schema.body ?? schema.params ?? schema.querystring ?? schema.headers);
  if (hasInput) kinds.push('validation-failed');
  if (!config?.public) kinds.push('unauthenticated');
  // A role check answers 403; so does, with the session cookie, a write without its CSRF token and any route but the password change while it is due.
  if (config?.roles || !config?.public) kinds.push('forbidden');
  if (schema.body) kinds.push('payload-too-large', 'unsupported-media-type');
  if (methods.some((method) => !READ_METHODS.has(method))) kinds.push('rate-limited');
  kinds.push('internal', 'shutting-down');
  if (methods.some((method) => !READ_METHODS.has(method)) && !config?.readsOnly) kinds.push('head-refused');
  return kinds;
}

/** The kinds an existing problem response names (its examples are keyed by kind). */
function kindsOf(response: unknown): ProblemKind[] | null {
  const media = isObject(response) && isObject(response.content) ? response.content[PROBLEM_JSON_MEDIA_TYPE] : undefined;
  if (!isObject(media) || !isObject(media.examples)) return null;
  return Object.keys(media.examples).filter((key): key is ProblemKind => Object.hasOwn(PROBLEM_KINDS, key));
}

function whoMayCall(config: RouteOptions['config']): string {
  if (config?.public) return '公开接口，无需令牌 / Public: no token needed.';
  if (config?.roles) return `可调用角色 / Roles: ${config.roles.map((role) => `\`${role}\``).join(', ')}.`;
  return '任何已认证用户 / Any authenticated user.';
}

const completeRoute: SwaggerTransform = ({ schema, url, route }) => {
  if (!schema || (schema as { hide?: boolean }).hide) return { schema, url };
  const config = route.config;
  const responses: ResponseMap = { ...((schema.response as ResponseMap | undefined) ?? {}) };
  const byStatus = new Map<number, ProblemKind[]>();
  for (const [status, response] of Object.entries(responses)) {
    const kinds = kindsOf(response);
    if (kinds) byStatus.set(Number(status), kinds);
  }
  for (const kind of commonProblems(schema, route)) {
    const { status } = PROBLEM_KINDS[kind];
    if (responses[status] !== undefined && !byStatus.has(status)) continue;
    const kinds = byStatus.get(status) ?? [];
    if (!kinds.includes(kind)) kinds.push(kind);
    byStatus.set(status, kinds);
  }
  for (const [status, kinds] of byStatus) responses[status] = problemResponse(kinds);
  const sorted = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
  const description = [(schema as { description?: string }).description, whoMayCall(config)].filter(Boolean).join('\n\n');
  return {
    schema: { ...schema, description, response: sorted, ...(config?.public ? { security: [] } : {}) },
    url,
  };
};

/** Adds the discriminator's `mapping` (value → component) wherever a `oneOf` of references has none. */
function addDiscriminatorMappings(node: unknown, components: Json): void {
  if (Array.isArray(node)) {
    for (const item of node) addDiscriminatorMappings(item, components);
    return;
  }
  if (!isObject(node)) return;
  const discriminator = node.discriminator;
  if (isObject(discriminator) && typeof discriminator.propertyName === 'string' && Array.isArray(node.oneOf) && !discriminator.mapping) {
    const mapping: Record<string, string> = {};
    for (const member of node.oneOf) {
      const target = isObject(member) && typeof member.$ref === 'string' ? member.$ref : null;
      const component = target ? components[target.replace('#/components/schemas/', '')] : undefined;
      const property: unknown = isObject(component) && isObject(component.properties) ? component.properties[discriminator.propertyName] : undefined;
      const constant: unknown = isObject(property) ? property.const : undefined;
      const only: unknown = isObject(property) && Array.isArray(property.enum) && property.enum.length === 1 ? property.enum[0] : undefined;
      const value = constant ?? only;
      if (typeof value !== 'string' || !target) throw new Error(`discriminator member ${String(target)} has no constant ${discriminator.propertyName}`);
      mapping[value] = target;
    }
    discriminator.mapping = mapping;
  }
  for (const value of Object.values(node)) addDiscriminatorMappings(value, components);
}

const completeDocument: SwaggerTransformObject = (document) => {
  if (!('openapiObject' in document)) return document.swaggerObject;
  const openapiObject = document.openapiObject as Json;
  const components = (openapiObject.components ?? {}) as Json;
  const schemas = (components.schemas ?? {}) as Json;
  addDiscriminatorMappings(openapiObject.paths, schemas);
  addDiscriminatorMappings(schemas, schemas);

  // Each kind of problem has one example, shared by every answer that can carry it.
  const examples: Json = {};
  const shareProblemExamples = (media: unknown) => {
    if (!isObject(media) || !isObject(media.examples)) return;
    for (const [kind, example] of Object.entries(media.examples)) {
      const name = `problem-${kind}`;
      examples[name] ??= example;
      media.examples[kind] = { $ref: `#/components/examples/${name}` };
    }
  };

  const paths: Json = {};
  for (const [path, item] of Object.entries((openapiObject.paths ?? {}) as Record<string, Json>)) {
    const methods = Object.keys(item).sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b));
    const sorted: Json = {};
    for (const method of methods) {
      const operation = item[method] as Json;
      if (METHOD_ORDER.includes(method) && isObject(operation)) {
        // @fastify/swagger leaves a property's `deprecated` in the parameter's schema: the parameter says it.
        for (const parameter of (operation.parameters as Json[] | undefined) ?? []) {
          if (isObject(parameter.schema) && parameter.schema.deprecated === true) {
            delete parameter.schema.deprecated;
            parameter.deprecated = true;
          }
        }
        operation.parameters = [
          ...((operation.parameters as unknown[] | undefined) ?? []),
          { $ref: '#/components/parameters/AcceptLanguage' },
          { $ref: '#/components/parameters/RequestId' },
        ];
        for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, Json>)) {
          const headers: Json = { ...((response.headers as Json | undefined) ?? {}), 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
          if (isObject(response.content) && response.content[PROBLEM_JSON_MEDIA_TYPE]) {
            headers['Content-Language'] = { $ref: '#/components/headers/ContentLanguage' };
            if (status === '429' || status === '503') headers['Retry-After'] = { $ref: '#/components/headers/RetryAfter' };
            shareProblemExamples(response.content[PROBLEM_JSON_MEDIA_TYPE]);
          }
          response.headers = headers;
        }
      }
      sorted[method] = operation;
    }
    paths[path] = sorted;
  }
  const sortedExamples = Object.fromEntries(Object.entries(examples).sort(([a], [b]) => a.localeCompare(b)));
  const completed: Json = { ...openapiObject, paths, components: { ...components, parameters: PARAMETERS, headers: HEADERS, examples: sortedExamples } };
  return completed;
};

export default fp(
  async function openapiPlugin(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'lixiang 立项 API', version: API_VERSION, description: DESCRIPTION },
        servers: [{ url: '/' }],
        tags: TAGS,
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: '由 POST /api/v1/users 签发的令牌，供系统集成使用 / Token issued by POST /api/v1/users, for integrators' },
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: 'lixiang_session',
              description:
                '由 POST /api/v1/session 登录得到的会话 Cookie；凡非 GET/HEAD/OPTIONS 的请求须带 X-CSRF-Token 请求头（其值见登录应答的 csrfToken）/ ' +
                'The session cookie of POST /api/v1/session; every request but GET, HEAD and OPTIONS must carry the X-CSRF-Token header (the csrfToken of the login answer)',
            },
          },
        },
        security: [{ bearer: [] }, { session: [] }],
      },
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
      },
      transform: completeRoute,
      transformObject: completeDocument,
    });
    // The docs pages are public: mark every route the UI plugin adds.
    await app.register(async (docs) => {
      docs.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), public: true };
      });
      await docs.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true, displayOperationId: true } });
    });
    app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
  },
  { name: 'openapi', dependencies: ['errors'] },
);
