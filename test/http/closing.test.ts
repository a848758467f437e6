/**
 * While the service closes: a request already received finishes and is stored; a request that
 * arrives afterwards on a connection still open is refused with a 503 problem document,
 * Retry-After and Connection: close, and writes nothing.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/app.js';
import { createDraft, createWorld } from '../helpers/world.js';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Splits what one connection received into its responses (Content-Length framed). */
function parseResponses(raw: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) throw new Error(`incomplete response: ${JSON.stringify(rest)}`);
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length']);
    const bodyBytes = Buffer.from(rest.slice(end + 4), 'utf8');
    responses.push({ status: Number(statusLine!.split(' ')[1]), headers, body: bodyBytes.subarray(0, length).toString('utf8') });
    rest = bodyBytes.subarray(length).toString('utf8');
  }
  return responses;
}

const request = (method: string, url: string, token: string, body: string | null) =>
  `${method} ${url} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n` +
  (body === null ? '\r\n' : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);

describe('closing', () => {
  let t: TestApp;
  afterEach(() => t.db.$client.close());

  it('finishes the request in flight and refuses the next one on the same connection with 503 problem+json', async () => {
    t = await createTestApp();
    const world = await createWorld(t.app);
    const draft = await createDraft(world);
    const units = () => (t.db.$client.prepare('SELECT count(*) AS n FROM units').get() as { n: number }).n;
    const unitsBefore = units();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as net.AddressInfo;

    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));

    // The first request's head arrives before the close, its body after.
    const submit = JSON.stringify({ type: 'SUBMIT' });
    const first = request('POST', `/api/v1/projects/${draft.id}/events`, world.applicant.token, submit);
    const headSeen = new Promise((resolve) => t.app.server.once('request', resolve));
    socket.write(first.slice(0, first.length - submit.length));
    await headSeen; // Fastify's own listener, registered first, has run its onRequest hooks by now
    const closed = t.app.close();
    // The server stops listening once the close has begun (after the preClose hooks).
    for (let wait = 0; wait < 200 && t.app.server.listening; wait += 1) await new Promise((r) => setTimeout(r, 5));
    expect(t.app.server.listening).toBe(false);
    socket.write(submit + request('POST', '/api/v1/units', ADMIN_TOKEN, JSON.stringify({ name: '关闭时新建的单位', type: 'direct_branch' })));
    await ended;
    await closed;

    const [inFlight, refused, ...more] = parseResponses(received);
    expect(more).toEqual([]);
    expect(inFlight!.status).toBe(200);
    expect(JSON.parse(inFlight!.body).project.state).toBe('submitted');
    expect(refused!.status).toBe(503);
    expect(refused!.headers['content-type']).toContain('application/problem+json');
    expect(refused!.headers['retry-after']).toBe('5');
    expect(refused!.headers.connection).toBe('close');
    expect(JSON.parse(refused!.body)).toMatchObject({
      type: 'urn:lixiang:problem:shutting-down',
      status: 503,
      titles: { zh: '服务正在关闭', en: 'The service is shutting down' },
      instance: '/api/v1/units',
    });

    const project = t.db.$client.prepare('SELECT state FROM projects WHERE id = ?').get(draft.id) as { state: string };
    expect(project.state).toBe('submitted');
    expect(units()).toBe(unitsBefore);
  });
});
