/**
 * Refusals raised before any route runs — by Fastify's router or Node's HTTP parser — are problem
 * documents like every other refusal, never Fastify's own JSON or an empty answer.
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('framework refusals', () => {
  it('answers a malformed percent-encoding in the path with a 400 problem', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/projects/%E0%A4%A', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ type: 'urn:lixiang:problem:validation-failed', status: 400 });
  });

  it('answers a path parameter over the length limit with a 414 problem', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/api/v1/projects/${'x'.repeat(500)}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ type: 'urn:lixiang:problem:uri-too-long', status: 414, titles: { zh: '请求路径过长', en: 'URI too long' } });
  });

  it('answers headers over the size limit with a 431 problem on the socket, then closes it', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`);
      });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toContain('Content-Type: application/problem+json');
    expect(JSON.parse(body!)).toMatchObject({ type: 'urn:lixiang:problem:headers-too-large', status: 431 });
  });
});
