/**
 * Multipart uploads for a route plugin: one part named `file` within the size limit; returns the
 * validator compiler that leaves the body (read by the handler) unvalidated and validates every
 * other part of the request as usual.
 */
import multipart from '@fastify/multipart';
import type { FastifySchemaCompiler } from 'fastify';
import type { App } from '../http/type-provider.js';

export async function acceptUploads(app: App, maxUploadBytes: number): Promise<FastifySchemaCompiler<unknown>> {
  await app.register(multipart, {
    limits: { fileSize: maxUploadBytes, files: 1, fields: 0, parts: 1, headerPairs: 100 },
    // The part named `file` is the file, with or without a file name.
    isPartAFile: (fieldName) => fieldName === 'file',
  });
  const validate = app.validatorCompiler as FastifySchemaCompiler<unknown>;
  return (route) => (route.httpPart === 'body' ? () => true : validate(route));
}
