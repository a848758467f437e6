/**
 * Records every refused write (401, 403, 404, 409, 412, 422, 428 to POST, PATCH, PUT or DELETE)
 * in `security_events`: who tried, what, when and why. The record is committed (with the group
 * of writes in flight) before the refusal is answered, and a failure to record never changes or
 * fails the answer. Tokens and request bodies are never stored.
 *
 * Why it was refused is the problem the error handler answered (`request.problem`); what it
 * addressed is what the route declares in its config: `subject` names the params field holding
 * the project, `eventField` the body field naming the attempted event.
 */
import { redactedUrl } from '../http/redact.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { recordSecurityEvent, type NewSecurityEvent } from '../audit/security-events.repository.js';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import { problemType } from '../http/problems.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route addresses: the project whose id is in `params[param]`. */
    subject?: { kind: 'project'; param: string };
    /** The body field that names the event a write attempts. */
    eventField?: string;
  }
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const REFUSALS = new Set([401, 403, 404, 409, 412, 422, 428]);
const MAX_TEXT = 2000;

const clip = (text: string, max = MAX_TEXT): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function stringField(value: unknown, name: string): string | null {
  const field = value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
  return typeof field === 'string' ? clip(field, 200) : null;
}

export default fp(
  async function securityEventsPlugin(app: FastifyInstance, options: { db: Db; clock: Clock; committer: GroupCommitter }) {
    app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
      if (!WRITE_METHODS.has(request.method) || !REFUSALS.has(reply.statusCode)) return done(null, payload);
      const { url: route = '(no route)', config } = request.routeOptions;
      const { problem } = request;
      const event: NewSecurityEvent = {
        at: isoUtc(options.clock.now()),
        requestId: request.id,
        actorId: request.principal?.id ?? null,
        actorRole: request.principal?.role ?? null,
        method: request.method,
        route,
        url: clip(redactedUrl(request.url)),
        status: reply.statusCode,
        problemType: problem ? problemType(problem.kind) : 'about:blank',
        detail: problem ? clip(problem.message) : '',
        projectId: config.subject?.kind === 'project' ? stringField(request.params, config.subject.param) : null,
        event: config.eventField ? stringField(request.body, config.eventField) : null,
        subjectKind: config.subject?.kind ?? null,
        subjectId: config.subject ? stringField(request.params, config.subject.param) : null,
        source: request.ip,
      };
      // Recorded through the group committer before the refusal is answered: a burst of refusals
      // shares commits (and fsyncs) with the events in flight, and the record is durable by the
      // time the caller learns the answer. A recording failure never changes the answer.
      options.committer
        .run(() => recordSecurityEvent(options.db, event))
        .then(
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
