/**
 * buildApp(): every Fastify option and plugin, in the order that is the architecture's table of
 * contents. The server and the tests build the same app; only the process around it differs.
 */
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { Type } from 'typebox';
import { auditRoutes } from './audit/audit.routes.js';
import { systemClock, type Clock } from './clock.js';
import type { Db } from './db/client.js';
import { SHARED_SCHEMAS } from './http/schemas.js';
import type { App } from './http/type-provider.js';
import { MACHINE_SCHEMAS, machineRoutes } from './machine/machine.routes.js';
import authPlugin from './plugins/auth.js';
import errorsPlugin from './plugins/errors.js';
import openapiPlugin from './plugins/openapi.js';
import { createValidatorCompiler } from './plugins/validation.js';
import { PROJECT_SCHEMAS } from './projects/projects.schemas.js';
import { ProjectsService } from './projects/projects.service.js';
import { projectsRoutes } from './projects/projects.routes.js';
import { RoundSchema } from './rounds/rounds.schemas.js';
import { roundsRoutes } from './rounds/rounds.routes.js';
import { RoundsService } from './rounds/rounds.service.js';
import { UnitSchema } from './units/units.schemas.js';
import { unitsRoutes } from './units/units.routes.js';
import { UnitsService } from './units/units.service.js';
import { UserSchema } from './users/users.schemas.js';
import { usersRoutes } from './users/users.routes.js';
import { UsersService } from './users/users.service.js';

export interface AppOptions {
  db: Db;
  clock?: Clock;
  /** Makes sure an admin holding this token exists. */
  adminToken?: string | null;
  logger?: FastifyServerOptions['logger'];
  /** Largest accepted request body, bytes. */
  bodyLimit?: number;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Every named schema; each becomes a component of the OpenAPI document. */
const NAMED_SCHEMAS = [...SHARED_SCHEMAS, UnitSchema, UserSchema, RoundSchema, ...PROJECT_SCHEMAS, ...MACHINE_SCHEMAS];

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(createValidatorCompiler(NAMED_SCHEMAS));
  // JSON only: a text/plain body would otherwise reach validation and answer 400 instead of 415.
  app.removeContentTypeParser('text/plain');
  for (const schema of NAMED_SCHEMAS) app.addSchema(schema);
  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });

  const units = new UnitsService(options.db, clock);
  const users = new UsersService(options.db, clock, units);
  const rounds = new RoundsService(options.db, clock);
  const projects = new ProjectsService(options.db, clock, units);
  if (options.adminToken) users.ensureAdmin(options.adminToken);

  // Infrastructure first, then the feature modules.
  await app.register(errorsPlugin);
  await app.register(openapiPlugin);
  await app.register(authPlugin, { users });

  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        operationId: 'health',
        tags: ['meta'],
        summary: '健康检查 / Liveness and database check',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }) },
      },
    },
    async () => {
      options.db.$client.prepare('SELECT 1').get();
      return { status: 'ok' as const };
    },
  );

  await app.register(
    async (api: App) => {
      await api.register(machineRoutes);
      await api.register(unitsRoutes, { units });
      await api.register(usersRoutes, { users });
      await api.register(roundsRoutes, { rounds });
      await api.register(projectsRoutes, { projects });
      await api.register(auditRoutes, { db: options.db });
    },
    { prefix: '/api/v1' },
  );

  await app.ready();
  return app;
}
