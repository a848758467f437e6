/**
 * Property-based fuzzing of every route of the OpenAPI document (fast-check): random and hostile
 * bodies, paths, queries and credentials. Whatever comes in, nothing answers 5xx, every 4xx is a
 * valid problem+json without internals, and no prototype is polluted.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/app.js';
import { createWorld, driveTo, type World } from '../helpers/world.js';

const NAUGHTY = [
  '',
  ' ',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '𠜎𠜱𠝹',
  '﷽',
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE projects; --',
  '<script>alert(1)</script>',
  '${process.exit()}',
  '{{7*7}}',
  'NaN',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
  'x'.repeat(10_000),
];

const HOSTILE_BODIES = [
  '{"__proto__":{"polluted":true},"type":"SUBMIT"}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"type":"SUBMIT","__proto__":{"type":"GRADE"}}',
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  `{"a":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
  `[${Array.from({ length: 50_000 }, () => '1').join(',')}]`,
  `{"title":"${'长'.repeat(100_000)}"}`,
  '{"type":"SUBMIT_REVIEW","scores":{"direction":1e308,"innovation":-0,"practicality":NaN}}',
  '{"type":',
  'null',
  '"string"',
  '12',
  'true',
  '\u0000\u0001',
];

interface Route {
  method: string;
  path: string;
}

describe('fuzzing every route', () => {
  let t: TestApp;
  let world: World;
  let routes: Route[];
  let ids: string[];
  let tokens: Array<string | null>;

  beforeAll(async () => {
    t = await createTestApp();
    world = await createWorld(t.app);
    const draft = await driveTo(world, 'draft');
    const running = await driveTo(world, 'in_progress');
    ids = [draft.id, running.id, world.roundId, world.units.branch, 'no-such-id'];
    tokens = [
      null,
      'garbage',
      ADMIN_TOKEN,
      world.applicant.token,
      world.otherApplicant.token,
      world.orgDept.token,
      world.reviewers[0]!.token,
      world.committee.token,
      world.auditor.token,
    ];
    const document = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['get', 'post', 'patch', 'put', 'delete'].includes(method))
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
  });

  afterAll(async () => {
    await t.close();
  });

  const body = fc.oneof(
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc.constantFrom(...HOSTILE_BODIES),
    fc.record({ type: fc.constantFrom('SUBMIT', 'GRADE', 'SUBMIT_REVIEW', 'REJECT', 'nope'), extra: fc.constantFrom(...NAUGHTY) }).map((v) => JSON.stringify(v)),
    fc
      .dictionary(
        fc.constantFrom('type', 'title', 'letter', 'grade', 'scores', 'state', 'version', 'roundId', 'name', 'role', 'unitId'),
        fc.oneof(fc.constantFrom(...NAUGHTY), fc.jsonValue()),
      )
      .map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
  );

  const query = fc.dictionary(
    fc.constantFrom('state', 'roundId', 'unitId', 'category', 'limit', 'cursor', 'from', 'to', 'actorId', 'projectId', 'bogus'),
    fc.oneof(fc.constantFrom(...NAUGHTY.filter((s) => s.length < 1000)), fc.integer().map(String), fc.string({ maxLength: 50 })),
  );

  it('answers no 5xx and only valid problem+json errors, for every route', async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...tokens),
          fc.oneof(fc.constantFrom(...ids), fc.constantFrom(...NAUGHTY.filter((s) => s.length > 0 && s.length < 300))),
          body,
          query,
          fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', undefined),
          fc.constantFrom(undefined, '"1"', 'W/"2"', '*', 'garbage', '"999999999999999"'),
          async (token, id, payload, qs, contentType, ifMatch) => {
            const url = route.path.replace('{id}', encodeURIComponent(id));
            const headers: Record<string, string> = {};
            if (token) headers.authorization = `Bearer ${token}`;
            if (contentType) headers['content-type'] = contentType;
            if (ifMatch) headers['if-match'] = ifMatch;
            const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
            const response = await t.app.inject({ method: route.method as 'GET', url, query: qs, headers, ...(hasBody ? { payload } : {}) });
            const where = `${route.method} ${url} -> ${response.statusCode}`;
            statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
            if (response.statusCode >= 500) failures.push(`${where}: ${response.body.slice(0, 300)}`);
            if (response.statusCode >= 400) {
              const type = String(response.headers['content-type'] ?? '');
              if (!type.startsWith('application/problem+json')) failures.push(`${where}: content-type ${type}`);
              const problem = JSON.parse(response.body) as Record<string, unknown>;
              for (const member of ['type', 'title', 'status', 'detail']) if (!(member in problem)) failures.push(`${where}: no ${member}`);
              if (problem.status !== response.statusCode) failures.push(`${where}: status member ${String(problem.status)}`);
              if (/\bat .+\.(ts|js):\d+/.test(response.body) || response.body.includes('node_modules')) failures.push(`${where}: stack trace`);
            }
            return true;
          },
        ),
        { numRuns: 100, seed: 20231, endOnFailure: true },
      );
    }
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(`fuzz: ${routes.length} routes, ${total} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    expect(routes.length).toBeGreaterThanOrEqual(13);
    expect(total).toBe(routes.length * 100);
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  }, 300_000);
});
