/**
 * A reviewer's worklist, and who sees which reviews: org_dept, committee and auditors all of them
 * with reviewer ids and scores; a reviewer only its own; applicants none (403 here, and no reviewer
 * identity or score in anything else they can read).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { advanceRound, createUser, createWorld, driveTo, fireOk, type User, type World } from '../helpers/world.js';

let t: TestApp;
let world: World;
let scored: string; // checked, assigned to reviewers 0 and 1, both have scored
let pending: string; // checked, assigned to reviewer 0 only, not scored
let outsider: User; // a reviewer assigned to nothing

const SCORES_1 = { direction: 16, innovation: 15, practicality: 17, breadth: 14, exemplarity: 15 };
const SCORES_2 = { direction: 11, innovation: 12, practicality: 13, breadth: 14, exemplarity: 9 };

beforeAll(async () => {
  t = await createTestApp();
  world = await createWorld(t.app, { minReviews: 2 });
  outsider = await createUser(t.app, '未分配评审', 'reviewer', world.units.direct);
  scored = (await driveTo(world, 'preliminarily_checked')).id;
  pending = (await driveTo(world, 'preliminarily_checked')).id;
  const [r0, r1] = world.reviewers;
  const outcome = await call(t.app, world.orgDept.token, {
    method: 'POST',
    url: `/api/v1/rounds/${world.roundId}/assignments`,
    payload: {
      mode: 'explicit',
      pairs: [
        { projectId: scored, reviewerId: r0!.id },
        { projectId: scored, reviewerId: r1!.id },
        { projectId: pending, reviewerId: r0!.id },
      ],
    },
  });
  expect(outcome.status).toBe(200);
  expect(outcome.body.refused).toEqual([]);
  await advanceRound(world, 'under_review');
  await fireOk(world, scored, 'SUBMIT_REVIEW', { scores: SCORES_1, comment: '特色鲜明' }, 0);
  await fireOk(world, scored, 'SUBMIT_REVIEW', { scores: SCORES_2, comment: '一般' }, 1);
});

afterAll(async () => {
  await t.close();
});

const get = (user: User, url: string) => call(t.app, user.token, { method: 'GET', url });

describe('worklist', () => {
  it('lists the reviewer’s projects, which it has scored, and its own scores', async () => {
    const response = await get(world.reviewers[0]!, '/api/v1/my-assignments');
    expect(response.status).toBe(200);
    expect(response.body.nextCursor).toBeNull();
    const items = response.body.items as Array<Record<string, unknown>>;
    expect(items.map((i) => i.id).sort()).toEqual([scored, pending].sort());
    const done = items.find((i) => i.id === scored)!;
    expect(done).toMatchObject({
      roundId: world.roundId,
      title: '“红色旋律”党员先锋岗',
      category: 'vanguard',
      direction: 'member_platforms',
      state: 'preliminarily_checked',
      reviewed: true,
      review: { reviewerId: world.reviewers[0]!.id, scores: SCORES_1, total: 77, comment: '特色鲜明' },
    });
    expect(items.find((i) => i.id === pending)).toMatchObject({ reviewed: false, review: null });
  });

  it('shows another reviewer only its own review', async () => {
    const response = await get(world.reviewers[1]!, '/api/v1/my-assignments');
    expect(response.body.items).toHaveLength(1);
    expect(response.body.items[0].review.scores).toEqual(SCORES_2);
    expect(JSON.stringify(response.body)).not.toContain(world.reviewers[0]!.id);
  });

  it('is empty for a reviewer with no assignment and refused to other roles', async () => {
    expect((await get(outsider, '/api/v1/my-assignments')).body).toEqual({ items: [], nextCursor: null });
    for (const user of [world.applicant, world.orgDept, world.committee, world.auditor, world.admin]) {
      expect((await get(user, '/api/v1/my-assignments')).status).toBe(403);
    }
  });
});

describe('reviews of a project', () => {
  const url = () => `/api/v1/projects/${scored}/reviews`;

  it('shows org_dept, committee and auditors every review with reviewer and scores', async () => {
    for (const user of [world.orgDept, world.committee, world.auditor]) {
      const response = await get(user, url());
      expect(response.status).toBe(200);
      const reviews = response.body.items as Array<{ reviewerId: string; scores: unknown; reviewerName: string }>;
      expect(reviews.map((r) => r.reviewerId).sort()).toEqual([world.reviewers[0]!.id, world.reviewers[1]!.id].sort());
      expect(reviews.find((r) => r.reviewerId === world.reviewers[1]!.id)!.scores).toEqual(SCORES_2);
    }
  });

  it('shows a reviewer only its own review; an unassigned reviewer gets 404', async () => {
    for (const [i, scores] of [SCORES_1, SCORES_2].entries()) {
      const response = await get(world.reviewers[i]!, url());
      expect(response.status).toBe(200);
      expect(response.body.items).toHaveLength(1);
      expect(response.body.items[0]).toMatchObject({ reviewerId: world.reviewers[i]!.id, scores });
      expect(JSON.stringify(response.body)).not.toContain(world.reviewers[1 - i]!.id);
    }
    expect((await get(world.reviewers[1]!, `/api/v1/projects/${pending}/reviews`)).status).toBe(404);
    expect((await get(outsider, url())).status).toBe(404);
    expect((await get(world.orgDept, '/api/v1/projects/no-such-project/reviews')).status).toBe(404);
  });

  it('refuses applicants and admins, and applicants read no reviewer identity or score anywhere', async () => {
    for (const user of [world.applicant, world.parentApplicant, world.otherApplicant, world.admin]) {
      const response = await get(user, url());
      expect(response.status).toBe(403);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const reviewerIds = world.reviewers.map((r) => r.id);
    for (const user of [world.applicant, world.parentApplicant]) {
      for (const path of [`/api/v1/projects/${scored}`, `/api/v1/projects/${scored}/transitions`, '/api/v1/projects', `/api/v1/projects/${scored}/reviewers`]) {
        const text = JSON.stringify((await get(user, path)).body);
        for (const id of reviewerIds) expect(text).not.toContain(id);
        expect(text).not.toContain('"innovation"');
      }
    }
    for (const user of [world.applicant, world.reviewers[0]!]) {
      const response = await call(t.app, user.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/assignments`, payload: { mode: 'automatic' } });
      expect(response.status).toBe(403);
    }
  });
});
