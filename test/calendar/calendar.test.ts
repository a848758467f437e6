/**
 * The working-day calendar over HTTP: org_dept sets a year's holidays and adjusted working days
 * (SET_CALENDAR, with If-Match), everyone reads it, bad dates are 422 naming the date, and the
 * table is rebuilt from the log by GET /audit/verify.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { logLength, subjectEntries } from '../helpers/log-entries.js';
import { createWorld, type World } from '../helpers/world.js';

const NATIONAL_DAY = ['2024-10-07', '2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05', '2024-10-06'];
const ADJUSTED = ['2024-10-12', '2024-09-29'];

let t: TestApp;
let world: World;

beforeEach(async () => {
  t = await createTestApp({ enforceRoundGates: true });
  world = await createWorld(t.app);
});
afterEach(async () => {
  await t.close();
});

const put = (token: string, year: number | string, payload: unknown, headers: Record<string, string> = {}) =>
  call(t.app, token, { method: 'PUT', url: `/api/v1/calendar/${year}`, payload: payload as object, headers });

describe('the working-day calendar', () => {
  it('is set by org_dept, one SET_CALENDAR entry per change, and read by everyone', async () => {
    const set = await put(world.orgDept.token, 2024, { holidays: NATIONAL_DAY, workdays: ADJUSTED, reason: '国务院办公厅关于2024年部分节假日安排的通知' });
    expect(set.status, JSON.stringify(set.body)).toBe(201);
    expect(set.headers.etag).toBe('"1"');
    expect(set.body).toMatchObject({ year: 2024, holidays: [...NATIONAL_DAY].sort(), workdays: ['2024-09-29', '2024-10-12'], version: 1, updatedBy: world.orgDept.id });

    for (const user of [world.applicant, world.reviewers[0]!, world.committee, world.auditor]) {
      const read = await call(t.app, user.token, { method: 'GET', url: '/api/v1/calendar/2024' });
      expect(read.status).toBe(200);
      expect(read.body.workdays).toEqual(['2024-09-29', '2024-10-12']);
      expect(read.headers.etag).toBe('"1"');
    }
    const list = await call(t.app, world.applicant.token, { method: 'GET', url: '/api/v1/calendar' });
    expect(list.body.items.map((y: { year: number }) => y.year)).toEqual([2024]);
    const missing = await call(t.app, world.applicant.token, { method: 'GET', url: '/api/v1/calendar/2025' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ type: 'urn:lixiang:problem:not-found', code: 'calendar_year_not_set', year: 2025 });

    // The same lists again change nothing and write nothing.
    const before = logLength(t.db.$client);
    const same = await put(world.orgDept.token, 2024, { holidays: [...NATIONAL_DAY].reverse(), workdays: ADJUSTED });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);
    expect(logLength(t.db.$client)).toBe(before);

    // A change under If-Match: version 2, the entry names what was added and removed.
    const changed = await put(world.admin.token, 2024, { holidays: [...NATIONAL_DAY, '2024-01-01'], workdays: ['2024-09-29'] }, { 'if-match': '"1"' });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).toBe('"2"');
    const stale = await put(world.orgDept.token, 2024, { holidays: [], workdays: [] }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(2);

    const entries = subjectEntries(t.db.$client, 'calendar', '2024');
    expect(entries.map((e) => [e.event, e.fromState, e.toState])).toEqual([
      ['SET_CALENDAR', 'none', 'set'],
      ['SET_CALENDAR', 'set', 'set'],
    ]);
    expect(entries[0]!.actorId).toBe(world.orgDept.id);
    expect(changed.body.updatedBy).toBe(entries[1]!.actorId);
    expect(entries[1]!.actorId).not.toBe(world.orgDept.id);
    expect(entries[0]!.payload).toMatchObject({ year: 2024, workdays: ['2024-09-29', '2024-10-12'], reason: '国务院办公厅关于2024年部分节假日安排的通知' });
    expect(entries[1]!.payload.changes).toEqual({ holidays: { added: ['2024-01-01'], removed: [] }, workdays: { added: [], removed: ['2024-10-12'] } });

    const verified = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verified.body.valid).toBe(true);
    // The table is what the log says: a holiday slipped in afterwards is named.
    t.db.$client.prepare('UPDATE calendar_years SET holidays = \'["2024-01-01"]\' WHERE year = 2024').run();
    const tampered = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(tampered.body.valid).toBe(false);
    expect(tampered.body.tables.divergences).toEqual([expect.objectContaining({ table: 'calendar_years', key: '2024', field: 'holidays' })]);
  });

  it('refuses wrong dates with 422 naming the date, and other roles with 403, writing nothing', async () => {
    const before = logLength(t.db.$client);
    const cases: Array<[unknown, string, string, string]> = [
      [{ holidays: ['2024-10-01', '2025-01-01'], workdays: [] }, 'holidays[1]', '2025-01-01', 'date_outside_year'],
      [{ holidays: ['2024-02-30'], workdays: [] }, 'holidays[0]', '2024-02-30', 'invalid_date'],
      [{ holidays: ['2024-10-01', '2024-10-01'], workdays: [] }, 'holidays[1]', '2024-10-01', 'duplicate_date'],
      [{ holidays: [], workdays: ['2024-09-29', '2024-10-08'] }, 'workdays[1]', '2024-10-08', 'workday_not_weekend'],
      [{ holidays: ['2024-10-05'], workdays: ['2024-10-05'] }, 'workdays[0]', '2024-10-05', 'date_in_both_lists'],
    ];
    for (const [payload, field, date, code] of cases) {
      const refused = await put(world.orgDept.token, 2024, payload);
      expect(refused.status, JSON.stringify(payload)).toBe(422);
      expect(refused.body).toMatchObject({ type: 'urn:lixiang:problem:unprocessable', field, date, code });
      expect(refused.body.detail).toContain(date);
    }
    const malformed = await put(world.orgDept.token, 2024, { holidays: ['1 Oct'], workdays: [] });
    expect(malformed.status).toBe(400);
    const noYear = await put(world.orgDept.token, 'next', { holidays: [], workdays: [] });
    expect(noYear.status).toBe(400);
    for (const user of [world.applicant, world.committee, world.auditor]) {
      const forbidden = await put(user.token, 2024, { holidays: ['2024-10-01'], workdays: [] });
      expect(forbidden.status).toBe(403);
    }
    expect(logLength(t.db.$client)).toBe(before);
    expect(t.db.$client.prepare('SELECT count(*) AS n FROM calendar_years').get()).toEqual({ n: 0 });
  });
});
