/**
 * Protective limits on every response: security headers and a per-principal rate limit on writes
 * (429 problem+json with Retry-After). Reads are not limited: they change nothing.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Problem } from '../http/problems.js';

export interface LimitsOptions {
  /** Writes per minute per authenticated principal (per address before authentication); 0: off. */
  writesPerMinute: number;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * helmet's default header set, with a policy for an API whose only page (the docs) loads scripts
 * and styles from this origin. Written once as constants: @fastify/helmet rebuilds them on every
 * response, which cost ~5% of the CPU of the event hot path. HSTS is left to the TLS-terminating
 * proxy, which knows whether HTTPS is in use.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy':
    "default-src 'self';base-uri 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:;" +
    "connect-src 'self';font-src 'self' data:;object-src 'none';frame-ancestors 'none';form-action 'self'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
});

export default fp(
  async function limitsPlugin(app: FastifyInstance, options: LimitsOptions) {
    app.addHook('onSend', (_request, reply, payload, done) => {
      reply.headers(SECURITY_HEADERS);
      done(null, payload);
    });
    if (options.writesPerMinute <= 0) return;
    await app.register(rateLimit, {
      global: true,
      hook: 'preHandler', // after authentication, so the key is the principal, not the address
      max: options.writesPerMinute,
      timeWindow: 60_000,
      allowList: (request) => READ_METHODS.has(request.method),
      keyGenerator: (request) => (request.principal ? `user:${request.principal.id}` : `ip:${request.ip}`),
      errorResponseBuilder: (_request, context) =>
        new Problem('rate-limited', `写操作过于频繁，请 ${Math.ceil(context.ttl / 1000)} 秒后再试 / Too many writes; retry in ${Math.ceil(context.ttl / 1000)} s`, {
          limit: context.max,
          windowSeconds: 60,
        }),
    });
  },
  { name: 'limits', dependencies: ['errors', 'auth'] },
);
