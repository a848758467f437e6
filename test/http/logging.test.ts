/** Logs are JSON with a request id; bearer tokens never reach them. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { loggerOptions } from '../../src/server.js';
import { ADMIN_TOKEN } from '../helpers/app.js';

describe('logging', () => {
  it('logs each request with its id and redacts the Authorization header', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const db = openDatabase(':memory:');
    migrateDatabase(db);
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
    expect(text).toContain('trace-me-42');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(ADMIN_TOKEN);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
