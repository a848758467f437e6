/**
 * A fault injected right after each write step of a transition (log row, project row, review,
 * idempotency record) leaves no partial write: the step's savepoint rolls back whole, the caller
 * gets a 500 problem without internals, and the same event then succeeds.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProjectsRepository } from '../../src/projects/projects.repository.js';
import { IdempotencyRepository } from '../../src/workflow/idempotency.repository.js';
import { TransitionLogRepository } from '../../src/workflow/transition-log.repository.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { assignReviewers, createWorld, driveTo, fire, firing, type World } from '../helpers/world.js';

/** Each write of a transition, by the repository method that does it. */
const WRITES = {
  'the log entry': [TransitionLogRepository.prototype, 'append'],
  'the project row': [ProjectsRepository.prototype, 'updateProject'],
  'the review': [ProjectsRepository.prototype, 'upsertReview'],
  'the idempotency record': [IdempotencyRepository.prototype, 'save'],
} as const;
type WriteStep = keyof typeof WRITES;

function counts(t: TestApp, projectId: string) {
  const one = (sql: string) => (t.db.$client.prepare(sql).get(projectId) as { n: number }).n;
  return {
    log: one("SELECT count(*) AS n FROM transition_log WHERE subject_kind = 'project' AND subject_id = ?"),
    version: one('SELECT version AS n FROM projects WHERE id = ?'),
    reviews: one('SELECT count(*) AS n FROM reviews WHERE project_id = ?'),
    idempotency: (t.db.$client.prepare('SELECT count(*) AS n FROM idempotency_records').get() as { n: number }).n,
  };
}

describe('fault injection inside a transition', () => {
  let t: TestApp;
  let world: World;
  beforeEach(async () => {
    t = await createTestApp();
    world = await createWorld(t.app);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await t.close();
  });

  it.each(Object.keys(WRITES) as WriteStep[])('a failure right after %s writes nothing, and the event then succeeds', async (step) => {
    // Reviews are written while the round is under review.
    const project = await driveTo(world, 'preliminarily_checked', { roundAt: 'under_review' });
    await assignReviewers(world, project.id);
    const { user, payload } = firing(world, 'SUBMIT_REVIEW');
    const before = counts(t, project.id);
    const [prototype, method] = WRITES[step];
    const target = prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = target[method]!;
    vi.spyOn(target, method).mockImplementation(function (this: unknown, ...args: unknown[]) {
      original.apply(this, args);
      throw new Error(`injected fault after ${step}`);
    });

    const refused = await fire(world, project.id, user, 'SUBMIT_REVIEW', payload, { 'idempotency-key': `fault-${step}` });
    expect(refused.status).toBe(500);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(refused.body)).not.toContain('injected fault');
    expect(counts(t, project.id)).toEqual(before);

    vi.restoreAllMocks();
    const accepted = await fire(world, project.id, user, 'SUBMIT_REVIEW', payload, { 'idempotency-key': `fault-${step}` });
    expect(accepted.status).toBe(200);
    expect(counts(t, project.id)).toEqual({ log: before.log + 1, version: before.version + 1, reviews: 1, idempotency: before.idempotency + 1 });
    const verify = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: { authorization: `Bearer ${world.auditor.token}` } });
    expect(verify.json()).toMatchObject({ valid: true });
  });

  it('a failing event in a group commit rolls back alone; the others in the same transaction commit', async () => {
    const projects = await Promise.all([driveTo(world, 'in_progress'), driveTo(world, 'in_progress'), driveTo(world, 'in_progress')]);
    const target = projects[1].id;
    // The method itself, called through below with the repository the engine calls the spy on.
    const original = Reflect.get(ProjectsRepository.prototype, 'updateProject');
    vi.spyOn(ProjectsRepository.prototype, 'updateProject').mockImplementation(function (this: ProjectsRepository, row, expected) {
      const written = original.call(this, row, expected);
      if (row.id === target) throw new Error('injected fault');
      return written;
    });
    const before = projects.map((p) => counts(t, p.id));
    const answers = await Promise.all(projects.map((p) => fire(world, p.id, world.applicant, 'SUBMIT_PROGRESS_REPORT', { text: '本月完成主题党日' })));
    expect(answers.map((a) => a.status)).toEqual([200, 500, 200]);
    const after = projects.map((p) => counts(t, p.id));
    expect(after[0]!.log).toBe(before[0]!.log + 1);
    expect(after[1]).toEqual(before[1]);
    expect(after[2]!.log).toBe(before[2]!.log + 1);
  });
});
