/**
 * What the command line says when a command fails: one line, and an exit code. The failures a user
 * can cause and fix (bad arguments, configuration, files and ports, the database file, a refused
 * request) are told as such; anything else is an unexpected error, whose stack is shown only when
 * LOG_LEVEL asks for debugging.
 */
import { ConfigError, showsStacks } from '../config.js';
import { DatabaseUnavailableError, isPostgresUrl, redactUrl } from '../db/pg/sync-client.js';
import { Problem } from '../http/problems.js';

/** Bad arguments: exit code 2, as for a usage error. */
export class UsageError extends Error {}

/** A command that declines to do what was asked, saying why (a demo over a database in use, say). */
export class Refused extends Error {}

/** A failure of the database (SQLite's file, or PostgreSQL: refused or unreachable), with its name. */
export class DatabaseFailure extends Error {
  constructor(
    readonly file: string,
    readonly sqlite: Error & { code: string },
  ) {
    super(`${file}: ${sqlite.message}`);
  }
}

const isSqliteError = (error: unknown): error is Error & { code: string } =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && (error as NodeJS.ErrnoException).code!.startsWith('SQLITE_');

/**
 * Runs `work` on the database, naming it in any failure of the database: the file, or the
 * PostgreSQL URL without its password.
 */
export async function onDatabase<T>(file: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isSqliteError(error) || error instanceof DatabaseUnavailableError) throw new DatabaseFailure(isPostgresUrl(file) ? redactUrl(file) : file, error);
    throw error;
  }
}

const VERBS: Record<string, string> = {
  mkdir: 'create the directory',
  open: 'open',
  read: 'read',
  write: 'write',
  rename: 'rename',
  unlink: 'remove',
  scandir: 'read the directory',
  stat: 'find',
};

export interface Failure {
  message: string;
  /** A failure the user can cause and fix; false: a fault of the program. */
  expected: boolean;
  exitCode: number;
}

const first = (text: string) => text.split('\n')[0] ?? '';

function systemFailure(error: NodeJS.ErrnoException & { address?: string; port?: number }): string {
  // Node's own text is "CODE: description, syscall 'path'"; the description alone reads better.
  const description = error.message.replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
  if (error.syscall === 'listen') {
    const where = `${error.address ?? ''}:${error.port ?? ''}`;
    if (error.code === 'EADDRINUSE') return `cannot listen on ${where}: the address is already in use (another service running? PORT and HOST choose another)`;
    return `cannot listen on ${where}: ${description}`;
  }
  const verb = VERBS[error.syscall ?? ''] ?? error.syscall ?? 'use';
  return `cannot ${verb}${error.path ? ` ${error.path}` : ''}: ${description}`;
}

export function describeFailure(error: unknown): Failure {
  if (error instanceof UsageError) return { message: first(error.message), expected: true, exitCode: 2 };
  if (error instanceof Refused) return { message: first(error.message), expected: true, exitCode: 1 };
  if (error instanceof ConfigError) return { message: `invalid configuration: ${first(error.message)}`, expected: true, exitCode: 1 };
  if (error instanceof Problem) return { message: first(error.message), expected: true, exitCode: 1 };
  if (error instanceof DatabaseFailure) return { message: `the database ${error.file}: ${first(error.sqlite.message)} (${error.sqlite.code})`, expected: true, exitCode: 1 };
  if (isSqliteError(error)) return { message: `the database: ${first(error.message)} (${error.code})`, expected: true, exitCode: 1 };
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string') {
      return { message: systemFailure(error), expected: true, exitCode: 1 };
    }
    return { message: `unexpected error: ${first(error.message)}`, expected: false, exitCode: 1 };
  }
  return { message: `unexpected error: ${String(error)}`, expected: false, exitCode: 1 };
}

/**
 * Writes the failure's line (and, when `env` asks for debugging, its stack) and returns the exit
 * code. Expected or not, the user reads one line.
 */
export function reportFailure(error: unknown, write: (text: string) => void, env: NodeJS.ProcessEnv = process.env): number {
  const failure = describeFailure(error);
  if (showsStacks(env) && error instanceof Error && error.stack) write(`lixiang: ${failure.message}\n${error.stack}\n`);
  else if (failure.expected) write(`lixiang: ${failure.message}\n`);
  else write(`lixiang: ${failure.message} (LOG_LEVEL=debug shows the stack)\n`);
  return failure.exitCode;
}
