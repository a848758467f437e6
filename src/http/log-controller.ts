import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { redactedUrl } from './redact.js';

/**
 * One log line per request, when it completes, with what an operator looks for: method, URL,
 * status, time and the authenticated user. Fastify's default writes a second "incoming request"
 * line per request, which doubled the logging cost of the hot path. Headers are never logged, and a
 * token a client put in the URL is redacted.
 */
export class OneLineLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      super.requestCompleted(error, request, reply);
      return;
    }
    request.log.info(
      {
        method: request.method,
        url: redactedUrl(request.url),
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        user: request.principal?.id,
      },
      'request completed',
    );
  }
}
