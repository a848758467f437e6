/**
 * Refused writes by authenticated callers are recorded in security_events (who, what, when, why,
 * from where), outside the hash chain; refused reads and accepted writes are not; recording never
 * changes or breaks an answer. Refusals without a valid token are counted apart (refused-attempts.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { COMPLETE_LETTER, createDraft, createWorld, driveTo, fire, type World } from '../helpers/world.js';

interface Recorded {
  id: number;
  at: string;
  requestId: string;
  actor: { id: string | null; role: string | null };
  method: string;
  route: string;
  url: string;
  status: number;
  problemType: string;
  detail: string;
  projectId: string | null;
  event: string | null;
  subject: { kind: string; id: string } | null;
  source: string | null;
}

describe('refused attempts', () => {
  let t: TestApp;
  let world: World;

  beforeEach(async () => {
    t = await createTestApp();
    world = await createWorld(t.app);
  });
  afterEach(async () => t.close());

  const recorded = async (query = ''): Promise<Recorded[]> => {
    const response = await call(t.app, world.auditor.token, { method: 'GET', url: `/api/v1/audit/security-events?limit=100${query}` });
    expect(response.status).toBe(200);
    return response.body.items as Recorded[];
  };
  const rowCount = () => (t.db.$client.prepare('SELECT count(*) AS n FROM security_events').get() as { n: number }).n;
  const logCount = () => (t.db.$client.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n;

  it('records 403, 404, 409, 412, 422 and 428 answers to writes, with who, what, why and from where; a 401 only as a count', async () => {
    const project = await createDraft(world);
    const incomplete = await createDraft(world, { letter: {} });
    const submitted = await driveTo(world, 'submitted');
    const events = `/api/v1/projects/${submitted.id}/events`;
    const logBefore = logCount();

    const attempts = [
      { status: 401, response: await call(t.app, 'lx_not-a-real-token-but-long-enough', { method: 'POST', url: events, payload: { type: 'PASS_PRELIMINARY_CHECK' } }) },
      { status: 403, response: await fire(world, submitted.id, world.auditor, 'PASS_PRELIMINARY_CHECK') },
      { status: 404, response: await fire(world, 'no-such-project', world.orgDept, 'PASS_PRELIMINARY_CHECK') },
      { status: 409, response: await fire(world, submitted.id, world.committee, 'APPROVE', { meetingReference: '党委会〔2023〕5次' }) },
      { status: 412, response: await fire(world, submitted.id, world.orgDept, 'PASS_PRELIMINARY_CHECK', {}, { 'if-match': '"1"' }) },
      { status: 422, response: await fire(world, incomplete.id, world.applicant, 'SUBMIT') },
      {
        status: 428,
        response: await call(t.app, world.applicant.token, { method: 'PATCH', url: `/api/v1/projects/${project.id}`, payload: { title: '新标题' } }),
      },
    ];
    for (const attempt of attempts) expect(attempt.response.status, JSON.stringify(attempt.response.body)).toBe(attempt.status);
    expect(logCount()).toBe(logBefore);

    const rows = await recorded();
    expect(rows.map((r) => r.status)).toEqual([403, 404, 409, 412, 422, 428]);
    const [forbidden, missing, illegal, stale, guard, required] = rows as [Recorded, Recorded, Recorded, Recorded, Recorded, Recorded];
    // The caller without a valid token is counted, not recorded one row per attempt.
    expect(t.db.$client.prepare('SELECT source, method, route, status, problem_type, count, last_request_id FROM refused_attempts').all()).toEqual([
      {
        source: '127.0.0.1',
        method: 'POST',
        route: '/api/v1/projects/:id/events',
        status: 401,
        problem_type: 'urn:lixiang:problem:unauthenticated',
        count: 1,
        last_request_id: attempts[0]!.response.headers['x-request-id'],
      },
    ]);

    expect(forbidden).toMatchObject({
      actor: { id: world.auditor.id, role: 'auditor' },
      problemType: 'urn:lixiang:problem:forbidden',
      event: 'PASS_PRELIMINARY_CHECK',
      subject: { kind: 'project', id: submitted.id },
      source: '127.0.0.1',
      at: '2023-03-01T02:00:00.000Z',
    });
    expect(forbidden.requestId).toBe(attempts[1]!.response.headers['x-request-id']);
    expect(forbidden.detail).toBe(attempts[1]!.response.body.detail);
    expect(missing).toMatchObject({ actor: { id: world.orgDept.id }, projectId: 'no-such-project', problemType: 'urn:lixiang:problem:not-found' });
    expect(illegal).toMatchObject({ actor: { role: 'committee' }, event: 'APPROVE', problemType: 'urn:lixiang:problem:illegal-transition' });
    expect(stale).toMatchObject({ problemType: 'urn:lixiang:problem:precondition-failed' });
    expect(guard).toMatchObject({ event: 'SUBMIT', projectId: incomplete.id, problemType: 'urn:lixiang:problem:guard-failed' });
    expect(guard.detail).not.toBe('');
    expect(required).toMatchObject({
      method: 'PATCH',
      route: '/api/v1/projects/:id',
      projectId: project.id,
      event: null,
      problemType: 'urn:lixiang:problem:precondition-required',
      actor: { id: world.applicant.id, role: 'applicant' },
    });
  });

  it('also records refusals outside projects: a round’s event, a role refused by an admin route; an unknown route only as a count', async () => {
    expect((await call(t.app, world.applicant.token, { method: 'POST', url: '/api/v1/units', payload: { name: 'x', type: 'branch' } })).status).toBe(403);
    const roundEvent = await call(t.app, world.committee.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload: { type: 'START_REVIEW' } });
    expect(roundEvent.status).toBe(403);
    // No route, so no token was ever checked: counted with the anonymous noise.
    expect((await call(t.app, world.applicant.token, { method: 'DELETE', url: '/api/v1/nowhere' })).status).toBe(404);
    const rows = await recorded();
    expect(rows).toEqual([
      expect.objectContaining({
        status: 403,
        method: 'POST',
        route: '/api/v1/units',
        actor: { id: world.applicant.id, name: '声乐系书记', role: 'applicant' },
        projectId: null,
        subject: null,
      }),
      expect.objectContaining({
        status: 403,
        route: '/api/v1/rounds/:id/events',
        actor: { id: world.committee.id, name: '党委会议秘书', role: 'committee' },
        projectId: null,
        subject: { kind: 'round', id: world.roundId },
        event: 'START_REVIEW',
        source: '127.0.0.1',
      }),
    ]);
    expect(t.db.$client.prepare('SELECT method, route, status, count FROM refused_attempts').all()).toEqual([{ method: 'DELETE', route: '(no route)', status: 404, count: 1 }]);
  });

  it('does not record reads, accepted writes, or 400s, and never stores a token', async () => {
    const project = await driveTo(world, 'submitted');
    await call(t.app, world.otherApplicant.token, { method: 'GET', url: `/api/v1/projects/${project.id}` }); // 404 read
    await call(t.app, world.applicant.token, { method: 'GET', url: '/api/v1/audit/transitions' }); // 403 read
    await call(t.app, null, { method: 'GET', url: '/api/v1/projects' }); // 401 read
    await call(t.app, world.applicant.token, { method: 'POST', url: '/api/v1/projects', payload: { roundId: world.roundId, bogus: 1 } }); // 400
    await fire(world, project.id, world.orgDept, 'PASS_PRELIMINARY_CHECK'); // 200
    expect(rowCount()).toBe(0);

    const secret = 'lx_secret-token-that-must-not-be-kept-0123';
    expect((await call(t.app, secret, { method: 'POST', url: `/api/v1/projects?access_token=${secret}`, payload: { roundId: world.roundId } })).status).toBe(401);
    const missing = await call(t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/projects/nope/events?access_token=${secret}`, payload: { type: 'START' } });
    expect(missing.status).toBe(404);
    const [row] = t.db.$client.prepare('SELECT * FROM security_events').all() as Array<Record<string, unknown>>;
    expect(row).toBeDefined();
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row!.url).toBe('/api/v1/projects/nope/events?access_token=%5Bredacted%5D');
    expect(JSON.stringify(t.db.$client.prepare('SELECT * FROM refused_attempts').all())).not.toContain(secret);
  });

  it('a failure to record never changes the answer', async () => {
    const project = await driveTo(world, 'submitted');
    t.owner().exec('DROP TABLE security_events');
    const refused = await fire(world, project.id, world.committee, 'APPROVE', { meetingReference: 'x' });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('urn:lixiang:problem:illegal-transition');
    const accepted = await fire(world, project.id, world.orgDept, 'PASS_PRELIMINARY_CHECK');
    expect(accepted.status).toBe(200);
  });

  it('filters by actor, status, project and time; pages with a cursor; auditors and org_dept only', async () => {
    const project = await driveTo(world, 'submitted');
    for (let i = 0; i < 3; i += 1) {
      await fire(world, project.id, world.committee, 'APPROVE', { meetingReference: `第${i}次` }); // 409
      t.clock.advance(60_000);
    }
    await fire(world, project.id, world.auditor, 'PASS_PRELIMINARY_CHECK'); // 403
    t.clock.advance(60_000);
    await call(t.app, world.reviewers[0]!.token, { method: 'POST', url: '/api/v1/units', payload: { name: '新支部', type: 'branch' } }); // 403
    await call(t.app, world.applicant.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: { roundId: 'nope', category: 'vanguard', direction: 'member_platforms', title: 't', letter: COMPLETE_LETTER },
    }); // 422

    expect((await recorded()).length).toBe(6);
    expect((await recorded(`&actorId=${world.committee.id}`)).map((r) => r.event)).toEqual(['APPROVE', 'APPROVE', 'APPROVE']);
    expect((await recorded('&status=403')).map((r) => r.actor.role)).toEqual(['auditor', 'reviewer']);
    expect((await recorded(`&projectId=${project.id}`)).length).toBe(4);
    const window = await recorded('&from=2023-03-01T02:01:00Z&to=2023-03-01T02:03:00Z');
    expect(window.map((r) => r.at)).toEqual(['2023-03-01T02:01:00.000Z', '2023-03-01T02:02:00.000Z', '2023-03-01T02:03:00.000Z']);

    const first = await call(t.app, world.orgDept.token, { method: 'GET', url: '/api/v1/audit/security-events?limit=4' });
    expect(first.body.items).toHaveLength(4);
    const rest = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/audit/security-events?limit=4&cursor=${first.body.nextCursor}` });
    expect(rest.body.nextCursor).toBeNull();
    expect([...first.body.items, ...rest.body.items].map((r: Recorded) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);

    for (const user of [world.applicant, world.committee, world.admin]) {
      expect((await call(t.app, user.token, { method: 'GET', url: '/api/v1/audit/security-events' })).status).toBe(403);
    }
    expect((await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/security-events?status=200' })).status).toBe(400);
    expect((await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/security-events?cursor=bm9wZQ' })).status).toBe(400);
    // The refused reads above were not recorded.
    expect(rowCount()).toBe(6);
  });
});
