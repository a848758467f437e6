/**
 * Concurrency, optimistic locking and idempotency over HTTP: racing events change a project once,
 * versions and log sequence numbers never skip, If-Match refuses stale writes, and an
 * Idempotency-Key replays the first answer instead of acting twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { COMPLETE_LETTER, WORLD_ENTRIES, advanceRound, createDraft, createWorld, driveTo, fire, fireOk, type World } from '../helpers/world.js';

let t: TestApp;
let world: World;

beforeEach(async () => {
  t = await createTestApp({ lifecycles: FIRST_EDITION_LIFECYCLES });
  world = await createWorld(t.app);
});

afterEach(async () => {
  await t.close();
});

type LogRow = { seq: number; event: string; subject_kind: string; subject_id: string };

function logRows(projectId?: string): LogRow[] {
  const sqlite = t.db.$client;
  return projectId === undefined
    ? (sqlite.prepare('SELECT seq, event, subject_kind, subject_id FROM transition_log ORDER BY seq').all() as LogRow[])
    : (sqlite.prepare("SELECT seq, event, subject_kind, subject_id FROM transition_log WHERE subject_kind = 'project' AND subject_id = ? ORDER BY seq").all(projectId) as LogRow[]);
}

/** The events of a project's entries: its creation (a record entry), then its machine's. */
const eventsOf = (projectId: string) => logRows(projectId).map((r) => r.event);

function projectRow(id: string): { state: string; version: number } {
  return t.db.$client.prepare('SELECT state, version FROM projects WHERE id = ?').get(id) as { state: string; version: number };
}

function idempotencyCount(): number {
  return (t.db.$client.prepare('SELECT count(*) AS n FROM idempotency_records').get() as { n: number }).n;
}

/** `app.inject` returning the raw body text, for byte-for-byte comparisons. */
async function rawEvent(token: string, projectId: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await t.app.inject({
    method: 'POST',
    url: `/api/v1/projects/${projectId}/events`,
    headers: { authorization: `Bearer ${token}`, ...headers },
    payload,
  });
  return { status: response.statusCode, headers: response.headers, text: response.body };
}

describe('racing identical events', () => {
  it('20 SUBMITs at once through inject: exactly one 200, nineteen 409 illegal-transition, one log row, version +1', async () => {
    const draft = await createDraft(world);
    const responses = await Promise.all(Array.from({ length: 20 }, () => fire(world, draft.id, world.applicant, 'SUBMIT')));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const refused of responses.filter((r) => r.status === 409)) {
      expect(refused.body.type).toBe('urn:lixiang:problem:illegal-transition');
      expect(refused.body.state).toBe('submitted');
    }
    const winner = responses.find((r) => r.status === 200)!;
    expect(winner.body.project.state).toBe('submitted');
    expect(winner.body.project.version).toBe(draft.version + 1);

    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT', 'SUBMIT']);
    expect(projectRow(draft.id)).toEqual({ state: 'submitted', version: draft.version + 1 });
  });

  it('20 SUBMITs at once over a real listening socket: still exactly one 200', async () => {
    const draft = await createDraft(world);
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const responses = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await fetch(`${address}/api/v1/projects/${draft.id}/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${world.applicant.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'SUBMIT' }),
        });
        // Of the body, the test reads a refusal's problem type.
        return { status: response.status, body: (await response.json()) as { type?: string } };
      }),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.type === 'urn:lixiang:problem:illegal-transition')).toBe(true);
    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT', 'SUBMIT']);
    expect(projectRow(draft.id)).toEqual({ state: 'submitted', version: draft.version + 1 });
  });

  it('racing conflicting events on one project: only one wins, the log stays one row per change', async () => {
    // PASS_PRELIMINARY_CHECK and REJECT are both legal in submitted; whichever lands first makes the other illegal.
    const submitted = await driveTo(world, 'submitted');
    const responses = await Promise.all([
      ...Array.from({ length: 10 }, () => fire(world, submitted.id, world.orgDept, 'PASS_PRELIMINARY_CHECK')),
      ...Array.from({ length: 10 }, () => fire(world, submitted.id, world.orgDept, 'REJECT', { reason: '属于常规工作' })),
    ]);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(19);
    const winner = responses.find((r) => r.status === 200)!;
    expect(eventsOf(submitted.id)).toEqual(['CREATE_PROJECT', 'SUBMIT', winner.body.transition.event]);
    expect(projectRow(submitted.id)).toEqual({ state: winner.body.project.state, version: submitted.version + 1 });
  });

  it('racing SUBMITs on many projects at once: each project is submitted once and the log seqs stay gap-free', async () => {
    const drafts = await Promise.all(Array.from({ length: 5 }, () => createDraft(world)));
    const responses = await Promise.all(drafts.flatMap((d) => Array.from({ length: 4 }, () => fire(world, d.id, world.applicant, 'SUBMIT'))));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
    for (const d of drafts) expect(eventsOf(d.id)).toEqual(['CREATE_PROJECT', 'SUBMIT']);
    expect(logRows().map((r) => r.seq)).toEqual(Array.from({ length: WORLD_ENTRIES + 10 }, (_, i) => i + 1));
  });
});

describe('gap-free versions and log sequence numbers', () => {
  it('a whole journey answers consecutive versions and the log is numbered 1..n', async () => {
    const draft = await createDraft(world);
    const versions: number[] = [draft.version];
    const patched = await call(t.app, world.applicant.token, {
      method: 'PATCH',
      url: `/api/v1/projects/${draft.id}`,
      headers: { 'if-match': `"${draft.version}"` },
      payload: { title: '“红色旋律”党员先锋岗（修订）' },
    });
    expect(patched.status).toBe(200);
    versions.push(patched.body.version);
    // A refused event in the middle must not consume a version or a sequence number.
    expect((await fire(world, draft.id, world.orgDept, 'PASS_PRELIMINARY_CHECK')).status).toBe(409);
    versions.push((await fireOk(world, draft.id, 'SUBMIT')).project.version);
    versions.push((await fireOk(world, draft.id, 'RETURN_FOR_REVISION')).project.version);
    versions.push((await fireOk(world, draft.id, 'SUBMIT')).project.version);
    versions.push((await fireOk(world, draft.id, 'PASS_PRELIMINARY_CHECK')).project.version);
    // The round's own steps are entries of the same log: CLOSE_SUBMISSIONS, START_REVIEW here, later
    // CONCLUDE_DECISIONS and PUBLISH_LIST (which starts the project), and OPEN_ACCEPTANCE.
    await advanceRound(world, 'under_review');
    for (const reviewer of world.reviewers) {
      const assigned = await call(t.app, world.orgDept.token, {
        method: 'POST',
        url: `/api/v1/projects/${draft.id}/reviewers`,
        payload: { reviewerId: reviewer.id },
      });
      expect(assigned.status).toBe(201);
    }
    for (let i = 0; i < world.reviewers.length; i += 1) versions.push((await fireOk(world, draft.id, 'SUBMIT_REVIEW', undefined, i)).project.version);
    for (const event of ['COMPLETE_PANEL_REVIEW', 'APPROVE'] as const) versions.push((await fireOk(world, draft.id, event)).project.version);
    await advanceRound(world, 'in_execution');
    versions.push((await call(t.app, world.auditor.token, { method: 'GET', url: `/api/v1/projects/${draft.id}` })).body.version);
    versions.push((await fireOk(world, draft.id, 'SUBMIT_PROGRESS_REPORT')).project.version);
    await advanceRound(world, 'under_acceptance');
    for (const event of ['SUBMIT_FINAL_REPORT', 'RETURN_FINAL_REPORT', 'SUBMIT_FINAL_REPORT', 'GRADE', 'RECOMMEND'] as const) {
      versions.push((await fireOk(world, draft.id, event)).project.version);
    }
    // A refused RECOMMEND (already recommended) consumes nothing either.
    expect((await fire(world, draft.id, world.committee, 'RECOMMEND', { note: '再次推荐' })).status).toBe(422);

    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    const got = await call(t.app, world.auditor.token, { method: 'GET', url: `/api/v1/projects/${draft.id}` });
    expect(got.body.version).toBe(versions.at(-1));
    expect(got.headers.etag).toBe(`"${versions.at(-1)}"`);

    const page = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/transitions?limit=100' });
    expect(page.status).toBe(200);
    const listed = page.body.items as Array<{ seq: number; subject: { kind: string; id: string } }>;
    // Every act is an entry: the world's, one per version of the project (its creation and its edit too), the assignments, the round's five events.
    expect(listed.map((i) => i.seq)).toEqual(Array.from({ length: WORLD_ENTRIES + versions.length + world.reviewers.length + 5 }, (_, i) => i + 1));
    const history = await call(t.app, world.auditor.token, { method: 'GET', url: `/api/v1/projects/${draft.id}/transitions` });
    expect(history.body.items).toHaveLength(versions.length);
    expect((history.body.items as Array<{ seq: number }>).map((h) => h.seq)).toEqual(
      listed.filter((i) => i.subject.kind === 'project' && i.subject.id === draft.id).map((i) => i.seq),
    );
    // Each row chains to the one before it.
    const items = page.body.items as Array<{ prevHash: string; hash: string }>;
    for (let i = 1; i < items.length; i += 1) expect(items[i]!.prevHash).toBe(items[i - 1]!.hash);
  });
});

describe('If-Match on events', () => {
  it('a stale If-Match is refused with 412 and writes nothing', async () => {
    const draft = await createDraft(world);
    const response = await fire(world, draft.id, world.applicant, 'SUBMIT', {}, { 'if-match': `"${draft.version + 5}"` });
    expect(response.status).toBe(412);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.type).toBe('urn:lixiang:problem:precondition-failed');
    expect(response.body.currentVersion).toBe(draft.version);
    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT']);
    expect(projectRow(draft.id)).toEqual({ state: 'draft', version: draft.version });
  });

  it('an If-Match from before the last change is stale', async () => {
    const draft = await createDraft(world);
    const before = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${draft.id}` });
    const etag = String(before.headers.etag);
    await fireOk(world, draft.id, 'SUBMIT');
    const response = await fire(world, draft.id, world.applicant, 'WITHDRAW', { reason: '撤回' }, { 'if-match': etag });
    expect(response.status).toBe(412);
    expect(response.body.type).toBe('urn:lixiang:problem:precondition-failed');
    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT', 'SUBMIT']);
    expect(projectRow(draft.id).state).toBe('submitted');
  });

  it('the ETag from GET as If-Match is accepted and the answer carries the new ETag', async () => {
    const draft = await createDraft(world);
    const got = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${draft.id}` });
    expect(got.headers.etag).toBe(`"${draft.version}"`);
    const response = await fire(world, draft.id, world.applicant, 'SUBMIT', {}, { 'if-match': String(got.headers.etag) });
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe(`"${draft.version + 1}"`);
    expect(response.body.project.version).toBe(draft.version + 1);
    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT', 'SUBMIT']);
  });

  it('of 20 racing events carrying the same correct If-Match, exactly one wins', async () => {
    const draft = await createDraft(world);
    const responses = await Promise.all(Array.from({ length: 20 }, () => fire(world, draft.id, world.applicant, 'SUBMIT', {}, { 'if-match': `"${draft.version}"` })));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 412)).toHaveLength(19);
    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT', 'SUBMIT']);
  });
});

describe('If-Match on PATCH', () => {
  const patch = (id: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    call(t.app, world.applicant.token, { method: 'PATCH', url: `/api/v1/projects/${id}`, payload, headers });

  it('without If-Match: 428 and nothing changes', async () => {
    const draft = await createDraft(world);
    const response = await patch(draft.id, { title: '新题目' });
    expect(response.status).toBe(428);
    expect(response.body.type).toBe('urn:lixiang:problem:precondition-required');
    const got = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${draft.id}` });
    expect(got.body.title).toBe('“红色旋律”党员先锋岗');
    expect(got.body.version).toBe(draft.version);
  });

  it('with a stale If-Match: 412 and nothing changes', async () => {
    const draft = await createDraft(world);
    const first = await patch(draft.id, { title: '第一次修改' }, { 'if-match': `"${draft.version}"` });
    expect(first.status).toBe(200);
    expect(first.headers.etag).toBe(`"${draft.version + 1}"`);
    // A second client still holding the original ETag loses.
    const second = await patch(draft.id, { title: '第二次修改' }, { 'if-match': `"${draft.version}"` });
    expect(second.status).toBe(412);
    expect(second.body.type).toBe('urn:lixiang:problem:precondition-failed');
    const got = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${draft.id}` });
    expect(got.body.title).toBe('第一次修改');
    expect(got.body.version).toBe(draft.version + 1);
  });

  it('on a project that is no longer a draft: 409 and nothing changes', async () => {
    const submitted = await driveTo(world, 'submitted');
    const response = await patch(submitted.id, { title: '提交后修改' }, { 'if-match': `"${submitted.version}"` });
    expect(response.status).toBe(409);
    expect(response.body.type).toBe('urn:lixiang:problem:conflict');
    expect(response.body.state).toBe('submitted');
    const got = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${submitted.id}` });
    expect(got.body.title).toBe('“红色旋律”党员先锋岗');
    expect(got.body.version).toBe(submitted.version);
  });

  it('20 racing PATCHes with the same If-Match: one 200, nineteen 412', async () => {
    const draft = await createDraft(world);
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => patch(draft.id, { title: `并发修改 ${i}` }, { 'if-match': `"${draft.version}"` })));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 412)).toHaveLength(19);
    const winner = responses.find((r) => r.status === 200)!;
    const got = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${draft.id}` });
    expect(got.body.title).toBe(winner.body.title);
    expect(got.body.version).toBe(draft.version + 1);
  });
});

describe('Idempotency-Key', () => {
  it('the same key and body replays the first answer byte for byte, without a new row, even after the project moved on', async () => {
    const draft = await createDraft(world);
    const key = 'submit-2023-0001';
    const first = await rawEvent(world.applicant.token, draft.id, { type: 'SUBMIT' }, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT', 'SUBMIT']);

    const again = await rawEvent(world.applicant.token, draft.id, { type: 'SUBMIT' }, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT', 'SUBMIT']);

    // The project moves on; a replay still answers what the first call did.
    await fireOk(world, draft.id, 'PASS_PRELIMINARY_CHECK');
    const later = await rawEvent(world.applicant.token, draft.id, { type: 'SUBMIT' }, { 'idempotency-key': key });
    expect(later.status).toBe(200);
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(later.text).toBe(first.text);
    expect(JSON.parse(later.text).project.state).toBe('submitted');
    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT', 'SUBMIT', 'PASS_PRELIMINARY_CHECK']);
    expect(projectRow(draft.id).state).toBe('preliminarily_checked');
  });

  it('20 racing requests with one key act once and all answer the same bytes', async () => {
    const draft = await createDraft(world);
    const responses = await Promise.all(Array.from({ length: 20 }, () => rawEvent(world.applicant.token, draft.id, { type: 'SUBMIT' }, { 'idempotency-key': 'race-key' })));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    expect(new Set(responses.map((r) => r.text)).size).toBe(1);
    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT', 'SUBMIT']);
    expect(idempotencyCount()).toBe(1);
  });

  it('the same key with another body is refused with 422 and writes nothing', async () => {
    const draft = await createDraft(world);
    const key = 'key-reused';
    expect((await rawEvent(world.applicant.token, draft.id, { type: 'SUBMIT' }, { 'idempotency-key': key })).status).toBe(200);
    const rowsBefore = logRows();
    const versionBefore = projectRow(draft.id).version;

    const other = await fire(world, draft.id, world.applicant, 'WITHDRAW', { reason: '改主意' }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.body.type).toBe('urn:lixiang:problem:idempotency-key-reused');
    expect(logRows()).toEqual(rowsBefore);
    expect(projectRow(draft.id)).toEqual({ state: 'submitted', version: versionBefore });
    expect(idempotencyCount()).toBe(1);

    // The same event on another project is another request too.
    const second = await createDraft(world);
    const elsewhere = await fire(world, second.id, world.applicant, 'SUBMIT', {}, { 'idempotency-key': key });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.type).toBe('urn:lixiang:problem:idempotency-key-reused');
    expect(projectRow(second.id).state).toBe('draft');
    expect(eventsOf(second.id)).toEqual(['CREATE_PROJECT']);
  });

  it('a refused event does not burn its key: after the cause is fixed the same key acts', async () => {
    const draft = await createDraft(world, { letter: { ...COMPLETE_LETTER, expectedOutcomes: '' } });
    const key = 'submit-after-fix';
    const refused = await fire(world, draft.id, world.applicant, 'SUBMIT', {}, { 'idempotency-key': key });
    expect(refused.status).toBe(422);
    expect(idempotencyCount()).toBe(0);
    const fixed = await call(t.app, world.applicant.token, {
      method: 'PATCH',
      url: `/api/v1/projects/${draft.id}`,
      headers: { 'if-match': `"${draft.version}"` },
      payload: { letter: { expectedOutcomes: COMPLETE_LETTER.expectedOutcomes } },
    });
    expect(fixed.status).toBe(200);
    const retried = await fire(world, draft.id, world.applicant, 'SUBMIT', {}, { 'idempotency-key': key });
    expect(retried.status).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT', 'EDIT_DRAFT', 'SUBMIT']);
  });

  it('keys are per user: the same key used by another user is independent', async () => {
    const draft = await createDraft(world);
    const key = 'shared-key';
    const submitted = await fire(world, draft.id, world.applicant, 'SUBMIT', {}, { 'idempotency-key': key });
    expect(submitted.status).toBe(200);
    const checked = await fire(world, draft.id, world.orgDept, 'PASS_PRELIMINARY_CHECK', {}, { 'idempotency-key': key });
    expect(checked.status).toBe(200);
    expect(checked.headers['idempotent-replayed']).toBeUndefined();
    expect(checked.body.project.state).toBe('preliminarily_checked');
    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT', 'SUBMIT', 'PASS_PRELIMINARY_CHECK']);
    expect(idempotencyCount()).toBe(2);

    // And another user's replay of the first user's exact request is not a replay either: it is judged afresh.
    const parent = await fire(world, draft.id, world.parentApplicant, 'SUBMIT', {}, { 'idempotency-key': key });
    expect(parent.headers['idempotent-replayed']).toBeUndefined();
    expect(parent.status).toBe(409);
    expect(eventsOf(draft.id)).toEqual(['CREATE_PROJECT', 'SUBMIT', 'PASS_PRELIMINARY_CHECK']);
  });
});
