/**
 * The ceiling: a bare Fastify route doing the engine's SQLite work per request, without the
 * engine — read the project row, update it, append a hash-chained log row, one transaction per
 * request. SYNCHRONOUS=NORMAL|FULL picks the durability. Listens on 127.0.0.1:$PORT.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const file = process.env.BENCH_DB ?? '';
const synchronous = process.env.SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL';
const projects = Number(process.env.BENCH_PROJECTS ?? 1000);
fs.mkdirSync(path.dirname(file), { recursive: true });
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${synchronous}`);
db.pragma('busy_timeout = 5000');
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
const work = db.transaction((id: string, payload: string) => {
  const row = select.get(id) as { version: number } | undefined;
  if (!row) return null;
  const at = new Date().toISOString();
  update.run(at, id, row.version);
  const last = head.get() as { seq: number; hash: string } | undefined;
  const seq = (last?.seq ?? 0) + 1;
  const prev = last?.hash ?? '0'.repeat(64);
  const hash = createHash('sha256').update(JSON.stringify({ seq, id, payload, at, prev })).digest('hex');
  insert.run(seq, id, 'SUBMIT_PROGRESS_REPORT', payload, at, prev, hash);
  return { seq, version: row.version + 1 };
});

const app = Fastify({ logger: false });
app.post<{ Params: { id: string }; Body: { text: string } }>('/ceiling/:id', async (request, reply) => {
  const result = work.immediate(request.params.id, JSON.stringify(request.body));
  if (!result) return reply.code(404).send({ error: 'not found' });
  return result;
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`ready ${(app.server.address() as { port: number }).port}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => {
    db.close();
    process.exit(0);
  });
});
