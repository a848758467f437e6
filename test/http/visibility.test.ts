/**
 * What each role reads, over every GET operation of the OpenAPI document: a scan of every answer
 * for what that caller must never see — reviewers' identities and scores for applicants, other
 * units' drafts, another reviewer's review. New read endpoints join the scan by being documented.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { COMPLETE_LETTER, advanceRound, createUser, createWorld, fire, fireOk, type User, type World } from '../helpers/world.js';

let t: TestApp;
let world: World;
let idle: User;
let reviewed: string;
let ownDraft: string;
let foreignDraft: string;
const COMMENT = ['评审意见甲：方向正确但载体单一-7f3a', '评审意见乙：创新不足建议细化-9c1d'];
const FOREIGN_TITLE = '舞蹈学院未提交草稿-仅本单位可见-4e2b';
const OWN_DRAFT_TITLE = '声乐系草稿-上级可见-2a8c';
const REVIEWED_TITLE = '声乐系已评审项目-5d6e';
let operations: Array<{ operationId: string; path: string }>;

beforeAll(async () => {
  t = await createTestApp();
  world = await createWorld(t.app);
  idle = await createUser(t.app, '未分配评审', 'reviewer', world.units.direct);
  const create = async (user: User, title: string) => {
    const response = await call(t.app, user.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: { roundId: world.roundId, category: 'fortress', direction: 'foundation', title, letter: COMPLETE_LETTER },
    });
    if (response.status !== 201) throw new Error(JSON.stringify(response.body));
    return response.body.id as string;
  };
  reviewed = await create(world.applicant, REVIEWED_TITLE);
  ownDraft = await create(world.applicant, OWN_DRAFT_TITLE);
  foreignDraft = await create(world.otherApplicant, FOREIGN_TITLE);
  await fireOk(world, reviewed, 'SUBMIT');
  await fireOk(world, reviewed, 'PASS_PRELIMINARY_CHECK');
  const assigned = await call(t.app, world.orgDept.token, {
    method: 'POST',
    url: `/api/v1/rounds/${world.roundId}/assignments`,
    payload: {
      mode: 'explicit',
      pairs: world.reviewers.map((r) => ({ projectId: reviewed, reviewerId: r.id })),
    },
  });
  expect(assigned.body.refused).toEqual([]);
  expect(assigned.status).toBe(200);
  await advanceRound(world, 'under_review');
  for (const [i, reviewer] of world.reviewers.entries()) {
    const scores = { direction: 15 + i, innovation: 12 + i, practicality: 16, breadth: 14, exemplarity: 13 };
    const response = await fire(world, reviewed, reviewer, 'SUBMIT_REVIEW', { scores, comment: COMMENT[i] });
    expect(response.status).toBe(200);
  }
  const document = t.app.swagger() as { paths: Record<string, Record<string, { operationId?: string }>> };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method, operation]) => method === 'get' && operation.operationId)
      .map(([, operation]) => ({ operationId: operation.operationId!, path })),
  );
});

afterAll(async () => {
  await t.close();
});

/** Every GET answer this caller can obtain, with the URL that produced it. */
async function everythingReadBy(user: User): Promise<Array<{ url: string; status: number; body: string }>> {
  const answers = [];
  for (const operation of operations) {
    const urls: string[] = [];
    if (operation.path.includes('{id}')) {
      const ids = operation.path.startsWith('/api/v1/rounds/') ? [world.roundId] : [reviewed, ownDraft, foreignDraft];
      for (const id of ids) urls.push(operation.path.replace('{id}', id));
    } else urls.push(operation.path);
    if (operation.operationId === 'listProjects') urls.push(`${operation.path}?roundId=${world.roundId}`, `${operation.path}?state=draft`);
    for (const url of urls) {
      if (/\{\w+\}/.test(url)) continue;
      const response = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${user.token}` } });
      answers.push({ url, status: response.statusCode, body: response.body });
    }
  }
  return answers;
}

/** Secrets found in answers. A refusal may echo an id the caller itself sent; any other content counts everywhere. */
function leaks(answers: Array<{ url: string; status: number; body: string }>, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const answer of answers) {
    for (const [name, secret] of Object.entries(secrets)) {
      const echoed = answer.status >= 400 && answer.url.includes(secret);
      if (!echoed && answer.body.includes(secret)) found.push(`${answer.url} (${answer.status}) shows ${name}`);
    }
  }
  return found;
}

describe('visibility over every read endpoint', () => {
  const reviewerSecrets = () => ({
    'reviewer 1 id': world.reviewers[0]!.id,
    'reviewer 2 id': world.reviewers[1]!.id,
    'reviewer 1 name': '评审1',
    'reviewer 2 name': '评审2',
    'review 1 comment': COMMENT[0]!,
    'review 2 comment': COMMENT[1]!,
  });

  it('shows an applicant its own unit’s projects, no reviewer identity or score, no other unit’s draft', async () => {
    const answers = await everythingReadBy(world.applicant);
    expect(leaks(answers, { ...reviewerSecrets(), 'foreign draft id': foreignDraft, 'foreign draft title': FOREIGN_TITLE })).toEqual([]);
    expect(answers.some((a) => a.status === 200 && a.body.includes(OWN_DRAFT_TITLE))).toBe(true);
    // The review happened, and the applicant sees that it did, redacted.
    const history = answers.find((a) => a.url === `/api/v1/projects/${reviewed}/transitions`)!;
    expect(history.status).toBe(200);
    expect(JSON.parse(history.body).items.filter((e: { event: string }) => e.event === 'SUBMIT_REVIEW')).toHaveLength(2);
  });

  it('shows the general branch above the same, and the other unit only its own', async () => {
    const parent = await everythingReadBy(world.parentApplicant);
    expect(leaks(parent, { ...reviewerSecrets(), 'foreign draft id': foreignDraft, 'foreign draft title': FOREIGN_TITLE })).toEqual([]);
    expect(parent.some((a) => a.status === 200 && a.body.includes(OWN_DRAFT_TITLE))).toBe(true);
    const other = await everythingReadBy(world.otherApplicant);
    expect(leaks(other, { ...reviewerSecrets(), 'draft id': ownDraft, 'draft title': OWN_DRAFT_TITLE, 'project id': reviewed, 'project title': REVIEWED_TITLE })).toEqual([]);
    expect(other.some((a) => a.status === 200 && a.body.includes(FOREIGN_TITLE))).toBe(true);
  });

  it('shows a reviewer its own review and never the other reviewer’s identity or review, nor unassigned projects', async () => {
    const [first, second] = world.reviewers as [User, User];
    const answers = await everythingReadBy(first);
    expect(
      leaks(answers, {
        'other reviewer id': second.id,
        'other review comment': COMMENT[1]!,
        'draft title': OWN_DRAFT_TITLE,
        'foreign draft title': FOREIGN_TITLE,
      }),
    ).toEqual([]);
    expect(answers.some((a) => a.status === 200 && a.body.includes(COMMENT[0]!))).toBe(true);
    const idleAnswers = await everythingReadBy(idle);
    expect(leaks(idleAnswers, { ...reviewerSecrets(), 'project title': REVIEWED_TITLE, 'draft title': OWN_DRAFT_TITLE, 'foreign draft title': FOREIGN_TITLE })).toEqual([]);
  });

  it('shows the administrator no project content and no review', async () => {
    const answers = await everythingReadBy(world.admin);
    expect(
      leaks(answers, {
        'review 1 comment': COMMENT[0]!,
        'review 2 comment': COMMENT[1]!,
        'project title': REVIEWED_TITLE,
        'draft title': OWN_DRAFT_TITLE,
        'foreign draft title': FOREIGN_TITLE,
      }),
    ).toEqual([]);
  });

  it('shows org_dept, the committee and auditors every review with its reviewer', async () => {
    for (const user of [world.orgDept, world.committee, world.auditor]) {
      const answers = await everythingReadBy(user);
      const reviews = answers.find((a) => a.url === `/api/v1/projects/${reviewed}/reviews`)!;
      expect(reviews.status).toBe(200);
      for (const secret of Object.values(reviewerSecrets())) expect(reviews.body).toContain(secret);
      expect(answers.some((a) => a.status === 200 && a.body.includes(FOREIGN_TITLE))).toBe(true);
    }
  });
});
