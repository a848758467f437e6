/**
 * Refusals without a valid token are counted per source, minute and kind of refusal, never kept
 * one row per request; failed authentications are limited per source (429 with Retry-After);
 * refusals are pruned after the retention period.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthFailureLimiter } from '../../src/plugins/auth.js';
import { call, createTestApp, FakeClock, type TestApp } from '../helpers/app.js';
import { createDraft, createWorld, fire, type World } from '../helpers/world.js';

const WRONG = 'lx_wrong-token-but-long-enough-0123456789';
const PROBLEM = /^application\/problem\+json/;

let t: TestApp;
let world: World;

afterEach(async () => {
  await t.close();
});

const attempt = (token: string | null, url: string, remoteAddress = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url, remoteAddress, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, payload: '{}' });
const counted = () =>
  t.db.$client.prepare('SELECT source, minute, method, route, status, problem_type AS problemType, count FROM refused_attempts ORDER BY minute, source, status, method').all();
const eventRows = () => (t.db.$client.prepare('SELECT count(*) AS n FROM security_events').get() as { n: number }).n;

describe('refusals without a valid token', () => {
  it('many anonymous POSTs make one row per source and minute with its count, and no security event', async () => {
    t = await createTestApp();
    world = await createWorld(t.app);
    const draft = await createDraft(world);
    const url = `/api/v1/projects/${draft.id}/events`;
    for (let i = 0; i < 250; i += 1) expect((await attempt(null, url)).statusCode).toBe(401);
    t.clock.advance(30_000);
    for (let i = 0; i < 100; i += 1) expect((await attempt(WRONG, url)).statusCode).toBe(401);
    t.clock.advance(30_000); // the next minute
    for (let i = 0; i < 70; i += 1) await attempt(WRONG, url);
    for (let i = 0; i < 5; i += 1) await attempt(null, url, '203.0.113.7');
    // An authenticated refusal is still its own row.
    expect((await fire(world, draft.id, world.committee, 'APPROVE', { meetingReference: 'x' })).status).toBe(409);

    const route = '/api/v1/projects/:id/events';
    const problemType = 'urn:lixiang:problem:unauthenticated';
    expect(counted()).toEqual([
      { source: '127.0.0.1', minute: '2023-03-01T02:00Z', method: 'POST', route, status: 401, problemType, count: 350 },
      { source: '127.0.0.1', minute: '2023-03-01T02:01Z', method: 'POST', route, status: 401, problemType, count: 70 },
      { source: '203.0.113.7', minute: '2023-03-01T02:01Z', method: 'POST', route, status: 401, problemType, count: 5 },
    ]);
    expect(eventRows()).toBe(1);

    // What the auditors read: paged, by minute range and by source.
    const read = async (query: string) => {
      const response = await call(t.app, world.auditor.token, { method: 'GET', url: `/api/v1/audit/refused-attempts?${query}` });
      expect(response.status, query).toBe(200);
      return response.body as { items: Array<{ source: string; minute: string; count: number; firstAt: string; lastAt: string }>; nextCursor: string | null };
    };
    const all = await read('limit=500');
    expect(all.items.map((r) => [r.source, r.minute, r.count])).toEqual([
      ['127.0.0.1', '2023-03-01T02:00Z', 350],
      ['127.0.0.1', '2023-03-01T02:01Z', 70],
      ['203.0.113.7', '2023-03-01T02:01Z', 5],
    ]);
    expect(all.items[0]).toMatchObject({ firstAt: '2023-03-01T02:00:00.000Z', lastAt: '2023-03-01T02:00:30.000Z' });
    const first = await read('limit=2');
    expect(first.items).toHaveLength(2);
    const rest = await read(`limit=2&cursor=${first.nextCursor}`);
    expect([...first.items, ...rest.items]).toEqual(all.items);
    expect(rest.nextCursor).toBeNull();
    expect((await read('from=2023-03-01T02:01:10Z')).items.map((r) => r.count)).toEqual([70, 5]);
    expect((await read('to=2023-03-01T02:00:59Z')).items.map((r) => r.count)).toEqual([350]);
    expect((await read('source=203.0.113.7')).items.map((r) => r.count)).toEqual([5]);
    for (const user of [world.applicant, world.committee, world.admin]) {
      expect((await call(t.app, user.token, { method: 'GET', url: '/api/v1/audit/refused-attempts' })).status).toBe(403);
    }
  });

  it('counts failed authentications on reads too, but not other refused reads', async () => {
    t = await createTestApp();
    world = await createWorld(t.app);
    expect((await call(t.app, null, { method: 'GET', url: '/api/v1/projects' })).status).toBe(401);
    expect((await call(t.app, world.applicant.token, { method: 'GET', url: '/api/v1/audit/transitions' })).status).toBe(403);
    expect(counted()).toEqual([
      { source: '127.0.0.1', minute: '2023-03-01T02:00Z', method: 'GET', route: '/api/v1/projects', status: 401, problemType: 'urn:lixiang:problem:unauthenticated', count: 1 },
    ]);
    expect(eventRows()).toBe(0);
  });
});

describe('failed authentications are limited per source', () => {
  it('600 wrong-token requests: 401 up to the limit, then 429 with Retry-After until the minute has passed; another source is unaffected', async () => {
    t = await createTestApp({ authFailuresPerMinute: 20 });
    world = await createWorld(t.app);
    const url = '/api/v1/projects';
    const answers = [];
    for (let i = 0; i < 600; i += 1) answers.push(await attempt(WRONG, url, '198.51.100.9'));
    expect(answers.slice(0, 20).map((a) => a.statusCode)).toEqual(Array(20).fill(401));
    expect(answers.slice(20).every((a) => a.statusCode === 429)).toBe(true);
    const limited = answers[20]!;
    expect(limited.headers['content-type']).toMatch(PROBLEM);
    expect(limited.headers['retry-after']).toBe('60');
    expect(JSON.parse(limited.body)).toMatchObject({ type: 'urn:lixiang:problem:rate-limited', status: 429, limit: 20, windowSeconds: 60 });

    // Another address is unaffected; a valid token from the limited address is still let in.
    expect((await attempt(WRONG, url, '198.51.100.10')).statusCode).toBe(401);
    const valid = await t.app.inject({ method: 'GET', url, remoteAddress: '198.51.100.9', headers: { authorization: `Bearer ${world.orgDept.token}` } });
    expect(valid.statusCode).toBe(200);
    const missing = await t.app.inject({ method: 'GET', url, remoteAddress: '198.51.100.9' });
    expect(missing.statusCode).toBe(429);

    // Retry-After counts down; once the minute has passed, the address is answered 401 again.
    t.clock.advance(45_000);
    expect((await attempt(WRONG, url, '198.51.100.9')).headers['retry-after']).toBe('15');
    t.clock.advance(15_000);
    expect((await attempt(WRONG, url, '198.51.100.9')).statusCode).toBe(401);

    // The 429s are counted with the 401s, per minute.
    const rows = counted().filter((r) => (r as { source: string }).source === '198.51.100.9');
    expect(rows).toEqual([
      expect.objectContaining({ minute: '2023-03-01T02:00Z', method: 'POST', status: 401, count: 20 }),
      expect.objectContaining({ minute: '2023-03-01T02:00Z', method: 'GET', status: 429, problemType: 'urn:lixiang:problem:rate-limited', count: 1 }),
      expect.objectContaining({ minute: '2023-03-01T02:00Z', method: 'POST', status: 429, problemType: 'urn:lixiang:problem:rate-limited', count: 581 }),
      expect.objectContaining({ minute: '2023-03-01T02:01Z', method: 'POST', status: 401, count: 1 }),
    ]);
  });

  it('keeps at most its capacity of sources in memory', () => {
    const clock = new FakeClock();
    const limiter = new AuthFailureLimiter(2, clock, 100);
    for (let i = 0; i < 10_000; i += 1) limiter.fail(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    // The newest source is still tracked and limited.
    expect(limiter.fail('10.0.39.15')).toBeNull();
    expect(limiter.fail('10.0.39.15')).toBe(60);
    // Expired windows make room first.
    clock.advance(60_000);
    expect(limiter.fail('192.0.2.1')).toBeNull();
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});

describe('retention', () => {
  it('prunes refusals older than the retention period at start, and keeps the younger ones', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-retention-'));
    const file = path.join(dir, 'lixiang.db');
    try {
      const clock = new FakeClock(Date.parse('2023-01-01T00:00:00Z'));
      t = await createTestApp({ path: file, clock, refusalRetentionDays: 30 });
      world = await createWorld(t.app);
      const draft = await createDraft(world);
      const url = `/api/v1/projects/${draft.id}/events`;
      await attempt(null, url);
      await fire(world, draft.id, world.committee, 'APPROVE', { meetingReference: 'x' });
      clock.advance(20 * 86_400_000);
      await attempt(null, url);
      await fire(world, draft.id, world.committee, 'APPROVE', { meetingReference: 'y' });
      expect(counted()).toHaveLength(2);
      expect(eventRows()).toBe(2);
      await t.close();

      clock.advance(15 * 86_400_000); // 35 days after the first pair, 15 after the second
      t = await createTestApp({ path: file, clock, refusalRetentionDays: 30 });
      await t.app.ready();
      expect(counted()).toEqual([expect.objectContaining({ minute: '2023-01-21T00:00Z' })]);
      expect(t.db.$client.prepare('SELECT at FROM security_events').all()).toEqual([{ at: '2023-01-21T00:00:00.000Z' }]);
    } finally {
      await t.close();
      t = { close: async () => {} } as TestApp;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
