/**
 * One place where every failure becomes an RFC 9457 problem document. Internals of a 5xx never
 * leave the process: they are logged with the request id and answered with a generic problem.
 * The title follows `Accept-Language` (zh-CN by default, en); `titles` carries both. The problem
 * answered stays on the request (`request.problem`) for the hooks that run after it.
 */
import { DatabaseUnavailableError } from '../db/pg/sync-client.js';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CONTENT_LANGUAGE, DEFAULT_LANGUAGE, negotiateLanguage } from '../http/language.js';
import { DATABASE_RETRY_AFTER_SECONDS, Problem, SHUTTING_DOWN_DETAIL, SHUTTING_DOWN_RETRY_AFTER_SECONDS, problemDocument, problemType } from '../http/problems.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The problem this request was answered with; null unless the answer is a problem document. */
    problem: Problem | null;
  }
}

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

function describeValidation(error: FastifyError): { detail: string; errors: Array<Record<string, unknown>> } {
  const issues = (error.validation ?? []) as ValidationIssue[];
  const errors = issues.map((issue) => {
    const location = `${error.validationContext ?? 'body'}${issue.instancePath ?? ''}`;
    if (issue.keyword === 'discriminator') {
      const given: unknown = issue.params?.tag;
      const tag = typeof given === 'string' ? given : 'type';
      return { location, field: tag, message: `未知或缺失的事件类型 / unknown or missing "${tag}"; see GET /api/v1/machine for the events` };
    }
    if (issue.keyword === 'additionalProperties') {
      const field = String(issue.params?.additionalProperty);
      return { location, field, message: `未知字段 / unknown field "${field}"` };
    }
    return { location, message: issue.message ?? 'invalid' };
  });
  const first = errors[0];
  const detail = first ? `${first.location}: ${String(first.message)}` : error.message;
  return { detail, errors };
}

/** The problem an error is answered with. */
function classify(error: FastifyError): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof DatabaseUnavailableError) {
    return new Problem('database-unavailable', '数据库暂时不可用，请稍后重试 / The database is unavailable; retry in a few seconds');
  }
  if (error.validation) {
    const { detail, errors } = describeValidation(error);
    return new Problem('validation-failed', detail, { errors });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem('payload-too-large', '请求体超过上限 / The body exceeds the size limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Problem('unsupported-media-type', '请使用 application/json / Send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new Problem('validation-failed', `请求体不是有效的 JSON / ${error.message}`);
  }
  if (error.statusCode === 400 || (error as { status?: number }).status === 400 || error instanceof SyntaxError) {
    return new Problem('validation-failed', error.message);
  }
  if (error.statusCode === 413) return new Problem('payload-too-large', error.message);
  if (error.statusCode === 415) return new Problem('unsupported-media-type', error.message);
  return new Problem('internal', '服务器内部错误，已记录 / Internal error; it has been logged');
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  request.problem = problem;
  const language = negotiateLanguage(request.headers['accept-language']);
  const document = problemDocument(problem.kind, problem.message, request.url, problem.extensions, language);
  const vary = String(reply.getHeader('vary') ?? '');
  if (problem.kind === 'database-unavailable') reply.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
  return reply
    .code(document.status)
    .type(PROBLEM_JSON)
    .header('Content-Language', CONTENT_LANGUAGE[language])
    .header('Vary', /\baccept-language\b/i.test(vary) ? vary : vary ? `${vary}, Accept-Language` : 'Accept-Language')
    .send(JSON.stringify(document));
}

/**
 * The errors Fastify's router raises before any route or hook runs (a malformed percent-encoding,
 * a path parameter over the length limit), as problem documents like every other refusal.
 */
export function frameworkProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem =
    error.code === 'FST_ERR_BAD_URL'
      ? new Problem('validation-failed', '路径含无效的编码 / The path has a malformed component')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new Problem('uri-too-long', '路径参数过长 / A path parameter is longer than the service accepts')
        : classify(error);
  void sendProblem(request, reply, problem);
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers over the size limit, a
 * malformed request line) are answered with a problem document on the socket, then closed.
 */
export function clientErrorProblem(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const kind = error.code === 'HPE_HEADER_OVERFLOW' ? 'headers-too-large' : 'validation-failed';
  const detail = kind === 'headers-too-large' ? '请求头过大 / The request headers are larger than the service accepts' : '请求无法解析 / The request could not be parsed';
  const document = problemDocument(kind, detail, undefined, {}, DEFAULT_LANGUAGE);
  const body = JSON.stringify(document);
  socket.end(
    `HTTP/1.1 ${document.status} ${STATUS_CODES[document.status] ?? ''}\r\nContent-Type: ${PROBLEM_JSON}\r\nContent-Language: ${CONTENT_LANGUAGE[DEFAULT_LANGUAGE]}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export default fp(
  async function errorsPlugin(app: FastifyInstance) {
    app.decorateRequest('problem', null);
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const problem = classify(error);
      if (problem.kind === 'internal') request.log.error({ err: error }, 'request failed');
      else request.log.info({ problem: problemType(problem.kind), status: problem.status }, 'request refused');
      return sendProblem(request, reply, problem);
    });

    // Closing: requests still arriving on open keep-alive connections are refused with a problem
    // document and Retry-After (Fastify's own 503 is plain JSON, hence return503OnClosing: false).
    // Requests already past this hook finish normally; Fastify sets Connection: close on all.
    let closing = false;
    app.addHook('preClose', (done) => {
      closing = true;
      done();
    });
    app.addHook('onRequest', (_request, reply, done) => {
      if (!closing) return done();
      reply.header('Retry-After', String(SHUTTING_DOWN_RETRY_AFTER_SECONDS));
      done(new Problem('shutting-down', SHUTTING_DOWN_DETAIL));
    });

    app.setNotFoundHandler((request, reply) => sendProblem(request, reply, new Problem('not-found', `没有此路径 / No route ${request.method} ${request.url}`)));
  },
  { name: 'errors' },
);
