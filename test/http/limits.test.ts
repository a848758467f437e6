/** Security headers on every answer; writes are rate limited per principal with 429 + Retry-After. */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { createDraft, createWorld } from '../helpers/world.js';

describe('limits', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('sets security headers on API answers, errors and the docs page', async () => {
    t = await createTestApp();
    for (const url of ['/healthz', '/api/v1/units', '/docs/', '/openapi.json', '/api/v1/nowhere']) {
      const response = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(String(response.headers['content-security-policy']), url).toContain("frame-ancestors 'none'");
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
    }
  });

  it('answers 429 with Retry-After once a principal exceeds its writes per minute; reads and other users go on', async () => {
    t = await createTestApp({ writesPerMinute: 20 });
    const world = await createWorld(t.app); // admin writes: their own budget
    for (let i = 0; i < 20; i += 1) await createDraft(world);
    const limited = await call(t.app, world.applicant.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: { roundId: world.roundId, category: 'fortress', direction: 'soul', title: '第二十一个' },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ type: 'urn:lixiang:problem:rate-limited', status: 429 });
    const rows = t.db.$client.prepare('SELECT count(*) AS n FROM projects').get() as { n: number };
    expect(rows.n).toBe(20);

    const read = await call(t.app, world.applicant.token, { method: 'GET', url: '/api/v1/projects' });
    expect(read.status).toBe(200);
    const other = await call(t.app, world.otherApplicant.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: { roundId: world.roundId, category: 'fortress', direction: 'soul', title: '别的单位' },
    });
    expect(other.status).toBe(201);
  });
});
