/**
 * The round's own lifecycle over HTTP: each event's role and condition, nothing written by a
 * refusal, and publication of the approved list starting every approved project in one
 * transaction, each start its own entry of the same hash chain.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { onPostgres } from '../helpers/postgres.js';
import { describeRoundMachine, ROUND_TRANSITIONS } from '../../machines/round.lifecycle.js';
import { ROUND_1_STATES } from '../../machines/round.types.js';
import { createWorld, driveTo, driveTogether, fireOk, type User, type World } from '../helpers/world.js';

let t: TestApp;
let world: World;

beforeEach(async () => {
  t = await createTestApp({ lifecycles: FIRST_EDITION_LIFECYCLES });
  world = await createWorld(t.app);
});

afterEach(async () => {
  await t.close();
});

const fireRound = (user: User, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call(t.app, user.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload, headers });

async function fireRoundOk(user: User, payload: Record<string, unknown>) {
  const response = await fireRound(user, payload);
  if (response.status !== 200) throw new Error(`${String(payload.type)} refused: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

const logCount = () => (t.db.$client.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n;
const roundRow = () => t.db.$client.prepare('SELECT state, version, context FROM rounds WHERE id = ?').get(world.roundId) as { state: string; version: number; context: string };
const projectState = (id: string) => (t.db.$client.prepare('SELECT state FROM projects WHERE id = ?').get(id) as { state: string }).state;
const afterDeadline = () => t.clock.set(world.submissionClosesAt + 60_000);

/** A refusal: the status, problem+json, and not a byte written. */
async function expectRefused(user: User, payload: Record<string, unknown>, status: number, code?: string) {
  const before = { log: logCount(), round: roundRow() };
  const response = await fireRound(user, payload);
  expect(response.status).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  if (code) expect(response.body.violation.code).toBe(code);
  expect(logCount()).toBe(before.log);
  expect(roundRow()).toEqual(before.round);
  return response.body;
}

describe('the round machine, described', () => {
  it('is served to anyone as JSON: every state, event and transition with its roles and labels', async () => {
    const response = await call(t.app, null, { method: 'GET', url: '/api/v1/round-machine' });
    expect(response.status).toBe(200);
    expect(response.headers.vary).toMatch(/\bAccept\b/);
    expect(response.body).toEqual(describeRoundMachine());
    expect(response.body).toMatchObject({ id: 'round', version: 1, initial: 'open' });
    expect(response.body.states.map((s: { name: string }) => s.name)).toEqual([...ROUND_1_STATES]);
    expect(response.body.states.find((s: { name: string }) => s.name === 'closed')).toMatchObject({ final: true, events: [] });
    expect(response.body.transitions).toHaveLength(ROUND_TRANSITIONS.length);
    expect(response.body.transitions).toContainEqual(expect.objectContaining({ from: 'decided', event: 'PUBLISH_LIST', to: 'in_execution', roles: ['org_dept'] }));
    expect(response.body.events.find((e: { type: string }) => e.type === 'CONCLUDE_DECISIONS').roles).toEqual(['committee']);
  });

  it('answers 406 problem+json when JSON is not acceptable', async () => {
    const response = await call(t.app, null, { method: 'GET', url: '/api/v1/round-machine', headers: { accept: 'image/svg+xml' } });
    expect(response.status).toBe(406);
    expect(response.headers.vary).toMatch(/\bAccept\b/);
    expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'urn:lixiang:problem:not-acceptable', status: 406 });
  });
});

describe('the round lifecycle', () => {
  it('starts open, with state, label, version and no publication', async () => {
    const response = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` });
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe('"1"');
    expect(response.body).toMatchObject({ state: 'open', stateLabel: { zh: '开放申报', en: 'Open for submissions' }, version: 1, publication: null, requireSignedLetter: false });
    // The deadline has not passed: nothing org_dept may fire yet.
    expect(response.body.allowedEvents).toEqual([]);
  });

  it('closes submissions only after the deadline, only by org_dept; then refuses new projects', async () => {
    await expectRefused(world.orgDept, { type: 'CLOSE_SUBMISSIONS' }, 422, 'deadline_not_passed');
    afterDeadline();
    await expectRefused(world.committee, { type: 'CLOSE_SUBMISSIONS' }, 403, 'role_not_allowed');
    const applicant = await fireRound(world.applicant, { type: 'CLOSE_SUBMISSIONS' });
    expect(applicant.status).toBe(403);

    const got = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` });
    expect(got.body.allowedEvents).toEqual(['CLOSE_SUBMISSIONS']);
    const closed = await fireRoundOk(world.orgDept, { type: 'CLOSE_SUBMISSIONS' });
    expect(closed.round).toMatchObject({ state: 'submissions_closed', version: 2 });
    expect(closed.transition).toMatchObject({
      subject: { kind: 'round', id: world.roundId },
      event: 'CLOSE_SUBMISSIONS',
      fromState: 'open',
      toState: 'submissions_closed',
      machine: { id: 'round', version: 1 },
      actor: { id: world.orgDept.id, role: 'org_dept' },
    });
    // A round entry names the round as its subject, never as a project.
    expect(closed.transition).not.toHaveProperty('projectId');
    expect(t.db.$client.prepare('SELECT format, subject_kind, subject_id FROM transition_log WHERE seq = ?').get(closed.transition.seq)).toEqual({
      format: 2,
      subject_kind: 'round',
      subject_id: world.roundId,
    });
    expect(closed.started).toEqual([]);

    const late = await call(t.app, world.applicant.token, {
      method: 'POST',
      url: '/api/v1/projects',
      payload: { roundId: world.roundId, category: 'vanguard', direction: 'member_platforms', title: '迟到的项目' },
    });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('round_not_open');
    expect((t.db.$client.prepare('SELECT count(*) AS n FROM projects').get() as { n: number }).n).toBe(0);

    // Illegal now: 409 with the events the state accepts.
    const again = await expectRefused(world.orgDept, { type: 'CLOSE_SUBMISSIONS' }, 409);
    expect(again.allowedEvents).toEqual(['START_REVIEW']);
    const history = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/transitions` });
    expect(history.status).toBe(200);
    expect(history.body.items.map((e: { event: string }) => e.event)).toEqual(['CREATE_ROUND', 'CLOSE_SUBMISSIONS']);
  });

  it('starts the review only when every submission has had its preliminary check', async () => {
    const waiting = await driveTo(world, 'submitted');
    afterDeadline();
    await fireRoundOk(world.orgDept, { type: 'CLOSE_SUBMISSIONS' });
    const refused = await expectRefused(world.orgDept, { type: 'START_REVIEW' }, 422, 'projects_awaiting_preliminary_check');
    expect(refused.violation.detail).toEqual({ projects: 1, byState: { submitted: 1 } });
    await fireOk(world, waiting.id, 'PASS_PRELIMINARY_CHECK');
    expect((await fireRoundOk(world.orgDept, { type: 'START_REVIEW' })).round.state).toBe('under_review');
  });

  it('lets the committee conclude only when every project is decided', async () => {
    // Driven in the world's round, which the drive takes to under_review.
    const pending = await driveTo(world, 'panel_reviewed', { roundId: world.roundId });
    await expectRefused(world.orgDept, { type: 'CONCLUDE_DECISIONS' }, 403, 'role_not_allowed');
    await expectRefused(world.committee, { type: 'CONCLUDE_DECISIONS' }, 422, 'projects_undecided');
    await fireOk(world, pending.id, 'APPROVE');
    expect((await fireRoundOk(world.committee, { type: 'CONCLUDE_DECISIONS' })).round.state).toBe('decided');
  });

  it('publishes the list: every approved project started in one transaction, each start logged', async () => {
    // All in the world's round, which the drive takes to under_review.
    const [rejected, draft, ...approved] = await driveTogether(world, ['rejected', 'draft', 'committee_approved', 'committee_approved', 'committee_approved'], {
      roundId: world.roundId,
    });
    await fireRoundOk(world.committee, { type: 'CONCLUDE_DECISIONS' });

    // Bad input is refused before anything happens.
    const before = logCount();
    for (const bad of [
      { type: 'PUBLISH_LIST' },
      { type: 'PUBLISH_LIST', documentNumber: '党委〔2023〕12号', publishedOn: '2023-02-30' },
      { type: 'PUBLISH_LIST', documentNumber: ' ', publishedOn: '2023-05-10' },
    ]) {
      const response = await fireRound(world.orgDept, bad);
      expect([400, 422]).toContain(response.status);
      expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
    }
    expect(logCount()).toBe(before);

    const published = await call(t.app, world.orgDept.token, {
      method: 'POST',
      url: `/api/v1/rounds/${world.roundId}/events`,
      payload: { type: 'PUBLISH_LIST', documentNumber: '党委〔2023〕12号', publishedOn: '2023-05-10' },
      headers: { 'x-request-id': 'publish-2023' },
    });
    expect(published.status).toBe(200);
    const result = published.body;
    expect(result.round).toMatchObject({ state: 'in_execution', publication: { documentNumber: '党委〔2023〕12号', publishedOn: '2023-05-10' } });
    expect(result.transition).toMatchObject({ event: 'PUBLISH_LIST', payload: { documentNumber: '党委〔2023〕12号', publishedOn: '2023-05-10' } });
    expect(result.started.map((e: { subject: { kind: string; id: string } }) => e.subject)).toEqual(
      approved.map((p) => ({ kind: 'project', id: p.id })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    for (const [i, entry] of result.started.entries()) {
      expect(entry).toMatchObject({ event: 'START', fromState: 'committee_approved', toState: 'in_progress', requestId: 'publish-2023', machine: { id: 'project' } });
      // One chain: the round's entry, then each start right after it.
      expect(entry.seq).toBe(result.transition.seq + 1 + i);
    }
    for (const p of approved) expect(projectState(p.id)).toBe('in_progress');
    expect(projectState(rejected!.id)).toBe('rejected');
    expect(projectState(draft!.id)).toBe('draft');

    const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.status).toBe(200);
    expect(verified.body.valid).toBe(true);
  });

  it('publishes all or nothing: a start that fails undoes the round event and every other start', async () => {
    const approved = await driveTogether(world, ['committee_approved', 'committee_approved'], { roundId: world.roundId });
    await fireRoundOk(world.committee, { type: 'CONCLUDE_DECISIONS' });
    const last = [...approved].sort((a, b) => a.id.localeCompare(b.id)).at(-1)!;
    // A fault on the last project's write, injected below the service.
    if (onPostgres) {
      t.owner().exec(`CREATE FUNCTION fail_start() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$`);
      t.owner().exec(`CREATE TRIGGER fail_start BEFORE UPDATE OF state ON projects FOR EACH ROW WHEN (NEW.id = '${last.id}') EXECUTE FUNCTION fail_start()`);
    } else {
      t.db.$client.exec(`CREATE TEMP TRIGGER fail_start BEFORE UPDATE OF state ON projects WHEN NEW.id = '${last.id}' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
    }
    const before = { log: logCount(), round: roundRow() };
    const response = await fireRound(world.orgDept, { type: 'PUBLISH_LIST', documentNumber: '党委〔2023〕12号', publishedOn: '2023-05-10' });
    expect(response.status).toBe(500);
    expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(logCount()).toBe(before.log);
    expect(roundRow()).toEqual(before.round);
    for (const p of approved) expect(projectState(p.id)).toBe('committee_approved');

    if (onPostgres) t.owner().exec('DROP TRIGGER fail_start ON projects');
    else t.db.$client.exec('DROP TRIGGER fail_start');
    const retried = await fireRoundOk(world.orgDept, { type: 'PUBLISH_LIST', documentNumber: '党委〔2023〕12号', publishedOn: '2023-05-10' });
    expect(retried.started).toHaveLength(2);
  });

  it('closes only when every project is concluded; a closed round accepts nothing', async () => {
    const running = await driveTo(world, 'committee_approved', { roundId: world.roundId });
    await fireRoundOk(world.committee, { type: 'CONCLUDE_DECISIONS' });
    await fireRoundOk(world.orgDept, { type: 'PUBLISH_LIST', documentNumber: '党委〔2023〕12号', publishedOn: '2023-05-10' });
    await fireRoundOk(world.orgDept, { type: 'OPEN_ACCEPTANCE' });
    await expectRefused(world.orgDept, { type: 'CLOSE_ROUND' }, 422, 'projects_not_concluded');
    // Final reports are handed in from the final-acceptance date on.
    t.clock.set(Date.parse('2023-12-31T00:00:00+08:00'));
    await fireOk(world, running.id, 'SUBMIT_FINAL_REPORT');
    await expectRefused(world.orgDept, { type: 'CLOSE_ROUND' }, 422, 'projects_not_concluded');
    await fireOk(world, running.id, 'GRADE');
    const closed = await fireRoundOk(world.orgDept, { type: 'CLOSE_ROUND' });
    expect(closed.round).toMatchObject({ state: 'closed', version: 7 });
    const refused = await expectRefused(world.orgDept, { type: 'OPEN_ACCEPTANCE' }, 409);
    expect(refused.allowedEvents).toEqual([]);
  });

  it('honours If-Match: a stale round version is refused with 412', async () => {
    afterDeadline();
    const stale = await fireRound(world.orgDept, { type: 'CLOSE_SUBMISSIONS' }, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(1);
    expect(roundRow().state).toBe('open');
    const fresh = await fireRound(world.orgDept, { type: 'CLOSE_SUBMISSIONS' }, { 'if-match': '"1"' });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.etag).toBe('"2"');
  });

  it('replays a retried publication with the same Idempotency-Key instead of refusing it, and starts nothing twice', async () => {
    const approved = await driveTo(world, 'committee_approved', { roundId: world.roundId });
    await fireRoundOk(world.committee, { type: 'CONCLUDE_DECISIONS' });
    const publish = { type: 'PUBLISH_LIST', documentNumber: '党委〔2023〕12号', publishedOn: '2023-05-10' };
    const first = await t.app.inject({
      method: 'POST',
      url: `/api/v1/rounds/${world.roundId}/events`,
      payload: publish,
      headers: { authorization: `Bearer ${world.orgDept.token}`, 'idempotency-key': 'publish-2023' },
    });
    expect(first.statusCode).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const entries = logCount();
    const retry = await t.app.inject({
      method: 'POST',
      url: `/api/v1/rounds/${world.roundId}/events`,
      payload: publish,
      headers: { authorization: `Bearer ${world.orgDept.token}`, 'idempotency-key': 'publish-2023' },
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toBe(first.body);
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(logCount()).toBe(entries);
    expect(projectState(approved.id)).toBe('in_progress');

    const other = await fireRound(world.orgDept, { type: 'OPEN_ACCEPTANCE' }, { 'idempotency-key': 'publish-2023' });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('urn:lixiang:problem:idempotency-key-reused');
    expect(roundRow().state).toBe('in_execution');
  });

  it('refuses unknown fields, unknown events and a missing round, with problem+json', async () => {
    afterDeadline();
    for (const bad of [{ type: 'CLOSE_SUBMISSIONS', extra: 1 }, { type: 'START' }, {}]) {
      const response = await fireRound(world.orgDept, bad);
      expect(response.status).toBe(400);
    }
    const missing = await call(t.app, world.orgDept.token, { method: 'POST', url: '/api/v1/rounds/nope/events', payload: { type: 'CLOSE_SUBMISSIONS' } });
    expect(missing.status).toBe(404);
    for (const url of ['/api/v1/rounds/nope', '/api/v1/rounds/nope/transitions']) {
      const absent = await call(t.app, world.auditor.token, { method: 'GET', url });
      expect(absent.status).toBe(404);
      expect(String(absent.headers['content-type'])).toMatch(/^application\/problem\+json/);
    }
    expect(roundRow()).toMatchObject({ state: 'open', version: 1 });
  });
});
