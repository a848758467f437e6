/**
 * The round setting acceptanceOpensOn (issue 16): "acceptance opens at the final-acceptance date
 * unless a recorded setting says otherwise". A nullable date (Asia/Shanghai), given at creation or
 * amended — a deadline, so an opened round may still move it, with a reason. Every refusal writes
 * nothing; the log records the setting (CREATE_ROUND settings, AMEND_ROUND changes) and the audit
 * proves the column from it. Nothing enforces it yet: the acceptance gate is a later commit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { createDraft, createWorld, fire, type World } from '../helpers/world.js';
import { logLength as countEntries, subjectEntries } from '../helpers/log-entries.js';

let t: TestApp;
let world: World;

beforeEach(async () => {
  t = await createTestApp();
  world = await createWorld(t.app);
});

afterEach(async () => {
  await t.close();
});

interface Divergence {
  table: string;
  key: string;
  field: string;
  logged: unknown;
  stored: unknown;
}

const entries = (kind: string, id: string) => subjectEntries(t.db.$client, kind, id);
const logLength = () => countEntries(t.db.$client);
const storedCell = (id: string) => t.db.$client.prepare<[string], { v: string | null }>('SELECT acceptance_opens_on AS v FROM rounds WHERE id = ?').get(id)!.v;

const verify = () => call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });

async function expectVerified() {
  const verified = await verify();
  expect(verified.status).toBe(200);
  expect(verified.body, JSON.stringify(verified.body.tables)).toMatchObject({ valid: true, tables: { valid: true } });
}

const admin = (options: Parameters<typeof call>[2]) => call(t.app, ADMIN_TOKEN, options);
const amend = (id: string, payload: Record<string, unknown>, token = world.orgDept.token) => call(t.app, token, { method: 'PATCH', url: `/api/v1/rounds/${id}`, payload });

const ROUND = {
  year: 2024,
  title: '2024年度党建项目立项',
  documentNumber: '办字〔2024〕3号',
  submissionDeadline: '2024-03-29',
  revisionDeadline: '2024-04-10',
  finalAcceptanceDate: '2024-12-31',
  funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
};

describe('acceptanceOpensOn at creation', () => {
  it('is recorded with the round (CREATE_ROUND settings) and shown by its view; unset, it is null', async () => {
    const created = await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, acceptanceOpensOn: '2024-12-01' } });
    expect(created).toMatchObject({ status: 201, body: { acceptanceOpensOn: '2024-12-01', finalAcceptanceDate: '2024-12-31' } });
    const id = created.body.id as string;
    expect(storedCell(id)).toBe('2024-12-01');
    expect(entries('round', id)).toHaveLength(1);
    expect(entries('round', id)[0]).toMatchObject({ event: 'CREATE_ROUND', payload: { settings: { acceptanceOpensOn: '2024-12-01', finalAcceptanceDate: '2024-12-31' } } });
    const view = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${id}` });
    expect(view.body).toMatchObject({ acceptanceOpensOn: '2024-12-01' });

    // On either bound is allowed: the submission deadline, the final-acceptance date.
    for (const [year, date] of [
      [2025, ROUND.submissionDeadline],
      [2026, ROUND.finalAcceptanceDate],
    ] as const) {
      const bound = await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, year, acceptanceOpensOn: date } });
      expect(bound, date).toMatchObject({ status: 201, body: { acceptanceOpensOn: date } });
    }

    // Left out or null: acceptance opens at the final-acceptance date.
    const plain = await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, year: 2027 } });
    expect(plain).toMatchObject({ status: 201, body: { acceptanceOpensOn: null } });
    expect(entries('round', plain.body.id as string)[0]!.payload).toMatchObject({ settings: { acceptanceOpensOn: null } });
    const explicitNull = await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, year: 2028, acceptanceOpensOn: null } });
    expect(explicitNull).toMatchObject({ status: 201, body: { acceptanceOpensOn: null } });
    expect((await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` })).body).toMatchObject({ acceptanceOpensOn: null });
    const listed = await call(t.app, world.applicant.token, { method: 'GET', url: '/api/v1/rounds' });
    expect((listed.body.items as Array<{ id: string; acceptanceOpensOn: string | null }>).find((r) => r.id === id)).toMatchObject({ acceptanceOpensOn: '2024-12-01' });
    await expectVerified();
  });

  it('refuses a date after the final-acceptance date or before the submission deadline (422 naming acceptanceOpensOn), or no date at all (400); nothing is written', async () => {
    const before = logLength();
    const rounds = () => t.db.$client.prepare<[], { n: number }>('SELECT count(*) AS n FROM rounds').get()!.n;
    const roundsBefore = rounds();
    for (const date of ['2025-01-01', '2024-03-28']) {
      const refused = await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, acceptanceOpensOn: date } });
      expect(refused, date).toMatchObject({ status: 422, body: { field: 'acceptanceOpensOn', code: 'invalid_round_settings' } });
    }
    for (const date of ['2024-02-30', '2024-12', 'soon']) {
      expect((await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, acceptanceOpensOn: date } })).status, date).toBe(400);
    }
    expect(logLength()).toBe(before);
    expect(rounds()).toBe(roundsBefore);
  });
});

describe('acceptanceOpensOn amended', () => {
  it('before the round has opened, with or without a reason; refusals (422 naming the field) change nothing', async () => {
    const created = await admin({ method: 'POST', url: '/api/v1/rounds', payload: ROUND });
    const id = created.body.id as string;
    const before = logLength();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ acceptanceOpensOn: '2025-01-01' }, 'acceptanceOpensOn'],
      [{ acceptanceOpensOn: '2024-03-01' }, 'acceptanceOpensOn'],
      // Moving a bound past the setting is refused too, naming the setting.
      [{ acceptanceOpensOn: '2024-12-01', finalAcceptanceDate: '2024-11-30' }, 'acceptanceOpensOn'],
      [{ acceptanceOpensOn: '2024-05-01', submissionDeadline: '2024-05-02', revisionDeadline: '2024-05-10' }, 'acceptanceOpensOn'],
    ];
    for (const [payload, field] of cases) {
      const refused = await amend(id, payload);
      expect(refused, JSON.stringify(payload)).toMatchObject({ status: 422, body: { field, code: 'invalid_round_settings' } });
    }
    expect((await amend(id, { acceptanceOpensOn: '2024-13-01' })).status).toBe(400);
    expect(logLength()).toBe(before);
    expect(storedCell(id)).toBeNull();
    expect((await admin({ method: 'GET', url: `/api/v1/rounds/${id}` })).body).toMatchObject({ acceptanceOpensOn: null, version: 1 });

    const set = await amend(id, { acceptanceOpensOn: '2024-12-01' });
    expect(set).toMatchObject({ status: 200, body: { acceptanceOpensOn: '2024-12-01', version: 2 } });
    expect(entries('round', id).at(-1)).toMatchObject({
      event: 'AMEND_ROUND',
      payload: { changes: { acceptanceOpensOn: { from: null, to: '2024-12-01' } }, reason: null },
    });
    // With the setting in place, a final-acceptance date before it is refused, naming the setting.
    const earlier = await amend(id, { finalAcceptanceDate: '2024-11-15' });
    expect(earlier).toMatchObject({ status: 422, body: { field: 'acceptanceOpensOn' } });
    expect(storedCell(id)).toBe('2024-12-01');
    // Both moved at once, in order, is fine.
    const both = await amend(id, { finalAcceptanceDate: '2024-11-15', acceptanceOpensOn: '2024-11-01' });
    expect(both).toMatchObject({ status: 200, body: { finalAcceptanceDate: '2024-11-15', acceptanceOpensOn: '2024-11-01', version: 3 } });
    // The same value again writes nothing.
    const length = logLength();
    expect(await amend(id, { acceptanceOpensOn: '2024-11-01' })).toMatchObject({ status: 200, body: { version: 3 } });
    expect(logLength()).toBe(length);
    await expectVerified();
  });

  it('after the round has opened it is a deadline: amended with a reason (AMEND_ROUND), refused without one', async () => {
    const draft = await createDraft(world);
    expect((await fire(world, draft.id, world.applicant, 'SUBMIT')).status).toBe(200);
    const before = logLength();
    const noReason = await amend(world.roundId, { acceptanceOpensOn: '2023-12-01' });
    expect(noReason).toMatchObject({ status: 422, body: { code: 'reason_required', field: 'reason' } });
    const withTitle = await amend(world.roundId, { acceptanceOpensOn: '2023-12-01', title: '改标题', reason: '提前验收' });
    expect(withTitle).toMatchObject({ status: 422, body: { code: 'round_opened', fields: ['title'] } });
    const outOfOrder = await amend(world.roundId, { acceptanceOpensOn: '2024-01-15', reason: '提前验收' });
    expect(outOfOrder).toMatchObject({ status: 422, body: { field: 'acceptanceOpensOn' } });
    expect(logLength()).toBe(before);
    expect(storedCell(world.roundId)).toBeNull();

    const opened = await amend(world.roundId, { acceptanceOpensOn: '2023-12-01', reason: '党委决定提前组织结项验收' });
    expect(opened).toMatchObject({ status: 200, body: { acceptanceOpensOn: '2023-12-01', finalAcceptanceDate: '2023-12-31' } });
    expect(opened.headers.etag).toBe(`"${opened.body.version as number}"`);
    expect(logLength()).toBe(before + 1);
    expect(entries('round', world.roundId).at(-1)).toMatchObject({
      event: 'AMEND_ROUND',
      fromState: 'open',
      toState: 'open',
      actorId: world.orgDept.id,
      payload: { changes: { acceptanceOpensOn: { from: null, to: '2023-12-01' } }, reason: '党委决定提前组织结项验收' },
    });
    expect(Object.keys(entries('round', world.roundId).at(-1)!.payload.changes as object)).toEqual(['acceptanceOpensOn']);
    expect((await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` })).body).toMatchObject({ acceptanceOpensOn: '2023-12-01' });
    await expectVerified();

    // Back to the final-acceptance date: null, on the record too.
    const cleared = await amend(world.roundId, { acceptanceOpensOn: null, reason: '恢复按结项验收日期开放' });
    expect(cleared).toMatchObject({ status: 200, body: { acceptanceOpensOn: null } });
    expect(entries('round', world.roundId).at(-1)!.payload).toEqual({ changes: { acceptanceOpensOn: { from: '2023-12-01', to: null } }, reason: '恢复按结项验收日期开放' });
    expect(storedCell(world.roundId)).toBeNull();
    await expectVerified();
  });
});

describe('the audit', () => {
  it('names a tampered acceptance_opens_on cell as a divergence, set or unset', async () => {
    const created = await admin({ method: 'POST', url: '/api/v1/rounds', payload: { ...ROUND, acceptanceOpensOn: '2024-12-01' } });
    const id = created.body.id as string;
    await expectVerified();

    const tamper = async (roundId: string, value: string | null, logged: string | null) => {
      const original = storedCell(roundId);
      t.db.$client.prepare('UPDATE rounds SET acceptance_opens_on = ? WHERE id = ?').run(value, roundId);
      const verdict = await verify();
      expect(verdict.status).toBe(200);
      expect(verdict.body).toMatchObject({ valid: false, tables: { valid: false, divergenceCount: 1 } });
      expect(verdict.body.tables.divergences as Divergence[]).toEqual([{ table: 'rounds', key: roundId, field: 'acceptanceOpensOn', logged, stored: value }]);
      t.db.$client.prepare('UPDATE rounds SET acceptance_opens_on = ? WHERE id = ?').run(original, roundId);
    };
    // Earlier than the record says, on a round created with the setting ...
    await tamper(id, '2024-04-01', '2024-12-01');
    // ... removed ...
    await tamper(id, null, '2024-12-01');
    // ... and slipped into a round that never had one (its CREATE_ROUND says null).
    await tamper(world.roundId, '2023-04-01', null);
    await expectVerified();
  });
});
