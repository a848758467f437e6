/**
 * Read-only while the log's head is refused: the start-up check (src/audit/head-check.ts) found a
 * head that is not an extension of its past, so every write answers 503 'head-refused' naming why,
 * before authentication, until the check passes again (an operator ran `lixiang audit acknowledge`,
 * or what was missing came back). Reads are served. A POST that writes nothing says so with
 * `config.readsOnly`.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { HeadSealer } from '../audit/seal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A POST that writes nothing (a verification): served while the head is refused. */
    readsOnly?: boolean;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function headGuard(app: FastifyInstance, { sealer }: { sealer: HeadSealer }) {
  app.addHook('onRequest', (request, _reply, done) => {
    if (READ_METHODS.has(request.method) || sealer.writable || request.routeOptions.config?.readsOnly) return done();
    try {
      sealer.assertWritable();
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}

export default fp(headGuard, { name: 'head-guard' });
