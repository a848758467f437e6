/**
 * What the bench's own servers (ceiling-server.ts, bpmn-peer-server.ts) share: their SQLite file,
 * and the routes http-bench.ts reads beside the measured one, on 127.0.0.1:$PORT — GET /healthz once
 * the server is ready, GET /stats (its commits, one event each, in the shape of the engine's
 * GET /api/v1/metrics), GET /positions (a '1' for each subject whose next event is the cycle's
 * second, RETURN_FOR_REVISION, else '0') — and a clean stop on SIGTERM.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';

/** The server's database file, BENCH_DB, its directory made. */
export function benchFile(): string {
  const file = process.env.BENCH_DB ?? '';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/** `file` in WAL mode at `synchronous`. */
export function openBenchDatabase(file: string, synchronous: 'NORMAL' | 'FULL'): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Adds the bench's routes to `app`, listens, and closes `db` on SIGTERM. */
export async function serveBench(app: FastifyInstance, db: Database.Database, { commits, positions }: { commits: () => number; positions: () => string }): Promise<void> {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/stats', async () => {
    const n = commits();
    return { groupCommit: { commits: n, steps: n, largestBatch: n > 0 ? 1 : 0, pending: 0, batches: n > 0 ? [{ size: 1, commits: n }] : [] } };
  });
  app.get('/positions', async () => positions());
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  process.on('SIGTERM', () => {
    void app.close().then(() => {
      db.close();
      process.exit(0);
    });
  });
}
