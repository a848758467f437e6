/**
 * Hostile and careless input: mass assignment, fields an event does not define, broken bodies,
 * wrong content types, missing or bad credentials, roles and units that may not act. Every refusal
 * is an RFC 9457 problem document with a title in the caller's language and both titles in
 * `titles`, and none of them writes anything.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { PROJECT_1_EVENT_TYPES } from '../../machines/project.types.js';
import { hashToken } from '../../src/auth/tokens.js';
import type { components } from '../../src/web/api/schema.js';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseImage } from '../helpers/postgres.js';
import { COMPLETE_LETTER, createDraft, createWorld, driveTo, fire, fireOk, firing, type World } from '../helpers/world.js';

let t: TestApp;
let world: World;

beforeEach(async () => {
  t = await createTestApp({ lifecycles: FIRST_EDITION_LIFECYCLES });
  world = await createWorld(t.app);
});

afterEach(async () => {
  await t.close();
});

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  /** The parsed JSON when the answer is JSON, else the text. */
  body: unknown;
}

/** An RFC 9457 problem document, as the OpenAPI document describes it (the generated client's type). */
type Problem = components['schemas']['Problem'];

/** The problem document every refusal must be: media type, members, titles in both languages. Returns it. */
function expectProblem(response: Answer, status: number, kind?: string): Problem {
  expect(response.status).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = response.body as Record<string, unknown>;
  expect(typeof body.type).toBe('string');
  expect(body.type).toMatch(/^urn:lixiang:problem:/);
  if (kind) expect(body.type).toBe(`urn:lixiang:problem:${kind}`);
  expect(body.status).toBe(status);
  expect(typeof body.detail).toBe('string');
  expect((body.detail as string).length).toBeGreaterThan(0);
  // The title is in the caller's language, Chinese when no Accept-Language is sent; `titles` has both.
  const titles = body.titles as { zh: string; en: string };
  expect(Object.keys(titles).sort()).toEqual(['en', 'zh']);
  expect(titles.zh).toMatch(/[\u4e00-\u9fff]/);
  expect(titles.en).toMatch(/^[A-Za-z]/);
  expect(body.title).toBe(titles.zh);
  expect(response.headers['content-language']).toBe('zh-CN');
  return body as Problem;
}

/** Raw inject with the caller's token, body sent as given (string or object). */
async function raw(
  token: string | null,
  method: 'POST' | 'PATCH' | 'GET',
  url: string,
  payload?: string | Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await t.app.inject({
    method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    ...(payload !== undefined ? { payload } : {}),
  });
  const type = String(response.headers['content-type'] ?? '');
  return { status: response.statusCode, headers: response.headers, body: type.includes('json') && response.body ? JSON.parse(response.body) : response.body };
}

interface Snapshot {
  project: { state: string; version: number; letter: string; title: string; grade: string | null; funding: number | null; unit_id: string };
  log: number;
  idempotency: number;
}

function snapshot(projectId: string): Snapshot {
  const sqlite = t.db.$client;
  return {
    project: sqlite.prepare('SELECT state, version, letter, title, grade, funding, unit_id FROM projects WHERE id = ?').get(projectId) as Snapshot['project'],
    log: (sqlite.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n,
    idempotency: (sqlite.prepare('SELECT count(*) AS n FROM idempotency_records').get() as { n: number }).n,
  };
}

const eventUrl = (id: string) => `/api/v1/projects/${id}/events`;

describe('mass assignment through PATCH', () => {
  const forbidden: Array<[string, unknown]> = [
    ['state', 'graded'],
    ['version', 99],
    ['grade', 'first'],
    ['funding', 3000],
    ['unitId', '0190e6a4-0000-7000-8000-000000000000'],
    ['roundId', '0190e6a4-0000-7000-8000-000000000000'],
    ['createdBy', '0190e6a4-0000-7000-8000-000000000000'],
    ['recommended', true],
  ];

  for (const [field, value] of forbidden) {
    it(`a body carrying "${field}" is refused with 400 naming it, and the project is unchanged`, async () => {
      const draft = await createDraft(world);
      const before = snapshot(draft.id);
      // Alone, and smuggled beside a legitimate edit.
      for (const payload of [{ [field]: value }, { title: '合法的新题目', [field]: value }]) {
        const response = await raw(world.applicant.token, 'PATCH', `/api/v1/projects/${draft.id}`, payload, { 'if-match': `"${draft.version}"` });
        const problem = expectProblem(response, 400, 'validation-failed');
        expect(problem.detail).toContain(`"${field}"`);
        expect(problem.errors).toContainEqual(expect.objectContaining({ field }));
      }
      expect(snapshot(draft.id)).toEqual(before);
    });
  }

  it('an unknown field inside the letter is refused too', async () => {
    const draft = await createDraft(world);
    const before = snapshot(draft.id);
    const response = await raw(
      world.applicant.token,
      'PATCH',
      `/api/v1/projects/${draft.id}`,
      { letter: { leader: '新负责人', sealed: true } },
      { 'if-match': `"${draft.version}"` },
    );
    const problem = expectProblem(response, 400, 'validation-failed');
    expect(problem.detail).toContain('"sealed"');
    expect(snapshot(draft.id)).toEqual(before);
  });

  it('an empty PATCH body is refused', async () => {
    const draft = await createDraft(world);
    const before = snapshot(draft.id);
    expectProblem(await raw(world.applicant.token, 'PATCH', `/api/v1/projects/${draft.id}`, {}, { 'if-match': `"${draft.version}"` }), 400, 'validation-failed');
    expect(snapshot(draft.id)).toEqual(before);
  });

  it('creating a project with a state, version or unit of its own is refused', async () => {
    for (const extra of [{ state: 'committee_approved' }, { version: 7 }, { unitId: world.units.otherGeneral }, { grade: 'first' }]) {
      const response = await raw(world.applicant.token, 'POST', '/api/v1/projects', {
        roundId: world.roundId,
        category: 'vanguard',
        direction: 'member_platforms',
        title: '偷渡字段',
        letter: COMPLETE_LETTER,
        ...extra,
      });
      const problem = expectProblem(response, 400, 'validation-failed');
      expect(problem.detail).toContain(`"${Object.keys(extra)[0]}"`);
    }
    expect((t.db.$client.prepare('SELECT count(*) AS n FROM projects').get() as { n: number }).n).toBe(0);
  });
});

describe('event bodies carry only the fields their event defines', () => {
  const cases: Array<{
    event: 'SUBMIT' | 'GRADE' | 'APPROVE' | 'SUBMIT_REVIEW';
    state: 'draft' | 'final_acceptance' | 'panel_reviewed' | 'preliminarily_checked';
    extra: Record<string, unknown>;
    field: string;
  }> = [
    { event: 'SUBMIT', state: 'draft', extra: { grade: 'first' }, field: 'grade' },
    { event: 'GRADE', state: 'final_acceptance', extra: { funding: 999999 }, field: 'funding' },
    { event: 'APPROVE', state: 'panel_reviewed', extra: { state: 'in_progress' }, field: 'state' },
    { event: 'SUBMIT', state: 'draft', extra: { version: 1 }, field: 'version' },
  ];

  for (const { event, state, extra, field } of cases) {
    it(`${event} with "${field}" is refused with 400 and writes nothing; without it the same event succeeds`, async () => {
      const project = state === 'draft' ? await createDraft(world) : await driveTo(world, state);
      const who = firing(world, event);
      const before = snapshot(project.id);
      const refused = await raw(who.user.token, 'POST', eventUrl(project.id), { type: event, ...who.payload, ...extra }, { 'idempotency-key': `k-${event}-${field}` });
      const problem = expectProblem(refused, 400, 'validation-failed');
      expect(problem.detail).toContain(`"${field}"`);
      expect(snapshot(project.id)).toEqual(before);

      // The same event without the smuggled field is accepted: the field alone was the reason.
      const accepted = await fireOk(world, project.id, event);
      expect(accepted.project.version).toBe(project.version + 1);
      if (event === 'GRADE') expect((accepted.project as { funding?: number }).funding).toBe(3000);
    });
  }

  it('an unknown member inside nested scores is refused', async () => {
    const project = await driveTo(world, 'preliminarily_checked');
    await call(t.app, world.orgDept.token, { method: 'POST', url: `/api/v1/projects/${project.id}/reviewers`, payload: { reviewerId: world.reviewers[0]!.id } });
    const before = snapshot(project.id);
    const who = firing(world, 'SUBMIT_REVIEW');
    const response = await raw(who.user.token, 'POST', eventUrl(project.id), {
      type: 'SUBMIT_REVIEW',
      scores: { ...(who.payload.scores as object), bonus: 20 },
      comment: '加分',
    });
    const problem = expectProblem(response, 400, 'validation-failed');
    expect(problem.detail).toContain('"bonus"');
    expect(snapshot(project.id)).toEqual(before);
    expect((t.db.$client.prepare('SELECT count(*) AS n FROM reviews').get() as { n: number }).n).toBe(0);
  });

  it('an unknown event type, a missing type and a lower-case type are refused with 400', async () => {
    const draft = await createDraft(world);
    const before = snapshot(draft.id);
    for (const payload of [{ type: 'EXPLODE' }, { type: 'submit' }, {}, { reason: '无类型' }]) {
      const response = await raw(world.applicant.token, 'POST', eventUrl(draft.id), payload);
      expectProblem(response, 400, 'validation-failed');
    }
    const unknown = await raw(world.applicant.token, 'POST', eventUrl(draft.id), { type: 'EXPLODE' });
    expect((unknown.body as Problem).errors).toContainEqual(expect.objectContaining({ field: 'type' }));
    expect(snapshot(draft.id)).toEqual(before);
  });

  it('a payload of the wrong type is refused (no coercion of bodies)', async () => {
    const project = await driveTo(world, 'final_acceptance');
    const before = snapshot(project.id);
    expectProblem(await raw(world.orgDept.token, 'POST', eventUrl(project.id), { type: 'GRADE', grade: 1 }), 400, 'validation-failed');
    expectProblem(await raw(world.orgDept.token, 'POST', eventUrl(project.id), { type: 'GRADE', grade: 'excellent' }), 400, 'validation-failed');
    expectProblem(await raw(world.orgDept.token, 'POST', eventUrl(project.id), { type: 'FAIL', reason: 42 }), 400, 'validation-failed');
    expect(snapshot(project.id)).toEqual(before);
  });
});

describe('broken bodies and transports', () => {
  it('malformed JSON: 400', async () => {
    const draft = await createDraft(world);
    const before = snapshot(draft.id);
    for (const text of ['{"type":', '{type: "SUBMIT"}', "{'type':'SUBMIT'}", '']) {
      const response = await raw(world.applicant.token, 'POST', eventUrl(draft.id), text, { 'content-type': 'application/json' });
      expectProblem(response, 400, 'validation-failed');
    }
    expect(snapshot(draft.id)).toEqual(before);
  });

  it('a JSON body that is not an object: 400', async () => {
    const draft = await createDraft(world);
    const before = snapshot(draft.id);
    for (const text of ['"SUBMIT"', '[{"type":"SUBMIT"}]', 'null', '42']) {
      expectProblem(await raw(world.applicant.token, 'POST', eventUrl(draft.id), text, { 'content-type': 'application/json' }), 400, 'validation-failed');
    }
    expect(snapshot(draft.id)).toEqual(before);
  });

  it('a body over 256 KiB: 413', async () => {
    const draft = await createDraft(world);
    const before = snapshot(draft.id);
    const big = JSON.stringify({ type: 'WITHDRAW', reason: '长'.repeat(100 * 1024) });
    expect(Buffer.byteLength(big)).toBeGreaterThan(256 * 1024);
    expectProblem(await raw(world.applicant.token, 'POST', eventUrl(draft.id), big, { 'content-type': 'application/json' }), 413, 'payload-too-large');
    const bigPatch = JSON.stringify({ letter: { rationale: 'x'.repeat(300 * 1024) } });
    expectProblem(
      await raw(world.applicant.token, 'PATCH', `/api/v1/projects/${draft.id}`, bigPatch, { 'content-type': 'application/json', 'if-match': `"${draft.version}"` }),
      413,
      'payload-too-large',
    );
    expect(snapshot(draft.id)).toEqual(before);
  });

  it('a body just under the limit is parsed (and then judged by the schema)', async () => {
    const draft = await createDraft(world);
    const body = JSON.stringify({ type: 'WITHDRAW', reason: 'x'.repeat(200 * 1024) });
    expect(Buffer.byteLength(body)).toBeLessThan(256 * 1024);
    // 200 KiB is over the reason's maxLength: a 400 from validation, not a 413 from the transport.
    expectProblem(await raw(world.applicant.token, 'POST', eventUrl(draft.id), body, { 'content-type': 'application/json' }), 400, 'validation-failed');
  });

  it('a wrong content type: 415', async () => {
    const draft = await createDraft(world);
    const before = snapshot(draft.id);
    for (const type of ['application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await raw(world.applicant.token, 'POST', eventUrl(draft.id), 'type=SUBMIT', { 'content-type': type });
      expectProblem(response, 415, 'unsupported-media-type');
    }
    const patch = await raw(world.applicant.token, 'PATCH', `/api/v1/projects/${draft.id}`, '<title>x</title>', {
      'content-type': 'application/xml',
      'if-match': `"${draft.version}"`,
    });
    expectProblem(patch, 415, 'unsupported-media-type');
    expect(snapshot(draft.id)).toEqual(before);
  });

  it('text/plain is a wrong content type too: 415', async () => {
    const draft = await createDraft(world);
    const response = await raw(world.applicant.token, 'POST', eventUrl(draft.id), '{"type":"SUBMIT"}', { 'content-type': 'text/plain' });
    expectProblem(response, 415, 'unsupported-media-type');
  });
});

describe('authentication', () => {
  const headers: Array<[string, Record<string, string>]> = [
    ['no Authorization header', {}],
    ['a Basic header', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['Bearer without a token', { authorization: 'Bearer' }],
    ['Bearer with an empty token', { authorization: 'Bearer ' }],
    ['a token with spaces', { authorization: 'Bearer lx_abc def' }],
    ['a lower-case scheme and an unknown token', { authorization: 'bearer lx_abc' }],
    ['an unknown well-formed token', { authorization: 'Bearer lx_0000000000000000000000000000000000000000000' }],
    ['the hash of a real token in place of the token', { authorization: 'Bearer TOKEN_HASH' }],
  ];

  for (const [name, given] of headers) {
    it(`${name}: 401 with WWW-Authenticate, on reads and on writes`, async () => {
      const draft = await createDraft(world);
      const before = snapshot(draft.id);
      const header = given.authorization === 'Bearer TOKEN_HASH' ? { authorization: `Bearer ${hashToken(world.applicant.token)}` } : given;
      for (const [method, url, payload] of [
        ['GET', `/api/v1/projects/${draft.id}`, undefined],
        ['GET', '/api/v1/projects', undefined],
        ['POST', eventUrl(draft.id), { type: 'SUBMIT' }],
        ['GET', '/api/v1/audit/verify', undefined],
      ] as const) {
        const response = await raw(null, method, url, payload, header);
        expectProblem(response, 401, 'unauthenticated');
        expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer\b/);
      }
      expect(snapshot(draft.id)).toEqual(before);
    });
  }

  it('the health check needs no token', async () => {
    const response = await raw(null, 'GET', '/healthz');
    expect(response.status).toBe(200);
  });
});

describe('roles and units', () => {
  it('admin firing any event: 403', async () => {
    const draft = await createDraft(world);
    for (const type of PROJECT_1_EVENT_TYPES) {
      const { payload } = firing(world, type);
      const response = await raw(ADMIN_TOKEN, 'POST', eventUrl(draft.id), { type, ...payload });
      expectProblem(response, 403, 'forbidden');
    }
  });

  it('admin firing any event is refused and writes nothing', async () => {
    const draft = await createDraft(world);
    const before = snapshot(draft.id);
    for (const type of PROJECT_1_EVENT_TYPES) {
      const { payload } = firing(world, type);
      const response = await raw(ADMIN_TOKEN, 'POST', eventUrl(draft.id), { type, ...payload }, { 'idempotency-key': `admin-${type}` });
      expect([403, 404]).toContain(response.status);
      expectProblem(response, response.status);
    }
    expect(snapshot(draft.id)).toEqual(before);
  });

  it('admin may not read projects; an auditor may not fire events', async () => {
    const draft = await createDraft(world);
    expectProblem(await raw(ADMIN_TOKEN, 'GET', `/api/v1/projects/${draft.id}`), 403, 'forbidden');
    const before = snapshot(draft.id);
    expectProblem(await raw(world.auditor.token, 'POST', eventUrl(draft.id), { type: 'SUBMIT' }), 403, 'forbidden');
    expectProblem(await raw(world.auditor.token, 'POST', eventUrl(draft.id), { type: 'WITHDRAW' }), 403, 'forbidden');
    expect(snapshot(draft.id)).toEqual(before);
  });

  it('an applicant of another unit gets the same 404 as for an unknown id, reading or acting', async () => {
    const draft = await createDraft(world);
    const logBefore = snapshot(draft.id).log;
    const unknownId = '0190e6a4-0000-7000-8000-000000000000';
    const shape = (body: Record<string, unknown>, id: string) => ({
      ...body,
      detail: String(body.detail).replace(id, '{id}'),
      instance: String(body.instance).replace(id, '{id}'),
    });
    for (const [method, suffix, payload] of [
      ['GET', '', undefined],
      ['GET', '/transitions', undefined],
      ['POST', '/events', { type: 'WITHDRAW', reason: '替别人撤回' }],
      ['PATCH', '', { title: '篡改' }],
    ] as const) {
      const headers: Record<string, string> = method === 'PATCH' ? { 'if-match': `"${draft.version}"` } : {};
      const hidden = await raw(world.otherApplicant.token, method, `/api/v1/projects/${draft.id}${suffix}`, payload, headers);
      const unknown = await raw(world.otherApplicant.token, method, `/api/v1/projects/${unknownId}${suffix}`, payload, headers);
      const hiddenProblem = expectProblem(hidden, 404, 'not-found');
      const unknownProblem = expectProblem(unknown, 404, 'not-found');
      expect(Object.keys(hiddenProblem).sort()).toEqual(Object.keys(unknownProblem).sort());
      expect(shape(hiddenProblem, draft.id)).toEqual(shape(unknownProblem, unknownId));
    }
    const list = await call(t.app, world.otherApplicant.token, { method: 'GET', url: '/api/v1/projects' });
    expect(list.body.items).toEqual([]);
    expect(snapshot(draft.id).project.state).toBe('draft');
    expect(snapshot(draft.id).log).toBe(logBefore);
  });

  it('the applicant of the parent unit sees the project but may not act for the branch', async () => {
    const draft = await createDraft(world);
    expect((await call(t.app, world.parentApplicant.token, { method: 'GET', url: `/api/v1/projects/${draft.id}` })).status).toBe(200);
    const before = snapshot(draft.id);
    const response = await fire(world, draft.id, world.parentApplicant, 'SUBMIT');
    expectProblem(response, 403, 'forbidden');
    expect(snapshot(draft.id)).toEqual(before);
  });

  it('a direction that does not belong to the category: 422 on create and on PATCH', async () => {
    const response = await raw(world.applicant.token, 'POST', '/api/v1/projects', {
      roundId: world.roundId,
      category: 'fortress',
      direction: 'member_platforms',
      title: '方向错配',
    });
    const problem = expectProblem(response, 422, 'unprocessable');
    expect(problem.field).toBe('direction');
    expect((t.db.$client.prepare('SELECT count(*) AS n FROM projects').get() as { n: number }).n).toBe(0);

    const draft = await createDraft(world);
    const before = snapshot(draft.id);
    const patched = await raw(world.applicant.token, 'PATCH', `/api/v1/projects/${draft.id}`, { category: 'fortress' }, { 'if-match': `"${draft.version}"` });
    expectProblem(patched, 422, 'unprocessable');
    expect(snapshot(draft.id)).toEqual(before);
    // The matching pair is accepted.
    const fixed = await raw(world.applicant.token, 'PATCH', `/api/v1/projects/${draft.id}`, { category: 'fortress', direction: 'soul' }, { 'if-match': `"${draft.version}"` });
    expect(fixed.status).toBe(200);
  });

  it('a direction that exists nowhere: 400 from the schema', async () => {
    const response = await raw(world.applicant.token, 'POST', '/api/v1/projects', {
      roundId: world.roundId,
      category: 'vanguard',
      direction: 'karaoke',
      title: '无此方向',
    });
    expectProblem(response, 400, 'validation-failed');
  });
});

describe('tokens at rest', () => {
  it('the users table holds only SHA-256 hashes, never an issued token', async () => {
    const issued = [
      ADMIN_TOKEN,
      world.applicant.token,
      world.otherApplicant.token,
      world.parentApplicant.token,
      world.orgDept.token,
      world.committee.token,
      world.auditor.token,
      world.conflictedReviewer.token,
      ...world.reviewers.map((r) => r.token),
    ];
    const rows = t.db.$client.prepare('SELECT * FROM users').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(issued.length);
    const hashes = rows.map((r) => r.token_hash as string);
    for (const hash of hashes) expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(hashes).size).toBe(hashes.length);
    for (const token of issued) {
      expect(hashes).not.toContain(token);
      expect(hashes).toContain(hashToken(token));
      // No column of any user row holds the token.
      for (const row of rows) for (const value of Object.values(row)) expect(String(value)).not.toContain(token);
    }
    // And nowhere in the database: the whole image (every row, on PostgreSQL) never contains a token's text.
    const image = databaseImage(t.owner());
    for (const token of issued) expect(image.includes(Buffer.from(token, 'utf8'))).toBe(false);
  });

  it('the user list never answers a token or its hash', async () => {
    const response = await raw(ADMIN_TOKEN, 'GET', '/api/v1/users');
    expect(response.status).toBe(200);
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(world.applicant.token);
    expect(text).not.toContain(hashToken(world.applicant.token));
    expect(text).not.toMatch(/token/i);
  });
});

describe('text holding U+0000', () => {
  it('is refused with 400 in a body, a path and a query, on either database, and nothing is written', async () => {
    const count = () => (t.db.$client.prepare('SELECT count(*) AS n FROM units').get() as { n: number }).n;
    const before = count();
    const created = await call(t.app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/units', payload: { name: '声乐\u0000党支部', type: 'direct_branch' } });
    expect(created.status).toBe(400);
    expect(created.body.type).toBe('urn:lixiang:problem:validation-failed');
    expect(JSON.stringify(created.body.errors)).toContain('U+0000');
    expect(count()).toBe(before);
    // Deep in the body, and in a member's name: the error points at it.
    for (const [payload, location] of [
      [{ name: 'n', type: 'direct_branch', extra: { list: ['ok', 1, null, { deep: 'a\u0000' }] } }, 'body/extra/list/3/deep'],
      [{ name: 'n', type: 'direct_branch', ['na\u0000me']: 'x' }, 'body/na\\u0000me'],
    ] as const) {
      const refused = await call(t.app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/units', payload });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ location })]);
    }
    expect(count()).toBe(before);
    for (const url of ['/api/v1/units/%00', '/api/v1/projects?state=draft%00']) {
      const read = await call(t.app, world.orgDept.token, { method: 'GET', url });
      expect(read.status, url).toBe(400);
      expect(read.body.type).toBe('urn:lixiang:problem:validation-failed');
    }
  });
});
