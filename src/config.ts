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
  /** Writes per minute per principal before 429; 0: no limit. */
  writesPerMinute: number;
  /** Failed authentications per source address and minute before 429; 0: no limit. */
  authFailuresPerMinute: number;
  /** Days refused attempts are kept; 0: forever. */
  refusalRetentionDays: number;
  /** The Ed25519 key that signs checkpoints (PEM, created at first start); null: an in-memory key. */
  signingKeyPath: string | null;
  /** Names this deployment in the checkpoints' origin line: lixiang/<instance>/transition-log. */
  instance: string;
  /** How often the server signs the log's head when it moved; 0: never on its own. */
  checkpointIntervalMs: number;
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

/** Beside the database file; an in-memory database keeps an in-memory key unless told otherwise. */
function parseSigningKeyPath(raw: string | undefined, databasePath: string): string | null {
  const value = raw?.trim();
  if (value) return path.resolve(value);
  return databasePath === ':memory:' ? null : path.join(path.dirname(databasePath), 'signing-key.pem');
}

const INSTANCE = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Whether a command-line failure should show its stack: LOG_LEVEL debug or trace. Read on its own,
 * because it must work when the rest of the configuration is what failed.
 */
export function showsStacks(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT: not a port number: ${env.PORT}`);
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL: one of ${LOG_LEVELS.join(', ')}`);
  const writesPerMinute = Number(env.LIXIANG_RATE_LIMIT ?? 600);
  if (!Number.isInteger(writesPerMinute) || writesPerMinute < 0) throw new ConfigError('LIXIANG_RATE_LIMIT: writes per minute, 0 for none');
  const authFailuresPerMinute = Number(env.LIXIANG_AUTH_FAILURES_PER_MINUTE ?? 20);
  if (!Number.isInteger(authFailuresPerMinute) || authFailuresPerMinute < 0) {
    throw new ConfigError('LIXIANG_AUTH_FAILURES_PER_MINUTE: failed authentications per address and minute, 0 for none');
  }
  const refusalRetentionDays = Number(env.LIXIANG_REFUSAL_RETENTION_DAYS ?? 90);
  if (!Number.isInteger(refusalRetentionDays) || refusalRetentionDays < 0 || refusalRetentionDays > 36_500) {
    throw new ConfigError('LIXIANG_REFUSAL_RETENTION_DAYS: whole days, 0 (keep forever) to 36500');
  }
  const adminToken = env.LIXIANG_ADMIN_TOKEN?.trim() || null;
  if (adminToken !== null && adminToken.length < 24) {
    throw new ConfigError(`LIXIANG_ADMIN_TOKEN: at least 24 characters (it has ${adminToken.length})`);
  }
  const databasePath = parseDatabaseUrl(env.DATABASE_URL);
  const instance = env.LIXIANG_INSTANCE?.trim() || 'default';
  if (!INSTANCE.test(instance)) throw new ConfigError('LIXIANG_INSTANCE: 1 to 64 letters, digits, dots, dashes or underscores');
  const intervalSeconds = Number(env.LIXIANG_CHECKPOINT_INTERVAL_SECONDS ?? 600);
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 0 || intervalSeconds > 31 * 86_400) {
    throw new ConfigError('LIXIANG_CHECKPOINT_INTERVAL_SECONDS: whole seconds, 0 (off) to 2678400');
  }
  return Object.freeze({
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    databasePath,
    adminToken,
    logLevel,
    writesPerMinute,
    authFailuresPerMinute,
    refusalRetentionDays,
    signingKeyPath: parseSigningKeyPath(env.LIXIANG_SIGNING_KEY_PATH, databasePath),
    instance,
    checkpointIntervalMs: intervalSeconds * 1000,
  });
}
