/**
 * Every list and history answers `{ items, nextCursor }`, a page at a time: walked one item per
 * page it gives exactly what one large page gives, never more than `limit` per page; a bad limit
 * or cursor is a 400 problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { minimalPdf, uploadFile } from '../helpers/files.js';
import { createWorld, driveTo, type User, type World } from '../helpers/world.js';

let t: TestApp;
let world: World;
let lists: Array<{ name: string; user: User; url: string }>;

beforeAll(async () => {
  t = await createTestApp();
  world = await createWorld(t.app, { minReviews: 3 });
  const graded = await driveTo(world, 'graded');
  const running = await driveTo(world, 'in_progress');
  for (const note of ['a', 'b', 'c']) expect((await uploadFile(t.app, world.applicant.token, running.id, 'final_report_document', minimalPdf(note))).status).toBe(201);
  // Refused writes, so that the security events have more than a default page.
  for (let i = 0; i < 55; i += 1) await call(t.app, world.otherApplicant.token, { method: 'POST', url: `/api/v1/projects/${graded.id}/events`, payload: { type: 'WITHDRAW' } });
  await call(t.app, world.auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints' });
  await call(t.app, null, { method: 'POST', url: `/api/v1/projects/${graded.id}/events`, payload: { type: 'WITHDRAW' } });
  t.clock.set(world.submissionClosesAt);
  expect((await call(t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload: { type: 'CLOSE_SUBMISSIONS' } })).status).toBe(200);
  expect((await call(t.app, world.auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints' })).status).toBe(201);
  await call(t.app, null, { method: 'POST', url: `/api/v1/projects/${graded.id}/events`, payload: { type: 'WITHDRAW' } });
  lists = [
    { name: 'units', user: world.admin, url: '/api/v1/units' },
    { name: 'users', user: world.admin, url: '/api/v1/users' },
    { name: 'rounds', user: world.orgDept, url: '/api/v1/rounds' },
    { name: 'projects', user: world.orgDept, url: '/api/v1/projects' },
    { name: 'project transitions', user: world.orgDept, url: `/api/v1/projects/${graded.id}/transitions` },
    { name: 'round transitions', user: world.orgDept, url: `/api/v1/rounds/${world.roundId}/transitions` },
    { name: 'reviewers', user: world.orgDept, url: `/api/v1/projects/${graded.id}/reviewers` },
    { name: 'reviews', user: world.committee, url: `/api/v1/projects/${graded.id}/reviews` },
    { name: 'files', user: world.orgDept, url: `/api/v1/projects/${running.id}/files` },
    { name: 'worklist', user: world.reviewers[0]!, url: '/api/v1/my-assignments' },
    { name: 'whole log', user: world.auditor, url: '/api/v1/audit/transitions' },
    { name: 'security events', user: world.auditor, url: '/api/v1/audit/security-events' },
    { name: 'checkpoints', user: world.auditor, url: '/api/v1/audit/checkpoints' },
    { name: 'refused attempts', user: world.auditor, url: '/api/v1/audit/refused-attempts' },
  ];
});

afterAll(async () => {
  await t.close();
});

const withQuery = (url: string, query: string) => `${url}${url.includes('?') ? '&' : '?'}${query}`;

describe('every list is paged', () => {
  it('walked one item per page, each list gives what one page of 500 gives, in the same order', async () => {
    for (const { name, user, url } of lists) {
      const whole = await call(t.app, user.token, { method: 'GET', url: withQuery(url, 'limit=500') });
      expect(whole.status, name).toBe(200);
      expect(Object.keys(whole.body).sort(), name).toEqual(['items', 'nextCursor']);
      expect(whole.body.nextCursor, name).toBeNull();
      const walked: unknown[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await call(t.app, user.token, { method: 'GET', url: withQuery(url, `limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`) });
        expect(page.status, name).toBe(200);
        expect(page.body.items.length, name).toBeLessThanOrEqual(1);
        walked.push(...page.body.items);
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 1000);
      expect(walked, name).toEqual(whole.body.items);
      // A list of more than one item really took more than one page.
      expect(pages, name).toBeGreaterThanOrEqual(whole.body.items.length);
    }
  });

  it('the lists under test are not empty, and most hold several items', async () => {
    const sizes: Record<string, number> = {};
    for (const { name, user, url } of lists) sizes[name] = (await call(t.app, user.token, { method: 'GET', url: withQuery(url, 'limit=500') })).body.items.length;
    for (const name of [
      'units',
      'users',
      // The world's round and the rounds its late projects were driven in.
      'rounds',
      'projects',
      'project transitions',
      'reviewers',
      'reviews',
      'files',
      'worklist',
      'whole log',
      'security events',
      'checkpoints',
      'refused attempts',
    ]) {
      expect(sizes[name], name).toBeGreaterThan(1);
    }
    expect(sizes['round transitions']).toBeGreaterThan(0);
  });

  it('answers 50 items when no limit is given', async () => {
    const whole = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/security-events?limit=500' });
    expect(whole.body.items.length).toBeGreaterThan(50);
    const first = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/security-events' });
    expect(first.body.items).toHaveLength(50);
    expect(first.body.nextCursor).toEqual(expect.any(String));
  });

  it('refuses a limit outside 1..500 and a cursor it did not write, with a 400 problem', async () => {
    for (const { name, user, url } of lists) {
      for (const query of ['limit=0', 'limit=501', 'limit=ten', 'cursor=not-a-cursor', `cursor=${Buffer.from('[1,2,3]').toString('base64url')}`, 'cursor=']) {
        const response = await call(t.app, user.token, { method: 'GET', url: withQuery(url, query) });
        expect(response.status, `${name} ${query}`).toBe(400);
        expect(response.headers['content-type'], `${name} ${query}`).toMatch(/^application\/problem\+json/);
        expect(response.body.type, `${name} ${query}`).toBe('urn:lixiang:problem:validation-failed');
      }
    }
  });
});

describe('the rounds by state', () => {
  it('keeps only the rounds in the state named; an unknown state is a 400 problem', async () => {
    const all = (await call(t.app, world.orgDept.token, { method: 'GET', url: '/api/v1/rounds?limit=500' })).body.items as Array<{ id: string; state: string }>;
    const states = [...new Set(all.map((r) => r.state))];
    expect(states.length).toBeGreaterThan(1);
    const one = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds?state=${states[0]}` });
    expect(one.status).toBe(200);
    expect((one.body.items as Array<{ id: string }>).map((r) => r.id)).toEqual(all.filter((r) => r.state === states[0]).map((r) => r.id));
    const bad = await call(t.app, world.applicant.token, { method: 'GET', url: '/api/v1/rounds?state=sleeping' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });
});
