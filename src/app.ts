/**
 * buildApp(): every Fastify option and plugin, in the order that is the architecture's table of
 * contents. The server and the tests build the same app; only the process around it differs.
 */
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { Type } from 'typebox';
import { AUDIT_SCHEMAS } from './audit/audit.schemas.js';
import { auditRoutes } from './audit/audit.routes.js';
import { CheckpointsService, loadSigningKey, logIdentity, scheduleCheckpoints } from './audit/checkpoints.js';
import { AuditExportService } from './audit/export-bundle.js';
import { examineHeadAtOnce, watchHead, type HeadContext } from './audit/head-check.js';
import { headVerdict } from './audit/head.schemas.js';
import { bindSealer, HeadSealer } from './audit/seal.js';
import { Witness } from './audit/witness.js';
import { isoUtc, systemClock, type Clock } from './clock.js';
import type { Db } from './db/client.js';
import { onPostgres } from './db/dialect.js';
import { GroupCommitter } from './db/group-commit.js';
import { metricsRoutes } from './db/metrics.routes.js';
import { OneLineLogController } from './http/log-controller.js';
import { cachingSerializerFactory } from './http/serializer-cache.js';
import { problems, SHARED_SCHEMAS } from './http/schemas.js';
import type { App } from './http/type-provider.js';
import { machineDefinitions } from './machines/definitions.js';
import { MACHINE_SCHEMAS, machineRoutes } from './machines/machines.routes.js';
import authPlugin from './plugins/auth.js';
import { sessionRoutes } from './auth/session.routes.js';
import { SESSION_SCHEMAS } from './auth/session.schemas.js';
import { DEFAULT_SESSION_SETTINGS, SessionsService, type SessionSettings } from './auth/sessions.service.js';
import errorsPlugin, { clientErrorProblem, frameworkProblem } from './plugins/errors.js';
import headGuardPlugin from './plugins/head-guard.js';
import limitsPlugin from './plugins/limits.js';
import openapiPlugin from './plugins/openapi.js';
import securityEventsPlugin from './plugins/security-events.js';
import { createValidatorCompiler } from './plugins/validation.js';
import { defaultWebRoot, MAX_PARAM_LENGTH, webRoutes } from './plugins/web.js';
import { DEFAULT_MAX_UPLOAD_BYTES, filesRoutes } from './files/files.routes.js';
import { FilesService } from './files/files.service.js';
import { roundDocumentsRoutes } from './files/round-documents.routes.js';
import { RoundDocumentsService } from './files/round-documents.service.js';
import { panelRoutes } from './panel/panel.routes.js';
import { PanelService } from './panel/panel.service.js';
import { PROJECT_SCHEMAS } from './projects/projects.schemas.js';
import { ProjectsRepository } from './projects/projects.repository.js';
import { ProjectsService } from './projects/projects.service.js';
import { REPORT_SCHEMAS } from './reports/reports.schemas.js';
import { PUBLISHED_LIST_SCHEMAS } from './reports/published-list.schemas.js';
import { reportsRoutes } from './reports/reports.routes.js';
import { EXTENSION_SCHEMAS } from './extensions/extensions.schemas.js';
import { CALENDAR_SCHEMAS } from './calendar/calendar.schemas.js';
import { calendarRoutes } from './calendar/calendar.routes.js';
import { CalendarService } from './calendar/calendar.service.js';
import { extensionsRoutes } from './extensions/extensions.routes.js';
import { ExtensionsService } from './extensions/extensions.service.js';
import { ReportsService } from './reports/reports.service.js';
import { projectsRoutes } from './projects/projects.routes.js';
import { acceptanceRoutes } from './projects/acceptance.routes.js';
import { ACCEPTANCE_SCHEMAS } from './projects/acceptance.schemas.js';
import { AcceptanceService } from './projects/acceptance.service.js';
import { RoundEventResultSchema, RoundSchema } from './rounds/rounds.schemas.js';
import { roundsRoutes } from './rounds/rounds.routes.js';
import { RoundsService } from './rounds/rounds.service.js';
import { PublicityService, type PublicitySources } from './rounds/publicity.js';
import { publicityEndsAt } from './calendar/working-days.js';
import { publicityRoutes } from './rounds/publicity.routes.js';
import { PUBLICITY_SCHEMAS } from './rounds/publicity.schemas.js';
import { RoundsRepository } from './rounds/rounds.repository.js';
import { IdempotencyRepository } from './workflow/idempotency.repository.js';
import type { WorkflowStores } from './workflow/step.js';
import { TransitionLogRepository } from './workflow/transition-log.repository.js';
import { MachineMigrations } from './workflow/machine-migrations.js';
import { adoptUnrecorded } from './workflow/records.js';
import { MachineRegistry, SHIPPED_LIFECYCLES, type AnyLifecycle } from '../machines/registry.js';
import { UnitSchema } from './units/units.schemas.js';
import { unitsRoutes } from './units/units.routes.js';
import { UnitsService } from './units/units.service.js';
import { UserSchema } from './users/users.schemas.js';
import { usersRoutes } from './users/users.routes.js';
import { UsersService } from './users/users.service.js';

export interface AppOptions {
  db: Db;
  clock?: Clock;
  /** Writes per minute per principal before 429; 0 turns the limit off. Default 600. */
  writesPerMinute?: number;
  /** Failed authentications per source address and minute before 429; 0 turns the limit off. Default 20. */
  authFailuresPerMinute?: number;
  /** Days refused attempts are kept (security_events, refused_attempts); 0 keeps them. Default 90. */
  refusalRetentionDays?: number;
  /** Makes sure an admin holding this token exists. */
  adminToken?: string | null;
  logger?: FastifyServerOptions['logger'];
  /** Largest accepted request body, bytes. */
  bodyLimit?: number;
  /** Largest accepted uploaded file (multipart), bytes; default 20 MiB. */
  maxUploadBytes?: number;
  /** The checkpoint signing key's PEM file, created if missing; null or omitted: an in-memory key. */
  signingKeyPath?: string | null;
  /** Names the log in checkpoints: lixiang/<instance>/transition-log. */
  instance?: string;
  /** Sign the log's head this often when it moved (and at start and close); omitted or 0: only on request. */
  checkpointIntervalMs?: number;
  /**
   * The definitions the service runs instead of the shipped ones: FIRST_EDITION_LIFECYCLES stands
   * for the first release (the demo builds its 2023 round so, as that release stored it).
   */
  lifecycles?: readonly AnyLifecycle[];
  /** Machine definitions beside the shipped ones (a newer version of a machine). */
  machines?: readonly AnyLifecycle[];
  /** Where every signed checkpoint is appended (fsync'd); null or omitted: no witness. */
  witnessPath?: string | null;
  /** Whether every commit seals the log's head (default true; false only to measure its cost). */
  sealHead?: boolean;
  /** How often a refused head is checked again, ms (default 30 s). */
  headRecheckMs?: number;
  /**
   * Whether the round's gates decide project events beside the project's machine (issue 16): an
   * event the round's stage does not allow answers 409 `round-gate-closed`, START runs only inside
   * PUBLISH_LIST, and `allowedEvents` leaves gated events out. Default true: the gates are the product's
   * behaviour; false leaves the project's machine alone (tests that reach the old shortcuts on purpose).
   */
  enforceRoundGates?: boolean;
  /** Login sessions: idle and absolute lifetime, the cookie's Secure flag (default 8 h, 7 days, not Secure). */
  session?: Partial<SessionSettings>;
  /**
   * The built web application served at `/` (src/web, built into dist/web by `npm run build`).
   * Omitted: the repository's dist/web if it was built; null: none (GET / then says how to build it).
   */
  webRoot?: string | null;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Every named schema; each becomes a component of the OpenAPI document. */
const NAMED_SCHEMAS = [
  ...SHARED_SCHEMAS,
  UnitSchema,
  UserSchema,
  RoundSchema,
  ...PROJECT_SCHEMAS,
  RoundEventResultSchema,
  ...MACHINE_SCHEMAS,
  ...AUDIT_SCHEMAS,
  ...REPORT_SCHEMAS,
  ...PUBLISHED_LIST_SCHEMAS,
  ...EXTENSION_SCHEMAS,
  ...CALENDAR_SCHEMAS,
  ...ACCEPTANCE_SCHEMAS,
  ...PUBLICITY_SCHEMAS,
  ...SESSION_SCHEMAS,
];

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new OneLineLogController(),
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    return503OnClosing: false, // the errors plugin answers a problem document instead
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkProblem,
    clientErrorHandler: clientErrorProblem,
    ajv: { customOptions: { removeAdditional: false } },
    schemaController: { compilersFactory: { buildSerializer: cachingSerializerFactory } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(createValidatorCompiler(NAMED_SCHEMAS));
  // JSON only: a text/plain body would otherwise reach validation and answer 400 instead of 415.
  app.removeContentTypeParser('text/plain');
  for (const schema of NAMED_SCHEMAS) app.addSchema(schema);
  // Callback-style rather than async hooks, here and in the plugins: on every request an async
  // hook costs a promise and a microtask turn.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Request-Id', request.id);
    done(null, payload);
  });

  const committer = new GroupCommitter(options.db.$client);
  // The one workflow step's stores: the machine definitions, the log, the idempotency records.
  const workflow: WorkflowStores = {
    registry: new MachineRegistry([...(options.lifecycles ?? SHIPPED_LIFECYCLES), ...(options.machines ?? [])]),
    log: new TransitionLogRepository(options.db.$client),
    idempotency: new IdempotencyRepository(options.db.$client),
  };
  // The create routes' Idempotency-Key (src/workflow/idempotent-create.ts) keeps its records there too.
  app.decorate('idempotency', workflow.idempotency);
  const units = new UnitsService(options.db, clock, committer, workflow.log, !onPostgres(options.db.$client));
  const users = new UsersService(options.db, clock, units, committer, workflow.log);
  const sessions = new SessionsService(options.db, clock, committer, workflow.log, { ...DEFAULT_SESSION_SETTINGS, ...options.session });
  const projectsRepository = new ProjectsRepository(options.db);
  const projects = new ProjectsService(options.db, clock, units, committer, projectsRepository, workflow, options.enforceRoundGates ?? true);
  // 公示 (round@2): the period ends by the working-day calendar; PUBLISH_LIST names the round's latest signed list.
  const publicitySources: PublicitySources = {
    publicityEnd: (startedAt, workingDays) => publicityEndsAt(startedAt, workingDays, calendar.calendar()),
    listDocuments: (roundId) => {
      const latest = roundDocuments.latestListDocument(roundId);
      return latest ? { [latest.fileId]: latest.sha256 } : {};
    },
  };
  const rounds = new RoundsService(options.db, clock, committer, projects, new RoundsRepository(options.db), projectsRepository, workflow, publicitySources);
  const panel = new PanelService(options.db, clock, units, committer, workflow.log);
  const calendar = new CalendarService(options.db, clock, committer, workflow.log);
  const roundDocuments = new RoundDocumentsService(options.db, clock, committer, workflow.log, rounds);
  const identity = logIdentity(options.instance ?? 'default');
  const signingKey = loadSigningKey(options.signingKeyPath ?? null, identity.keyName, app.log);
  // The start-up check, before anything is written: a head that is not an extension of its past
  // is never sealed, signed or written after; the service then serves reads only.
  const witness = options.witnessPath ? new Witness(options.witnessPath) : null;
  const headContext: HeadContext = { key: signingKey, origin: identity.origin, witness };
  const sealer = new HeadSealer(options.db.$client, signingKey, identity.origin, clock);
  if (options.sealHead !== false) bindSealer(sealer);
  const headWatch = watchHead(sealer, headContext, app.log, options.headRecheckMs ?? 30_000);
  app.addHook('onClose', async () => headWatch.stop());
  if (sealer.writable) {
    // A database from before record entries: its rows become ADOPT entries before anything else is written.
    const adopted = await committer.run(() => adoptUnrecorded(options.db.$client, workflow.log, isoUtc(clock.now())));
    if (adopted > 0) app.log.info({ adopted }, 'rows written before record entries adopted into the log');
    const ensured = options.adminToken ? await users.ensureAdmin(options.adminToken) : null;
    if (ensured === 'retired') app.log.warn('LIXIANG_ADMIN_TOKEN was rotated or reissued away: it stays retired and no administrator is created for it');
    if (ensured === 'inactive') app.log.warn('the administrator of LIXIANG_ADMIN_TOKEN is deactivated and stays so');
  } else {
    app.log.warn('while the log head is refused, nothing is adopted and the administrator of LIXIANG_ADMIN_TOKEN is not ensured');
  }
  const definitions = machineDefinitions(workflow.registry);
  const checkpoints = new CheckpointsService(options.db, clock, signingKey, identity.origin, definitions, witness);
  const exporter = new AuditExportService(options.db, clock, signingKey, identity.origin, undefined, definitions, witness);

  // Infrastructure first, then the feature modules.
  await app.register(errorsPlugin);
  await app.register(openapiPlugin);
  await app.register(headGuardPlugin, { sealer });
  await app.register(authPlugin, { users, sessions, clock, failuresPerMinute: options.authFailuresPerMinute ?? 20 });
  await app.register(limitsPlugin, { writesPerMinute: options.writesPerMinute ?? 600 });
  await app.register(securityEventsPlugin, { db: options.db, clock, committer, retentionDays: options.refusalRetentionDays ?? 90 });

  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        operationId: 'health',
        tags: ['meta'],
        summary: '健康检查 / Liveness and database check',
        description:
          '进程存活且数据库可查询时答 200；日志头未通过启动核验（服务只读）时答 503 head-refused 并列出原因。\n' +
          'Answers 200 when the process is up and the database answers a query (500 otherwise); 503 `head-refused` with its `reasons` while the log head is refused and the service serves reads only.',
        security: [],
        response: {
          200: Type.Object(
            { status: Type.Literal('ok', { minLength: 2, description: '状态 / Status', examples: ['ok'] }) },
            { additionalProperties: false, description: '服务可用 / The service is up' },
          ),
          ...problems('head-refused'),
        },
      },
    },
    async () => {
      options.db.$client.prepare('SELECT 1').get();
      // Refused: 503 'head-refused' (problem+json) with the reasons.
      sealer.assertWritable();
      return { status: 'ok' as const };
    },
  );

  // The web application at `/` (src/plugins/web.ts); the API, /docs and /openapi.json keep their paths.
  await app.register(webRoutes, { root: options.webRoot === undefined ? defaultWebRoot() : options.webRoot });

  await app.register(
    async (api: App) => {
      await api.register(metricsRoutes, { committer });
      await api.register(machineRoutes, { registry: workflow.registry, migrations: new MachineMigrations(options.db.$client, clock, committer, workflow) });
      await api.register(unitsRoutes, { units });
      await api.register(usersRoutes, { users });
      await api.register(sessionRoutes, { sessions, users });
      await api.register(roundsRoutes, { rounds });
      await api.register(publicityRoutes, { rounds, publicity: new PublicityService(clock, rounds.publicityRepository, (id) => rounds.findRow(id)) });
      await api.register(extensionsRoutes, { extensions: new ExtensionsService(options.db, clock, committer, workflow.log, rounds, units) });
      await api.register(calendarRoutes, { calendar });
      await api.register(projectsRoutes, { projects });
      await api.register(acceptanceRoutes, { projects, acceptance: new AcceptanceService(options.db) });
      await api.register(panelRoutes, { panel });
      await api.register(filesRoutes, {
        files: new FilesService(options.db, clock, projects, committer, workflow.log),
        maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
      });
      await api.register(roundDocumentsRoutes, { documents: roundDocuments, maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES });
      await api.register(reportsRoutes, { reports: new ReportsService(options.db), projects, clock });
      await api.register(auditRoutes, { db: options.db, checkpoints, exporter, head: () => headVerdict(examineHeadAtOnce(options.db.$client, headContext, true)) });
    },
    { prefix: '/api/v1' },
  );

  if (options.checkpointIntervalMs) {
    const schedule = scheduleCheckpoints(checkpoints, options.checkpointIntervalMs, app.log);
    app.addHook('onClose', async () => schedule.stop());
  }

  await app.ready();
  return app;
}
