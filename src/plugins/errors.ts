/**
 * One place where every failure becomes an RFC 9457 problem document. Internals of a 5xx never
 * leave the process: they are logged with the request id and answered with a generic problem.
 * The title follows `Accept-Language` (zh-CN by default, en); `titles` carries both.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CONTENT_LANGUAGE, negotiateLanguage } from '../http/language.js';
import {
  PROBLEM_KINDS,
  Problem,
  SHUTTING_DOWN_DETAIL,
  SHUTTING_DOWN_RETRY_AFTER_SECONDS,
  problemDocument,
  problemType,
  type ProblemKind,
} from '../http/problems.js';

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
      const tag = String(issue.params?.tag ?? 'type');
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

function classify(error: FastifyError): { kind: ProblemKind; detail: string; extensions: Record<string, unknown> } {
  if (error instanceof Problem) return { kind: error.kind, detail: error.message, extensions: error.extensions };
  if (error.validation) {
    const { detail, errors } = describeValidation(error);
    return { kind: 'validation-failed', detail, extensions: { errors } };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { kind: 'payload-too-large', detail: '请求体超过上限 / The body exceeds the size limit', extensions: {} };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { kind: 'unsupported-media-type', detail: '请使用 application/json / Send application/json', extensions: {} };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { kind: 'validation-failed', detail: `请求体不是有效的 JSON / ${error.message}`, extensions: {} };
  }
  if (error.statusCode === 400 || (error as { status?: number }).status === 400 || error instanceof SyntaxError) {
    return { kind: 'validation-failed', detail: error.message, extensions: {} };
  }
  if (error.statusCode === 413) return { kind: 'payload-too-large', detail: error.message, extensions: {} };
  if (error.statusCode === 415) return { kind: 'unsupported-media-type', detail: error.message, extensions: {} };
  return { kind: 'internal', detail: '服务器内部错误，已记录 / Internal error; it has been logged', extensions: {} };
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, kind: ProblemKind, detail: string, extensions: Record<string, unknown> = {}) {
  const language = negotiateLanguage(request.headers['accept-language']);
  const document = problemDocument(kind, detail, request.url, extensions, language);
  const vary = String(reply.getHeader('vary') ?? '');
  return reply
    .code(document.status)
    .type(PROBLEM_JSON)
    .header('Content-Language', CONTENT_LANGUAGE[language])
    .header('Vary', /\baccept-language\b/i.test(vary) ? vary : vary ? `${vary}, Accept-Language` : 'Accept-Language')
    .send(JSON.stringify(document));
}

export default fp(
  async function errorsPlugin(app: FastifyInstance) {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const { kind, detail, extensions } = classify(error);
      const { status } = PROBLEM_KINDS[kind];
      if (kind === 'internal') request.log.error({ err: error }, 'request failed');
      else request.log.info({ problem: problemType(kind), status }, 'request refused');
      return sendProblem(request, reply, kind, detail, extensions);
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

    app.setNotFoundHandler((request, reply) =>
      sendProblem(request, reply, 'not-found', `没有此路径 / No route ${request.method} ${request.url}`),
    );
  },
  { name: 'errors' },
);
