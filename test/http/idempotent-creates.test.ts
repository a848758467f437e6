/**
 * Idempotency-Key on every POST that creates: a retry replays the first answer and writes nothing,
 * the same key with another body is refused, keys are per caller, simultaneous retries create once,
 * and a new user's token is never kept for a replay.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { minimalPdf, multipartBody } from '../helpers/files.js';
import { COMPLETE_LETTER, createDraft, createUser, createWorld, fireOk, type World } from '../helpers/world.js';

let t: TestApp;
let world: World;

beforeEach(async () => {
  t = await createTestApp();
  world = await createWorld(t.app);
});
afterEach(async () => t.close());

const count = (table: string): number => (t.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const logCount = (): number => count('transition_log');

function post(token: string, url: string, payload: unknown, key?: string) {
  return call(t.app, token, { method: 'POST', url, payload: payload as Record<string, unknown>, headers: key ? { 'idempotency-key': key } : {} });
}

async function verifyValid(): Promise<void> {
  const verify = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
  expect(verify.status).toBe(200);
  expect(verify.body).toMatchObject({ valid: true, count: logCount() });
}

const unitBody = { name: '钢琴系党支部', type: 'branch' };
const draftBody = () => ({ roundId: world.roundId, category: 'vanguard', direction: 'member_platforms', title: '琴房先锋岗', letter: COMPLETE_LETTER });

describe('a retried create', () => {
  it('replays the first answer (status, body, headers) and writes nothing: units, rounds, projects', async () => {
    const cases: Array<{ token: string; url: string; body: unknown; table: string }> = [
      { token: ADMIN_TOKEN, url: '/api/v1/units', body: { ...unitBody, parentId: world.units.general }, table: 'units' },
      {
        token: ADMIN_TOKEN,
        url: '/api/v1/rounds',
        body: {
          year: 2024,
          title: '2024年度党建项目立项',
          documentNumber: '办字〔2024〕3号',
          submissionDeadline: '2024-03-29',
          finalAcceptanceDate: '2024-12-31',
          funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
          minReviews: 2,
          scoreScale: { min: 0, max: 20 },
        },
        table: 'rounds',
      },
      { token: world.applicant.token, url: '/api/v1/projects', body: draftBody(), table: 'projects' },
    ];
    for (const { token, url, body, table } of cases) {
      const first = await post(token, url, body, `key-${table}`);
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const rows = count(table);
      const entries = logCount();
      const again = await post(token, url, body, `key-${table}`);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      for (const header of ['etag', 'location']) expect(again.headers[header]).toEqual(first.headers[header]);
      expect(count(table)).toBe(rows);
      expect(logCount()).toBe(entries);
      // Without a key, the same body creates again (a second, different resource), or is refused as a duplicate.
      const keyless = await post(token, url, body);
      if (keyless.status === 201) expect((keyless.body as { id: string }).id).not.toBe((first.body as { id: string }).id);
    }
    await verifyValid();
  });

  it('replays an assignment (by hand and for a whole round) without assigning twice', async () => {
    const draft = await createDraft(world);
    await fireOk(world, draft.id, 'SUBMIT');
    const byHand = { reviewerId: world.reviewers[0]!.id };
    const first = await post(world.orgDept.token, `/api/v1/projects/${draft.id}/reviewers`, byHand, 'assign-1');
    expect(first.status).toBe(201);
    const again = await post(world.orgDept.token, `/api/v1/projects/${draft.id}/reviewers`, byHand, 'assign-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    // Without the key the second assignment is refused as a duplicate: the replay hid no refusal.
    expect((await post(world.orgDept.token, `/api/v1/projects/${draft.id}/reviewers`, byHand)).status).toBe(409);

    const assignments = count('reviewer_assignments');
    const round = await post(world.orgDept.token, `/api/v1/rounds/${world.roundId}/assignments`, { mode: 'automatic' }, 'round-assign');
    expect(round.status).toBe(200);
    expect(count('reviewer_assignments')).toBeGreaterThan(assignments);
    const after = count('reviewer_assignments');
    const entries = logCount();
    const replay = await post(world.orgDept.token, `/api/v1/rounds/${world.roundId}/assignments`, { mode: 'automatic' }, 'round-assign');
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(round.body);
    expect(count('reviewer_assignments')).toBe(after);
    expect(logCount()).toBe(entries);
    await verifyValid();
  });

  it('replays a panel member added and a reviewer replaced, without adding or replacing twice', async () => {
    const newcomer = await createUser(t.app, '新评审人', 'reviewer', world.units.otherBranch);
    const members = `/api/v1/rounds/${world.roundId}/panels/review/members`;
    const added = await post(world.orgDept.token, members, { userId: newcomer.id }, 'member-1');
    expect(added.status).toBe(201);
    const entries = logCount();
    const addedAgain = await post(world.orgDept.token, members, { userId: newcomer.id }, 'member-1');
    expect(addedAgain.status).toBe(201);
    expect(addedAgain.headers['idempotent-replayed']).toBe('true');
    expect(addedAgain.body).toEqual(added.body);
    expect(logCount()).toBe(entries);
    // Without the key the same member is refused: the replay hid no refusal.
    expect((await post(world.orgDept.token, members, { userId: newcomer.id })).status).toBe(422);

    const draft = await createDraft(world);
    await fireOk(world, draft.id, 'SUBMIT');
    expect((await post(world.orgDept.token, `/api/v1/projects/${draft.id}/reviewers`, { reviewerId: world.reviewers[0]!.id })).status).toBe(201);
    const replace = `/api/v1/projects/${draft.id}/reviewers/${world.reviewers[0]!.id}/replace`;
    const body = { replacementId: newcomer.id, reason: '评审人出差，无法按期评分' };
    const replaced = await post(world.orgDept.token, replace, body, 'replace-1');
    expect(replaced.status).toBe(201);
    const assignments = count('reviewer_assignments');
    const before = logCount();
    const replacedAgain = await post(world.orgDept.token, replace, body, 'replace-1');
    expect(replacedAgain.status).toBe(201);
    expect(replacedAgain.headers['idempotent-replayed']).toBe('true');
    expect(replacedAgain.body).toEqual(replaced.body);
    expect(count('reviewer_assignments')).toBe(assignments);
    expect(logCount()).toBe(before);
    expect((await post(world.orgDept.token, replace, body)).status).toBe(409);
    await verifyValid();
  });

  it('replays a file upload, judged by its parts, not by the multipart boundary', async () => {
    const draft = await createDraft(world);
    const upload = (boundary: string, content: Buffer) => {
      const body = multipartBody([{ name: 'file', filename: 'letter.pdf', contentType: 'application/pdf', content }], boundary);
      return call(t.app, world.applicant.token, {
        method: 'POST',
        url: `/api/v1/projects/${draft.id}/files?kind=signed_letter`,
        payload: body.payload,
        headers: { ...body.headers, 'idempotency-key': 'upload-1' },
      });
    };
    const first = await upload('----boundary-one', minimalPdf('a'));
    expect(first.status).toBe(201);
    const files = count('files');
    const again = await upload('----boundary-two', minimalPdf('a'));
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.body).toEqual(first.body);
    expect(count('files')).toBe(files);
    // A body the handler refuses is refused as without a key, and keeps nothing under it.
    const broken = await call(t.app, world.applicant.token, {
      method: 'POST',
      url: `/api/v1/projects/${draft.id}/files?kind=signed_letter`,
      payload: multipartBody([{ name: 'file', filename: 'empty.pdf', contentType: 'application/pdf', content: Buffer.alloc(0) }]).payload,
      headers: { ...multipartBody([]).headers, 'idempotency-key': 'upload-broken' },
    });
    expect(broken.status).toBe(400);
    const records = () => (t.db.$client.prepare("SELECT count(*) AS n FROM idempotency_records WHERE key = 'upload-broken'").get() as { n: number }).n;
    expect(records()).toBe(0);
    const other = await upload('----boundary-one', minimalPdf('b'));
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ type: expect.stringContaining('idempotency-key-reused') as string });
    expect(count('files')).toBe(files);
    await verifyValid();
  });
});

describe('a key reused', () => {
  it('with another body is refused (422) and writes nothing', async () => {
    expect((await post(ADMIN_TOKEN, '/api/v1/units', { ...unitBody, parentId: world.units.general }, 'unit-key')).status).toBe(201);
    const units = count('units');
    const entries = logCount();
    const other = await post(ADMIN_TOKEN, '/api/v1/units', { ...unitBody, parentId: world.units.general, name: '大提琴党支部' }, 'unit-key');
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.body).toMatchObject({ type: expect.stringContaining('idempotency-key-reused') as string });
    expect(count('units')).toBe(units);
    expect(logCount()).toBe(entries);
    // Another route with the key is another request too.
    expect((await post(ADMIN_TOKEN, '/api/v1/users', { name: '某人', role: 'org_dept' }, 'unit-key')).status).toBe(422);
  });

  it('by another caller is that caller’s own key: it never sees the first answer', async () => {
    const first = await post(world.applicant.token, '/api/v1/projects', draftBody(), 'shared-key');
    expect(first.status).toBe(201);
    const other = await post(world.parentApplicant.token, '/api/v1/projects', draftBody(), 'shared-key');
    expect(other.status).toBe(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect((other.body as { id: string }).id).not.toBe((first.body as { id: string }).id);
    expect((other.body as { unitId: string }).unitId).toBe(world.units.general);
  });

  it('after a refused create runs again: refusals are not kept', async () => {
    const bad = await post(world.applicant.token, '/api/v1/projects', { ...draftBody(), direction: 'no-such-direction' }, 'retry-key');
    expect([400, 422]).toContain(bad.status);
    const good = await post(world.applicant.token, '/api/v1/projects', draftBody(), 'retry-key');
    expect(good.status).toBe(201);
    expect(good.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('an attempt cut short between its commit and its recorded answer', () => {
  /** The record as a crash leaves it: the key reserved by the request `requestId`, no answer kept. */
  const cutShort = (key: string, requestId: string) =>
    t.db.$client.prepare(`UPDATE idempotency_records SET status_code = 0, response_body = ? WHERE key = ?`).run(JSON.stringify({ pending: true, requestId }), key);

  it('is not made twice: the retry is a 409 already_created naming what the first attempt created', async () => {
    const body = { ...unitBody, parentId: world.units.general };
    const first = await call(t.app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/units', payload: body, headers: { 'idempotency-key': 'cut-1', 'x-request-id': 'req-cut-1' } });
    expect(first.status).toBe(201);
    cutShort('cut-1', 'req-cut-1');
    const units = count('units');
    const entries = logCount();
    const retry = await post(ADMIN_TOKEN, '/api/v1/units', body, 'cut-1');
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ code: 'already_created', id: (first.body as { id: string }).id });
    expect(count('units')).toBe(units);
    expect(logCount()).toBe(entries);
  });

  it('runs again when the first attempt wrote nothing, and keeps this answer for the next retry', async () => {
    const body = draftBody();
    const first = await post(world.applicant.token, '/api/v1/projects', body, 'cut-2');
    expect(first.status).toBe(201);
    // As if the first attempt had stopped before its commit: no entry carries its request id.
    cutShort('cut-2', 'req-never-committed');
    const projects = count('projects');
    const retry = await post(world.applicant.token, '/api/v1/projects', body, 'cut-2');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(count('projects')).toBe(projects + 1);
    const again = await post(world.applicant.token, '/api/v1/projects', body, 'cut-2');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(retry.body);
    expect(count('projects')).toBe(projects + 1);
    await verifyValid();
  });
});

describe('simultaneous requests with one key', () => {
  it('create once; the others replay', async () => {
    const projects = count('projects');
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(world.applicant.token, '/api/v1/projects', draftBody(), 'burst')));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => (a.body as { id: string }).id)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    expect(count('projects')).toBe(projects + 1);
    await verifyValid();
  });
});

describe('a new user’s token', () => {
  it('is never stored for a replay: the retry is a 409 naming the user, and the token appears nowhere in the records', async () => {
    const body = { name: '新评审', role: 'reviewer', unitId: world.units.direct };
    const first = await post(ADMIN_TOKEN, '/api/v1/users', body, 'user-key');
    expect(first.status).toBe(201);
    const { token, user } = first.body as { token: string; user: { id: string } };
    const users = count('users');
    const again = await post(ADMIN_TOKEN, '/api/v1/users', body, 'user-key');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'token_not_replayed', id: user.id });
    expect(JSON.stringify(again.body)).not.toContain(token);
    expect(count('users')).toBe(users);
    const records = t.db.$client.prepare('SELECT response_body AS body FROM idempotency_records').all() as Array<{ body: string }>;
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(record.body).not.toContain(token);
    // The first token works.
    expect((await call(t.app, token, { method: 'GET', url: '/api/v1/my-assignments' })).status).toBe(200);
    await verifyValid();
  });

  it('shares the caller’s key space with events: an event’s key on a create is another request', async () => {
    const draft = await createDraft(world);
    const submit = await call(t.app, world.applicant.token, {
      method: 'POST',
      url: `/api/v1/projects/${draft.id}/events`,
      payload: { type: 'SUBMIT' },
      headers: { 'idempotency-key': 'submit-key' },
    });
    expect(submit.status).toBe(200);
    expect((await post(world.applicant.token, '/api/v1/projects', draftBody(), 'submit-key')).status).toBe(422);
  });
});
