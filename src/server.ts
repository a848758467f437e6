/**
 * The process around the app: configuration, the database, migrations, listening, and a graceful
 * close on SIGTERM/SIGINT (in-flight requests finish, then the database closes).
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { migrateDatabase, openDatabase, type Db } from './db/client.js';

export function loggerOptions(config: Pick<Config, 'logLevel'>) {
  return {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'token', '*.token'], censor: '[redacted]' },
  };
}

export async function startServer(config: Readonly<Config>): Promise<FastifyInstance> {
  const db = openDatabase(config.databasePath);
  migrateDatabase(db);
  const app = await buildApp({ db, adminToken: config.adminToken, logger: loggerOptions(config) });
  let closing = false;
  const close = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => {
        db.$client.close();
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  await app.listen({ port: config.port, host: config.host });
  app.log.info({ database: config.databasePath }, 'lixiang is listening');
  if (!hasActiveAdmin(db)) {
    app.log.warn('no administrator yet: restart with LIXIANG_ADMIN_TOKEN set, or run `npm run cli -- users create --name Admin --role admin`');
  }
  return app;
}

function hasActiveAdmin(db: Db): boolean {
  return db.$client.prepare("SELECT 1 FROM users WHERE role = 'admin' AND active = 1 LIMIT 1").get() !== undefined;
}
