/**
 * npm run bench:profile — the event hot path in process (app.inject, no network), on a FULL
 * SQLite file, to measure CPU per event and to profile it. PROFILE_EVENTS (default 20000) events
 * in waves of PROFILE_WAVE (default 50) concurrent requests. With PROFILE_OUT=file.cpuprofile the
 * V8 CPU profile of the measured phase alone (not the seeding) is written there.
 */
import { Session } from 'node:inspector/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/app.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';

const ADMIN = 'lx_profile-admin-token-0123456789abcdef';
const events = Number(process.env.PROFILE_EVENTS ?? 20_000);
const wave = Number(process.env.PROFILE_WAVE ?? 50);
const projectCount = 200;
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

async function send<T = unknown>(token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<T> {
  const response = await app.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${token}` } });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json<T>();
}

const general = (await send<Created>(ADMIN, 'POST', '/api/v1/units', { name: 'g', type: 'general_branch' })).id;
const other = (await send<Created>(ADMIN, 'POST', '/api/v1/units', { name: 'o', type: 'general_branch' })).id;
const applicant = (await send<NewUser>(ADMIN, 'POST', '/api/v1/users', { name: 'a', role: 'applicant', unitId: general })).token;
const org = (await send<NewUser>(ADMIN, 'POST', '/api/v1/users', { name: 'o', role: 'org_dept' })).token;
const committee = (await send<NewUser>(ADMIN, 'POST', '/api/v1/users', { name: 'c', role: 'committee' })).token;
const reviewer = await send<NewUser>(ADMIN, 'POST', '/api/v1/users', { name: 'r', role: 'reviewer', unitId: other });
const round = (
  await send<Created>(ADMIN, 'POST', '/api/v1/rounds', {
    year: 2026,
    title: 'p',
    documentNumber: 'p',
    submissionDeadline: '2099-12-31',
    finalAcceptanceDate: '2099-12-31',
    funding: { first: 3, second: 2, third: 1, qualified: 0 },
    minReviews: 1,
  })
).id;
// Reviewers are assigned only from the round's review panel.
await send(org, 'PUT', `/api/v1/rounds/${round}/panels/review`, { name: 'panel' });
await send(org, 'POST', `/api/v1/rounds/${round}/panels/review/members`, { userId: reviewer.user.id });
const letter = { rationale: 'r', activities: [{ content: 'c', form: 'f', when: 'w' }], expectedOutcomes: 'e', leader: 'l', members: ['m'], contact: 'c' };
const ids: string[] = [];
for (let i = 0; i < projectCount; i += 1) {
  const { id } = await send<Created>(applicant, 'POST', '/api/v1/projects', { roundId: round, category: 'fortress', direction: 'soul', title: 't', letter });
  const fire = (token: string, body: unknown) => send(token, 'POST', `/api/v1/projects/${id}/events`, body);
  await fire(applicant, { type: 'SUBMIT' });
  await fire(org, { type: 'PASS_PRELIMINARY_CHECK' });
  await send(org, 'POST', `/api/v1/projects/${id}/reviewers`, { reviewerId: reviewer.user.id });
  await fire(reviewer.token, { type: 'SUBMIT_REVIEW', scores: { direction: 1, innovation: 1, practicality: 1, breadth: 1, exemplarity: 1 }, comment: 'c' });
  await fire(org, { type: 'COMPLETE_PANEL_REVIEW' });
  await fire(committee, { type: 'APPROVE', meetingReference: 'm' });
  await fire(org, { type: 'START' });
  ids.push(id);
}

const payload = { type: 'SUBMIT_PROGRESS_REPORT', text: '已完成本月主题党日活动，参与党员 32 人。' };
const session = process.env.PROFILE_OUT ? new Session() : null;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const cpu = process.cpuUsage();
const started = performance.now();
for (let sent = 0; sent < events; sent += wave) {
  await Promise.all(Array.from({ length: Math.min(wave, events - sent) }, (_, i) => send(applicant, 'POST', `/api/v1/projects/${ids[(sent + i) % ids.length]}/events`, payload)));
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
await app.close();
db.$client.close();
fs.rmSync(dir, { recursive: true, force: true });
