/**
 * Automatic assignment over randomised unit trees (the organ committee, general branches with
 * branches, direct branches), random reviewers and projects, each case on a fresh app over HTTP:
 * - no assignment puts a reviewer on a project of its own unit, of a unit above or below it, or
 *   (the default family scope) of a unit under the same 党总支 / 机关党委;
 * - every submitted or checked project gets min(minReviews, eligible reviewers), and is reported
 *   as not_enough_reviewers exactly when that is fewer than minReviews; drafts get none;
 * - when no reviewer conflicts with any project, loads differ by at most one.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, createTestApp } from '../helpers/app.js';
import { COMPLETE_LETTER, addToPanel, createPanel, createUnit, createUser, type User } from '../helpers/world.js';

interface Tree {
  /** Parent index of each unit (-1 for roots); unit 0 is the organ committee. */
  parents: number[];
  types: string[];
}

/** The organ committee, then general branches each with some branches, then direct branches. */
const treeArb = fc
  .record({ generals: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 3 }), directs: fc.integer({ min: 0, max: 2 }) })
  .map(({ generals, directs }): Tree => {
    const parents = [-1];
    const types = ['organ_committee'];
    for (const branches of generals) {
      const g = parents.length;
      parents.push(-1);
      types.push('general_branch');
      for (let b = 0; b < branches; b += 1) {
        parents.push(g);
        types.push('branch');
      }
    }
    for (let d = 0; d < directs; d += 1) {
      parents.push(-1);
      types.push('direct_branch');
    }
    return { parents, types };
  });

const STATES = ['draft', 'submitted', 'preliminarily_checked'] as const;

const caseArb = treeArb.chain((tree) => {
  const unit = fc.integer({ min: 0, max: tree.parents.length - 1 });
  return fc.record({
    tree: fc.constant(tree),
    reviewers: fc.array(unit, { minLength: 0, maxLength: 7 }),
    projects: fc.array(fc.record({ unit, state: fc.constantFrom(...STATES) }), { minLength: 1, maxLength: 7 }),
    minReviews: fc.integer({ min: 1, max: 4 }),
    scope: fc.constantFrom('family' as const, 'line' as const),
  });
});

/** Ancestors and descendants of a unit, itself included, computed from the generated tree. */
function lineage(tree: Tree, u: number): Set<number> {
  const ancestorsOf = (i: number): number[] => {
    const out: number[] = [];
    for (let p = tree.parents[i]!; p !== -1; p = tree.parents[p]!) out.push(p);
    return out;
  };
  const out = new Set<number>([u, ...ancestorsOf(u)]);
  tree.parents.forEach((_p, i) => {
    if (ancestorsOf(i).includes(u)) out.add(i);
  });
  return out;
}

/**
 * The units a reviewer must not come from, for a project of unit u: its line, and under the default
 * 'family' scope also everything under its 党总支 / 机关党委 (the nearest one at or above it).
 */
function barred(tree: Tree, u: number, scope: 'family' | 'line'): Set<number> {
  const out = lineage(tree, u);
  if (scope === 'line') return out;
  let root = u;
  while (root !== -1 && tree.types[root] !== 'general_branch' && tree.types[root] !== 'organ_committee') root = tree.parents[root]!;
  if (root !== -1) for (const i of lineage(tree, root)) out.add(i);
  return out;
}

async function ok(promise: ReturnType<typeof call>, status = 200) {
  const response = await promise;
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

interface Built {
  app: FastifyInstance;
  close: () => Promise<void>;
  roundId: string;
  orgDept: User;
  reviewerIds: string[];
  projectIds: string[];
}

async function build(c: { tree: Tree; reviewers: number[]; projects: Array<{ unit: number; state: string }>; minReviews: number; scope?: 'family' | 'line' }): Promise<Built> {
  const t = await createTestApp();
  const app = t.app;
  const unitIds: string[] = [];
  for (let i = 0; i < c.tree.parents.length; i += 1) {
    const parent = c.tree.parents[i]!;
    unitIds.push(await createUnit(app, `单位${i}`, c.tree.types[i]!, parent === -1 ? null : unitIds[parent]!));
  }
  const round = await ok(
    call(app, ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/v1/rounds',
      payload: {
        year: 2023,
        title: '2023',
        documentNumber: '办字〔2023〕8号',
        submissionDeadline: '2023-03-29',
        finalAcceptanceDate: '2023-12-31',
        funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
        minReviews: c.minReviews,
        scoreScale: { min: 0, max: 20 },
        conflictScope: c.scope ?? 'family',
      },
    }),
    201,
  );
  const orgDept = await createUser(app, '组织部', 'org_dept');
  const reviewerIds: string[] = [];
  for (const [i, u] of c.reviewers.entries()) reviewerIds.push((await createUser(app, `评审${i}`, 'reviewer', unitIds[u])).id);
  // The round's panel holds every reviewer; with none, it is never named.
  if (reviewerIds.length > 0) {
    await createPanel(app, round.id, '评审组', 'review', orgDept.token);
    await addToPanel(
      app,
      round.id,
      reviewerIds.map((id) => ({ id })),
      'review',
      orgDept.token,
    );
  }
  const applicants = new Map<number, User>();
  const projectIds: string[] = [];
  for (const p of c.projects) {
    let applicant = applicants.get(p.unit);
    if (!applicant) {
      applicant = await createUser(app, `申报${p.unit}`, 'applicant', unitIds[p.unit]);
      applicants.set(p.unit, applicant);
    }
    const project = await ok(
      call(app, applicant.token, {
        method: 'POST',
        url: '/api/v1/projects',
        payload: { roundId: round.id, category: 'vanguard', direction: 'member_platforms', title: '项目', letter: COMPLETE_LETTER },
      }),
      201,
    );
    const events = (url: string, token: string, type: string) => ok(call(app, token, { method: 'POST', url, payload: { type } }));
    const url = `/api/v1/projects/${project.id}/events`;
    if (p.state !== 'draft') await events(url, applicant.token, 'SUBMIT');
    if (p.state === 'preliminarily_checked') await events(url, orgDept.token, 'PASS_PRELIMINARY_CHECK');
    projectIds.push(project.id);
  }
  return { app, close: () => t.close(), roundId: round.id, orgDept, reviewerIds, projectIds };
}

describe('automatic assignment, property-based', () => {
  it('never assigns a conflicted reviewer and gives every project min(minReviews, eligible)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const built = await build(c);
        try {
          if (c.reviewers.length === 0) {
            // No reviewer, no panel: nothing is assigned, and the refusal says what to do.
            const refused = await ok(
              call(built.app, built.orgDept.token, { method: 'POST', url: `/api/v1/rounds/${built.roundId}/assignments`, payload: { mode: 'automatic' } }),
              409,
            );
            expect(refused.code).toBe('panel_not_named');
            return;
          }
          const outcome = await ok(call(built.app, built.orgDept.token, { method: 'POST', url: `/api/v1/rounds/${built.roundId}/assignments`, payload: { mode: 'automatic' } }));
          const reviewerIndex = new Map(built.reviewerIds.map((id, i) => [id, i]));
          const projectIndex = new Map(built.projectIds.map((id, i) => [id, i]));
          const perProject = new Map<number, number[]>();
          for (const a of outcome.assigned as Array<{ projectId: string; reviewerId: string }>) {
            const p = projectIndex.get(a.projectId)!;
            const r = reviewerIndex.get(a.reviewerId)!;
            // No conflict of interest.
            expect(barred(c.tree, c.projects[p]!.unit, c.scope).has(c.reviewers[r]!)).toBe(false);
            perProject.set(p, [...(perProject.get(p) ?? []), r]);
          }
          const short = new Set(
            (outcome.refused as Array<{ projectId: string; code: string }>).map((x) => {
              expect(x.code).toBe('not_enough_reviewers');
              return projectIndex.get(x.projectId)!;
            }),
          );
          c.projects.forEach((p, i) => {
            const got = perProject.get(i) ?? [];
            expect(new Set(got).size).toBe(got.length);
            if (p.state === 'draft') {
              expect(got).toEqual([]);
              expect(short.has(i)).toBe(false);
              return;
            }
            const conflicts = barred(c.tree, p.unit, c.scope);
            const eligible = c.reviewers.filter((u) => !conflicts.has(u)).length;
            expect(got.length).toBe(Math.min(c.minReviews, eligible));
            expect(short.has(i)).toBe(eligible < c.minReviews);
          });
          // Without any conflict, the load is even: loads differ by at most one.
          const open = c.projects.filter((p) => p.state !== 'draft');
          const noConflict = open.every((p) => c.reviewers.every((u) => !barred(c.tree, p.unit, c.scope).has(u)));
          if (noConflict && built.reviewerIds.length > 0) {
            const loads = built.reviewerIds.map((id) => (outcome.assigned as Array<{ reviewerId: string }>).filter((a) => a.reviewerId === id).length);
            expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
          }
          // Running it again changes nothing.
          const again = await ok(call(built.app, built.orgDept.token, { method: 'POST', url: `/api/v1/rounds/${built.roundId}/assignments`, payload: { mode: 'automatic' } }));
          expect(again.assigned).toEqual([]);
        } finally {
          await built.close();
        }
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it('balances the load to within one when reviewers come from units unrelated to every project', async () => {
    // Projects of general branches and their branches; reviewers of the organ committee and direct branches.
    const balancedArb = fc.record({
      branches: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
      directs: fc.integer({ min: 1, max: 3 }),
      reviewerSlots: fc.array(fc.nat(), { minLength: 1, maxLength: 7 }),
      projectSlots: fc.array(fc.nat(), { minLength: 1, maxLength: 9 }),
      minReviews: fc.integer({ min: 1, max: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(balancedArb, async (b) => {
        const parents = [-1];
        const types = ['organ_committee'];
        const projectUnits: number[] = [];
        for (const n of b.branches) {
          const g = parents.length;
          parents.push(-1);
          types.push('general_branch');
          projectUnits.push(g);
          for (let i = 0; i < n; i += 1) {
            projectUnits.push(parents.length);
            parents.push(g);
            types.push('branch');
          }
        }
        const reviewerUnits = [0];
        for (let d = 0; d < b.directs; d += 1) {
          reviewerUnits.push(parents.length);
          parents.push(-1);
          types.push('direct_branch');
        }
        const c = {
          tree: { parents, types },
          reviewers: b.reviewerSlots.map((s) => reviewerUnits[s % reviewerUnits.length]!),
          projects: b.projectSlots.map((s) => ({ unit: projectUnits[s % projectUnits.length]!, state: 'submitted' })),
          minReviews: b.minReviews,
        };
        const built = await build(c);
        try {
          const outcome = await ok(call(built.app, built.orgDept.token, { method: 'POST', url: `/api/v1/rounds/${built.roundId}/assignments`, payload: { mode: 'automatic' } }));
          const loads = built.reviewerIds.map((id) => (outcome.assigned as Array<{ reviewerId: string }>).filter((a) => a.reviewerId === id).length);
          expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
          expect(outcome.assigned).toHaveLength(c.projects.length * Math.min(c.minReviews, c.reviewers.length));
        } finally {
          await built.close();
        }
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});
