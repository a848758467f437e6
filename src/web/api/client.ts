/**
 * The one way the web application talks to the service: the public REST API, through openapi-fetch
 * typed by the schema openapi-typescript generates from openapi/openapi.json (src/web/api/schema.d.ts,
 * `npm run client:generate`), plus a small hand-typed wrapper for the session routes, which the
 * document does not describe yet.
 *
 * The session lives in an HttpOnly cookie the browser sends by itself (same origin); every write
 * also carries the CSRF token the session answered, kept in memory only.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { language } from '../i18n';
import type { components, paths } from './schema';

export type Project = components['schemas']['Project'];
export type MachineDefinition = components['schemas']['MachineDefinition'];
export type ProjectEvent = NonNullable<paths['/api/v1/projects/{id}/events']['post']['requestBody']>['content']['application/json'];

/** An RFC 9457 problem document as the service answers it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  [key: string]: unknown;
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function headersFor(method: string, headers: Headers): Headers {
  headers.set('Accept-Language', language.value === 'zh' ? 'zh-CN' : 'en');
  if (!SAFE.has(method.toUpperCase()) && csrfToken) headers.set('X-CSRF-Token', csrfToken);
  return headers;
}

/** What to do when the service says the session is gone (401) or a new password is due (403 password_change_required). */
let onSessionLost: ((reason: 'unauthenticated' | 'password_change_required') => void) | null = null;

export function whenSessionLost(handler: (reason: 'unauthenticated' | 'password_change_required') => void): void {
  onSessionLost = handler;
}

const session: Middleware = {
  onRequest({ request }) {
    headersFor(request.method, request.headers);
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) onSessionLost?.('unauthenticated');
    else if (response.status === 403) {
      const problem: unknown = await response
        .clone()
        .json()
        .catch(() => null);
      if (problem && typeof problem === 'object' && (problem as Problem).code === 'password_change_required') onSessionLost?.('password_change_required');
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(session);

/** The problem of a refused answer, or a stand-in when the body is not one (a proxy's page, a dropped connection). */
export function asProblem(error: unknown, response?: Response): Problem {
  if (error && typeof error === 'object' && ('title' in error || 'detail' in error)) return error as Problem;
  const status = response?.status;
  return {
    title: status ? `HTTP ${status}` : '网络错误 / Network error',
    detail: error instanceof Error ? error.message : '服务未给出说明 / The service gave no explanation',
    ...(status ? { status } : {}),
  };
}

export class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly status: number,
  ) {
    super(problem.title ?? `HTTP ${status}`);
  }
}

// ---- The session routes (hand-typed until openapi.json describes them) ----

export interface SessionUser {
  id: string;
  name: string;
  role: string;
  unitId: string | null;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
  expiresAt: string;
  mustChangePassword: boolean;
}

async function sessionCall(method: string, path: string, body?: unknown): Promise<Response> {
  const headers = headersFor(method, new Headers({ Accept: 'application/json' }));
  if (body !== undefined) headers.set('Content-Type', 'application/json');
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) init.body = JSON.stringify(body);
  let response: Response;
  try {
    response = await fetch(`/api/v1/session${path}`, init);
  } catch (error) {
    throw new ProblemError(asProblem(error), 0);
  }
  if (!response.ok) {
    const problem: unknown = await response.json().catch(() => null);
    throw new ProblemError(asProblem(problem, response), response.status);
  }
  return response;
}

async function sessionBody(response: Response): Promise<Session> {
  const body = (await response.json()) as Session;
  setCsrfToken(body.csrfToken);
  return body;
}

export const sessionApi = {
  /** POST /api/v1/session: logs in; 401 bad credentials, 423/429 locked (Retry-After). */
  async login(username: string, password: string): Promise<Session> {
    return sessionBody(await sessionCall('POST', '', { username, password }));
  },
  /** GET /api/v1/session: the cookie's session, or null when there is none (401). */
  async current(): Promise<Session | null> {
    try {
      return await sessionBody(await sessionCall('GET', ''));
    } catch (error) {
      if (error instanceof ProblemError && error.status === 401) return null;
      throw error;
    }
  },
  /** DELETE /api/v1/session: logs out. */
  async logout(): Promise<void> {
    await sessionCall('DELETE', '');
    setCsrfToken(null);
  },
  /** POST /api/v1/session/password. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await sessionCall('POST', '/password', { currentPassword, newPassword });
  },
};
