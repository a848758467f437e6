/**
 * An in-flight round moves to the second edition with its projects: a 2023-style round (round@1,
 * project@1) under panel review, in a service that now also ships round@2 and project@2, is moved
 * by the administrator in one transaction — the round, each of its projects, the round's pin — and
 * then runs round@2's stages (公示 after the committee's decisions) while the log verifies.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { ADMIN_TOKEN, FakeClock, call, createTestApp, type TestApp } from '../helpers/app.js';
import { assignReviewers, createDraft, createWorld, fireOk, type World } from '../helpers/world.js';

let dir: string;
let clock: FakeClock;
let t: TestApp;
let world: World;
let checked: string;
let rejected: string;

const logCount = () => (t.db.$client.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n;
const migrate = (body: Record<string, unknown>) =>
  call(t.app, ADMIN_TOKEN, {
    method: 'POST',
    url: '/api/v1/machines/migrations',
    payload: { machine: 'round', fromVersion: 1, toVersion: 2, roundId: world.roundId, reason: '评审前改按第二版流程（公示、结项评审）办理', ...body },
  });
const roundEvent = (token: string, payload: Record<string, unknown>) => call(t.app, token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload });
const machines = () =>
  t.db.$client.prepare('SELECT machine_version AS v, count(*) AS n FROM projects WHERE round_id = ? GROUP BY machine_version').all(world.roundId) as Array<{
    v: number;
    n: number;
  }>;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-round-migration-'));
  const file = path.join(dir, 'lixiang.db');
  clock = new FakeClock();
  // The round and its projects start under the first edition, all this first service knows.
  const first = await createTestApp({ path: file, clock, enforceRoundGates: true, lifecycles: FIRST_EDITION_LIFECYCLES });
  world = await createWorld(first.app);
  checked = (await createDraft(world)).id;
  rejected = (await createDraft(world, { title: '常规组织生活' })).id;
  for (const id of [checked, rejected]) await fireOk(world, id, 'SUBMIT');
  await fireOk(world, checked, 'PASS_PRELIMINARY_CHECK');
  await fireOk(world, rejected, 'REJECT');
  clock.set(world.submissionClosesAt + 3_600_000);
  for (const type of ['CLOSE_SUBMISSIONS', 'START_REVIEW'])
    expect((await call(first.app, world.orgDept.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload: { type } })).status).toBe(200);
  await first.close();
  // The same database under a build that ships the second edition too.
  t = await createTestApp({ path: file, clock, enforceRoundGates: true });
  world = { ...world, app: t.app };
});

afterEach(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('an in-flight round moving to the second edition', () => {
  it('is refused without its projects, which round@2 cannot govern under project@1, and writes nothing', async () => {
    const before = logCount();
    const alone = await migrate({ dryRun: false });
    expect(alone.status).toBe(409);
    expect(alone.body).toMatchObject({ code: 'projects_not_governed', roundId: world.roundId, projectMachine: 'project@1' });
    const mismatched = await migrate({ dryRun: false, projects: { toVersion: 1 } });
    expect(mismatched.status).toBe(422);
    expect(mismatched.body).toMatchObject({ field: 'projects.toVersion', code: 'projects_not_governed' });
    expect(logCount()).toBe(before);
    expect(machines()).toEqual([{ v: 1, n: 2 }]);
  });

  it('reports a dry run, then moves the round, each project and the pin in one transaction, and runs round@2 from there', async () => {
    const before = logCount();
    const dry = await migrate({ projects: { toVersion: 2 } });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      from: 'round@1',
      to: 'round@2',
      applied: false,
      subjects: 1,
      moves: [{ fromState: 'under_review', toState: 'under_review', subjects: 1 }],
      projects: {
        from: 'project@1',
        to: 'project@2',
        subjects: 2,
        moves: expect.arrayContaining([
          { fromState: 'preliminarily_checked', toState: 'preliminarily_checked', subjects: 1 },
          { fromState: 'rejected', toState: 'rejected', subjects: 1 },
        ]),
        repinnedRounds: [world.roundId],
      },
    });
    expect(logCount()).toBe(before);

    const run = await migrate({ dryRun: false, projects: { toVersion: 2 } });
    expect(run.status).toBe(200);
    // The round's MIGRATE, one per project, and the round's repinning.
    expect(run.body).toMatchObject({ applied: true, entries: { first: before + 1, last: before + 4 } });
    expect(logCount()).toBe(before + 4);
    expect(machines()).toEqual([{ v: 2, n: 2 }]);
    const round = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` });
    expect(round.body).toMatchObject({ state: 'under_review', machine: { id: 'round', version: 2 }, projectMachine: { id: 'project', version: 2 } });

    // The review goes on where it was; the committee's conclusion now opens the publicity period of round@2.
    await assignReviewers(world, checked);
    for (let i = 0; i < world.reviewers.length; i += 1) await fireOk(world, checked, 'SUBMIT_REVIEW', undefined, i);
    await fireOk(world, checked, 'COMPLETE_PANEL_REVIEW');
    await fireOk(world, checked, 'APPROVE');
    const concluded = await roundEvent(world.committee.token, { type: 'CONCLUDE_DECISIONS' });
    expect(concluded.status, JSON.stringify(concluded.body)).toBe(200);
    expect(concluded.body.round).toMatchObject({ state: 'in_publicity', machine: { version: 2 } });
    const project = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${checked}` });
    expect(project.body).toMatchObject({ state: 'committee_approved', machine: { id: 'project', version: 2 } });

    const verify = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verify.body).toMatchObject({ valid: true, count: logCount() });
  });

  it('refuses a state round@2 lacks as a target', async () => {
    const unknown = await migrate({ dryRun: true, stateMap: { under_review: 'decided' }, projects: { toVersion: 2 } });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ field: 'stateMap' });
  });
});
