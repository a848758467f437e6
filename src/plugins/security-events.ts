/**
 * Records every refused write (401, 403, 404, 409, 412, 422, 428 to POST, PATCH, PUT or DELETE)
 * in `security_events`: who tried, what, when and why. The record is committed (with the group
 * of writes in flight) before the refusal is answered, and a failure to record never changes or
 * fails the answer. Tokens and request bodies are never stored.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { recordSecurityEvent, type NewSecurityEvent } from '../audit/security-events.repository.js';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const REFUSALS = new Set([401, 403, 404, 409, 412, 422, 428]);
/** Query parameters whose values are never stored. */
const SECRET_PARAM = /token|key|secret|password|auth/i;
const MAX_TEXT = 2000;

const clip = (text: string, max = MAX_TEXT): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function redactedUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return clip(url);
  const params = new URLSearchParams(url.slice(query + 1));
  for (const name of [...params.keys()]) if (SECRET_PARAM.test(name)) params.set(name, '[redacted]');
  return clip(`${url.slice(0, query)}?${params.toString()}`);
}

function problemOf(payload: unknown): { type: string; detail: string } {
  if (typeof payload === 'string') {
    try {
      const document = JSON.parse(payload) as { type?: unknown; detail?: unknown };
      return {
        type: typeof document.type === 'string' ? clip(document.type, 200) : 'about:blank',
        detail: typeof document.detail === 'string' ? clip(document.detail) : '',
      };
    } catch {
      // not a problem document; fall through
    }
  }
  return { type: 'about:blank', detail: '' };
}

function stringField(value: unknown, name: string): string | null {
  const field = value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
  return typeof field === 'string' ? clip(field, 200) : null;
}

export default fp(
  async function securityEventsPlugin(app: FastifyInstance, options: { db: Db; clock: Clock; committer: GroupCommitter }) {
    app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
      if (!WRITE_METHODS.has(request.method) || !REFUSALS.has(reply.statusCode)) return done(null, payload);
      const route = request.routeOptions.url ?? '(no route)';
      const names = (pattern: string) => route.startsWith(`/api/v1${pattern}`);
      const { type, detail } = problemOf(payload);
      const event: NewSecurityEvent = {
        at: isoUtc(options.clock.now()),
        requestId: request.id,
        actorId: request.principal?.id ?? null,
        actorRole: request.principal?.role ?? null,
        method: request.method,
        route,
        url: redactedUrl(request.url),
        status: reply.statusCode,
        problemType: type,
        detail,
        projectId: names('/projects/:id') ? stringField(request.params, 'id') : null,
        event: names('/projects/:id/events') ? stringField(request.body, 'type') : null,
      };
      // Recorded through the group committer before the refusal is answered: a burst of refusals
      // shares commits (and fsyncs) with the events in flight, and the record is durable by the
      // time the caller learns the answer. A recording failure never changes the answer.
      options.committer.run(() => recordSecurityEvent(options.db, event)).then(
        () => done(null, payload),
        (error: unknown) => {
          request.log.error({ err: error }, 'could not record a refused attempt');
          done(null, payload);
        },
      );
    });
  },
  { name: 'security-events', dependencies: ['errors', 'auth'] },
);
