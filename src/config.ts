/**
 * The only reader of process.env. Everything the service can be told from outside is here,
 * validated once, typed and frozen.
 */
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config {
  port: number;
  host: string;
  /** A SQLite file path, or ':memory:'. */
  databasePath: string;
  adminToken: string | null;
  logLevel: LogLevel;
}

export class ConfigError extends Error {}

export const DEFAULT_DATABASE_PATH = './data/lixiang.db';

function parseDatabaseUrl(raw: string | undefined): string {
  const value = raw?.trim() || DEFAULT_DATABASE_PATH;
  if (value === ':memory:') return value;
  if (/^postgres(ql)?:\/\//.test(value)) {
    throw new ConfigError('DATABASE_URL: the PostgreSQL backend is not available yet; use a SQLite file path');
  }
  const file = value.startsWith('file:') ? value.slice('file:'.length) : value;
  return path.resolve(file);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT: not a port number: ${env.PORT}`);
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL: one of ${LOG_LEVELS.join(', ')}`);
  const adminToken = env.LIXIANG_ADMIN_TOKEN?.trim() || null;
  if (adminToken !== null && adminToken.length < 24) {
    throw new ConfigError('LIXIANG_ADMIN_TOKEN: at least 24 characters');
  }
  return Object.freeze({
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    databasePath: parseDatabaseUrl(env.DATABASE_URL),
    adminToken,
    logLevel,
  });
}
