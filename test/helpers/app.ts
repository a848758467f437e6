/**
 * A fresh app on a fresh in-memory database with the migrations applied, per test. No shared
 * seeded database: each test builds what it needs through the API.
 */
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp, type AppOptions } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { migrateDatabase, openDatabase, type Db } from '../../src/db/client.js';
import { freshDatabase, onPostgres } from './postgres.js';

export const ADMIN_TOKEN = 'lx_test-admin-token-0123456789abcdef';

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(private current: number = Date.parse('2023-03-01T02:00:00Z')) {}
  now(): number {
    return this.current;
  }
  set(epochMs: number): void {
    this.current = epochMs;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** The FakeClock each test app was built with, so that helpers given only the app can move it. */
const CLOCKS = new WeakMap<FastifyInstance, FakeClock>();

/** The FakeClock of an app built by createTestApp; undefined for an app built otherwise. */
export function clockOf(app: FastifyInstance): FakeClock | undefined {
  return CLOCKS.get(app);
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  clock: FakeClock;
  /**
   * A connection with the database owner's rights, for tests that tamper below the service (drop a
   * trigger, edit the log): the service's own on SQLite; on PostgreSQL one as the connecting user,
   * not the service role.
   */
  owner(): Db['$client'];
  close(): Promise<void>;
}

/** The key and witness of a test's file database: beside it, in the test's temporary directory. */
export function keyFiles(file: string) {
  return { signingKeyPath: path.join(path.dirname(file), 'signing-key.pem'), witnessPath: path.join(path.dirname(file), 'witness.log') };
}

export async function createTestApp(
  options: {
    path?: string;
    clock?: FakeClock;
    writesPerMinute?: number;
    authFailuresPerMinute?: number;
    refusalRetentionDays?: number;
    maxUploadBytes?: number;
    machines?: AppOptions['machines'];
    /** The definitions instead of the shipped ones (AppOptions.lifecycles): FIRST_EDITION_LIFECYCLES for the first release. */
    lifecycles?: AppOptions['lifecycles'];
    headRecheckMs?: number;
    /** The round's gates decide project events (AppOptions.enforceRoundGates); default on. */
    enforceRoundGates?: boolean;
  } = {},
): Promise<TestApp> {
  // On PostgreSQL (TEST_POSTGRES_URL) a database of its own, migrated from the template; else SQLite.
  const fresh = options.path === undefined && onPostgres ? await freshDatabase() : null;
  const db = openDatabase(fresh?.url ?? options.path ?? ':memory:');
  if (!fresh) migrateDatabase(db);
  const clock = options.clock ?? new FakeClock();
  // Tests fire hundreds of writes a second as one user; the limit has its own test.
  const app = await buildApp({
    db,
    clock,
    adminToken: ADMIN_TOKEN,
    writesPerMinute: options.writesPerMinute ?? 0,
    // Tests refuse many bad tokens from one address; the limit on failed authentications has its own test.
    authFailuresPerMinute: options.authFailuresPerMinute ?? 0,
    ...(options.refusalRetentionDays !== undefined ? { refusalRetentionDays: options.refusalRetentionDays } : {}),
    ...(options.maxUploadBytes !== undefined ? { maxUploadBytes: options.maxUploadBytes } : {}),
    ...(options.machines ? { machines: options.machines } : {}),
    ...(options.lifecycles ? { lifecycles: options.lifecycles } : {}),
    // A file database is reopened by later starts (and by the command line): the same key and witness each time.
    ...(options.path ? keyFiles(options.path) : {}),
    ...(options.headRecheckMs !== undefined ? { headRecheckMs: options.headRecheckMs } : {}),
    ...(options.enforceRoundGates !== undefined ? { enforceRoundGates: options.enforceRoundGates } : {}),
  });
  CLOCKS.set(app, clock);
  let owner: Db | undefined;
  return {
    app,
    db,
    clock,
    owner: () => {
      if (!fresh) return db.$client;
      owner ??= openDatabase(fresh.url, { role: null });
      return owner.$client;
    },
    close: async () => {
      await app.close();
      db.$client.close();
      owner?.$client.close();
      await fresh?.drop();
    },
  };
}

/** `app.inject` with a bearer token and JSON body. */
export async function call(app: FastifyInstance, token: string | null, options: InjectOptions) {
  const headers = { ...(options.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const response = await app.inject({ ...options, headers });
  const type = String(response.headers['content-type'] ?? '');
  const body = type.includes('json') && response.body.length > 0 ? JSON.parse(response.body) : response.body;
  return { status: response.statusCode, headers: response.headers, body };
}
