/**
 * npm run bench:profile — the event hot path in process (app.inject, no network), on a FULL
 * SQLite file, to measure CPU per event and to profile it. PROFILE_EVENTS (default 20000) events
 * in waves of PROFILE_WAVE (default 50) concurrent requests: the submission cycle, SUBMIT (the
 * applicant) and RETURN_FOR_REVISION (org_dept, with a comment) in turn over PROFILE_PROJECTS
 * (default 200) draft projects, as `npm run bench` drives it; PROFILE_WORKLOAD=progress sends
 * progress reports to projects in progress. With PROFILE_OUT=file.cpuprofile the V8 CPU profile of
 * the measured phase alone (not the seeding) is written there; PROFILE_FRAMES=1 also prints the WAL
 * frames (pages) the measured phase wrote, per event, and which table or index each page belongs to,
 * per commit (SQLite's dbstat table names the pages; page 1 holds the file's header).
 */
import { Session } from 'node:inspector/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/app.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { multipartBody } from '../helpers/files.js';
import { benchDrafts, benchRound } from './bench-round.js';

const ADMIN = 'lx_profile-admin-token-0123456789abcdef';
const events = Number(process.env.PROFILE_EVENTS ?? 20_000);
const wave = Number(process.env.PROFILE_WAVE ?? 50);
const projectCount = Number(process.env.PROFILE_PROJECTS ?? 200);
if (!(wave <= projectCount)) throw new Error(`PROFILE_WAVE=${wave}: a wave holds each project once, so at most PROFILE_PROJECTS (${projectCount})`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-profile-'));
const db = openDatabase(path.join(dir, 'profile.db'));
migrateDatabase(db);
const app = await buildApp({ db, adminToken: ADMIN, writesPerMinute: 0, logger: process.env.PROFILE_LOG ? { level: process.env.PROFILE_LOG } : false });

/** What the seeding reads of an answer: the id of what it created; a new user's token and user. */
interface Created {
  id: string;
}
interface NewUser {
  token: string;
  user: { id: string };
}

async function send<T = unknown>(token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown): Promise<T> {
  const response = await app.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${token}` } });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return (response.body.length > 0 ? response.json<T>() : undefined) as T;
}

const general = (await send<Created>(ADMIN, 'POST', '/api/v1/units', { name: 'g', type: 'general_branch' })).id;
const other = (await send<Created>(ADMIN, 'POST', '/api/v1/units', { name: 'o', type: 'general_branch' })).id;
const applicant = (await send<NewUser>(ADMIN, 'POST', '/api/v1/users', { name: 'a', role: 'applicant', unitId: general })).token;
const org = (await send<NewUser>(ADMIN, 'POST', '/api/v1/users', { name: 'o', role: 'org_dept' })).token;
const committee = (await send<NewUser>(ADMIN, 'POST', '/api/v1/users', { name: 'c', role: 'committee' })).token;
const reviewer = await send<NewUser>(ADMIN, 'POST', '/api/v1/users', { name: 'r', role: 'reviewer', unitId: other });
const cycle = process.env.PROFILE_WORKLOAD !== 'progress';
// Draft projects for the cycle; for progress reports, projects in progress, each step in its round's stage (./bench-round.ts).
const { ids } = cycle
  ? await benchDrafts((token, method, url, body) => send(token, method, url, body), applicant, ADMIN, projectCount)
  : await benchRound(
      (token, method, url, body) => send(token, method, url, body),
      async (token, url, file) => {
        const body = multipartBody([{ name: 'file', filename: file.name, contentType: file.type, content: file.content }]);
        const response = await app.inject({ method: 'POST', url, payload: body.payload, headers: { authorization: `Bearer ${token}`, ...body.headers } });
        if (response.statusCode >= 300) throw new Error(`POST ${url}: ${response.statusCode} ${response.body}`);
        return response.json<unknown>();
      },
      {
        admin: ADMIN,
        applicant,
        unitId: general,
        orgDept: org,
        committee,
        reviewer: { id: reviewer.user.id, token: reviewer.token },
      },
      projectCount,
      1,
    );

const report = { type: 'SUBMIT_PROGRESS_REPORT', text: '已完成本月主题党日活动，参与党员 32 人。' };
const giveBack = { type: 'RETURN_FOR_REVISION', comment: '活动安排需细化到月，请补充预算明细。' };
/** Event number k: the k-th of the workload, on project k mod 200; a wave never holds one project twice. */
const fire = (k: number) => {
  const url = `/api/v1/projects/${ids[k % ids.length]}/events`;
  if (!cycle) return send(applicant, 'POST', url, report);
  return Math.floor(k / ids.length) % 2 === 0 ? send(applicant, 'POST', url, { type: 'SUBMIT' }) : send(org, 'POST', url, giveBack);
};
// PROFILE_FRAMES=1: the WAL starts empty and is not checkpointed during the measured phase, whose
// frames (pages written) its size then counts.
const countFrames = process.env.PROFILE_FRAMES === '1';
const walFile = `${db.$client.name}-wal`;
const pageSize = db.$client.pragma('page_size', { simple: true }) as number;
if (countFrames) {
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.pragma('wal_autocheckpoint = 0');
}
const session = process.env.PROFILE_OUT ? new Session() : null;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const cpu = process.cpuUsage();
const started = performance.now();
for (let sent = 0; sent < events; sent += wave) {
  await Promise.all(Array.from({ length: Math.min(wave, events - sent) }, (_, i) => fire(sent + i)));
}
const elapsed = performance.now() - started;
const used = process.cpuUsage(cpu);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  fs.writeFileSync(process.env.PROFILE_OUT!, JSON.stringify(profile));
  session.disconnect();
}
process.stdout.write(
  `${events} events in ${(elapsed / 1000).toFixed(2)} s: ${Math.round(events / (elapsed / 1000))} events/s in process; ` +
    `CPU ${((used.user + used.system) / events).toFixed(1)} µs/event (user ${(used.user / events).toFixed(1)}, system ${(used.system / events).toFixed(1)})\n`,
);
if (countFrames) {
  // A WAL file: a 32-byte header, then frames of a 24-byte header and one page each.
  const frames = Math.max(0, (fs.statSync(walFile).size - 32) / (24 + pageSize));
  process.stdout.write(`WAL frames written: ${frames} (${(frames / events).toFixed(2)} per event)\n`);
  // Each frame's header begins with its page number; a commit's last frame holds the database size after it.
  const wal = fs.readFileSync(walFile);
  const framesOfPage = new Map<number, number>();
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    const page = wal.readUInt32BE(at);
    framesOfPage.set(page, (framesOfPage.get(page) ?? 0) + 1);
    if (wal.readUInt32BE(at + 4) !== 0) commits += 1;
  }
  const owner = new Map<number, string>();
  for (const { name, pageno, pagetype } of db.$client.prepare('SELECT name, pageno, pagetype FROM dbstat').all() as Array<{ name: string; pageno: number; pagetype: string }>) {
    owner.set(pageno, pageno === 1 ? 'page 1 (file header, schema)' : `${name} (${pagetype})`);
  }
  const framesOf = new Map<string, number>();
  for (const [page, count] of framesOfPage) {
    const name = owner.get(page) ?? 'a free page';
    framesOf.set(name, (framesOf.get(name) ?? 0) + count);
  }
  const perCommit = (count: number) => (count / Math.max(commits, 1)).toFixed(2);
  process.stdout.write(`${commits} commits, ${perCommit(frames)} frames each:\n`);
  for (const [name, count] of [...framesOf].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${perCommit(count)} per commit  ${name}\n`);
}
await app.close();
db.$client.close();
fs.rmSync(dir, { recursive: true, force: true });
