/**
 * The bench's ceilings: a bare Fastify route doing one event's SQLite work per request without the
 * engine, one BEGIN IMMEDIATE transaction per request, with no authentication, validation, machine,
 * group commit or logging around it. SYNCHRONOUS=NORMAL|FULL picks the durability. POST
 * /ceiling/{index} with `{ event, text }`; the bench's other routes are ./bench-server.ts's.
 *
 * CEILING_TABLES picks the tables:
 * - `minimal`: the minimal ceiling the targets are set against. A five-column project table and an
 *   eight-column log: select the project by primary key, refuse an event its state does not take
 *   (409), update its state and version, insert one log row of about 200 bytes (the event, both
 *   states, the text as JSON, the actor, the time); no hashing. The events are the engine's cycle,
 *   SUBMIT (draft → submitted) and RETURN_FOR_REVISION (submitted → draft).
 * - `engine`: the same-work ceiling, the engine's own schema (its migrations) and rows as the engine
 *   holds them, read and written with the engine's prepared statements (ProjectsRepository,
 *   TransitionLogRepository): the same SELECT of the whole row, the same UPDATE, the same log head,
 *   INSERT and entry hash, for a progress report on a project in progress. A project row carries
 *   the engine's letter and context, about 600 bytes; a log row about 360.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import Fastify from 'fastify';
import { canonicalJson } from '../../src/workflow/hash-chain.js';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from '../../src/db/schema.js';
import type { Db } from '../../src/db/client.js';
import { ProjectsRepository } from '../../src/projects/projects.repository.js';
import { TransitionLogRepository } from '../../src/workflow/transition-log.repository.js';
import { benchFile, openBenchDatabase, serveBench } from './bench-server.js';
import { seedDatabase } from './seed-database.js';

const file = benchFile();
const synchronous = process.env.SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL';
const projects = Number(process.env.BENCH_PROJECTS ?? 1000);
const tables = process.env.CEILING_TABLES === 'minimal' ? 'minimal' : 'engine';

/** The work of one request on project number `index`: null when there is no such project. */
type Work = (index: number, text: string, requestId: string, event: string) => { seq: number; version: number } | 'illegal' | null;

interface Ceiling {
  db: Database.Database;
  work: Work;
  /** '1' for each project whose next event is the cycle's second (RETURN_FOR_REVISION), '0' otherwise. */
  positions: () => string;
}

const open = () => openBenchDatabase(file, synchronous);

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
  return { db, work: (index, text, requestId) => work.immediate(index, text, requestId), positions: () => '0'.repeat(projects) };
}

/** The cycle's events: from which state each moves a project, and to which. */
const CYCLE: Record<string, { from: string; to: string }> = {
  SUBMIT: { from: 'draft', to: 'submitted' },
  RETURN_FOR_REVISION: { from: 'submitted', to: 'draft' },
};

function minimalTables(): Ceiling {
  const db = open();
  db.exec(`
    CREATE TABLE IF NOT EXISTS projects (id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL, context TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, project_id TEXT NOT NULL, event TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL, payload TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS log_project ON log (project_id, seq);
  `);
  const ids = Array.from({ length: projects }, () => randomUUID());
  const insertProject = db.prepare("INSERT INTO projects VALUES (?, 'draft', 1, '{}', '')");
  db.transaction(() => {
    for (const id of ids) insertProject.run(id);
  })();
  const actor = randomUUID();
  const select = db.prepare('SELECT id, state, version, context FROM projects WHERE id = ?');
  const update = db.prepare('UPDATE projects SET state = ?, version = ?, updated_at = ? WHERE id = ?');
  const insert = db.prepare('INSERT INTO log (project_id, event, from_state, to_state, payload, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const work = db.transaction((index: number, text: string, _requestId: string, event: string) => {
    const id = ids[index];
    const row = id === undefined ? undefined : (select.get(id) as { state: string; version: number } | undefined);
    if (!row) return null;
    const move = CYCLE[event];
    if (!move || move.from !== row.state) return 'illegal' as const;
    const at = new Date().toISOString();
    update.run(move.to, row.version + 1, at, id);
    const { lastInsertRowid } = insert.run(id, event, move.from, move.to, JSON.stringify({ text }), actor, at);
    return { seq: Number(lastInsertRowid), version: row.version + 1 };
  });
  const stateOf = db.prepare('SELECT state FROM projects WHERE id = ?').pluck();
  const positions = () => ids.map((id) => (stateOf.get(id) === 'submitted' ? '1' : '0')).join('');
  return { db, work: (index, text, requestId, event) => work.immediate(index, text, requestId, event), positions };
}

const { db, work, positions } = tables === 'engine' ? engineTables() : minimalTables();
/** One transaction per request: every commit holds one event; counted as the engine counts its commits. */
let commits = 0;
const app = Fastify({ logger: false });
app.post<{ Params: { index: string }; Body: { text: string; event?: string } }>('/ceiling/:index', async (request, reply) => {
  const result = work(Number(request.params.index), request.body.text, request.id, request.body.event ?? 'SUBMIT_PROGRESS_REPORT');
  if (!result) return reply.code(404).send({ error: 'not found' });
  if (result === 'illegal') return reply.code(409).send({ error: 'illegal transition' });
  commits += 1;
  return result;
});
await serveBench(app, db, { commits: () => commits, positions });
