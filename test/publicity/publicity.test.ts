/**
 * 公示 over HTTP (issue 16): a round@2 app with the round's gates enforced, driven in order with the
 * clock moved. The committee's conclusion opens the publicity period, ending after the round's
 * working days (a weekend not counted); anyone of the institution objects, org_dept handles each
 * objection; the committee reverses decisions only during the period; the list is published only
 * after it, with every objection handled and the signed document, and starts exactly the projects
 * approved after the reversals. Every refusal writes nothing; the log verifies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { ADMIN_TOKEN, call, createTestApp, FakeClock, type TestApp } from '../helpers/app.js';
import { minimalPdf, multipartBody } from '../helpers/files.js';
import { logLength, subjectEntries } from '../helpers/log-entries.js';
import { assignReviewers, createDraft, createWorld, fire, fireOk, type User, type World } from '../helpers/world.js';

let apps: TestApp[] = [];

afterEach(async () => {
  for (const t of apps) await t.close();
  apps = [];
});

async function open(clock = new FakeClock()): Promise<TestApp> {
  const t = await createTestApp({ clock, enforceRoundGates: true });
  apps.push(t);
  return t;
}

const shanghai = (clock: FakeClock, at: string) => clock.set(Date.parse(`${at}+08:00`));

async function roundEvent(world: World, user: User, type: string, payload: Record<string, unknown> = {}) {
  return call(world.app, user.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload: { type, ...payload } });
}

async function roundEventOk(world: World, user: User, type: string, payload: Record<string, unknown> = {}) {
  const response = await roundEvent(world, user, type, payload);
  expect(response.status, `${type}: ${JSON.stringify(response.body)}`).toBe(200);
  return response.body;
}

const getRound = async (world: World, user: User = world.orgDept) => (await call(world.app, user.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` })).body;
const projectState = async (world: World, id: string) => (await call(world.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${id}` })).body.state as string;

/** A refusal that writes nothing: the log's length and the round's version stay. */
async function expectNothingWritten(t: TestApp, world: World, attempt: () => Promise<{ status: number; body: Record<string, unknown> }>) {
  const before = { log: logLength(t.db.$client), version: (await getRound(world)).version as number };
  const response = await attempt();
  expect(logLength(t.db.$client)).toBe(before.log);
  expect((await getRound(world)).version).toBe(before.version);
  return response;
}

/**
 * A round@2 world under review with every project decided: `approved` and `second` approved by the
 * committee, `committeeRejected` rejected by it, `checkRejected` rejected at the preliminary check.
 */
async function decidedWorld(t: TestApp) {
  const world = await createWorld(t.app);
  const draft = async (title: string) => (await createDraft(world, { title })).id;
  const P = {
    approved: await draft('“红色旋律”党员先锋岗'),
    second: await draft('“书香支部”读书会'),
    committeeRejected: await draft('常规组织生活'),
    checkRejected: await draft('材料不全的项目'),
  };
  for (const id of Object.values(P)) await fireOk(world, id, 'SUBMIT');
  shanghai(t.clock, '2023-03-30T09:00:00');
  await roundEventOk(world, world.orgDept, 'CLOSE_SUBMISSIONS');
  for (const id of [P.approved, P.second, P.committeeRejected]) await fireOk(world, id, 'PASS_PRELIMINARY_CHECK');
  await fireOk(world, P.checkRejected, 'REJECT');
  await roundEventOk(world, world.orgDept, 'START_REVIEW');
  for (const id of [P.approved, P.second, P.committeeRejected]) {
    await assignReviewers(world, id);
    for (let i = 0; i < world.reviewers.length; i += 1) await fireOk(world, id, 'SUBMIT_REVIEW', undefined, i);
    await fireOk(world, id, 'COMPLETE_PANEL_REVIEW');
  }
  await fireOk(world, P.approved, 'APPROVE');
  await fireOk(world, P.second, 'APPROVE');
  const rejected = await fire(world, P.committeeRejected, world.committee, 'REJECT', { reason: '与常规工作重复' });
  expect(rejected.status).toBe(200);
  return { world, P };
}

const lodge = (world: World, user: User, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call(world.app, user.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/objections`, payload: body, headers });
const handle = (world: World, user: User, number: number, body: Record<string, unknown>) =>
  call(world.app, user.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/objections/${number}/handling`, payload: body });
/** org_dept uploads the round's signed list document (a PDF). */
async function uploadList(world: World) {
  const body = multipartBody([{ name: 'file', filename: '立项名单（盖章）.pdf', contentType: 'application/pdf', content: minimalPdf('立项名单') }]);
  const response = await call(world.app, world.orgDept.token, {
    method: 'POST',
    url: `/api/v1/rounds/${world.roundId}/documents?kind=approved_list`,
    payload: body.payload,
    headers: body.headers,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; sha256: string };
}

const reverse = (world: World, id: string, reason = '公示期间收到异议，经核实改变决定') => fire(world, id, world.committee, 'REVERSE_DECISION', { reason });

describe('公示 under round@2', () => {
  it('runs the period from the conclusion over a weekend, takes and handles objections, reverses decisions, and publishes only when it may', async () => {
    const t = await open();
    const { world, P } = await decidedWorld(t);
    expect((await getRound(world)).machine).toEqual({ id: 'round', version: 2 });

    // Not in publicity yet: no proposed list, no objection.
    const early = await call(t.app, world.otherApplicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/proposed-list` });
    expect(early).toMatchObject({ status: 409, body: { type: 'urn:lixiang:problem:conflict', code: 'not_in_publicity', state: 'under_review' } });
    const tooEarly = await expectNothingWritten(t, world, () => lodge(world, world.applicant, { reason: '名单有误' }));
    expect(tooEarly).toMatchObject({ status: 409, body: { type: 'urn:lixiang:problem:illegal-transition' } });

    // Thursday 2023-04-06, 10:00 Shanghai: five working days are Fri 7, Mon 10 … Thu 13 (the weekend skipped);
    // the period ends at the Shanghai midnight after the 13th.
    shanghai(t.clock, '2023-04-06T10:00:00');
    const concluded = await roundEventOk(world, world.committee, 'CONCLUDE_DECISIONS');
    const publicity = { startedAt: '2023-04-06T02:00:00.000Z', endsAt: '2023-04-13T16:00:00.000Z', workingDays: 5 };
    expect(concluded.round).toMatchObject({ state: 'in_publicity', publicityWorkingDays: 5, publicity, objections: { open: 0, handled: 0 }, publication: null });
    expect(concluded.transition.payload).toMatchObject({ publicity });

    // The proposed list: every user reads titles, units, categories and directions of the approved projects; no scores.
    const list = await call(t.app, world.reviewers[0]!.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/proposed-list` });
    expect(list.status).toBe(200);
    expect(list.body.publicity).toEqual({ ...publicity, over: false });
    expect(list.body.projects.map((p: { id: string }) => p.id).sort()).toEqual([P.approved, P.second].sort());
    expect(list.body.projects[0]).toEqual({
      id: expect.any(String),
      title: expect.any(String),
      unit: { id: world.units.branch, name: '声乐系党支部' },
      category: { code: 'vanguard', label: { zh: '党员先锋工程', en: 'Member vanguard' } },
      direction: { code: 'member_platforms', label: { zh: expect.any(String), en: expect.any(String) } },
    });
    expect(JSON.stringify(list.body)).not.toMatch(/score|review/i);
    expect(list.body.howToObject.zh).toContain(`/api/v1/rounds/${world.roundId}/objections`);

    // Objections: an applicant of another unit objects to a project; the admin may not; a project not decided by the committee is not on the list.
    shanghai(t.clock, '2023-04-07T09:00:00');
    const lodged = await lodge(world, world.otherApplicant, { projectId: P.approved, reason: ' 该项目内容与本单位常规组织生活重复 ' });
    expect(lodged.status, JSON.stringify(lodged.body)).toBe(201);
    expect(lodged.body).toEqual({
      number: 1,
      projectId: P.approved,
      projectTitle: '“红色旋律”党员先锋岗',
      reason: '该项目内容与本单位常规组织生活重复',
      lodgedBy: { id: world.otherApplicant.id, name: '舞蹈学院书记' },
      lodgedAt: '2023-04-07T01:00:00.000Z',
      handling: null,
    });
    expect(lodged.headers.etag).toBe(`"${(await getRound(world)).version}"`);
    const entries = subjectEntries(t.db.$client, 'round', world.roundId);
    expect(entries[entries.length - 1]).toMatchObject({ event: 'LODGE_OBJECTION', actorId: world.otherApplicant.id, payload: { projectId: P.approved, objectionNumber: 1 } });

    const notOnList = await expectNothingWritten(t, world, () => lodge(world, world.applicant, { projectId: P.checkRejected, reason: '初审不予立项不当' }));
    expect(notOnList).toMatchObject({ status: 422, body: { type: 'urn:lixiang:problem:guard-failed', violation: { code: 'project_not_on_list' } } });
    const byAdmin = await expectNothingWritten(t, world, () => lodge(world, world.admin, { reason: '名单有误' }));
    expect(byAdmin.status).toBe(403);
    const blank = await expectNothingWritten(t, world, () => lodge(world, world.applicant, { reason: '   ' }));
    expect(blank).toMatchObject({ status: 422, body: { violation: { code: 'reason_required' } } });

    // The same round event through POST /rounds/{id}/events: an auditor objects to the whole list.
    const viaEvents = await roundEventOk(world, world.auditor, 'LODGE_OBJECTION', { reason: '名单未注明公示起止时间' });
    expect(viaEvents.objection).toMatchObject({ number: 2, projectId: null, lodgedBy: world.auditor.id, handling: null });
    expect(viaEvents.round.objections).toEqual({ open: 2, handled: 0 });

    // Reading objections: org_dept, the committee and auditors all, with who lodged; others their own.
    const all = await call(t.app, world.committee.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/objections` });
    expect(all.body).toMatchObject({
      open: 2,
      handled: 0,
      items: [
        { number: 1, lodgedBy: { name: '舞蹈学院书记' } },
        { number: 2, lodgedBy: { id: world.auditor.id, name: '纪检' } },
      ],
    });
    const own = await call(t.app, world.otherApplicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/objections` });
    expect(own.body.items.map((o: { number: number }) => o.number)).toEqual([1]);
    const none = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/objections` });
    expect(none.body).toEqual({ items: [], open: 0, handled: 0 });

    // Reversals during the period: the approval of the objected project becomes a rejection; the committee's
    // own rejection an approval; `second` goes to rejected and back; a preliminary-check rejection is not the committee's.
    expect((await reverse(world, P.approved)).status).toBe(200);
    expect((await reverse(world, P.committeeRejected, '复议后认为项目特色鲜明')).status).toBe(200);
    expect((await reverse(world, P.second)).status).toBe(200);
    expect((await reverse(world, P.second, '异议不成立，恢复原决定')).status).toBe(200);
    expect(await projectState(world, P.approved)).toBe('rejected');
    expect(await projectState(world, P.second)).toBe('committee_approved');
    expect(await projectState(world, P.committeeRejected)).toBe('committee_approved');
    const notCommittee = await expectNothingWritten(t, world, () => reverse(world, P.checkRejected));
    expect(notCommittee).toMatchObject({ status: 422, body: { type: 'urn:lixiang:problem:guard-failed', violation: { code: 'not_committee_decision' } } });
    const proposed = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/proposed-list` });
    expect(proposed.body.projects.map((p: { id: string }) => p.id).sort()).toEqual([P.second, P.committeeRejected].sort());

    // The last minute of the period: the list may not be published yet.
    shanghai(t.clock, '2023-04-13T23:59:59');
    const publish = { documentNumber: '党委〔2023〕12号', publishedOn: '2023-04-14' };
    const notOver = await expectNothingWritten(t, world, () => roundEvent(world, world.orgDept, 'PUBLISH_LIST', publish));
    expect(notOver).toMatchObject({ status: 422, body: { violation: { code: 'publicity_not_over', detail: { endsAt: publicity.endsAt } } } });

    // The period is over: no more objections (reversals: see the next test).
    shanghai(t.clock, '2023-04-14T00:00:00');
    const late = await expectNothingWritten(t, world, () => lodge(world, world.applicant, { reason: '迟到的异议' }));
    expect(late).toMatchObject({ status: 422, body: { violation: { code: 'publicity_over' } } });
    expect((await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/proposed-list` })).body.publicity.over).toBe(true);

    // Objections still open: not published.
    const stillOpen = await expectNothingWritten(t, world, () => roundEvent(world, world.orgDept, 'PUBLISH_LIST', publish));
    expect(stillOpen).toMatchObject({ status: 422, body: { violation: { code: 'objections_open', detail: { objections: [1, 2] } } } });

    // org_dept handles each (after the period too); only org_dept; once.
    const byCommittee = await expectNothingWritten(t, world, () => handle(world, world.committee, 1, { outcome: 'upheld', response: 'x' }));
    expect(byCommittee.status).toBe(403);
    const handled = await handle(world, world.orgDept, 1, { outcome: 'upheld', response: '经核实异议成立，党委已改变决定' });
    expect(handled.status, JSON.stringify(handled.body)).toBe(200);
    expect(handled.body.handling).toEqual({
      outcome: 'upheld',
      response: '经核实异议成立，党委已改变决定',
      by: { id: world.orgDept.id, name: '组织部' },
      at: '2023-04-13T16:00:00.000Z',
    });
    const twice = await expectNothingWritten(t, world, () => handle(world, world.orgDept, 1, { outcome: 'dismissed', response: '再议' }));
    expect(twice).toMatchObject({ status: 422, body: { violation: { code: 'objection_already_handled' } } });
    const unknown = await expectNothingWritten(t, world, () => handle(world, world.orgDept, 9, { outcome: 'dismissed', response: '无' }));
    expect(unknown).toMatchObject({ status: 422, body: { violation: { code: 'objection_not_found' } } });
    await roundEventOk(world, world.orgDept, 'HANDLE_OBJECTION', { objectionNumber: 2, outcome: 'dismissed', response: '公示通知已注明起止时间' });
    expect((await getRound(world)).objections).toEqual({ open: 0, handled: 2 });

    // Without the signed document: not published.
    const noDocument = await expectNothingWritten(t, world, () => roundEvent(world, world.orgDept, 'PUBLISH_LIST', publish));
    expect(noDocument).toMatchObject({ status: 422, body: { violation: { code: 'document_required' } } });
    const unknownDocument = await expectNothingWritten(t, world, () => roundEvent(world, world.orgDept, 'PUBLISH_LIST', { ...publish, document: 'no-such-file' }));
    expect(unknownDocument).toMatchObject({ status: 422, body: { violation: { code: 'unknown_document' } } });

    // With the signed document uploaded: published, starting exactly the projects approved after the reversals.
    const document = await uploadList(world);
    const published = await roundEventOk(world, world.orgDept, 'PUBLISH_LIST', { ...publish, document: document.id });
    expect(published.started.map((e: { subject: { id: string } }) => e.subject.id).sort()).toEqual([P.second, P.committeeRejected].sort());
    expect(published.transition.payload).toMatchObject({ document: document.id, documentSha256: document.sha256 });
    expect(await getRound(world, world.applicant)).toMatchObject({
      state: 'in_execution',
      publicity,
      objections: { open: 0, handled: 2 },
      publication: { documentNumber: '党委〔2023〕12号', publishedOn: '2023-04-14', document: { fileId: document.id, sha256: document.sha256 } },
    });
    expect(await projectState(world, P.second)).toBe('in_progress');
    expect(await projectState(world, P.committeeRejected)).toBe('in_progress');
    expect(await projectState(world, P.approved)).toBe('rejected');
    expect(await projectState(world, P.checkRejected)).toBe('rejected');
    const after = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/proposed-list` });
    expect(after).toMatchObject({ status: 409, body: { code: 'not_in_publicity', state: 'in_execution' } });
    // The published list every unit reads carries the same projects.
    const publishedList = await call(t.app, world.otherApplicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/published-list` });
    expect(publishedList.status).toBe(200);
    expect(JSON.stringify(publishedList.body)).toContain('“书香支部”读书会');
    expect(JSON.stringify(publishedList.body)).not.toContain('“红色旋律”党员先锋岗');

    const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.status).toBe(200);
    expect(verified.body.valid).toBe(true);
  });

  it('ends a period of 0 working days as it begins; the setting is 0 to 30, fixed once the round has opened, and replayed from the log', async () => {
    const t = await open();
    const world = await createWorld(t.app);
    const amend = (body: Record<string, unknown>) => call(t.app, world.orgDept.token, { method: 'PATCH', url: `/api/v1/rounds/${world.roundId}`, payload: body });
    expect((await getRound(world)).publicityWorkingDays).toBe(5);
    expect((await amend({ publicityWorkingDays: 31 })).status).toBe(400);
    const none = await amend({ publicityWorkingDays: 0 });
    expect(none.status, JSON.stringify(none.body)).toBe(200);
    expect(none.body.publicityWorkingDays).toBe(0);
    const entries = subjectEntries(t.db.$client, 'round', world.roundId);
    expect(entries[entries.length - 1]).toMatchObject({ event: 'AMEND_ROUND', payload: { changes: { publicityWorkingDays: { from: 5, to: 0 } } } });

    const created = await call(t.app, ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/v1/rounds',
      payload: {
        year: 2024,
        title: '2024年度党建项目立项',
        documentNumber: '办字〔2024〕3号',
        submissionDeadline: '2024-03-29',
        finalAcceptanceDate: '2024-12-31',
        funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
        publicityWorkingDays: 7,
      },
    });
    expect(created).toMatchObject({ status: 201, body: { publicityWorkingDays: 7, publicity: null, objections: { open: 0, handled: 0 } } });
    expect(subjectEntries(t.db.$client, 'round', created.body.id)[0]).toMatchObject({ event: 'CREATE_ROUND', payload: { settings: { publicityWorkingDays: 7 } } });

    // Once the round has opened the period is fixed (it is not a deadline).
    const project = (await createDraft(world)).id;
    await fireOk(world, project, 'SUBMIT');
    const fixed = await amend({ publicityWorkingDays: 3, reason: '缩短公示期' });
    expect(fixed).toMatchObject({ status: 422, body: { code: 'round_opened', fields: ['publicityWorkingDays'] } });

    shanghai(t.clock, '2023-03-30T09:00:00');
    await roundEventOk(world, world.orgDept, 'CLOSE_SUBMISSIONS');
    await fireOk(world, project, 'PASS_PRELIMINARY_CHECK');
    await roundEventOk(world, world.orgDept, 'START_REVIEW');
    await assignReviewers(world, project);
    for (let i = 0; i < world.reviewers.length; i += 1) await fireOk(world, project, 'SUBMIT_REVIEW', undefined, i);
    await fireOk(world, project, 'COMPLETE_PANEL_REVIEW');
    await fireOk(world, project, 'APPROVE');
    shanghai(t.clock, '2023-04-08T11:00:00');
    const concluded = await roundEventOk(world, world.committee, 'CONCLUDE_DECISIONS');
    expect(concluded.round.publicity).toEqual({ startedAt: '2023-04-08T03:00:00.000Z', endsAt: '2023-04-08T03:00:00.000Z', workingDays: 0 });
    // Over at once: no objection; publication waits only for its document.
    expect((await lodge(world, world.applicant, { reason: '名单有误' })).body.violation.code).toBe('publicity_over');
    const publish = await roundEvent(world, world.orgDept, 'PUBLISH_LIST', { documentNumber: '党委〔2023〕12号', publishedOn: '2023-04-08' });
    expect(publish.body.violation.code).toBe('document_required');

    const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.body.valid).toBe(true);
  });

  it('lets the committee reverse only in publicity: before it and after the period the round’s gate answers 409, writing nothing', async () => {
    const t = await open();
    const { world, P } = await decidedWorld(t);
    const early = await expectNothingWritten(t, world, () => reverse(world, P.approved));
    expect(early).toMatchObject({
      status: 409,
      body: {
        type: 'urn:lixiang:problem:round-gate-closed',
        code: 'round_stage',
        roundState: 'under_review',
        gate: { name: 'publicity', opensWith: { event: 'CONCLUDE_DECISIONS' } },
      },
    });
    shanghai(t.clock, '2023-04-06T10:00:00');
    await roundEventOk(world, world.committee, 'CONCLUDE_DECISIONS');
    shanghai(t.clock, '2023-04-14T00:00:00');
    const late = await expectNothingWritten(t, world, () => reverse(world, P.approved));
    expect(late).toMatchObject({
      status: 409,
      body: {
        type: 'urn:lixiang:problem:round-gate-closed',
        code: 'publicity_over',
        roundState: 'in_publicity',
        roundStateLabel: { zh: '拟立项名单公示中', en: 'Proposed list in publicity' },
        gate: { name: 'publicity' },
        condition: { closedAt: '2023-04-13T16:00:00.000Z' },
      },
    });
    expect(await projectState(world, P.approved)).toBe('committee_approved');
  });

  it('ends the period by the working-day calendar: a public holiday is not a working day', async () => {
    const t = await open();
    const { world } = await decidedWorld(t);
    const calendar = await call(t.app, world.orgDept.token, { method: 'PUT', url: '/api/v1/calendar/2023', payload: { holidays: ['2023-04-05'], workdays: [], reason: '清明节' } });
    expect(calendar.status, JSON.stringify(calendar.body)).toBeLessThan(300);
    // Monday 2023-04-03: Tue 4, (Wed 5 清明), Thu 6, Fri 7, Mon 10, Tue 11.
    shanghai(t.clock, '2023-04-03T10:00:00');
    const concluded = await roundEventOk(world, world.committee, 'CONCLUDE_DECISIONS');
    expect(concluded.round.publicity).toEqual({ startedAt: '2023-04-03T02:00:00.000Z', endsAt: '2023-04-11T16:00:00.000Z', workingDays: 5 });
  });

  it('answers a retried objection with the first answer, and a stale If-Match with 412, writing nothing more', async () => {
    const t = await open();
    const { world, P } = await decidedWorld(t);
    shanghai(t.clock, '2023-04-06T10:00:00');
    await roundEventOk(world, world.committee, 'CONCLUDE_DECISIONS');
    const body = { projectId: P.second, reason: '该项目经费预算不合理' };
    const first = await lodge(world, world.applicant, body, { 'idempotency-key': 'objection-1' });
    expect(first.status).toBe(201);
    const length = logLength(t.db.$client);
    const again = await lodge(world, world.applicant, body, { 'idempotency-key': 'objection-1' });
    expect(again).toMatchObject({ status: 201, headers: { 'idempotent-replayed': 'true' }, body: first.body });
    expect(logLength(t.db.$client)).toBe(length);
    const stale = await lodge(world, world.applicant, { reason: '另一项异议' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(logLength(t.db.$client)).toBe(length);
  });

  it('has no publicity under round@1 (a round the first release created): no period, no objections, no proposed list', async () => {
    const t = await createTestApp({ enforceRoundGates: true, lifecycles: FIRST_EDITION_LIFECYCLES });
    apps.push(t);
    const world = await createWorld(t.app);
    const round = await getRound(world);
    expect(round).toMatchObject({ machine: { version: 1 }, publicity: null, objections: { open: 0, handled: 0 } });
    expect((await lodge(world, world.applicant, { reason: '名单有误' })).status).toBe(409);
    expect((await call(t.app, world.auditor.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/objections` })).body).toEqual({ items: [], open: 0, handled: 0 });
  });
});
