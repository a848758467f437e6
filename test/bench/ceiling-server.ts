/**
 * The ceiling: a bare Fastify route doing the engine's SQLite work per request, without the
 * engine: read the project row, update it, append a hash-chained log row, one transaction per
 * request, with no authentication, validation, machine, group commit or logging around it.
 * SYNCHRONOUS=NORMAL|FULL picks the durability. Listens on 127.0.0.1:$PORT; GET /healthz answers
 * once the database is built.
 *
 * CEILING_TABLES picks the tables:
 * - `engine` (default): the engine's own schema (its migrations) and rows as the engine holds them,
 *   read and written with the engine's prepared statements (ProjectsRepository): the same SELECT of the
 *   whole row, the same UPDATE, the same log head and INSERT, the same entry hash. A project row
 *   carries the engine's letter and context, about 600 bytes; a log row about 360.
 * - `minimal`: a five-column project table and a seven-column log, the first ceiling this bench
 *   had: project rows of about 45 bytes (an empty context, no letter), log rows of about 260, so
 *   its commits touch fewer pages and it does less per request. It stays as a reference.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { canonicalJson } from '../../src/workflow/hash-chain.js';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from '../../src/db/schema.js';
import type { Db } from '../../src/db/client.js';
import { ProjectsRepository } from '../../src/projects/projects.repository.js';
import { TransitionLogRepository } from '../../src/workflow/transition-log.repository.js';
import { seedDatabase } from './seed-database.js';

const file = process.env.BENCH_DB ?? '';
const synchronous = process.env.SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL';
const projects = Number(process.env.BENCH_PROJECTS ?? 1000);
const tables = process.env.CEILING_TABLES === 'minimal' ? 'minimal' : 'engine';
fs.mkdirSync(path.dirname(file), { recursive: true });

/** The work of one request on project number `index`: null when there is no such project. */
type Work = (index: number, text: string, requestId: string) => { seq: number; version: number } | null;

interface Ceiling {
  db: Database.Database;
  work: Work;
}

function open(): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  return db;
}

function engineTables(): Ceiling {
  // Six log entries a project, as the engine's projects have after SUBMIT … START.
  const seeded = seedDatabase(file, projects, 6, { applicant: 'ceiling-applicant', orgDept: 'ceiling-org', auditor: 'ceiling-auditor' });
  const db = open();
  db.pragma('foreign_keys = ON');
  const orm: Db = drizzle({ client: db, schema, casing: 'snake_case' });
  const store = new ProjectsRepository(orm);
  const log = new TransitionLogRepository(db);
  const work = db.transaction((index: number, text: string, requestId: string) => {
    const id = seeded.ids[index];
    const project = id === undefined ? undefined : store.project(id);
    if (!project) return null;
    const at = new Date().toISOString();
    const entry = log.append({
      subjectKind: 'project',
      subjectId: project.id,
      event: 'SUBMIT_PROGRESS_REPORT',
      fromState: project.state,
      toState: project.state,
      payload: canonicalJson({ text }),
      actorId: seeded.applicantId,
      actorRole: 'applicant',
      actorUnitId: seeded.unitId,
      at,
      requestId,
      machineId: project.machineId,
      machineVersion: project.machineVersion,
    });
    const context = { ...project.context, progressReports: project.context.progressReports + 1 };
    if (!store.updateProject({ ...project, context, version: project.version + 1, updatedAt: at }, project)) throw new Error('version moved');
    return { seq: entry.seq, version: project.version + 1 };
  });
  return { db, work: (index, text, requestId) => work.immediate(index, text, requestId) };
}

function minimalTables(): Ceiling {
  const db = open();
  db.exec(`
    CREATE TABLE IF NOT EXISTS projects (id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL, context TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, project_id TEXT NOT NULL, event TEXT NOT NULL, payload TEXT NOT NULL, at TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS log_project ON log (project_id, seq);
  `);
  const insertProject = db.prepare("INSERT OR IGNORE INTO projects VALUES (?, 'in_progress', 1, '{}', '')");
  db.transaction(() => {
    for (let i = 0; i < projects; i += 1) insertProject.run(`p${i}`);
  })();
  const select = db.prepare('SELECT id, state, version, context FROM projects WHERE id = ?');
  const update = db.prepare('UPDATE projects SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?');
  const head = db.prepare('SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare('INSERT INTO log (seq, project_id, event, payload, at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const work = db.transaction((index: number, text: string) => {
    const id = `p${index}`;
    const row = select.get(id) as { version: number } | undefined;
    if (!row) return null;
    const payload = JSON.stringify({ text });
    const at = new Date().toISOString();
    update.run(at, id, row.version);
    const last = head.get() as { seq: number; hash: string } | undefined;
    const seq = (last?.seq ?? 0) + 1;
    const prev = last?.hash ?? '0'.repeat(64);
    const hash = createHash('sha256').update(JSON.stringify({ seq, id, payload, at, prev })).digest('hex');
    insert.run(seq, id, 'SUBMIT_PROGRESS_REPORT', payload, at, prev, hash);
    return { seq, version: row.version + 1 };
  });
  return { db, work: (index, text) => work.immediate(index, text) };
}

const { db, work } = tables === 'engine' ? engineTables() : minimalTables();
const app = Fastify({ logger: false });
app.post<{ Params: { index: string }; Body: { text: string } }>('/ceiling/:index', async (request, reply) => {
  const result = work(Number(request.params.index), request.body.text, request.id);
  if (!result) return reply.code(404).send({ error: 'not found' });
  return result;
});
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.on('SIGTERM', () => {
  void app.close().then(() => {
    db.close();
    process.exit(0);
  });
});
