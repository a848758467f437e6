/**
 * What the OpenAPI document promises a client generator and a reader, checked on the document the
 * app serves: names, bilingual descriptions, examples, every problem a route can answer, and the
 * discriminator mapping of the event body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../machines/project.types.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

interface Example {
  summary?: string;
  value?: unknown;
  $ref?: string;
}
interface Media {
  schema: { $ref?: string };
  examples?: Record<string, Example>;
}
interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, Media>;
}
interface Operation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security?: unknown[];
  parameters?: Array<{ in?: string; name?: string; $ref?: string; description?: string }>;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, Response>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, { const?: string; enum?: string[] }> }>;
    examples: Record<string, Example>;
  };
}

/** An example, following a reference into components.examples. */
const resolved = (example: Example): Example => (example.$ref ? document.components.examples[example.$ref.replace('#/components/examples/', '')]! : example);

let t: TestApp;
let document: Document;
let operations: Array<{ method: string; path: string; operation: Operation }>;

beforeAll(async () => {
  t = await createTestApp();
  document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<Document>();
  operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ method, path, operation })));
});

afterAll(async () => {
  await t.close();
});

const HAN = /[\u4e00-\u9fff]/;
const LATIN = /[A-Za-z]{3}/;

describe('the OpenAPI document', () => {
  it('names every operation with a unique camelCase operationId a generator can use', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('describes every operation in Chinese and English', () => {
    for (const { method, path, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(operation.summary, where).toMatch(HAN);
      expect(operation.summary, where).toMatch(LATIN);
      expect(operation.description, where).toMatch(HAN);
      expect(operation.description, where).toMatch(LATIN);
      expect(operation.tags, where).toHaveLength(1);
    }
  });

  it('documents the problems every route of its kind can answer', () => {
    for (const { method, path, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      const statuses = Object.keys(operation.responses);
      expect(statuses, `${where}: the error handler answers 500`).toContain('500');
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
      if (!isPublic) expect(statuses, `${where}: auth answers 401`).toContain('401');
      if (/Roles:/.test(operation.description)) expect(statuses, `${where}: a role check answers 403`).toContain('403');
      if (method !== 'get') expect(statuses, `${where}: writes are rate-limited`).toContain('429');
      if (operation.requestBody) {
        for (const status of ['400', '413', '415']) expect(statuses, `${where}: a body can be answered ${status}`).toContain(status);
      }
      const ownParameters = (operation.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query');
      if (ownParameters.length > 0) expect(statuses, `${where}: parameters are validated`).toContain('400');
      if (path.includes('{id}') && !path.startsWith('/api/v1/audit')) expect(statuses, `${where}: an unknown id answers 404`).toContain('404');
    }
  });

  it('answers every problem as application/problem+json with a matching example and the language header', () => {
    for (const { method, path, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const where = `${method.toUpperCase()} ${path} ${status}`;
        const media = response.content?.['application/problem+json'];
        expect(media?.schema.$ref, where).toBe('#/components/schemas/Problem');
        expect(Object.keys(media?.examples ?? {}).length, where).toBeGreaterThan(0);
        for (const [kind, example] of Object.entries(media?.examples ?? {})) {
          expect(resolved(example).value, where).toMatchObject({ status: Number(status), type: `urn:lixiang:problem:${kind}` });
        }
        expect(Object.keys(response.headers ?? {}), where).toEqual(expect.arrayContaining(['X-Request-Id', 'Content-Language']));
      }
    }
  });

  it('gives examples for every JSON request body and every JSON success answer of the core API', () => {
    for (const { method, path, operation } of operations) {
      if (path.startsWith('/api/v1/audit') || path === '/healthz') continue;
      const where = `${method.toUpperCase()} ${path}`;
      const body = operation.requestBody?.content['application/json'];
      if (body) expect(Object.keys(body.examples ?? {}).length, `${where} request`).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(operation.responses)) {
        const json = response.content?.['application/json'];
        if (Number(status) < 300 && json) expect(Object.keys(json.examples ?? {}).length, `${where} ${status}`).toBeGreaterThan(0);
      }
    }
  });

  it('maps every event type of the body discriminator to its schema, and has an example of each', () => {
    const body = document.paths['/api/v1/projects/{id}/events']!.post!.requestBody!.content['application/json']!;
    const schema = body.schema as { discriminator?: { propertyName: string; mapping?: Record<string, string> }; oneOf?: Array<{ $ref: string }> };
    expect(schema.discriminator?.propertyName).toBe('type');
    const mapping = schema.discriminator?.mapping ?? {};
    expect(Object.keys(mapping).sort()).toEqual([...EVENT_TYPES].sort());
    for (const [type, target] of Object.entries(mapping)) {
      const component = document.components.schemas[target.replace('#/components/schemas/', '')];
      const property = component?.properties?.type;
      expect(property?.const ?? (property?.enum?.length === 1 ? property.enum[0] : undefined), target).toBe(type);
    }
    expect(schema.oneOf?.map((member) => member.$ref).sort()).toEqual(Object.values(mapping).sort());
    const examples = Object.values(body.examples ?? {}).map((example) => (example.value as { type: string }).type);
    expect(examples.sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('lets every operation take Accept-Language and X-Request-Id', () => {
    for (const { operation } of operations) {
      const refs = (operation.parameters ?? []).map((p) => p.$ref);
      expect(refs).toEqual(expect.arrayContaining(['#/components/parameters/AcceptLanguage', '#/components/parameters/RequestId']));
    }
  });

  it('serves the same document at /openapi.json and to the docs page', async () => {
    const docs = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<Document>();
    expect(docs).toEqual(document);
  });
});
