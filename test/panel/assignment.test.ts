/**
 * Bulk reviewer assignment over HTTP: automatic for a whole round, and explicit pairs with each
 * refusal code.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { COMPLETE_LETTER, addToPanel, advanceRound, createDraft, createUser, createWorld, driveTo, fireOk, type World } from '../helpers/world.js';

let t: TestApp;
let world: World;

beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const assign = (body: unknown, roundId = world.roundId, token = world.orgDept.token) =>
  call(t.app, token, { method: 'POST', url: `/api/v1/rounds/${roundId}/assignments`, payload: body as never });

const reviewersOf = async (projectId: string): Promise<string[]> => {
  const response = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${projectId}/reviewers` });
  expect(response.status).toBe(200);
  return (response.body.items as Array<{ reviewerId: string }>).map((a) => a.reviewerId).sort();
};

describe('automatic assignment', () => {
  it('gives every submitted or checked project of the round its minimum, without conflicts, balanced', async () => {
    world = await createWorld(t.app, { minReviews: 2 });
    // Two more reviewers: one above the applicant's branch (a conflict for its projects), one elsewhere.
    const above = await createUser(t.app, '音乐学院评审', 'reviewer', world.units.general);
    const elsewhere = await createUser(t.app, '图书馆评审', 'reviewer', world.units.direct);
    await addToPanel(t.app, world.roundId, [above, elsewhere]);
    const submitted1 = await driveTo(world, 'submitted');
    const submitted2 = await driveTo(world, 'submitted');
    const checked = await driveTo(world, 'preliminarily_checked');
    const draft = await createDraft(world);
    const other = await call(t.app, world.otherApplicant.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: { roundId: world.roundId, category: 'fortress', direction: 'soul', title: '舞蹈学院项目', letter: COMPLETE_LETTER },
    });
    expect(other.status).toBe(201);
    await call(t.app, world.otherApplicant.token, { method: 'POST', url: `/api/v1/projects/${other.body.id}/events`, payload: { type: 'SUBMIT' } });

    const response = await assign({ mode: 'automatic' });
    expect(response.status).toBe(200);
    expect(response.body.refused).toEqual([]);
    expect(response.body.assigned).toHaveLength(8);

    const branchSide = new Set([world.conflictedReviewer.id, above.id]);
    const otherSide = new Set([world.reviewers[1]!.id]); // reviewers[1] is of 舞蹈学院党总支
    for (const id of [submitted1.id, submitted2.id, checked.id]) {
      const assigned = await reviewersOf(id);
      expect(assigned).toHaveLength(2);
      expect(assigned.filter((r) => branchSide.has(r))).toEqual([]);
    }
    const otherAssigned = await reviewersOf(other.body.id);
    expect(otherAssigned).toHaveLength(2);
    expect(otherAssigned.filter((r) => otherSide.has(r))).toEqual([]);
    expect(await reviewersOf(draft.id)).toEqual([]);

    // Load: 8 assignments over 5 reviewers, each at most 2.
    const load = new Map<string, number>();
    for (const a of response.body.assigned as Array<{ reviewerId: string }>) load.set(a.reviewerId, (load.get(a.reviewerId) ?? 0) + 1);
    expect(Math.max(...load.values())).toBeLessThanOrEqual(2);
    expect(load.get(elsewhere.id)).toBeGreaterThanOrEqual(1);

    // A second run has nothing left to do.
    const again = await assign({ mode: 'automatic' });
    expect(again.body).toEqual({ roundId: world.roundId, mode: 'automatic', assigned: [], refused: [] });

    // Once every submission is checked and the round is under review, the assigned reviewers can score, and the panel can close.
    for (const id of [submitted1.id, submitted2.id, other.body.id]) await fireOk(world, id, 'PASS_PRELIMINARY_CHECK');
    await advanceRound(world, 'under_review');
    const reviewers = await reviewersOf(checked.id);
    const tokens = new Map([...world.reviewers, world.conflictedReviewer, above, elsewhere].map((u) => [u.id, u.token]));
    for (const reviewerId of reviewers) {
      const scored = await call(t.app, tokens.get(reviewerId)!, {
        method: 'POST',
        url: `/api/v1/projects/${checked.id}/events`,
        payload: { type: 'SUBMIT_REVIEW', scores: { direction: 16, innovation: 15, practicality: 17, breadth: 14, exemplarity: 15 }, comment: '好' },
      });
      expect(scored.status).toBe(200);
    }
    expect((await fireOk(world, checked.id, 'COMPLETE_PANEL_REVIEW')).project.state).toBe('panel_reviewed');
  });

  it('says which projects could not get enough reviewers, keeping those found', async () => {
    world = await createWorld(t.app, { minReviews: 3 }); // reviewers of 机关党委, 舞蹈学院党总支, 舞蹈系党支部
    const created = await call(t.app, world.otherApplicant.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: { roundId: world.roundId, category: 'fortress', direction: 'soul', title: '舞蹈学院项目', letter: COMPLETE_LETTER },
    });
    await call(t.app, world.otherApplicant.token, { method: 'POST', url: `/api/v1/projects/${created.body.id}/events`, payload: { type: 'SUBMIT' } });
    const response = await assign({ mode: 'automatic' });
    expect(response.status).toBe(200);
    // Eligible: the organ committee's reviewer and the 声乐系 reviewer; the two of 舞蹈学院 are in its lineage.
    expect(response.body.assigned.map((a: { reviewerId: string }) => a.reviewerId).sort()).toEqual([world.reviewers[0]!.id, world.conflictedReviewer.id].sort());
    expect(response.body.refused).toEqual([{ projectId: created.body.id, reviewerId: null, code: 'not_enough_reviewers', detail: expect.any(String), required: 3, assigned: 2 }]);
  });

  it('answers 404 for an unknown round, 403 for other roles, 400 for a malformed body', async () => {
    world = await createWorld(t.app);
    expect((await assign({ mode: 'automatic' }, 'no-such-round')).status).toBe(404);
    expect((await assign({ mode: 'automatic' }, world.roundId, world.reviewers[0]!.token)).status).toBe(403);
    expect((await assign({ mode: 'automatic' }, world.roundId, world.applicant.token)).status).toBe(403);
    expect((await assign({ mode: 'random' })).status).toBe(400);
    expect((await assign({ mode: 'automatic', extra: 1 })).status).toBe(400);
    expect((await assign({ mode: 'explicit', pairs: [] })).status).toBe(400);
  });
});

describe('explicit assignment', () => {
  it('applies the acceptable pairs and refuses the others with their code', async () => {
    world = await createWorld(t.app, { minReviews: 2 });
    const above = await createUser(t.app, '音乐学院评审', 'reviewer', world.units.general);
    await addToPanel(t.app, world.roundId, [above]);
    const branchProject = await driveTo(world, 'submitted');
    const draft = await createDraft(world);
    // Beyond the panel in the same round: rejected at the preliminary check (a project approved by the
    // committee would need the round past its submissions, while the others of this test are still submitted).
    const rejected = await driveTo(world, 'rejected');
    const generalProject = await call(t.app, world.parentApplicant.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: { roundId: world.roundId, category: 'vanguard', direction: 'teacher_ethics', title: '音乐学院项目', letter: COMPLETE_LETTER },
    });
    await call(t.app, world.parentApplicant.token, { method: 'POST', url: `/api/v1/projects/${generalProject.body.id}/events`, payload: { type: 'SUBMIT' } });
    const [r0, r1] = world.reviewers;
    // A project of another round.
    const round2 = await call(t.app, world.admin.token, {
      method: 'POST',
      url: '/api/v1/rounds',
      payload: {
        year: 2024,
        title: '2024',
        documentNumber: '办字〔2024〕1号',
        submissionDeadline: '2024-03-29',
        finalAcceptanceDate: '2024-12-31',
        funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
      },
    });
    const foreign = await createDraft(world, { roundId: round2.body.id });
    await fireOk(world, foreign.id, 'SUBMIT');

    const pairs = [
      { projectId: branchProject.id, reviewerId: r0!.id }, // ok
      { projectId: branchProject.id, reviewerId: r0!.id }, // already_assigned (same request)
      { projectId: branchProject.id, reviewerId: world.conflictedReviewer.id }, // own unit
      { projectId: branchProject.id, reviewerId: above.id }, // unit above
      { projectId: generalProject.body.id, reviewerId: world.conflictedReviewer.id }, // unit below
      { projectId: branchProject.id, reviewerId: world.orgDept.id }, // not a reviewer
      { projectId: branchProject.id, reviewerId: 'nobody' }, // not a user at all
      { projectId: draft.id, reviewerId: r1!.id }, // draft
      { projectId: rejected.id, reviewerId: r1!.id }, // no longer awaiting the panel
      { projectId: foreign.id, reviewerId: r1!.id }, // another round
      { projectId: 'no-such-project', reviewerId: r1!.id },
      { projectId: generalProject.body.id, reviewerId: r1!.id }, // ok
    ];
    const response = await assign({ mode: 'explicit', pairs });
    expect(response.status).toBe(200);
    expect(response.body.assigned).toEqual([pairs[0], pairs[11]]);
    expect(response.body.refused.map((r: { projectId: string; reviewerId: string; code: string }) => [r.projectId, r.reviewerId, r.code])).toEqual([
      [branchProject.id, r0!.id, 'already_assigned'],
      [branchProject.id, world.conflictedReviewer.id, 'conflict_of_interest'],
      [branchProject.id, above.id, 'conflict_of_interest'],
      [generalProject.body.id, world.conflictedReviewer.id, 'conflict_of_interest'],
      [branchProject.id, world.orgDept.id, 'not_a_reviewer'],
      [branchProject.id, 'nobody', 'not_a_reviewer'],
      [draft.id, r1!.id, 'wrong_state'],
      [rejected.id, r1!.id, 'wrong_state'],
      [foreign.id, r1!.id, 'not_in_round'],
      ['no-such-project', r1!.id, 'not_in_round'],
    ]);
    expect(await reviewersOf(branchProject.id)).toEqual([r0!.id]);
    expect(await reviewersOf(generalProject.body.id)).toEqual([r1!.id]);

    // Already assigned in an earlier request, too.
    const again = await assign({ mode: 'explicit', pairs: [pairs[0]] });
    expect(again.body.assigned).toEqual([]);
    expect(again.body.refused[0].code).toBe('already_assigned');
  });
});
