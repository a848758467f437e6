/**
 * The process around the app: configuration, the database, migrations, listening, and a graceful
 * close on SIGTERM/SIGINT (in-flight requests finish, then the database closes). While it runs, a
 * pid file beside the database says that a service holds it (src/db/pid-file.ts).
 */
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { WalCheckpointer } from './db/checkpointer.js';
import { migrateDatabase, openDatabase, type Db } from './db/client.js';
import { onPostgres } from './db/dialect.js';
import { writePidFile } from './db/pid-file.js';

export function loggerOptions(config: Pick<Config, 'logLevel'>) {
  return {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'token', '*.token'], censor: '[redacted]' },
  };
}

export async function startServer(config: Readonly<Config>): Promise<FastifyInstance> {
  // Logs are written asynchronously, off the request path, and buffered: lines go out together
  // once 4 KiB are waiting (one write for about a dozen request lines instead of one each), and
  // at least once a second; close flushes the rest.
  const logStream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const logFlush = setInterval(() => logStream.flush(), 1000);
  logFlush.unref();
  const db = openDatabase(config.databasePath);
  // On PostgreSQL many instances share the database: no pid file, no WAL checkpointer (the server's own).
  const embedded = !onPostgres(db.$client) && config.databasePath !== ':memory:';
  const releasePidFile = embedded ? writePidFile(config.databasePath) : () => {};
  migrateDatabase(db);
  const checkpointer = embedded ? new WalCheckpointer(db.$client, config.databasePath, createRequire(import.meta.url).resolve('better-sqlite3')) : null;
  const app = await buildApp({
    db,
    adminToken: config.adminToken,
    writesPerMinute: config.writesPerMinute,
    authFailuresPerMinute: config.authFailuresPerMinute,
    refusalRetentionDays: config.refusalRetentionDays,
    logger: { ...loggerOptions(config), stream: logStream },
    signingKeyPath: config.signingKeyPath,
    witnessPath: config.witnessPath,
    sealHead: config.sealHead,
    instance: config.instance,
    checkpointIntervalMs: config.checkpointIntervalMs,
    session: { idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs, cookieSecure: config.cookieSecure },
  });
  if (config.signingKeyWarning) app.log.warn({ signingKey: config.signingKeyPath }, config.signingKeyWarning);
  let closing = false;
  const close = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // In-flight requests finish; keep-alive connections are closed as soon as they fall idle,
    // rather than after Fastify's 72 s keep-alive timeout.
    const reaper = setInterval(() => app.server.closeIdleConnections(), 50);
    reaper.unref();
    const exit = (code: number) => {
      clearInterval(logFlush);
      logStream.flushSync();
      process.exit(code);
    };
    app
      .close()
      .then(() => checkpointer?.close())
      .then(
        () => {
          db.$client.close();
          releasePidFile();
          exit(0);
        },
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed');
          exit(1);
        },
      );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // Nothing was served (the port is taken, say): close what was opened, then fail.
    process.removeListener('SIGTERM', close);
    process.removeListener('SIGINT', close);
    clearInterval(logFlush);
    await app.close();
    await checkpointer?.close();
    db.$client.close();
    releasePidFile();
    logStream.flushSync();
    throw error;
  }
  // The connection's name: the file, or the URL without its password.
  app.log.info({ database: db.$client.name }, 'lixiang is listening');
  if (!hasActiveAdmin(db)) {
    app.log.warn('no administrator yet: restart with LIXIANG_ADMIN_TOKEN set, or run `npm run cli -- users create --name Admin --role admin`');
  }
  return app;
}

function hasActiveAdmin(db: Db): boolean {
  return db.$client.prepare("SELECT 1 FROM users WHERE role = 'admin' AND active = 1 LIMIT 1").get() !== undefined;
}
