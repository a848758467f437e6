/**
 * A reviewer drops out mid-review (issue 15, part A): org_dept removes it from the round's review
 * panel, the answer lists its unscored assignments, each is replaced by another panel member, the
 * replacements score, the panel closes on the reviews that count, and the round's decision goes on
 * to the published list. A leaked token is rotated by its holder, another reissued by the admin: each
 * old token is refused at once. The log holds every act, and the audit proves the tables from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { addToPanel, createUser, createWorld, driveTo, fire, type User, type World } from '../helpers/world.js';

let t: TestApp;
let world: World;
let standby: User;

const SCORES = { direction: 16, innovation: 15, practicality: 17, breadth: 14, exemplarity: 15 };

beforeAll(async () => {
  t = await createTestApp({ lifecycles: FIRST_EDITION_LIFECYCLES });
  world = await createWorld(t.app, { minReviews: 2 });
  // A third panel member, of a unit unrelated to the applicant's: the one who takes over.
  standby = await createUser(t.app, '候补评审', 'reviewer', world.units.direct);
  await addToPanel(t.app, world.roundId, [standby], 'review', world.orgDept.token);
});

afterAll(async () => {
  await t.close();
});

async function ok(user: User, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, status = 200) {
  const response = await call(t.app, user.token, { method, url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as never }) });
  expect(response.status, `${method} ${url}: ${JSON.stringify(response.body)}`).toBe(status);
  return response.body;
}

describe('a reviewer drops out and is replaced', () => {
  it('runs from the assignment to the published list, the replaced reviewer out of it, and the log proves it', async () => {
    const [r0, r1] = world.reviewers as [User, User];
    const projects = [(await driveTo(world, 'preliminarily_checked')).id, (await driveTo(world, 'preliminarily_checked')).id];
    const R = `/rounds/${world.roundId}`;
    t.clock.set(Date.parse('2023-03-30T01:00:00Z'));
    await ok(world.orgDept, 'POST', `${R}/events`, { type: 'CLOSE_SUBMISSIONS' });
    await ok(world.orgDept, 'POST', `${R}/events`, { type: 'START_REVIEW' });

    // Two reviewers per project; the standby is drawn only where the load says so.
    const assigned = await ok(world.orgDept, 'POST', `${R}/assignments`, { mode: 'automatic' });
    expect(assigned.refused).toEqual([]);
    expect(assigned.assigned).toHaveLength(4);

    // Reviewer 1 drops out before scoring: removed from the panel, its open assignments listed.
    const r1Projects = (assigned.assigned as Array<{ projectId: string; reviewerId: string }>).filter((a) => a.reviewerId === r1.id).map((a) => a.projectId);
    expect(r1Projects.length).toBeGreaterThan(0);
    const removed = await ok(world.orgDept, 'DELETE', `${R}/panels/review/members/${r1.id}`, { reason: '因病无法参加本批次评审' });
    expect(removed.pendingAssignments.map((p: { projectId: string }) => p.projectId).sort()).toEqual([...r1Projects].sort());
    expect(removed.panel.members.find((m: { id: string }) => m.id === r1.id)).toMatchObject({ active: false, removeReason: '因病无法参加本批次评审' });

    // Reviewer 0 scores meanwhile.
    for (const item of (await ok(r0, 'GET', '/my-assignments')).items as Array<{ id: string }>) {
      expect((await fire(world, item.id, r0, 'SUBMIT_REVIEW', { scores: SCORES, comment: '评审甲意见' })).status).toBe(200);
    }

    // Each of r1's open assignments goes to a panel member not yet on the project.
    const open = (await ok(world.orgDept, 'GET', `${R}/assignments?state=open`)) as Array<{ projectId: string; reviewerId: string }>;
    const toReplace = open.filter((p) => p.reviewerId === r1.id);
    expect(toReplace.map((p) => p.projectId).sort()).toEqual([...r1Projects].sort());
    for (const { projectId } of toReplace) {
      const onProject = (await ok(world.orgDept, 'GET', `/projects/${projectId}/reviewers`)).items.map((a: { reviewerId: string }) => a.reviewerId);
      const replacement = [r0, standby].find((r) => !onProject.includes(r.id))!;
      const replaced = await ok(world.orgDept, 'POST', `/projects/${projectId}/reviewers/${r1.id}/replace`, { replacementId: replacement.id, reason: '原评审人因病退出' }, 201);
      expect(replaced).toMatchObject({ projectId, replaced: r1.id, replacement: replacement.id });
      if (replacement.id === r0.id) expect((await fire(world, projectId, r0, 'SUBMIT_REVIEW', { scores: SCORES, comment: '评审甲意见' })).status).toBe(200);
    }

    // The dropped reviewer has nothing left to do and may not score; the standby scores its worklist.
    expect((await ok(r1, 'GET', '/my-assignments')).items).toEqual([]);
    const late = await fire(world, r1Projects[0]!, r1, 'SUBMIT_REVIEW', { scores: SCORES, comment: '迟到的评分' });
    expect(late.status).toBe(403);
    for (const item of (await ok(standby, 'GET', '/my-assignments')).items as Array<{ id: string; reviewed: boolean }>) {
      if (!item.reviewed) expect((await fire(world, item.id, standby, 'SUBMIT_REVIEW', { scores: SCORES, comment: '候补评审意见' })).status).toBe(200);
    }
    expect(await ok(world.orgDept, 'GET', `${R}/assignments?state=open`)).toEqual([]);

    // The panel closes on two reviews each; the committee decides; the list is published.
    for (const id of projects) {
      const closed = await ok(world.orgDept, 'POST', `/projects/${id}/events`, { type: 'COMPLETE_PANEL_REVIEW' });
      expect(closed.project.state).toBe('panel_reviewed');
      await ok(world.committee, 'POST', `/projects/${id}/events`, { type: 'APPROVE', meetingReference: '党委会〔2023〕第5次' });
    }
    const ranking = await ok(world.committee, 'GET', `${R}/rankings`);
    expect(ranking.items.map((i: { reviewCount: number }) => i.reviewCount)).toEqual([2, 2]);
    await ok(world.committee, 'POST', `${R}/events`, { type: 'CONCLUDE_DECISIONS' });
    const published = await ok(world.orgDept, 'POST', `${R}/events`, { type: 'PUBLISH_LIST', documentNumber: '党委〔2023〕12号', publishedOn: '2023-04-20' });
    expect(published.started).toHaveLength(2);
    for (const id of projects) expect((await ok(world.orgDept, 'GET', `/projects/${id}`)).state).toBe('in_progress');

    // The log: the removal, each replacement and the replacement's assignment naming whom it replaces.
    const events = t.db.$client
      .prepare<[], { event: string; subjectId: string; payload: string }>(
        "SELECT event, subject_id AS subjectId, payload FROM transition_log WHERE event IN ('REMOVE_PANEL_MEMBER', 'REPLACE_REVIEWER') OR (event = 'ASSIGN_REVIEWER' AND payload LIKE '%replaces%') ORDER BY seq",
      )
      .all()
      .map((e) => ({ ...e, payload: JSON.parse(e.payload) as Record<string, unknown> }));
    expect(events[0]).toMatchObject({ event: 'REMOVE_PANEL_MEMBER', payload: { userId: r1.id, reason: '因病无法参加本批次评审' } });
    expect(events.filter((e) => e.event === 'REPLACE_REVIEWER')).toHaveLength(r1Projects.length);
    expect(events.filter((e) => e.event === 'ASSIGN_REVIEWER').every((e) => e.payload.replaces === r1.id)).toBe(true);

    const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ valid: true });
  });

  it('goes on when a token leaks: the holder rotates it and the old one is refused at once; the admin reissues another', async () => {
    // The standby's token was pasted into a group chat: they rotate it themselves.
    const rotated = await ok(standby, 'POST', '/users/me/token', undefined, 201);
    expect(rotated.token).not.toBe(standby.token);
    const leaked = await call(t.app, standby.token, { method: 'GET', url: '/api/v1/my-assignments' });
    expect(leaked.status).toBe(401);
    expect(leaked.headers['content-type']).toContain('application/problem+json');
    const fresh = { ...standby, token: rotated.token as string };
    expect((await call(t.app, fresh.token, { method: 'GET', url: '/api/v1/my-assignments' })).status).toBe(200);

    // The dropped reviewer's token leaked too, and they are unreachable: the admin reissues it.
    const r1 = world.reviewers[1]!;
    const admin = { ...world.orgDept, token: ADMIN_TOKEN };
    const reissued = await ok(admin, 'POST', `/users/${r1.id}/token`, { reason: '令牌在群聊中泄露' }, 201);
    expect((await call(t.app, r1.token, { method: 'GET', url: '/api/v1/users/me' })).status).toBe(401);
    expect((await call(t.app, reissued.token as string, { method: 'GET', url: '/api/v1/users/me' })).body).toMatchObject({ id: r1.id, active: true });

    // Both on the record, by whom and why, never the token; the audit still proves every table.
    const entries = t.db.$client
      .prepare<[], { event: string; actorId: string; payload: string }>(
        "SELECT event, actor_id AS actorId, payload FROM transition_log WHERE event IN ('ROTATE_TOKEN', 'REISSUE_TOKEN') ORDER BY seq",
      )
      .all();
    expect(entries.map((e) => [e.event, e.actorId])).toEqual([
      ['ROTATE_TOKEN', standby.id],
      ['REISSUE_TOKEN', expect.any(String)],
    ]);
    expect(JSON.parse(entries[1]!.payload)).toMatchObject({ reason: '令牌在群聊中泄露' });
    for (const e of entries) expect(e.payload).not.toContain(rotated.token as string);
    const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.body).toMatchObject({ valid: true });
  });
});
