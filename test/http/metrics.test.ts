/**
 * GET /api/v1/metrics: the group committer's counters, as its readers see them. Admins and auditors
 * read when the process started and how many commits carried how many write steps (the batches by
 * size add up to both totals); the counters grow with the writes the service commits; every other
 * role is refused with a problem, and a caller without a token is not authenticated. Every answer
 * is valid against the schema the OpenAPI document gives the route.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { createDraft, createUser, createWorld, fireOk, type User, type World } from '../helpers/world.js';
import { schemaValidator, type OpenApiDocument } from '../helpers/openapi-schemas.js';

interface Metrics {
  startedAt: string;
  groupCommit: { commits: number; steps: number; largestBatch: number; pending: number; batches: Array<{ size: number; commits: number }> };
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let t: TestApp;
let world: World;
let adminUser: User;
/** Validates an answer of the route against the document's schema for its status and media type. */
let validatorFor: (status: number, mediaType: string) => ValidateFunction;

const metrics = (token: string | null) => call(t.app, token, { method: 'GET', url: '/api/v1/metrics' });

/** The counters, read by the auditor; fails the test unless the answer is a valid 200. */
async function counters(): Promise<Metrics['groupCommit']> {
  const response = await metrics(world.auditor.token);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body as Metrics).groupCommit;
}

/** What must hold of every answer: integers, batches in ascending size that add up to the totals. */
function expectConsistent(body: Metrics) {
  expect(Object.keys(body).sort()).toEqual(['groupCommit', 'startedAt']);
  expect(body.startedAt).toMatch(ISO_UTC);
  expect(new Date(body.startedAt).toISOString()).toBe(body.startedAt);
  const { commits, steps, largestBatch, pending, batches } = body.groupCommit;
  for (const count of [commits, steps, largestBatch, pending]) {
    expect(Number.isInteger(count)).toBe(true);
    expect(count).toBeGreaterThanOrEqual(0);
  }
  const sizes = batches.map((b) => b.size);
  expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
  expect(new Set(sizes).size).toBe(sizes.length);
  for (const batch of batches) {
    expect(Number.isInteger(batch.size) && batch.size >= 1).toBe(true);
    expect(Number.isInteger(batch.commits) && batch.commits >= 1).toBe(true);
  }
  expect(batches.reduce((sum, b) => sum + b.size * b.commits, 0)).toBe(steps);
  expect(batches.reduce((sum, b) => sum + b.commits, 0)).toBe(commits);
  expect(largestBatch).toBe(sizes.length > 0 ? sizes[sizes.length - 1] : 0);
  expect(steps).toBeGreaterThanOrEqual(commits);
}

beforeAll(async () => {
  t = await createTestApp();
  world = await createWorld(t.app);
  adminUser = await createUser(t.app, '系统管理员', 'admin');

  // The document the app serves is generated from the route's schemas (test/generated checks the committed copy).
  const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<OpenApiDocument>();
  const operation = document.paths['/api/v1/metrics']?.get;
  expect(operation?.operationId).toBe('metrics');
  const validate = schemaValidator(document);
  validatorFor = (status, mediaType) => {
    const media = operation!.responses[String(status)]?.content?.[mediaType];
    expect(media, `${status} ${mediaType} is documented`).toBeDefined();
    return validate(media!.schema);
  };
});

afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/metrics', () => {
  it('answers the bootstrap admin, an admin user and an auditor with the counters, valid against the documented schema', async () => {
    const validate = validatorFor(200, 'application/json');
    const answers: Metrics[] = [];
    for (const token of [ADMIN_TOKEN, adminUser.token, world.auditor.token]) {
      const response = await metrics(token);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
      expect(validate(response.body), JSON.stringify(validate.errors)).toBe(true);
      expectConsistent(response.body as Metrics);
      answers.push(response.body as Metrics);
    }
    // The world was built through the API: its writes were committed, and counted.
    expect(answers[0]!.groupCommit.commits).toBeGreaterThan(0);
    expect(answers[0]!.groupCommit.steps).toBeGreaterThanOrEqual(world.reviewers.length + 6);
    // The process started once: every reader sees the same time.
    expect(new Set(answers.map((a) => a.startedAt)).size).toBe(1);
    expect(Date.parse(answers[0]!.startedAt)).toBeLessThanOrEqual(Date.now());
  });

  it('counts nothing for reading them: two reads in a row answer the same counters, none pending', async () => {
    const first = await counters();
    const second = await counters();
    expect(second).toEqual(first);
    expect(second.pending).toBe(0);
  });

  it('grows with the writes: steps by at least one per creation and event, in commits that still add up', async () => {
    const before = await counters();
    const writes = 12;
    // A burst of creations, answered together (they may share commits), then a project's creation and events.
    const units = await Promise.all(
      Array.from({ length: writes - 3 }, (_, i) =>
        call(t.app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/units', payload: { name: `计数党支部${i + 1}`, type: 'direct_branch' } }),
      ),
    );
    for (const unit of units) expect(unit.status, JSON.stringify(unit.body)).toBe(201);
    const draft = await createDraft(world);
    await fireOk(world, draft.id, 'SUBMIT');
    await fireOk(world, draft.id, 'PASS_PRELIMINARY_CHECK');

    const response = await metrics(world.auditor.token);
    expect(response.status).toBe(200);
    const validate = validatorFor(200, 'application/json');
    expect(validate(response.body), JSON.stringify(validate.errors)).toBe(true);
    expectConsistent(response.body as Metrics);
    const after = (response.body as Metrics).groupCommit;
    expect(after.steps - before.steps).toBeGreaterThanOrEqual(writes);
    expect(after.commits).toBeGreaterThan(before.commits);
    expect(after.commits - before.commits).toBeLessThanOrEqual(after.steps - before.steps);
    expect(after.largestBatch).toBeGreaterThanOrEqual(before.largestBatch);
    // No size's count goes down.
    for (const batch of before.batches) expect(after.batches.find((b) => b.size === batch.size)?.commits ?? 0).toBeGreaterThanOrEqual(batch.commits);
  });

  it('refuses applicants, org_dept, the committee and reviewers with a 403 problem', async () => {
    const validate = validatorFor(403, 'application/problem+json');
    const refused: Array<[string, User]> = [
      ['applicant', world.applicant],
      ['org_dept', world.orgDept],
      ['committee', world.committee],
      ['reviewer', world.reviewers[0]!],
    ];
    for (const [role, user] of refused) {
      const response = await metrics(user.token);
      expect(response.status, role).toBe(403);
      expect(String(response.headers['content-type']), role).toMatch(/^application\/problem\+json/);
      expect(response.body, role).toMatchObject({ type: 'urn:lixiang:problem:forbidden', status: 403 });
      expect(JSON.stringify(response.body), role).not.toContain('groupCommit');
      expect(validate(response.body), `${role}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('answers a caller without a token, or with an unknown one, 401 problem', async () => {
    const validate = validatorFor(401, 'application/problem+json');
    for (const token of [null, 'lx_not-a-token-of-this-service-000000']) {
      const response = await metrics(token);
      expect(response.status).toBe(401);
      expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ type: 'urn:lixiang:problem:unauthenticated', status: 401 });
      expect(validate(response.body), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});
