/**
 * The only reader of process.env. Everything the service can be told from outside is here,
 * validated once, typed and frozen.
 */
import { isPostgresUrl } from './db/pg/sync-client.js';
import fs from 'node:fs';
import os from 'node:os';
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
  /**
   * The Ed25519 key that signs checkpoints and keys the sealed head (PEM, created at first start);
   * null: an in-memory key. Outside the database directory by default.
   */
  signingKeyPath: string | null;
  /** Set when the key in use lies beside the database (an older install): the warning to log at every start. */
  signingKeyWarning: string | null;
  /** Where every signed checkpoint is appended; null: no witness. */
  witnessPath: string | null;
  /** Whether every commit seals the log's head; off only to measure the seal's cost (the next start then refuses the head). */
  sealHead: boolean;
  /** Names this deployment in the checkpoints' origin line: lixiang/<instance>/transition-log. */
  instance: string;
  /** How often the server signs the log's head when it moved; 0: never on its own. */
  checkpointIntervalMs: number;
  /** A login session ends after this long without a request (LIXIANG_SESSION_IDLE_MINUTES, default 480: 8 hours). */
  sessionIdleMs: number;
  /** A login session ends this long after the login, however busy (LIXIANG_SESSION_MAX_HOURS, default 168: 7 days). */
  sessionMaxMs: number;
  /** Whether the session cookie carries `Secure` (LIXIANG_COOKIE_SECURE=true behind HTTPS; default false). */
  cookieSecure: boolean;
}

export class ConfigError extends Error {}

export const DEFAULT_DATABASE_PATH = './data/lixiang.db';

function parseDatabaseUrl(raw: string | undefined): string {
  const value = raw?.trim() || DEFAULT_DATABASE_PATH;
  if (value === ':memory:') return value;
  // A PostgreSQL URL is kept as given (the password never reaches a log: src/db/pg/sync-client.ts redacts it).
  if (isPostgresUrl(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError('DATABASE_URL: not a valid postgres:// URL');
    }
    return value;
  }
  const file = value.startsWith('file:') ? value.slice('file:'.length) : value;
  return path.resolve(file);
}

/**
 * The key's default home: ${XDG_CONFIG_HOME:-$HOME/.config}/lixiang/<instance>/signing-key.pem, outside
 * the database directory, so that whoever copies or edits the database does not hold the key.
 */
export function defaultKeyDirectory(env: NodeJS.ProcessEnv, instance: string): string {
  const base = env.XDG_CONFIG_HOME?.trim() || path.join(env.HOME?.trim() || os.homedir(), '.config');
  return path.resolve(base, 'lixiang', instance);
}

/**
 * LIXIANG_SIGNING_KEY_PATH, else the default home; but a key still lying beside the database (an
 * older install) is used, with a warning at every start, until it is moved. An in-memory database
 * keeps an in-memory key unless told otherwise.
 */
function parseSigningKey(env: NodeJS.ProcessEnv, databasePath: string, instance: string): { file: string | null; warning: string | null } {
  const value = env.LIXIANG_SIGNING_KEY_PATH?.trim();
  if (value) return { file: path.resolve(value), warning: null };
  if (databasePath === ':memory:') return { file: null, warning: null };
  const home = path.join(defaultKeyDirectory(env, instance), 'signing-key.pem');
  // On PostgreSQL every instance seals the one head: each must be given the same key (LIXIANG_SIGNING_KEY_PATH, or the same home).
  if (isPostgresUrl(databasePath)) return { file: home, warning: null };
  const beside = path.join(path.dirname(databasePath), 'signing-key.pem');
  if (!fs.existsSync(beside)) return { file: home, warning: null };
  if (fs.existsSync(home)) {
    return { file: home, warning: `a copy of the signing key still lies beside the database (${beside}); ${home} is the one in use: remove the copy` };
  }
  return {
    file: beside,
    warning:
      `the signing key lies beside the database (${beside}): whoever copies the database directory has it. ` +
      `Stop the service and move it: mkdir -p ${path.dirname(home)} && mv ${beside} ${home} (or set LIXIANG_SIGNING_KEY_PATH)`,
  };
}

/** LIXIANG_WITNESS_PATH; default witness.log in the key's directory (the default home for a key beside the database); 'off': none. */
function parseWitnessPath(env: NodeJS.ProcessEnv, signingKeyPath: string | null, defaultHome: string): string | null {
  const value = env.LIXIANG_WITNESS_PATH?.trim();
  if (value === 'off') return null;
  if (value) return path.resolve(value);
  if (signingKeyPath === null) return null;
  return path.join(env.LIXIANG_SIGNING_KEY_PATH?.trim() ? path.dirname(signingKeyPath) : defaultHome, 'witness.log');
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
  const signingKey = parseSigningKey(env, databasePath, instance);
  const seal = env.LIXIANG_SEAL?.trim() || 'on';
  if (seal !== 'on' && seal !== 'off') throw new ConfigError('LIXIANG_SEAL: on or off (off only to measure its cost: the next start refuses the unsealed head)');
  const idleMinutes = Number(env.LIXIANG_SESSION_IDLE_MINUTES ?? 480);
  if (!Number.isInteger(idleMinutes) || idleMinutes < 1 || idleMinutes > 43_200) {
    throw new ConfigError('LIXIANG_SESSION_IDLE_MINUTES: whole minutes, 1 to 43200');
  }
  const maxHours = Number(env.LIXIANG_SESSION_MAX_HOURS ?? 168);
  if (!Number.isInteger(maxHours) || maxHours < 1 || maxHours > 8_760) throw new ConfigError('LIXIANG_SESSION_MAX_HOURS: whole hours, 1 to 8760');
  const cookieSecure = env.LIXIANG_COOKIE_SECURE?.trim() || 'false';
  if (cookieSecure !== 'true' && cookieSecure !== 'false') throw new ConfigError('LIXIANG_COOKIE_SECURE: true or false');
  return Object.freeze({
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    databasePath,
    adminToken,
    logLevel,
    writesPerMinute,
    authFailuresPerMinute,
    refusalRetentionDays,
    signingKeyPath: signingKey.file,
    signingKeyWarning: signingKey.warning,
    witnessPath: parseWitnessPath(env, signingKey.file, defaultKeyDirectory(env, instance)),
    sealHead: seal === 'on',
    instance,
    checkpointIntervalMs: intervalSeconds * 1000,
    sessionIdleMs: idleMinutes * 60_000,
    sessionMaxMs: maxHours * 3_600_000,
    cookieSecure: cookieSecure === 'true',
  });
}
