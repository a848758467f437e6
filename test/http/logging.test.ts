/** Logs are JSON, one line per request with its id; bearer tokens never reach them. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { loggerOptions } from '../../src/server.js';
import { ADMIN_TOKEN } from '../helpers/app.js';

/** A stream that keeps every log line, and a fresh migrated database for the app that writes them. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const db = openDatabase(':memory:');
  migrateDatabase(db);
  return { lines, stream, db };
}

describe('logging', () => {
  it('logs one line per completed request, with its id and never the token', async () => {
    const { lines, stream, db } = capture();
    const app = await buildApp({
      db,
      adminToken: ADMIN_TOKEN,
      logger: { ...loggerOptions({ logLevel: 'trace' }), stream, serializers: { req: (req) => ({ method: req.method, url: req.url, headers: req.headers }) } },
    });
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/units',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-request-id': 'trace-me-42' },
    });
    await app.close();
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-request-id']).toBe('trace-me-42');
    const text = lines.join('');
    expect(text).not.toContain(ADMIN_TOKEN);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const completed = entries.filter((e) => e.msg === 'request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ reqId: 'trace-me-42', method: 'GET', url: '/api/v1/units', statusCode: 200 });
  });

  it('never writes a token that a client put in the URL, under any parameter name or in the path', async () => {
    const { lines, stream, db } = capture();
    const app = await buildApp({ db, adminToken: ADMIN_TOKEN, logger: { ...loggerOptions({ logLevel: 'info' }), stream } });
    const urls = [`/api/v1/units?x=${ADMIN_TOKEN}`, `/api/v1/units?access_token=abc123&page=2`, `/api/v1/projects/${ADMIN_TOKEN}`];
    for (const url of urls) await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    await app.close();
    const text = lines.join('');
    expect(text).not.toContain(ADMIN_TOKEN);
    expect(text).not.toContain('abc123');
    const logged = lines.map((line) => JSON.parse(line) as { msg?: string; url?: string }).filter((e) => e.msg === 'request completed');
    expect(logged.map((e) => e.url)).toEqual(['/api/v1/units?x=%5Bredacted%5D', '/api/v1/units?access_token=%5Bredacted%5D&page=2', '/api/v1/projects/[redacted]']);
  });

  it('redacts the Authorization header wherever a request is logged', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino(loggerOptions({ logLevel: 'info' }), stream);
    logger.info({ req: { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } } }, 'with a request');
    logger.info({ headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, 'with headers');
    expect(lines.join('')).not.toContain(ADMIN_TOKEN);
    expect(lines.join('').match(/\[redacted\]/g)).toHaveLength(2);
  });
});
