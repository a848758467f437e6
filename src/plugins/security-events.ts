/**
 * Records refused attempts. An authenticated caller's refused write (401, 403, 404, 409, 412, 422,
 * 428 to POST, PATCH, PUT or DELETE) is one row of `security_events`: who tried what, when and why.
 * A caller without a valid token is counted instead, per source, minute and kind of refusal, in
 * `refused_attempts`: its refused writes, and its failed or rate-limited authentications (401,
 * 429) on any method. Anonymous noise thus costs a row per minute, not a row per request.
 *
 * The record is committed (with the group of writes in flight) before the refusal is answered,
 * and a failure to record never changes or fails the answer. Tokens and request bodies are never
 * stored. Both tables are pruned of what is older than the retention period at start and hourly.
 *
 * Why it was refused is the problem the error handler answered (`request.problem`); what it
 * addressed is what the route declares in its config: `subject` names the kind and the params
 * field holding its id, `eventField` the body field naming the attempted event.
 */
import { redactedUrl } from '../http/redact.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { countRefusedAttempt, pruneRefusals, recordSecurityEvent, type NewSecurityEvent } from '../audit/security-events.repository.js';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { GroupCommitter } from '../db/group-commit.js';
import type { SubjectKind } from '../db/schema.js';
import { problemType } from '../http/problems.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route addresses: the subject of this kind whose id is in `params[param]`. */
    subject?: { kind: SubjectKind; param: string };
    /** The body field that names the event a write attempts. */
    eventField?: string;
  }
}

export interface SecurityEventsOptions {
  db: Db;
  clock: Clock;
  committer: GroupCommitter;
  /** Refusals older than this many days are deleted; 0 keeps them forever. */
  retentionDays: number;
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const REFUSALS = new Set([401, 403, 404, 409, 412, 422, 428]);
const MAX_TEXT = 2000;
const DAY_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

const clip = (text: string, max = MAX_TEXT): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function stringField(value: unknown, name: string): string | null {
  const field = value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
  return typeof field === 'string' ? clip(field, 200) : null;
}

/** What to keep of an answer: an authenticated refusal's own row, an anonymous refusal's count, or nothing. */
function kindOfRecord(request: FastifyRequest, status: number): 'event' | 'count' | null {
  const write = WRITE_METHODS.has(request.method);
  if (request.principal) return write && REFUSALS.has(status) ? 'event' : null;
  if (status === 401 || status === 429) return 'count';
  return write && REFUSALS.has(status) ? 'count' : null;
}

export default fp(
  async function securityEventsPlugin(app: FastifyInstance, options: SecurityEventsOptions) {
    const { db, clock, committer } = options;
    app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
      const kind = kindOfRecord(request, reply.statusCode);
      if (!kind) return done(null, payload);
      const { url: route = '(no route)', config } = request.routeOptions;
      const { problem } = request;
      const at = isoUtc(clock.now());
      const type = problem ? problemType(problem.kind) : 'about:blank';
      let record: () => void;
      if (kind === 'count') {
        const attempt = { source: request.ip, method: request.method, route, status: reply.statusCode, problemType: type, at, requestId: request.id };
        record = () => countRefusedAttempt(db, attempt);
      } else {
        const subjectId = config.subject ? stringField(request.params, config.subject.param) : null;
        const event: NewSecurityEvent = {
          at,
          requestId: request.id,
          actorId: request.principal?.id ?? null,
          actorRole: request.principal?.role ?? null,
          method: request.method,
          route,
          url: clip(redactedUrl(request.url)),
          status: reply.statusCode,
          problemType: type,
          detail: problem ? clip(problem.message) : '',
          projectId: config.subject?.kind === 'project' ? subjectId : null,
          event: config.eventField ? stringField(request.body, config.eventField) : null,
          subjectKind: config.subject && subjectId !== null ? config.subject.kind : null,
          subjectId,
          source: request.ip,
        };
        record = () => recordSecurityEvent(db, event);
      }
      // Recorded through the group committer before the refusal is answered: a burst of refusals
      // shares commits (and fsyncs) with the events in flight, and the record is durable by the
      // time the caller learns the answer. A recording failure never changes the answer.
      committer.run(record).then(
        () => done(null, payload),
        (error: unknown) => {
          request.log.error({ err: error }, 'could not record a refused attempt');
          done(null, payload);
        },
      );
    });

    if (options.retentionDays <= 0) return;
    const prune = async () => {
      const cutoff = isoUtc(clock.now() - options.retentionDays * DAY_MS);
      try {
        const deleted = await committer.run(() => pruneRefusals(db, cutoff));
        if (deleted.securityEvents + deleted.refusedAttempts > 0) app.log.info({ cutoff, deleted }, 'pruned refused attempts past their retention');
      } catch (error) {
        app.log.error({ err: error }, 'could not prune refused attempts');
      }
    };
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      await prune();
      timer = setInterval(() => void prune(), PRUNE_EVERY_MS);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
    });
  },
  { name: 'security-events', dependencies: ['errors', 'auth'] },
);
