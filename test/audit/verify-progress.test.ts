/**
 * The verification tells how far it has come: with `Accept: text/event-stream`, GET /audit/verify
 * answers server-sent events, `progress` ({done, total}: the log's entries replayed and the audited
 * tables' rows compared) and then one `result`, the verdict the JSON answer gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { createWorld, driveTo, type World } from '../helpers/world.js';

let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await createTestApp();
  world = await createWorld(t.app);
  await driveTo(world, 'in_progress');
});
afterAll(async () => t.close());

/** The events of a text/event-stream body: each `event:` with its parsed `data:`. */
function events(body: string): Array<{ event: string; data: Record<string, unknown> }> {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1] ?? '';
      const data = JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? 'null') as Record<string, unknown>;
      return { event, data };
    });
}

describe('the verification as a stream of progress', () => {
  it('tells progress up to every row, then the verdict the JSON answer gives', async () => {
    const json = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(json.status).toBe(200);
    expect(json.body.valid).toBe(true);

    const streamed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/verify',
      headers: { authorization: `Bearer ${world.auditor.token}`, accept: 'text/event-stream' },
    });
    expect(streamed.statusCode).toBe(200);
    expect(streamed.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(streamed.headers['cache-control']).toBe('no-cache');
    const told = events(streamed.body);
    const progress = told.filter((e) => e.event === 'progress').map((e) => e.data as { done: number; total: number });
    expect(progress.length).toBeGreaterThan(0);
    // Never backwards, never past the total; the last one is the whole walk: every entry and every audited row.
    for (let i = 1; i < progress.length; i += 1) expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done);
    const last = progress.at(-1)!;
    expect(last.done).toBe(last.total);
    expect(last.total).toBeGreaterThan(json.body.count as number);
    const result = told.at(-1)!;
    expect(result.event).toBe('result');
    expect(result.data).toMatchObject({ valid: true, chainValid: true, count: json.body.count, headHash: json.body.headHash });
  });

  it('still answers JSON to a caller that does not ask for the stream, and refuses whoever may not verify', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: { authorization: `Bearer ${world.auditor.token}`, accept: '*/*' } });
    expect(plain.headers['content-type']).toContain('application/json');
    const refused = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/verify',
      headers: { authorization: `Bearer ${world.applicant.token}`, accept: 'text/event-stream' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
  });
});
