/**
 * PostgreSQL behind the connection interface the engine already writes through (the part of
 * better-sqlite3's it uses: prepare → run / get / all / iterate, raw, pluck; transaction with
 * savepoints; exec). Every statement goes to the connection's thread (./worker-source.ts) and the
 * caller sleeps until it is answered, so the workflow step stays the synchronous function it is on
 * SQLite: no await between reading a subject and writing it, one transaction per group commit.
 *
 * Writes from many instances are ordered by one lock: every transaction this client begins takes
 * the transaction-scoped advisory lock WRITE_LOCK_KEY as its first statement. Only one transaction
 * of all instances holds it at a time, so transactions that write are serial, and each one reads,
 * after taking the lock, everything committed before it — the single writer SQLite gives one
 * process, given to every process on the database. The log's head (sequence and hash) is read and
 * advanced under it, so the log stays one totally ordered chain.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { bindValues, translatePlaceholders, type TranslatedSql } from './sql-params.js';
import { PG_WORKER_SOURCE } from './worker-source.js';

/** The advisory lock every write transaction takes first (an arbitrary constant of the project). */
export const WRITE_LOCK_KEY = 7_431_001;
/** The lock the migrations run under, so that instances started together migrate one at a time. */
export const MIGRATION_LOCK_KEY = 7_431_002;

/** The role the service's statements run as: no UPDATE, DELETE or TRUNCATE on the log (migrations/pg). */
export const SERVICE_ROLE = 'lixiang_service';

/** PostgreSQL could not be reached, or the connection broke: the request may be retried. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}

/** A statement PostgreSQL refused, with the code SQLite would have given where the engine reads it. */
export class PgStatementError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly sqlState: string | undefined,
    readonly constraint: string | undefined,
  ) {
    super(message);
    this.name = 'PgStatementError';
  }
}

interface Answer {
  id: number;
  ok: boolean;
  rows?: unknown[][];
  fields?: string[];
  count?: number;
  error?: { message: string; code?: string; constraint?: string; unavailable: boolean };
}

const SQLITE_CODES: Record<string, string> = {
  '23505': 'SQLITE_CONSTRAINT_UNIQUE',
  '23503': 'SQLITE_CONSTRAINT_FOREIGNKEY',
  '23514': 'SQLITE_CONSTRAINT_CHECK',
  '23502': 'SQLITE_CONSTRAINT_NOTNULL',
  '23001': 'SQLITE_CONSTRAINT_TRIGGER',
  P0001: 'SQLITE_CONSTRAINT_TRIGGER',
  '42501': 'SQLITE_AUTH',
};

export interface PgClientOptions {
  /** How long one statement may take before the instance gives the connection up, ms. */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** The role to SET after connecting (and after migrating); null: stay the connecting user. */
  role?: string | null;
}

const resolveFrom = createRequire(import.meta.url).resolve('pg');

export class PgSyncClient {
  readonly name: string;
  readonly memory = false;
  readonly readonly = false;
  private worker!: Worker;
  private port!: import('node:worker_threads').MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  private depth = 0;
  private transactionId = 0;
  private nextTransaction = 1;
  private opened = true;
  private readonly statements = new Map<string, TranslatedSql>();
  private cursors = 0;
  private readonly timeoutMs: number;

  constructor(
    readonly url: string,
    private readonly options: PgClientOptions = {},
  ) {
    this.name = redactUrl(url);
    this.timeoutMs = options.statementTimeoutMs ?? 30_000;
    this.spawn();
  }

  private spawn(): void {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(PG_WORKER_SOURCE, {
      eval: true,
      workerData: {
        signal: this.signal,
        port: port2,
        url: this.url,
        role: this.options.role === undefined ? SERVICE_ROLE : this.options.role,
        connectTimeoutMs: this.options.connectTimeoutMs ?? 5_000,
        resolveFrom,
      },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  get open(): boolean {
    return this.opened;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  /** Sends one request and sleeps until the connection's thread answers it. */
  private call(request: Record<string, unknown>): Answer {
    if (!this.opened) throw new TypeError('The database connection is not open');
    const id = this.nextId++;
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage({ ...request, id, transaction: request.transaction ?? this.transactionId });
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const message = receiveMessageOnPort(this.port);
      if (message) {
        const answer = message.message as Answer;
        if (answer.id === id) return this.settle(answer);
        continue; // a late answer to a request given up on
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        // The connection hangs: give it up; whatever transaction it held is rolled back by the server.
        void this.worker.terminate();
        this.depth = 0;
        this.transactionId = 0;
        this.spawn();
        throw new DatabaseUnavailableError(`PostgreSQL did not answer within ${this.timeoutMs} ms`);
      }
      Atomics.wait(this.signal, 0, 0, Math.min(left, 1_000));
      Atomics.store(this.signal, 0, 0);
    }
  }

  private settle(answer: Answer): Answer {
    if (answer.ok) return answer;
    const error = answer.error!;
    if (error.unavailable) throw new DatabaseUnavailableError(`PostgreSQL is unavailable: ${error.message}`);
    throw new PgStatementError(error.message, (error.code && SQLITE_CODES[error.code]) ?? 'SQLITE_ERROR', error.code, error.constraint);
  }

  query(sql: string, args: readonly unknown[]): Answer {
    let translated = this.statements.get(sql);
    if (!translated) {
      translated = translatePlaceholders(sql);
      this.statements.set(sql, translated);
    }
    try {
      return this.call({ kind: 'query', text: translated.text, values: bindValues(translated.slots, args) });
    } catch (error) {
      // The statement beside the refusal, for the log (never for the client: a 500 says only that it is logged).
      if (error instanceof PgStatementError) error.message += ` [in: ${translated.text.slice(0, 300)}]`;
      throw error;
    }
  }

  openCursor(): number {
    return ++this.cursors;
  }

  closeCursor(): void {
    this.cursors -= 1;
  }

  prepare<R = unknown>(sql: string): PgStatement<R> {
    return new PgStatement<R>(this, sql);
  }

  /** Runs statements without parameters, separated by semicolons. */
  exec(sql: string): this {
    const trimmed = sql.trim().replace(/;$/, '').trim().toUpperCase();
    if (trimmed === 'BEGIN' || trimmed.startsWith('BEGIN ')) {
      this.begin(false);
      return this;
    }
    if (trimmed === 'COMMIT' || trimmed === 'END') {
      this.finish('COMMIT');
      return this;
    }
    if (trimmed === 'ROLLBACK') {
      this.finish('ROLLBACK');
      return this;
    }
    this.call({ kind: 'simple', text: sql });
    return this;
  }

  pragma(source: string): never {
    throw new TypeError(`PRAGMA ${source}: a SQLite setting, asked of PostgreSQL`);
  }

  /** Begins a transaction; `lock`: take the write lock first (every write transaction). */
  private begin(lock: boolean): void {
    const token = this.nextTransaction++;
    this.call({
      kind: 'simple',
      text: lock ? `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})` : 'BEGIN ISOLATION LEVEL REPEATABLE READ',
      begins: token,
      transaction: 0,
    });
    this.transactionId = token;
    this.depth = 1;
  }

  private finish(statement: 'COMMIT' | 'ROLLBACK'): void {
    const token = this.transactionId;
    this.depth = 0;
    this.transactionId = 0;
    if (token === 0) return;
    try {
      this.call({ kind: 'simple', text: statement, ends: true, transaction: token });
    } catch (error) {
      if (statement === 'ROLLBACK' && error instanceof DatabaseUnavailableError) return; // the server rolled it back
      throw error;
    }
  }

  /** better-sqlite3's transaction(): a function running `fn` in a transaction, or in a savepoint inside one. */
  transaction<A extends unknown[], T>(fn: (...args: A) => T): ((...args: A) => T) & Record<'deferred' | 'immediate' | 'exclusive', (...args: A) => T> {
    const run = (...args: A): T => {
      if (this.depth === 0) {
        this.begin(true);
        let value: T;
        try {
          value = fn(...args);
          if (value instanceof Promise) throw new TypeError('Transaction function cannot return a promise');
        } catch (error) {
          this.finish('ROLLBACK');
          throw error;
        }
        this.finish('COMMIT');
        return value;
      }
      const name = `s${this.depth}`;
      const token = this.transactionId;
      this.call({ kind: 'simple', text: `SAVEPOINT ${name}` });
      this.depth += 1;
      let value: T;
      try {
        value = fn(...args);
        if (value instanceof Promise) throw new TypeError('Transaction function cannot return a promise');
      } catch (error) {
        this.depth -= 1;
        if (!(error instanceof DatabaseUnavailableError) && this.transactionId === token) {
          this.call({ kind: 'simple', text: `ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}` });
        }
        throw error;
      }
      this.depth -= 1;
      this.call({ kind: 'simple', text: `RELEASE SAVEPOINT ${name}` });
      return value;
    };
    return Object.assign(run, { deferred: run, immediate: run, exclusive: run });
  }

  /** Runs the committed migrations (migrations/pg) under the migration lock, as the connecting user. */
  migrate(folder: string): void {
    this.call({ kind: 'migrate', folder, lockKey: MIGRATION_LOCK_KEY, transaction: 0 });
  }

  close(): this {
    if (!this.opened) return this;
    try {
      this.call({ kind: 'close', transaction: 0 });
    } catch {
      // closing a broken connection
    }
    this.opened = false;
    void this.worker.terminate();
    this.port.close();
    return this;
  }
}

const ITERATE_BATCH = 5_000;

export class PgStatement<R> {
  private mode: 'object' | 'raw' | 'pluck' = 'object';

  constructor(
    private readonly client: PgSyncClient,
    readonly source: string,
  ) {}

  raw(on = true): this {
    this.mode = on ? 'raw' : 'object';
    return this;
  }

  pluck(on = true): this {
    this.mode = on ? 'pluck' : 'object';
    return this;
  }

  run(...args: unknown[]): { changes: number; lastInsertRowid: number } {
    const answer = this.client.query(this.source, args);
    return { changes: answer.count ?? 0, lastInsertRowid: 0 };
  }

  get(...args: unknown[]): R | undefined {
    const answer = this.client.query(this.source, args);
    const row = answer.rows?.[0];
    return row === undefined ? undefined : this.shape(row, answer.fields!);
  }

  all(...args: unknown[]): R[] {
    const answer = this.client.query(this.source, args);
    const fields = answer.fields!;
    return answer.rows!.map((row) => this.shape(row, fields));
  }

  /** Inside a transaction, through a cursor, a few thousand rows at a time; else all at once. */
  *iterate(...args: unknown[]): IterableIterator<R> {
    const reads = /^\s*(select|with|values)\b/i.test(this.source);
    if (!this.client.inTransaction || !reads) {
      yield* this.all(...args);
      return;
    }
    // Named by depth (cursors nest, never interleave otherwise): the statement texts stay few, and each is prepared once.
    const cursor = `lx_cursor_${this.client.openCursor()}`;
    this.client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${this.source}`, args);
    try {
      for (;;) {
        const answer = this.client.query(`FETCH ${ITERATE_BATCH} FROM ${cursor}`, []);
        const fields = answer.fields!;
        for (const row of answer.rows!) yield this.shape(row, fields);
        if (answer.rows!.length < ITERATE_BATCH) break;
      }
    } finally {
      this.client.closeCursor();
      if (this.client.inTransaction) this.client.query(`CLOSE ${cursor}`, []);
    }
  }

  private shape(row: unknown[], fields: string[]): R {
    if (this.mode === 'raw') return row as R;
    if (this.mode === 'pluck') return row[0] as R;
    const object: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i += 1) object[fields[i]!] = row[i];
    return object as R;
  }
}

export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/** The URL without its password, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
