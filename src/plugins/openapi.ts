/**
 * The OpenAPI document, generated from the route schemas, and the interactive docs at /docs.
 * Registered before any route so that every route is collected.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const API_VERSION = '0.1.0';

export default fp(
  async function openapiPlugin(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'lixiang 立项 API',
          version: API_VERSION,
          description: [
            '党建项目立项、评审、实施与结项验收的工作流引擎。Workflow engine for party-building project approval.',
            '',
            'Every project follows one state machine (`GET /api/v1/machine`). Fire events with `POST /api/v1/projects/{id}/events`;',
            'every accepted event appends one entry to a hash-chained, append-only transition log (`GET /api/v1/audit/verify`).',
            'Errors are RFC 9457 `application/problem+json` with a stable `type` and a title in Chinese and English.',
          ].join('\n'),
        },
        servers: [{ url: '/' }],
        tags: [
          { name: 'projects', description: '项目 / Projects and their events' },
          { name: 'audit', description: '审计 / Transition log and its verification' },
          { name: 'admin', description: '管理 / Units, users and rounds' },
          { name: 'meta', description: '元数据 / Machine definition and health' },
        ],
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Token issued by POST /api/v1/users' } },
        },
        security: [{ bearer: [] }],
      },
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
      },
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
