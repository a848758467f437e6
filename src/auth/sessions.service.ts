/**
 * Login for people (issue 17): a username and a password, and a session held in an HttpOnly,
 * SameSite=Strict cookie. Bearer tokens stay for integrators; the auth plugin accepts either.
 *
 * - The cookie's value is 256 random bits (base64url), kept only as its SHA-256; each session has
 *   its own CSRF token, which every write made with the cookie must repeat in X-CSRF-Token.
 * - A session ends after `idleMs` without a request, at `maxMs` after the login however busy, when
 *   revoked (logout, by its user or an admin, a password change, a deactivation of the user).
 * - Failed logins are counted on the user: after 5 in a row the account is locked for 15 minutes,
 *   doubling with each further failure up to 24 hours; during the lock even the right password is
 *   refused (429 with Retry-After). A success resets the count. Each failure (and each attempt
 *   refused by the lock) is a row of security_events (event LOGIN_FAILED, LOGIN_LOCKED) about the
 *   user: attempts, not decisions, kept beside the refused writes the auditors already read, out
 *   of the hash-chained log, which an anonymous guesser must not be able to grow. A session's
 *   start and end are acts of a known person and are log entries on the user's record: LOG_IN,
 *   LOG_OUT, END_SESSION (revoked by its user or an admin), naming the session, never its cookie.
 * - The password and its hash never leave this module: not in answers, the log or security_events.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Role } from '../../machines/project.types.js';
import { recordSecurityEvent } from '../audit/security-events.repository.js';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import { Problem, problemType } from '../http/problems.js';
import { newId } from '../ids.js';
import { appendRecord, type Act } from '../workflow/records.js';
import type { TransitionLogRepository } from '../workflow/transition-log.repository.js';
import { DECOY_HASH, hashPassword, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { hashToken } from './tokens.js';

export const SESSION_COOKIE = 'lixiang_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Consecutive failures before the first lock, the first lock, and the longest. */
export const LOCK_AFTER_FAILURES = 5;
export const FIRST_LOCK_MS = 15 * 60_000;
export const LONGEST_LOCK_MS = 24 * 3_600_000;
/** lastSeenAt is written at most this often per session (the idle timeout is counted from it). */
const TOUCH_EVERY_MS = 60_000;

export interface SessionSettings {
  /** Without a request for this long, the session ends. */
  idleMs: number;
  /** This long after the login, the session ends. */
  maxMs: number;
  /** The cookie carries `Secure`. */
  cookieSecure: boolean;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = { idleMs: 8 * 3_600_000, maxMs: 7 * 86_400_000, cookieSecure: false };

/** The session a request came with. */
export interface RequestSession {
  id: string;
  userId: string;
  csrfToken: string;
  mustChangePassword: boolean;
  /** When it ends unless used again (idle) or at the latest (absolute), epoch ms. */
  expiresAt: number;
}

/** What the session routes answer of a session. */
export interface SessionView {
  user: { id: string; name: string; role: Role; unitId: string | null };
  csrfToken: string;
  expiresAt: string;
  mustChangePassword: boolean;
}

export interface SessionListItem {
  id: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

/** Where a login attempt came from. */
export interface LoginMeta {
  ip: string;
  userAgent: string | null;
  requestId: string;
  url: string;
}

interface SessionRecord {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  revokedAt: string | null;
  name: string;
  role: Role;
  unitId: string | null;
  active: number;
  mustChangePassword: number | null;
}

interface CredentialRecord {
  userId: string;
  username: string;
  passwordHash: string | null;
  mustChangePassword: number;
  failedLogins: number;
  lockedUntil: string | null;
  name: string;
  role: Role;
  unitId: string | null;
  active: number;
}

const USERNAME = /^[a-z0-9._-]{3,32}$/;

/** The value of one cookie of a Cookie header (RFC 6265 `name=value; name2=value2`), or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return null;
}

/** Whether two secrets are equal, in time independent of where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** How long the lock after `failures` consecutive failures lasts; 0 below the threshold. */
export function lockDuration(failures: number): number {
  if (failures < LOCK_AFTER_FAILURES) return 0;
  return Math.min(LONGEST_LOCK_MS, FIRST_LOCK_MS * 2 ** Math.min(failures - LOCK_AFTER_FAILURES, 20));
}

const wrongCredentials = () => new Problem('unauthenticated', '用户名或密码错误 / Wrong username or password', { code: 'invalid_credentials' });

/** The account is locked: 429 with Retry-After (the route sets the header from `retryAfter`). */
export class LockedProblem extends Problem {
  constructor(readonly retryAfter: number) {
    super('rate-limited', `登录失败次数过多，账户已锁定，请 ${retryAfter} 秒后再试 / Too many failed logins: the account is locked; retry in ${retryAfter} s`, {
      code: 'account_locked',
      retryAfter,
    });
  }
}

export class SessionsService {
  private readonly byTokenHash: Statement<[string], SessionRecord>;
  private readonly touchStatement: Statement<[string, string]>;
  private readonly credentialsOf: Statement<[string], CredentialRecord>;
  private readonly credentialsByUser: Statement<[string], CredentialRecord>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly committer: GroupCommitter,
    private readonly log: TransitionLogRepository,
    readonly settings: SessionSettings = DEFAULT_SESSION_SETTINGS,
  ) {
    const sqlite = db.$client;
    this.byTokenHash = sqlite.prepare(
      `SELECT s.id, s.user_id AS userId, s.csrf_token AS csrfToken, s.created_at AS createdAt, s.last_seen_at AS lastSeenAt, s.expires_at AS expiresAt,
              s.revoked_at AS revokedAt, u.name, u.role, u.unit_id AS unitId, u.active, c.must_change_password AS mustChangePassword
         FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN user_credentials c ON c.user_id = s.user_id
        WHERE s.token_hash = ?`,
    );
    this.touchStatement = sqlite.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?');
    const credentials = `SELECT c.user_id AS userId, c.username, c.password_hash AS passwordHash, c.must_change_password AS mustChangePassword,
              c.failed_logins AS failedLogins, c.locked_until AS lockedUntil, u.name, u.role, u.unit_id AS unitId, u.active
         FROM user_credentials c JOIN users u ON u.id = c.user_id`;
    this.credentialsOf = sqlite.prepare(`${credentials} WHERE c.username = ?`);
    this.credentialsByUser = sqlite.prepare(`${credentials} WHERE c.user_id = ?`);
  }

  /** When a session ends unless used again: its idle end or its absolute end, whichever is first. */
  private endOf(lastSeenAt: string, expiresAt: string): number {
    return Math.min(Date.parse(lastSeenAt) + this.settings.idleMs, Date.parse(expiresAt));
  }

  /**
   * The user and session of a cookie's value, or null (unknown, revoked, expired, its user
   * deactivated). Read on every request; the last use is written at most once a minute.
   */
  authenticate(cookieValue: string): { principal: Principal; session: RequestSession } | null {
    if (cookieValue.length < 16 || cookieValue.length > 128) return null;
    const row = this.byTokenHash.get(hashToken(cookieValue));
    if (!row || row.revokedAt !== null || row.active !== 1) return null;
    const now = this.clock.now();
    if (now >= this.endOf(row.lastSeenAt, row.expiresAt)) return null;
    let lastSeenAt = row.lastSeenAt;
    if (now - Date.parse(row.lastSeenAt) >= TOUCH_EVERY_MS) {
      lastSeenAt = isoUtc(now);
      this.touchStatement.run(lastSeenAt, row.id);
    }
    return {
      principal: { id: row.userId, name: row.name, role: row.role, unitId: row.unitId },
      session: {
        id: row.id,
        userId: row.userId,
        csrfToken: row.csrfToken,
        mustChangePassword: row.mustChangePassword === 1,
        expiresAt: this.endOf(lastSeenAt, row.expiresAt),
      },
    };
  }

  /** The answer about a session. */
  view(principal: Principal, session: RequestSession): SessionView {
    return {
      user: { id: principal.id, name: principal.name, role: principal.role, unitId: principal.unitId },
      csrfToken: session.csrfToken,
      expiresAt: isoUtc(session.expiresAt),
      mustChangePassword: session.mustChangePassword,
    };
  }

  /** The seconds the lock of this row still holds, or null when it holds none. */
  private lockLeft(row: Pick<CredentialRecord, 'lockedUntil'>, now: number): number | null {
    if (!row.lockedUntil) return null;
    const left = Date.parse(row.lockedUntil) - now;
    return left > 0 ? Math.max(1, Math.ceil(left / 1000)) : null;
  }

  /** Inside a committer step: one failure more on the user, its lock when due, and its row of security_events. */
  private countFailure(row: CredentialRecord, now: number, meta: LoginMeta, route: string, what: string): number {
    const failures = row.failedLogins + 1;
    const lock = lockDuration(failures);
    const lockedUntil = lock > 0 ? isoUtc(now + lock) : null;
    this.db.$client.prepare('UPDATE user_credentials SET failed_logins = ?, locked_until = ? WHERE user_id = ?').run(failures, lockedUntil, row.userId);
    this.securityEvent(
      row.userId,
      now,
      meta,
      route,
      401,
      'unauthenticated',
      'LOGIN_FAILED',
      `${what}; consecutive failures: ${failures}${lockedUntil ? `; locked until ${lockedUntil}` : ''}`,
    );
    return failures;
  }

  private securityEvent(
    userId: string,
    now: number,
    meta: LoginMeta,
    route: string,
    status: number,
    kind: 'unauthenticated' | 'rate-limited',
    event: string,
    detail: string,
  ): void {
    recordSecurityEvent(this.db, {
      at: isoUtc(now),
      requestId: meta.requestId,
      actorId: null,
      actorRole: null,
      method: 'POST',
      route,
      url: meta.url,
      status,
      problemType: problemType(kind),
      detail,
      projectId: null,
      event,
      subjectKind: 'user',
      subjectId: userId,
      source: meta.ip,
    });
  }

  /**
   * Logs in: 201 with a new session (its cookie value to set, in this answer only), 401 for a
   * wrong username or password alike, 429 with Retry-After while the account is locked.
   */
  async login(given: string, password: string, meta: LoginMeta): Promise<{ cookieValue: string; view: SessionView }> {
    const route = '/api/v1/session';
    // Usernames are lower case; what people type may not be.
    const username = given.trim().toLowerCase();
    const known = USERNAME.test(username) ? this.credentialsOf.get(username) : undefined;
    if (known) {
      const left = this.lockLeft(known, this.clock.now());
      if (left !== null) {
        await this.committer.run(() =>
          this.securityEvent(known.userId, this.clock.now(), meta, route, 429, 'rate-limited', 'LOGIN_LOCKED', `login refused: the account is locked`),
        );
        throw new LockedProblem(left);
      }
    }
    // Unknown users are checked against a decoy hash: the answer takes as long, and says the same.
    const matches = await verifyPassword(password, known?.passwordHash ?? DECOY_HASH);
    const cookieValue = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const outcome = await this.committer.run((): { kind: 'ok'; view: SessionView } | { kind: 'wrong' } | { kind: 'locked'; left: number } => {
      if (!known) return { kind: 'wrong' };
      const row = this.credentialsByUser.get(known.userId);
      const now = this.clock.now();
      if (!row || row.passwordHash !== known.passwordHash) return { kind: 'wrong' };
      const left = this.lockLeft(row, now);
      if (left !== null) {
        this.securityEvent(row.userId, now, meta, route, 429, 'rate-limited', 'LOGIN_LOCKED', 'login refused: the account is locked');
        return { kind: 'locked', left };
      }
      if (!matches || row.passwordHash === null) {
        this.countFailure(row, now, meta, route, 'wrong password');
        return { kind: 'wrong' };
      }
      if (row.active !== 1) {
        // The right password of a deactivated user: refused alike, recorded, but not a guess to count.
        this.securityEvent(row.userId, now, meta, route, 401, 'unauthenticated', 'LOGIN_FAILED', 'login of a deactivated user');
        return { kind: 'wrong' };
      }
      this.db.$client.prepare('UPDATE user_credentials SET failed_logins = 0, locked_until = NULL WHERE user_id = ?').run(row.userId);
      const id = newId(now);
      const at = isoUtc(now);
      const expiresAt = isoUtc(now + this.settings.maxMs);
      this.db.$client
        .prepare(
          `INSERT INTO sessions (id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, revoked_at, user_agent, ip)
           VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
        )
        .run(id, hashToken(cookieValue), row.userId, csrfToken, at, at, expiresAt, meta.userAgent ? meta.userAgent.slice(0, 500) : null, meta.ip);
      const principal: Principal = { id: row.userId, name: row.name, role: row.role, unitId: row.unitId };
      // The login on the record: who, when and which session (never the cookie nor its hash).
      appendRecord(
        this.log,
        { actor: { id: row.userId, role: row.role, unitId: row.unitId }, requestId: meta.requestId },
        { subjectKind: 'user', subjectId: row.userId, event: 'LOG_IN', fromState: 'active', toState: 'active', payload: { sessionId: id }, at },
      );
      const session: RequestSession = { id, userId: row.userId, csrfToken, mustChangePassword: row.mustChangePassword === 1, expiresAt: this.endOf(at, expiresAt) };
      return { kind: 'ok', view: this.view(principal, session) };
    });
    if (outcome.kind === 'locked') throw new LockedProblem(outcome.left);
    if (outcome.kind === 'wrong') throw wrongCredentials();
    return { cookieValue, view: outcome.view };
  }

  /** Ends the session (logout), on the record as LOG_OUT. */
  logout(act: Act, sessionId: string): Promise<void> {
    return this.committer.run(() => {
      const at = isoUtc(this.clock.now());
      const ended = this.db.$client.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, sessionId).changes;
      if (ended > 0) this.recordSessionEnd(act, 'LOG_OUT', act.actor.id, sessionId, at);
    });
  }

  /** LOG_OUT or END_SESSION on the user's record; its state does not change. */
  private recordSessionEnd(act: Act, event: 'LOG_OUT' | 'END_SESSION', userId: string, sessionId: string, at: string): void {
    const active = this.db.$client.prepare<[string], { active: number }>('SELECT active FROM users WHERE id = ?').get(userId)?.active === 1;
    const state = active ? 'active' : 'inactive';
    appendRecord(this.log, act, { subjectKind: 'user', subjectId: userId, event, fromState: state, toState: state, payload: { sessionId }, at });
  }

  /**
   * The user changes its own password: the current one must be right (a wrong one counts as a
   * failed login), the new one differs from it. Clears mustChangePassword, ends the user's other
   * sessions; CHANGE_PASSWORD in the log (never the password nor its hash).
   */
  async changePassword(act: Act, session: RequestSession, currentPassword: string, newPassword: string, meta: LoginMeta): Promise<void> {
    const route = '/api/v1/session/password';
    const known = this.credentialsByUser.get(session.userId);
    if (!known?.passwordHash) throw new Problem('unprocessable', '尚未设置密码 / No password is set for this user', { code: 'no_password' });
    const left = this.lockLeft(known, this.clock.now());
    if (left !== null) throw new LockedProblem(left);
    if (newPassword === currentPassword) {
      throw new Problem('unprocessable', '新密码不能与当前密码相同 / The new password must differ from the current one', { field: 'newPassword', code: 'password_unchanged' });
    }
    if (newPassword.toLowerCase().includes(known.username)) {
      throw new Problem('unprocessable', '密码不能包含用户名 / The password must not contain the username', { field: 'newPassword', code: 'password_contains_username' });
    }
    const matches = await verifyPassword(currentPassword, known.passwordHash);
    const newHash = matches ? await hashPassword(newPassword) : null;
    const outcome = await this.committer.run((): 'ok' | 'wrong' | 'stale' => {
      const row = this.credentialsByUser.get(session.userId);
      const now = this.clock.now();
      if (!row || row.passwordHash !== known.passwordHash) return 'stale';
      if (!matches || newHash === null) {
        this.countFailure(row, now, meta, route, 'wrong current password at a password change');
        return 'wrong';
      }
      const at = isoUtc(now);
      this.db.$client
        .prepare('UPDATE user_credentials SET password_hash = ?, must_change_password = 0, failed_logins = 0, locked_until = NULL, password_changed_at = ? WHERE user_id = ?')
        .run(newHash, at, row.userId);
      const revoked = this.db.$client.prepare('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL').run(at, row.userId, session.id).changes;
      const state = row.active === 1 ? 'active' : 'inactive';
      appendRecord(this.log, act, {
        subjectKind: 'user',
        subjectId: row.userId,
        event: 'CHANGE_PASSWORD',
        fromState: state,
        toState: state,
        payload: { revokedSessions: revoked },
        at,
      });
      return 'ok';
    });
    if (outcome === 'stale') throw new Problem('conflict', '密码已被更改，请重新登录 / The password changed meanwhile; log in again', { code: 'password_changed' });
    if (outcome === 'wrong') throw new Problem('unprocessable', '当前密码错误 / The current password is wrong', { field: 'currentPassword', code: 'current_password_invalid' });
  }

  /**
   * An admin sets a user's initial password (and username): the user must change it at its first
   * login; the user's sessions end; SET_PASSWORD in the log with the username and the reason,
   * never the password nor its hash.
   */
  async setPassword(act: Act, userId: string, input: { username?: string | undefined; password: string; reason?: string | undefined }): Promise<{ username: string }> {
    const existing = this.db.$client.prepare<[string], { id: string; active: number }>('SELECT id, active FROM users WHERE id = ?').get(userId);
    if (!existing) throw new Problem('not-found', `用户不存在 / User ${userId} not found`);
    const passwordHash = await hashPassword(input.password);
    return this.committer.run(() => {
      const user = this.db.$client.prepare<[string], { id: string; active: number }>('SELECT id, active FROM users WHERE id = ?').get(userId)!;
      const current = this.db.$client.prepare<[string], { username: string }>('SELECT username FROM user_credentials WHERE user_id = ?').get(userId);
      const username = input.username ?? current?.username;
      if (!username)
        throw new Problem('unprocessable', '首次设置密码须指定用户名 / A username is needed with the first password', { field: 'username', code: 'username_required' });
      if (input.password.toLowerCase().includes(username)) {
        throw new Problem('unprocessable', '密码不能包含用户名 / The password must not contain the username', { field: 'password', code: 'password_contains_username' });
      }
      const holder = this.db.$client.prepare<[string], { userId: string }>('SELECT user_id AS userId FROM user_credentials WHERE username = ?').get(username);
      if (holder && holder.userId !== userId) throw new Problem('conflict', `用户名已被占用 / The username ${username} is taken`, { field: 'username', code: 'username_taken' });
      const now = this.clock.now();
      const at = isoUtc(now);
      this.db.$client
        .prepare(
          `INSERT INTO user_credentials (user_id, username, password_hash, must_change_password, failed_logins, locked_until, password_changed_at)
           VALUES (?, ?, ?, 1, 0, NULL, ?)
           ON CONFLICT (user_id) DO UPDATE SET username = excluded.username, password_hash = excluded.password_hash, must_change_password = 1,
             failed_logins = 0, locked_until = NULL, password_changed_at = excluded.password_changed_at`,
        )
        .run(userId, username, passwordHash, at);
      const revoked = this.revokeAllOf(userId, at);
      const state = user.active === 1 ? 'active' : 'inactive';
      appendRecord(this.log, act, {
        subjectKind: 'user',
        subjectId: userId,
        event: 'SET_PASSWORD',
        fromState: state,
        toState: state,
        payload: {
          username,
          ...(current && current.username !== username ? { usernameChanged: { from: current.username, to: username } } : {}),
          mustChangePassword: true,
          revokedSessions: revoked,
          reason: input.reason ?? null,
        },
        at,
      });
      return { username };
    });
  }

  /** Inside a committer step: ends every session of the user; how many were live. */
  revokeAllOf(userId: string, at: string): number {
    return this.db.$client.prepare('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(at, userId).changes;
  }

  /** The user's live sessions, newest first; `current` marks the caller's own. */
  list(userId: string, currentId: string | null): SessionListItem[] {
    const now = this.clock.now();
    const rows = this.db.$client
      .prepare<[string], Omit<SessionListItem, 'current'>>(
        `SELECT id, user_id AS userId, created_at AS createdAt, last_seen_at AS lastSeenAt, expires_at AS expiresAt, user_agent AS userAgent, ip
           FROM sessions WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1000`,
      )
      .all(userId);
    return rows
      .map((row) => ({ ...row, end: this.endOf(row.lastSeenAt, row.expiresAt) }))
      .filter((row) => row.end > now)
      .map(({ end, ...row }) => ({ ...row, expiresAt: isoUtc(end), current: row.id === currentId }));
  }

  /** Ends one session: the caller's own, or any for an admin; 404 for another's (or none). */
  revoke(act: Act, caller: Principal, sessionId: string): Promise<void> {
    return this.committer.run(() => {
      const row = this.db.$client.prepare<[string], { userId: string }>('SELECT user_id AS userId FROM sessions WHERE id = ?').get(sessionId);
      if (!row || (row.userId !== caller.id && caller.role !== 'admin')) throw new Problem('not-found', `会话不存在 / Session ${sessionId} not found`);
      const at = isoUtc(this.clock.now());
      const ended = this.db.$client.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, sessionId).changes;
      if (ended > 0) this.recordSessionEnd(act, 'END_SESSION', row.userId, sessionId, at);
    });
  }

  /** Whether a user exists (for an admin's ?userId=). */
  userExists(userId: string): boolean {
    return this.db.$client.prepare('SELECT 1 FROM users WHERE id = ?').get(userId) !== undefined;
  }

  /** The Set-Cookie value of a new session. */
  cookie(value: string): string {
    return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${Math.floor(this.settings.maxMs / 1000)}; HttpOnly; SameSite=Strict${this.settings.cookieSecure ? '; Secure' : ''}`;
  }

  /** The Set-Cookie value that removes the cookie. */
  clearedCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${this.settings.cookieSecure ? '; Secure' : ''}`;
  }
}

export { USERNAME as USERNAME_PATTERN };
