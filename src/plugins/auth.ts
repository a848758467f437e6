/**
 * Bearer-token authentication and the role check of each route. Routes say who may call them in
 * `config.roles`; routes marked `config.public` need no token.
 *
 * Failed authentications (a missing, unknown or revoked token on a route that needs one) are
 * limited per source address: after `failuresPerMinute` failures within a minute, the source's
 * further failures answer 429 with Retry-After until that minute has passed. A valid token is
 * still let in from such an address: the limit slows guessing, and a valid token is not a guess;
 * refusing it would let anyone behind the same address (a campus NAT, a proxy) lock every
 * legitimate user there out by sending bad tokens.
 *
 * People log in with a password instead (src/auth/sessions.service.ts): a request without an
 * Authorization header may come with the session cookie. With the cookie, every write (anything but
 * GET, HEAD, OPTIONS) must repeat the session's CSRF token in X-CSRF-Token (403 `csrf_token_missing`
 * / `csrf_token_invalid` otherwise, before anything is read or written), and a user who must change
 * its password may call only the routes marked `config.duringPasswordChange` (403
 * `password_change_required`). Bearer requests need neither. Routes marked `config.sessionOnly`
 * answer only to the cookie (401 otherwise).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../../machines/project.types.js';
import type { Principal } from '../auth/principal.js';
import { CSRF_HEADER, SESSION_COOKIE, readCookie, sameSecret, type RequestSession, type SessionsService } from '../auth/sessions.service.js';
import type { Clock } from '../clock.js';
import { Problem } from '../http/problems.js';
import type { UsersService } from '../users/users.service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No token needed. */
    public?: boolean;
    /** The roles that may call the route; omitted: any authenticated user. */
    roles?: readonly Role[];
    /** Callable with the session cookie only (the session's own routes). */
    sessionOnly?: boolean;
    /** Callable by a user who must change its password first. */
    duringPasswordChange?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The login session the request came with; null for a bearer token (or none). */
    session: RequestSession | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/;

/** The authenticated caller; routes that are not public can rely on it. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Problem('unauthenticated', '需要登录 / Authentication required');
  return request.principal;
}

const WINDOW_MS = 60_000;

/**
 * Failed authentications per source, in fixed one-minute windows. In memory and bounded: at most
 * `capacity` sources, the oldest window dropped first (windows are kept in the order they began,
 * so expired ones are at the front).
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly failuresPerMinute: number,
    private readonly clock: Clock,
    private readonly capacity = 10_000,
  ) {}

  /** Counts a failure of `source`; the seconds it must wait when it is over the limit, else null. */
  fail(source: string): number | null {
    const now = this.clock.now();
    let window = this.windows.get(source);
    if (!window || now - window.start >= WINDOW_MS) {
      this.windows.delete(source);
      this.evict(now);
      window = { start: now, failures: 0 };
      this.windows.set(source, window);
    }
    window.failures += 1;
    if (window.failures <= this.failuresPerMinute) return null;
    return Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
  }

  /** Sources tracked now (for tests of the bound). */
  get size(): number {
    return this.windows.size;
  }

  private evict(now: number): void {
    for (const [source, window] of this.windows) {
      if (now - window.start < WINDOW_MS && this.windows.size < this.capacity) break;
      this.windows.delete(source);
    }
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session a route needs; 401 without one (a bearer token is not a session). */
export function sessionOf(request: FastifyRequest): RequestSession {
  if (!request.session) throw new Problem('unauthenticated', '需要登录会话 / A login session (cookie) is required');
  return request.session;
}

export interface AuthOptions {
  users: UsersService;
  sessions: SessionsService;
  clock: Clock;
  /** Failed authentications per source and minute before 429; 0: no limit. */
  failuresPerMinute: number;
}

export default fp(
  async function authPlugin(app: FastifyInstance, options: AuthOptions) {
    const limiter = options.failuresPerMinute > 0 ? new AuthFailureLimiter(options.failuresPerMinute, options.clock) : null;
    app.decorateRequest('principal', null);
    app.decorateRequest('session', null);
    app.addHook('onRequest', (request, reply, done) => {
      const config = request.routeOptions.config;
      if (config.public || !request.routeOptions.url) return done();
      const header = request.headers.authorization;
      const cookie = header ? null : readCookie(request.headers.cookie, SESSION_COOKIE);
      let principal: Principal | null = null;
      let session: RequestSession | null = null;
      if (header) {
        const match = BEARER.exec(header);
        principal = match?.[1] ? options.users.authenticate(match[1]) : null;
      } else if (cookie) {
        const found = options.sessions.authenticate(cookie);
        if (found) ({ principal, session } = found);
      }
      if (!principal) {
        const wait = limiter?.fail(request.ip) ?? null;
        if (wait !== null) {
          reply.header('Retry-After', String(wait));
          return done(
            new Problem('rate-limited', `认证失败过多，请 ${wait} 秒后再试 / Too many failed authentications from this address; retry in ${wait} s`, {
              limit: options.failuresPerMinute,
              windowSeconds: WINDOW_MS / 1000,
            }),
          );
        }
        reply.header('WWW-Authenticate', 'Bearer realm="lixiang"');
        const detail = header
          ? '令牌无效或已停用 / Unknown, malformed or revoked token'
          : cookie
            ? '会话无效、已过期或已注销 / Unknown, expired or revoked session'
            : '缺少 Authorization: Bearer 令牌或登录会话 / Missing bearer token or login session';
        return done(new Problem('unauthenticated', detail));
      }
      if (config.sessionOnly && !session) {
        return done(new Problem('unauthenticated', '此接口只接受登录会话（Cookie）/ This route needs a login session (cookie), not a bearer token', { code: 'session_required' }));
      }
      // Set before the checks below, so that their refusals are recorded as the user's.
      request.principal = principal;
      request.session = session;
      if (session) {
        if (!SAFE_METHODS.has(request.method)) {
          const given = request.headers[CSRF_HEADER];
          if (typeof given !== 'string' || given.length === 0) {
            return done(new Problem('forbidden', '写操作须带 X-CSRF-Token 请求头 / A write with the session cookie needs the X-CSRF-Token header', { code: 'csrf_token_missing' }));
          }
          if (!sameSecret(given, session.csrfToken)) {
            return done(new Problem('forbidden', 'X-CSRF-Token 与会话不符 / X-CSRF-Token does not match the session', { code: 'csrf_token_invalid' }));
          }
        }
        if (session.mustChangePassword && !config.duringPasswordChange) {
          return done(new Problem('forbidden', '请先修改初始密码 / Change the initial password first', { code: 'password_change_required' }));
        }
      }
      const roles = config.roles;
      if (roles && !roles.includes(principal.role)) {
        return done(
          new Problem('forbidden', `角色 ${principal.role} 无权调用此接口 / Role ${principal.role} may not call this route`, {
            role: principal.role,
            allowedRoles: roles,
          }),
        );
      }
      done();
    });
  },
  { name: 'auth', dependencies: ['errors'] },
);
