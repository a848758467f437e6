/**
 * Login for people: the session (log in, look, log out, change the password), the caller's
 * sessions, and an admin's setting of a user's initial password. See src/auth/sessions.service.ts.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { redactedUrl } from '../http/redact.js';
import { IdParams, json, problems, ref } from '../http/schemas.js';
import type { App } from '../http/type-provider.js';
import { Problem } from '../http/problems.js';
import { principalOf, sessionOf } from '../plugins/auth.js';
import type { UsersService } from '../users/users.service.js';
import {
  ChangePasswordBody,
  LoginBody,
  PASSWORD_SET_EXAMPLE,
  PasswordSetSchema,
  SESSION_EXAMPLE,
  SESSION_LIST_EXAMPLE,
  SessionIdParams,
  SessionListSchema,
  SessionSchema,
  SessionsQuerySchema,
  SetPasswordBody,
} from './session.schemas.js';
import { LockedProblem, type LoginMeta, type SessionsService } from './sessions.service.js';

const meta = (request: FastifyRequest): LoginMeta => ({
  ip: request.ip,
  userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  requestId: request.id,
  url: redactedUrl(request.url),
});

/** Runs `work`; a locked account answers 429 with Retry-After. */
async function withRetryAfter<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LockedProblem) reply.header('Retry-After', String(error.retryAfter));
    throw error;
  }
}

const SET_COOKIE = {
  type: 'string' as const,
  description: '会话 Cookie：lixiang_session=…; Path=/; Max-Age=…; HttpOnly; SameSite=Strict（HTTPS 部署另加 Secure）/ The session cookie',
};
const CLEAR_COOKIE = { type: 'string' as const, description: '清除会话 Cookie（Max-Age=0）/ Clears the session cookie (Max-Age=0)' };

export async function sessionRoutes(app: App, { sessions, users }: { sessions: SessionsService; users: UsersService }) {
  app.post(
    '/session',
    {
      config: { public: true },
      schema: {
        operationId: 'createSession',
        tags: ['admin'],
        summary: '登录 / Log in',
        description:
          '以用户名与密码登录，应答设置 HttpOnly、SameSite=Strict 的会话 Cookie，并给出本会话的 CSRF 令牌：凭 Cookie 的每个写请求须在 X-CSRF-Token 请求头中带上它。' +
          '用户名或密码错误一律答 401（不区分二者），每次失败记入该用户的安全事件（LOGIN_FAILED）；连续失败 5 次后账户锁定 15 分钟，之后每再失败一次锁定时间加倍（最长 24 小时），' +
          '锁定期间即使密码正确也答 429 并带 Retry-After；登录成功则清零，日志记 LOG_IN（含会话编号，不含 Cookie）。会话闲置 8 小时或登录 7 天后失效（可配置）。mustChangePassword 为 true 时须先修改密码。\n' +
          'Logs in with a username and password. The answer sets the session cookie (HttpOnly, SameSite=Strict) and gives the session’s CSRF token: every write made with the ' +
          'cookie repeats it in the X-CSRF-Token header. A wrong username or password answers 401 alike; each failure is recorded as a security event (LOGIN_FAILED) of the user. ' +
          'After 5 consecutive failures the account is locked for 15 minutes, doubling with each further failure up to 24 hours; while locked even the right password answers 429 ' +
          'with Retry-After. A success resets the count and is logged as LOG_IN (with the session’s id, never its cookie). A session ends after 8 hours idle or 7 days after the login (configurable). With mustChangePassword, change the password first.',
        security: [],
        body: LoginBody,
        response: {
          201: json(ref(SessionSchema), '已登录 / Logged in', { session: { summary: '申报人登录 / An applicant logs in', value: SESSION_EXAMPLE } }, { 'Set-Cookie': SET_COOKIE }),
          ...problems('unauthenticated', 'rate-limited'),
        },
      },
    },
    async (request, reply) => {
      const { cookieValue, view } = await withRetryAfter(reply, () => sessions.login(request.body.username, request.body.password, meta(request)));
      reply.header('Set-Cookie', sessions.cookie(cookieValue));
      reply.header('Cache-Control', 'no-store');
      return reply.code(201).send(view);
    },
  );

  app.get(
    '/session',
    {
      config: { sessionOnly: true, duringPasswordChange: true },
      schema: {
        operationId: 'getSession',
        tags: ['admin'],
        summary: '当前会话 / The current session',
        description:
          '凭会话 Cookie 调用：当前用户、CSRF 令牌、结束时间、是否须修改密码。持令牌（Bearer）调用答 401。\n' +
          'With the session cookie: the user, the CSRF token, when the session ends, whether the password must be changed. A bearer token answers 401.',
        response: { 200: json(ref(SessionSchema), '当前会话 / The current session', { session: { summary: '申报人的会话 / An applicant’s session', value: SESSION_EXAMPLE } }) },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return sessions.view(principalOf(request), sessionOf(request));
    },
  );

  app.delete(
    '/session',
    {
      config: { sessionOnly: true, duringPasswordChange: true },
      schema: {
        operationId: 'deleteSession',
        tags: ['admin'],
        summary: '退出登录 / Log out',
        description:
          '注销当前会话并清除 Cookie（须带 X-CSRF-Token），日志记 LOG_OUT。\nRevokes the current session and clears the cookie (X-CSRF-Token required); logged as LOG_OUT.',
        response: { 204: { ...Type.Null({ description: '已退出 / Logged out' }), headers: { 'Set-Cookie': CLEAR_COOKIE } } },
      },
    },
    async (request, reply) => {
      await sessions.logout({ actor: principalOf(request), requestId: request.id }, sessionOf(request).id);
      reply.header('Set-Cookie', sessions.clearedCookie());
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/session/password',
    {
      config: { sessionOnly: true, duringPasswordChange: true },
      schema: {
        operationId: 'changeOwnPassword',
        tags: ['admin'],
        summary: '修改自己的密码 / Change the caller’s password',
        description:
          '凭会话 Cookie（须带 X-CSRF-Token）：当前密码须正确（错误时答 422，并计入连续登录失败），新密码至少 10 个字符、与当前密码不同、不含用户名。' +
          '成功后不再要求修改密码，该用户的其他会话全部注销；日志记 CHANGE_PASSWORD（不含密码或其哈希）。\n' +
          'With the session cookie (and X-CSRF-Token): the current password must be right (422 otherwise, counted as a failed login); the new one has at least 10 characters, ' +
          'differs from the current one and does not contain the username. Clears mustChangePassword and revokes the user’s other sessions; logged as CHANGE_PASSWORD (never the password nor its hash).',
        body: ChangePasswordBody,
        response: { 204: Type.Null({ description: '已修改 / Changed' }), ...problems('unprocessable', 'conflict', 'rate-limited') },
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      await withRetryAfter(reply, () =>
        sessions.changePassword({ actor, requestId: request.id }, sessionOf(request), request.body.currentPassword, request.body.newPassword, meta(request)),
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/sessions',
    {
      schema: {
        operationId: 'listSessions',
        tags: ['admin'],
        summary: '有效的登录会话 / The live login sessions',
        description:
          '调用者本人的有效会话，最新的在前；current 标出本次请求所用的会话。管理员可用 ?userId= 查看任一用户的会话（其他角色答 403）。\n' +
          'The caller’s live sessions, newest first; `current` marks the one of this request. Admins may name any user with ?userId= (403 for other roles).',
        querystring: SessionsQuerySchema,
        response: {
          200: json(SessionListSchema, '有效会话 / The live sessions', { sessions: { summary: '一个会话 / One session', value: SESSION_LIST_EXAMPLE } }),
          ...problems(400, 'not-found'),
        },
      },
    },
    async (request) => {
      const caller = principalOf(request);
      const userId = request.query.userId ?? caller.id;
      if (userId !== caller.id) {
        if (caller.role !== 'admin')
          throw new Problem('forbidden', '只有管理员可查看他人的会话 / Only admins may list another user’s sessions', { role: caller.role, allowedRoles: ['admin'] });
        if (!sessions.userExists(userId)) throw new Problem('not-found', `用户不存在 / User ${userId} not found`);
      }
      return { items: sessions.list(userId, request.session?.id ?? null) };
    },
  );

  app.delete(
    '/sessions/:id',
    {
      schema: {
        operationId: 'revokeSession',
        tags: ['admin'],
        summary: '注销一个会话 / Revoke a session',
        description:
          '注销调用者本人的某个会话；管理员可注销任何人的会话；日志在该会话的用户下记 END_SESSION。他人的或不存在的会话答 404；已注销的再注销仍答 204，不记日志。\n' +
          'Revokes one of the caller’s sessions; an admin may revoke anyone’s; logged as END_SESSION on the session’s user. Another user’s or an unknown session answers 404; revoking a revoked one again answers 204 and logs nothing.',
        params: SessionIdParams,
        response: { 204: Type.Null({ description: '已注销 / Revoked' }), ...problems('not-found') },
      },
    },
    async (request, reply) => {
      await sessions.revoke({ actor: principalOf(request), requestId: request.id }, principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/users/:id/password',
    {
      config: { roles: ['admin'], subject: { kind: 'user', param: 'id' } },
      schema: {
        operationId: 'setUserPassword',
        tags: ['admin'],
        summary: '设置用户的初始密码 / Set a user’s initial password',
        description:
          '管理员为用户设置用户名（首次必填，唯一）与初始密码（至少 10 个字符，不含用户名）；用户首次登录后须修改。该用户已有的会话全部注销。' +
          '日志记 SET_PASSWORD 及用户名与理由，从不含密码或其哈希。用户名已被他人占用时 409。\n' +
          'An admin sets the user’s username (needed the first time; unique) and initial password (at least 10 characters, not containing the username); the user must change it ' +
          'at its first login. The user’s sessions are revoked. Logged as SET_PASSWORD with the username and the reason, never the password nor its hash. 409 when another user has the username.',
        params: IdParams,
        body: SetPasswordBody,
        response: {
          200: json(PasswordSetSchema, '已设置 / Set', { first: { summary: '开通登录 / Login enabled', value: PASSWORD_SET_EXAMPLE } }),
          ...problems('not-found', 'conflict', 'unprocessable'),
        },
      },
    },
    async (request) => {
      const { username } = await sessions.setPassword({ actor: principalOf(request), requestId: request.id }, request.params.id, request.body);
      return { user: users.get(request.params.id), username, mustChangePassword: true };
    },
  );
}
