/**
 * A fresh app on a fresh in-memory database with the migrations applied, per test. No shared
 * seeded database: each test builds what it needs through the API.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp, type AppOptions } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { migrateDatabase, openDatabase, type Db } from '../../src/db/client.js';

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

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  clock: FakeClock;
  close(): Promise<void>;
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
  } = {},
): Promise<TestApp> {
  const db = openDatabase(options.path ?? ':memory:');
  migrateDatabase(db);
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
  });
  return {
    app,
    db,
    clock,
    close: async () => {
      await app.close();
      db.$client.close();
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
