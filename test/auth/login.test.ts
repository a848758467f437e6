/**
 * Login for people (issue 17, item 2): passwords, sessions in an HttpOnly SameSite=Strict cookie,
 * CSRF on every write made with it, lockout with backoff, expiry, listing and revoking, the
 * must-change-password flow; bearer tokens unchanged; the log still proves the tables and never
 * holds a password.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { ADMIN_TOKEN, FakeClock, call, createTestApp, type TestApp } from '../helpers/app.js';

const INITIAL = '初始密码-2023春季';
const CHOSEN = '声乐系-红色旋律-2023';
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Every string an answer of this test carried, to look for a password in. */
const answers: string[] = [];

interface Session {
  cookie: string;
  csrf: string;
  body: Record<string, unknown>;
  setCookie: string;
}

async function inject(app: FastifyInstance, options: { method: string; url: string; cookie?: string; csrf?: string; token?: string; payload?: unknown }) {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = `theme=dark; lixiang_session=${options.cookie}`;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await app.inject({
    method: options.method as 'GET',
    url: options.url,
    headers,
    ...(options.payload === undefined ? {} : { payload: options.payload as never }),
  });
  answers.push(response.body, JSON.stringify(response.headers));
  const type = String(response.headers['content-type'] ?? '');
  return { status: response.statusCode, headers: response.headers, body: type.includes('json') && response.body ? JSON.parse(response.body) : response.body };
}

async function createUser(app: FastifyInstance, name: string, role: string): Promise<{ id: string; token: string }> {
  const created = await call(app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/users', payload: { name, role } });
  expect(created.status).toBe(201);
  return { id: created.body.user.id, token: created.body.token };
}

async function setPassword(app: FastifyInstance, userId: string, username: string | undefined, password = INITIAL) {
  return inject(app, { method: 'PUT', url: `/api/v1/users/${userId}/password`, token: ADMIN_TOKEN, payload: { ...(username ? { username } : {}), password, reason: '开通登录' } });
}

async function login(app: FastifyInstance, username: string, password: string): Promise<Session> {
  const response = await inject(app, { method: 'POST', url: '/api/v1/session', payload: { username, password } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  const setCookie = String(response.headers['set-cookie']);
  const cookie = /^lixiang_session=([A-Za-z0-9_-]+);/.exec(setCookie)![1]!;
  return { cookie, csrf: response.body.csrfToken as string, body: response.body, setCookie };
}

/** A user with a password it has changed already: its sessions are unrestricted. */
async function personWithPassword(app: FastifyInstance, name: string, role: string, username: string) {
  const user = await createUser(app, name, role);
  expect((await setPassword(app, user.id, username)).status).toBe(200);
  const first = await login(app, username, INITIAL);
  const changed = await inject(app, {
    method: 'POST',
    url: '/api/v1/session/password',
    cookie: first.cookie,
    csrf: first.csrf,
    payload: { currentPassword: INITIAL, newPassword: CHOSEN },
  });
  expect(changed.status).toBe(204);
  return { ...user, session: first };
}

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const count = (sql: string, ...params: unknown[]) => (t.db.$client.prepare(sql).get(...params) as { n: number }).n;

describe('an admin sets the initial password', () => {
  it('sets username and password, logs SET_PASSWORD without the password, and refuses a taken username', async () => {
    const user = await createUser(t.app, '王书记', 'committee');
    const set = await setPassword(t.app, user.id, 'wang.shuji');
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ user: { id: user.id, name: '王书记' }, username: 'wang.shuji', mustChangePassword: true });
    const entry = t.db.$client.prepare("SELECT payload FROM transition_log WHERE event = 'SET_PASSWORD' AND subject_id = ?").get(user.id) as { payload: string };
    expect(JSON.parse(entry.payload)).toMatchObject({ username: 'wang.shuji', mustChangePassword: true, reason: '开通登录' });
    const stored = t.db.$client.prepare('SELECT password_hash AS h FROM user_credentials WHERE user_id = ?').get(user.id) as { h: string };
    expect(stored.h).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);

    const other = await createUser(t.app, '李老师', 'committee');
    const taken = await setPassword(t.app, other.id, 'wang.shuji');
    expect(taken).toMatchObject({ status: 409, body: { code: 'username_taken' } });
    const noName = await setPassword(t.app, other.id, undefined);
    expect(noName).toMatchObject({ status: 422, body: { code: 'username_required' } });
    const short = await inject(t.app, { method: 'PUT', url: `/api/v1/users/${other.id}/password`, token: ADMIN_TOKEN, payload: { username: 'li.laoshi', password: 'short' } });
    expect(short.status).toBe(400);
    const badName = await setPassword(t.app, other.id, 'Li Laoshi');
    expect(badName.status).toBe(400);
    const unknown = await setPassword(t.app, '01870d4f-0000-7000-8000-000000000000', 'nobody');
    expect(unknown.status).toBe(404);
    const byNonAdmin = await inject(t.app, { method: 'PUT', url: `/api/v1/users/${other.id}/password`, token: user.token, payload: { username: 'li.laoshi', password: INITIAL } });
    expect(byNonAdmin.status).toBe(403);
  });
});

describe('login', () => {
  it('answers 201 with the session, an HttpOnly SameSite=Strict cookie and the CSRF token', async () => {
    const user = await createUser(t.app, '王书记', 'committee');
    await setPassword(t.app, user.id, 'wang.shuji');
    // The username is matched in lower case.
    const session = await login(t.app, ' Wang.Shuji', INITIAL);
    expect(session.body).toEqual({
      user: { id: user.id, name: '王书记', role: 'committee', unitId: null },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: new Date(t.clock.now() + 8 * HOUR).toISOString(),
      mustChangePassword: true,
    });
    expect(session.setCookie).toMatch(/^lixiang_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=604800; HttpOnly; SameSite=Strict$/);
    expect(session.setCookie).not.toContain('Secure');
    // The cookie's value is stored only as its hash.
    expect(count('SELECT count(*) AS n FROM sessions WHERE token_hash = ?', session.cookie)).toBe(0);
    expect(count('SELECT count(*) AS n FROM sessions WHERE user_id = ?', user.id)).toBe(1);
  });

  it('adds Secure when told to (LIXIANG_COOKIE_SECURE=true)', async () => {
    const db = openDatabase(':memory:');
    migrateDatabase(db);
    const app = await buildApp({ db, clock: new FakeClock(), adminToken: ADMIN_TOKEN, session: { cookieSecure: true, idleMs: 30 * MINUTE, maxMs: 2 * HOUR } });
    try {
      const user = await createUser(app, '王书记', 'committee');
      await setPassword(app, user.id, 'wang.shuji');
      const session = await login(app, 'wang.shuji', INITIAL);
      expect(session.setCookie).toMatch(/; Max-Age=7200; HttpOnly; SameSite=Strict; Secure$/);
    } finally {
      await app.close();
      db.$client.close();
    }
  });

  it('answers a wrong password and an unknown username alike (401), and records each failure on the user', async () => {
    const user = await createUser(t.app, '王书记', 'committee');
    await setPassword(t.app, user.id, 'wang.shuji');
    const wrong = await inject(t.app, { method: 'POST', url: '/api/v1/session', payload: { username: 'wang.shuji', password: 'not-the-password' } });
    const unknown = await inject(t.app, { method: 'POST', url: '/api/v1/session', payload: { username: 'nobody.here', password: 'not-the-password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body).toMatchObject({ code: 'invalid_credentials' });
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const events = t.db.$client.prepare("SELECT * FROM security_events WHERE subject_kind = 'user' AND subject_id = ?").all(user.id) as Array<Record<string, unknown>>;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: 'LOGIN_FAILED', status: 401, actor_id: null, route: '/api/v1/session' });
    expect(count('SELECT failed_logins AS n FROM user_credentials WHERE user_id = ?', user.id)).toBe(1);
    // An empty username is malformed.
    expect((await inject(t.app, { method: 'POST', url: '/api/v1/session', payload: { username: '', password: 'x' } })).status).toBe(400);
  });

  it('locks the account after 5 failures for 15 minutes, doubling after further failures; the right password is refused meanwhile; success resets', async () => {
    const user = await createUser(t.app, '王书记', 'committee');
    await setPassword(t.app, user.id, 'wang.shuji');
    const attempt = (password: string) => inject(t.app, { method: 'POST', url: '/api/v1/session', payload: { username: 'wang.shuji', password } });
    for (let i = 0; i < 5; i += 1) expect((await attempt(`wrong-password-${i}`)).status).toBe(401);
    const locked = await attempt(INITIAL);
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe('900');
    expect(locked.body).toMatchObject({ code: 'account_locked', retryAfter: 900 });
    t.clock.advance(10 * MINUTE);
    const still = await attempt(INITIAL);
    expect(still).toMatchObject({ status: 429, headers: { 'retry-after': '300' } });
    t.clock.advance(5 * MINUTE);
    // The lock is over; one more failure locks for 30 minutes.
    expect((await attempt('wrong-again-1')).status).toBe(401);
    expect((await attempt(INITIAL)).headers['retry-after']).toBe('1800');
    t.clock.advance(30 * MINUTE);
    expect((await attempt('wrong-again-2')).status).toBe(401);
    expect((await attempt(INITIAL)).headers['retry-after']).toBe('3600');
    t.clock.advance(HOUR);
    await login(t.app, 'wang.shuji', INITIAL);
    expect(t.db.$client.prepare('SELECT failed_logins AS f, locked_until AS l FROM user_credentials WHERE user_id = ?').get(user.id)).toEqual({ f: 0, l: null });
    const events = t.db.$client.prepare('SELECT event, status FROM security_events WHERE subject_id = ? ORDER BY id').all(user.id) as Array<{ event: string; status: number }>;
    expect(events.filter((e) => e.event === 'LOGIN_FAILED')).toHaveLength(7);
    expect(events.filter((e) => e.event === 'LOGIN_LOCKED').every((e) => e.status === 429)).toBe(true);
    expect(events.filter((e) => e.event === 'LOGIN_LOCKED')).toHaveLength(4);
  });

  it('caps the lock at 24 hours', async () => {
    const { lockDuration } = await import('../../src/auth/sessions.service.js');
    expect([4, 5, 6, 7, 11, 12, 40].map(lockDuration)).toEqual([0, 15 * MINUTE, 30 * MINUTE, HOUR, 16 * HOUR, 24 * HOUR, 24 * HOUR]);
  });
});

describe('a session', () => {
  it('must change the initial password first; the change revokes the other sessions', async () => {
    const user = await createUser(t.app, '王书记', 'committee');
    await setPassword(t.app, user.id, 'wang.shuji');
    const first = await login(t.app, 'wang.shuji', INITIAL);
    const second = await login(t.app, 'wang.shuji', INITIAL);
    const me = await inject(t.app, { method: 'GET', url: '/api/v1/users/me', cookie: first.cookie });
    expect(me).toMatchObject({ status: 403, body: { code: 'password_change_required' } });
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/session', cookie: first.cookie })).body).toMatchObject({ mustChangePassword: true, csrfToken: first.csrf });

    const change = (session: Session, body: Record<string, string>, csrf: string | null = session.csrf) =>
      inject(t.app, { method: 'POST', url: '/api/v1/session/password', cookie: session.cookie, ...(csrf ? { csrf } : {}), payload: body });
    expect((await change(first, { currentPassword: INITIAL, newPassword: CHOSEN }, null)).body).toMatchObject({ status: 403, code: 'csrf_token_missing' });
    expect((await change(first, { currentPassword: INITIAL, newPassword: CHOSEN }, second.csrf)).body).toMatchObject({ status: 403, code: 'csrf_token_invalid' });
    expect((await change(first, { currentPassword: INITIAL, newPassword: INITIAL })).body).toMatchObject({ status: 422, code: 'password_unchanged' });
    expect((await change(first, { currentPassword: INITIAL, newPassword: 'x-wang.shuji-2023' })).body).toMatchObject({ status: 422, code: 'password_contains_username' });
    expect((await change(first, { currentPassword: 'not-the-password', newPassword: CHOSEN })).body).toMatchObject({ status: 422, code: 'current_password_invalid' });
    expect(count('SELECT failed_logins AS n FROM user_credentials WHERE user_id = ?', user.id)).toBe(1);
    expect((await change(first, { currentPassword: INITIAL, newPassword: CHOSEN })).status).toBe(204);

    expect((await inject(t.app, { method: 'GET', url: '/api/v1/users/me', cookie: first.cookie })).status).toBe(200);
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/session', cookie: first.cookie })).body).toMatchObject({ mustChangePassword: false });
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/session', cookie: second.cookie })).status).toBe(401);
    expect(count('SELECT failed_logins AS n FROM user_credentials WHERE user_id = ?', user.id)).toBe(0);
    const entry = t.db.$client.prepare("SELECT payload, actor_id AS actor FROM transition_log WHERE event = 'CHANGE_PASSWORD'").get() as { payload: string; actor: string };
    expect(entry.actor).toBe(user.id);
    expect(JSON.parse(entry.payload)).toEqual({ revokedSessions: 1 });
    // The old password no longer logs in; the new one does, without the restriction.
    expect((await inject(t.app, { method: 'POST', url: '/api/v1/session', payload: { username: 'wang.shuji', password: INITIAL } })).status).toBe(401);
    expect((await login(t.app, 'wang.shuji', CHOSEN)).body).toMatchObject({ mustChangePassword: false });
  });

  it('needs X-CSRF-Token on every write made with the cookie; a refused write changes nothing; bearer writes need none', async () => {
    const admin = await personWithPassword(t.app, '系统管理员', 'admin', 'admin.one');
    const session = admin.session;
    const units = () => count('SELECT count(*) AS n FROM units');
    const log = () => count('SELECT count(*) AS n FROM transition_log');
    const before = { units: units(), log: log() };
    const create = (extra: { csrf?: string; token?: string; cookie?: string }, name: string) =>
      inject(t.app, { method: 'POST', url: '/api/v1/units', ...extra, payload: { name, type: 'direct_branch' } });

    expect((await create({ cookie: session.cookie }, '甲')).body).toMatchObject({ status: 403, code: 'csrf_token_missing' });
    expect((await create({ cookie: session.cookie, csrf: 'a'.repeat(43) }, '乙')).body).toMatchObject({ status: 403, code: 'csrf_token_invalid' });
    expect({ units: units(), log: log() }).toEqual(before);
    // Reads need no token.
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/units', cookie: session.cookie })).status).toBe(200);
    expect((await create({ cookie: session.cookie, csrf: session.csrf }, '丙')).status).toBe(201);
    expect((await create({ token: admin.token }, '丁')).status).toBe(201);
    expect(units()).toBe(before.units + 2);
    // The refusals are on the user's record.
    expect(count('SELECT count(*) AS n FROM security_events WHERE actor_id = ? AND status = 403', admin.id)).toBe(2);
    // A bearer request ignores the cookie; GET /session wants the cookie.
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/session', token: admin.token })).body).toMatchObject({ status: 401, code: 'session_required' });
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/session' })).status).toBe(401);
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/users/me', cookie: 'A'.repeat(43) })).status).toBe(401);
  });

  it('ends after 8 hours idle, and 7 days after the login however busy', async () => {
    const user = await createUser(t.app, '王书记', 'committee');
    await setPassword(t.app, user.id, 'wang.shuji');
    const get = (s: Session) => inject(t.app, { method: 'GET', url: '/api/v1/session', cookie: s.cookie });

    const idle = await login(t.app, 'wang.shuji', INITIAL);
    t.clock.advance(8 * HOUR - MINUTE);
    const alive = await get(idle);
    expect(alive.status).toBe(200);
    expect(alive.body.expiresAt).toBe(new Date(t.clock.now() + 8 * HOUR).toISOString());
    t.clock.advance(8 * HOUR - MINUTE);
    expect((await get(idle)).status).toBe(200);
    t.clock.advance(8 * HOUR);
    expect((await get(idle)).status).toBe(401);

    const busy = await login(t.app, 'wang.shuji', INITIAL);
    const start = t.clock.now();
    while (t.clock.now() + 7 * HOUR < start + 7 * 24 * HOUR) {
      t.clock.advance(7 * HOUR);
      expect((await get(busy)).status).toBe(200);
    }
    const last = await get(busy);
    expect(last.body.expiresAt).toBe(new Date(start + 7 * 24 * HOUR).toISOString());
    t.clock.set(start + 7 * 24 * HOUR);
    expect((await get(busy)).status).toBe(401);
  });

  it('is listed and revoked by its user, any by an admin; logout revokes and clears the cookie', async () => {
    const person = await personWithPassword(t.app, '王书记', 'committee', 'wang.shuji');
    const other = await login(t.app, 'wang.shuji', CHOSEN);
    const mine = await inject(t.app, { method: 'GET', url: '/api/v1/sessions', cookie: person.session.cookie });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(2);
    const [newest, oldest] = mine.body.items as Array<{ id: string; current: boolean; userId: string }>;
    expect(newest!.current).toBe(false);
    expect(oldest!.current).toBe(true);
    expect(JSON.stringify(mine.body)).not.toContain(person.session.cookie);
    expect(JSON.stringify(mine.body)).not.toContain(other.csrf);

    // Another user may neither list nor revoke them; an admin may.
    const stranger = await personWithPassword(t.app, '李老师', 'committee', 'li.laoshi');
    expect((await inject(t.app, { method: 'GET', url: `/api/v1/sessions?userId=${person.id}`, cookie: stranger.session.cookie })).status).toBe(403);
    expect((await inject(t.app, { method: 'DELETE', url: `/api/v1/sessions/${newest!.id}`, cookie: stranger.session.cookie, csrf: stranger.session.csrf })).status).toBe(404);
    const byAdmin = await inject(t.app, { method: 'GET', url: `/api/v1/sessions?userId=${person.id}`, token: ADMIN_TOKEN });
    expect(byAdmin.body.items).toHaveLength(2);
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/sessions?userId=01870d4f-0000-7000-8000-000000000000', token: ADMIN_TOKEN })).status).toBe(404);

    expect((await inject(t.app, { method: 'DELETE', url: `/api/v1/sessions/${newest!.id}`, cookie: person.session.cookie, csrf: person.session.csrf })).status).toBe(204);
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/session', cookie: other.cookie })).status).toBe(401);
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/sessions', cookie: person.session.cookie })).body.items).toHaveLength(1);
    expect((await inject(t.app, { method: 'DELETE', url: `/api/v1/sessions/${oldest!.id}`, token: ADMIN_TOKEN })).status).toBe(204);
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/session', cookie: person.session.cookie })).status).toBe(401);

    const again = await login(t.app, 'wang.shuji', CHOSEN);
    const out = await inject(t.app, { method: 'DELETE', url: '/api/v1/session', cookie: again.cookie, csrf: again.csrf });
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toBe('lixiang_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict');
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/session', cookie: again.cookie })).status).toBe(401);
    // Logging out again, or revoking a revoked session, answers alike and writes nothing.
    const before = count('SELECT count(*) AS n FROM transition_log');
    expect((await inject(t.app, { method: 'DELETE', url: `/api/v1/sessions/${oldest!.id}`, token: ADMIN_TOKEN })).status).toBe(204);
    expect(count('SELECT count(*) AS n FROM transition_log')).toBe(before);

    // Each start and end is on the person's record: who, which session, never the cookie.
    const entries = t.db.$client
      .prepare("SELECT event, actor_id AS actor, payload FROM transition_log WHERE subject_id = ? AND event IN ('LOG_IN', 'LOG_OUT', 'END_SESSION') ORDER BY seq")
      .all(person.id) as Array<{ event: string; actor: string; payload: string }>;
    const adminId = (await call(t.app, ADMIN_TOKEN, { method: 'GET', url: '/api/v1/users/me' })).body.id as string;
    expect(entries.map((e) => [e.event, e.actor, JSON.parse(e.payload).sessionId])).toEqual([
      ['LOG_IN', person.id, oldest!.id],
      ['LOG_IN', person.id, newest!.id],
      ['END_SESSION', person.id, newest!.id],
      ['END_SESSION', adminId, oldest!.id],
      ['LOG_IN', person.id, expect.any(String)],
      ['LOG_OUT', person.id, expect.any(String)],
    ]);
    for (const secret of [person.session.cookie, other.cookie, again.cookie]) expect(entries.map((e) => e.payload).join()).not.toContain(secret);
    const auditor = await createUser(t.app, '纪委审计', 'auditor');
    const log = await inject(t.app, { method: 'GET', url: `/api/v1/audit/transitions?subjectKind=user&subjectId=${person.id}&limit=100`, token: auditor.token });
    expect(log.status, JSON.stringify(log.body)).toBe(200);
    expect((log.body.items as Array<{ event: string }>).filter((e) => e.event === 'LOG_IN')).toHaveLength(3);
  });

  it('ends at once when its user is deactivated', async () => {
    const person = await personWithPassword(t.app, '王书记', 'committee', 'wang.shuji');
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/users/me', cookie: person.session.cookie })).status).toBe(200);
    const deactivated = await inject(t.app, { method: 'POST', url: `/api/v1/users/${person.id}/deactivate`, token: ADMIN_TOKEN, payload: { reason: '调离本校' } });
    expect(deactivated.status).toBe(200);
    expect(count('SELECT count(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL', person.id)).toBe(0);
    expect((await inject(t.app, { method: 'GET', url: '/api/v1/users/me', cookie: person.session.cookie })).status).toBe(401);
    // Nor can the deactivated user log in again; its right password is recorded but not counted as a guess.
    expect((await inject(t.app, { method: 'POST', url: '/api/v1/session', payload: { username: 'wang.shuji', password: CHOSEN } })).body).toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
    expect(count('SELECT failed_logins AS n FROM user_credentials WHERE user_id = ?', person.id)).toBe(0);
    expect(count("SELECT count(*) AS n FROM security_events WHERE subject_id = ? AND event = 'LOGIN_FAILED'", person.id)).toBe(1);
  });
});

describe('the record', () => {
  it('stays verifiable, and holds no password nor its hash', async () => {
    const person = await personWithPassword(t.app, '王书记', 'committee', 'wang.shuji');
    await inject(t.app, { method: 'POST', url: '/api/v1/session', payload: { username: 'wang.shuji', password: 'a-wrong-password' } });
    await setPassword(t.app, person.id, 'wang.sj', '重置密码-2023夏季');
    await inject(t.app, { method: 'POST', url: `/api/v1/users/${person.id}/deactivate`, token: ADMIN_TOKEN, payload: { reason: '调离本校' } });
    const auditor = await createUser(t.app, '纪检', 'auditor');
    const verify = await call(t.app, auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ valid: true });

    const hashes = (t.db.$client.prepare('SELECT password_hash AS h FROM user_credentials').all() as Array<{ h: string }>).map((r) => r.h);
    const secrets = [INITIAL, CHOSEN, '重置密码-2023夏季', 'a-wrong-password', ...hashes, ...hashes.map((h) => h.split('$').pop()!)];
    const log = (t.db.$client.prepare('SELECT payload FROM transition_log').all() as Array<{ payload: string }>).map((r) => r.payload).join('\n');
    const events = JSON.stringify(t.db.$client.prepare('SELECT * FROM security_events').all());
    const attempts = JSON.stringify(t.db.$client.prepare('SELECT * FROM refused_attempts').all());
    for (const secret of secrets) {
      expect(log).not.toContain(secret);
      expect(events).not.toContain(secret);
      expect(attempts).not.toContain(secret);
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
    expect(log).toContain('"username":"wang.sj"');
    expect(count("SELECT count(*) AS n FROM transition_log WHERE event IN ('SET_PASSWORD', 'CHANGE_PASSWORD')")).toBe(3);
  });
});
