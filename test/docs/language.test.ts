/**
 * Accept-Language: problem titles (and the diagram's labels) in Chinese by default or in English,
 * both titles always in `titles`; and the content negotiation of GET /api/v1/machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATES } from '../../machines/project.types.js';
import { stateLabel } from '../../machines/project.lifecycle.js';
import { negotiateLanguage } from '../../src/http/language.js';
import { preferredMediaType } from '../../src/http/media-type.js';
import { PROBLEM_KINDS } from '../../src/http/problems.js';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { createDraft, createWorld, fire, type World } from '../helpers/world.js';

describe('negotiateLanguage', () => {
  it.each([
    [undefined, 'zh'],
    ['', 'zh'],
    ['en', 'en'],
    ['en-US', 'en'],
    ['EN-gb', 'en'],
    ['zh-CN', 'zh'],
    ['zh-Hans-CN', 'zh'],
    ['zh-TW', 'zh'],
    ['fr-FR', 'zh'],
    ['fr-FR, en;q=0.5', 'en'],
    ['zh-CN;q=0.4, en;q=0.8', 'en'],
    ['en;q=0.8, zh;q=0.8', 'en'],
    ['en;q=0, zh', 'zh'],
    ['en;q=0', 'zh'],
    ['*', 'zh'],
    ['de, *;q=0.5', 'zh'],
    ['not a language!, en', 'en'],
    [['fr', 'en'], 'en'],
  ] as const)('%j → %s', (header, expected) => {
    expect(negotiateLanguage(header as string | string[] | undefined)).toBe(expected);
  });
});

describe('preferredMediaType', () => {
  const offers = ['application/json', 'image/svg+xml'] as const;
  it.each([
    [undefined, 'application/json'],
    ['*/*', 'application/json'],
    ['image/svg+xml', 'image/svg+xml'],
    ['image/*', 'image/svg+xml'],
    ['application/json, image/svg+xml;q=0.9', 'application/json'],
    ['application/json;q=0.5, image/svg+xml', 'image/svg+xml'],
    ['image/*, image/svg+xml;q=0', null],
    ['image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8', 'image/svg+xml'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'application/json'],
    ['text/html', null],
    ['application/problem+json', null],
  ] as const)('%j → %s', (header, expected) => {
    expect(preferredMediaType(header, offers)).toBe(expected);
  });
});

describe('over HTTP', () => {
  let t: TestApp;
  let world: World;

  beforeAll(async () => {
    t = await createTestApp();
    world = await createWorld(t.app);
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers a problem title in Chinese by default, with both titles and Content-Language', async () => {
    const response = await call(t.app, null, { method: 'GET', url: '/api/v1/projects' });
    expect(response.status).toBe(401);
    expect(response.body.title).toBe(PROBLEM_KINDS.unauthenticated.title.zh);
    expect(response.body.titles).toEqual(PROBLEM_KINDS.unauthenticated.title);
    expect(response.headers['content-language']).toBe('zh-CN');
    expect(String(response.headers.vary)).toMatch(/Accept-Language/);
  });

  it('answers the title in English when Accept-Language prefers it', async () => {
    const response = await call(t.app, null, { method: 'GET', url: '/api/v1/projects', headers: { 'accept-language': 'en-US,en;q=0.9,zh-CN;q=0.8' } });
    expect(response.body.title).toBe('Missing or invalid credentials');
    expect(response.body.titles).toEqual({ zh: '未认证或令牌无效', en: 'Missing or invalid credentials' });
    expect(response.headers['content-language']).toBe('en');
  });

  it('picks the language for every kind of refusal: 400, 404, 409, 422 and an unknown route', async () => {
    const en = { 'accept-language': 'en' };
    const draft = await createDraft(world);
    const cases = [
      { kind: 'validation-failed', response: await call(t.app, ADMIN_TOKEN, { method: 'POST', url: '/api/v1/units', payload: { name: '' }, headers: en }) },
      { kind: 'not-found', response: await call(t.app, ADMIN_TOKEN, { method: 'GET', url: '/api/v1/rounds/none', headers: en }) },
      { kind: 'not-found', response: await call(t.app, null, { method: 'GET', url: '/api/v1/nowhere', headers: en }) },
      { kind: 'illegal-transition', response: await fire(world, draft.id, world.applicant, 'SUBMIT_FINAL_REPORT', { summary: 's' }, en) },
      { kind: 'guard-failed', response: await fire(world, (await createDraft(world, { letter: {} })).id, world.applicant, 'SUBMIT', {}, en) },
    ] as const;
    for (const { kind, response } of cases) {
      expect(response.body.type, kind).toBe(`urn:lixiang:problem:${kind}`);
      expect(response.body.title, kind).toBe(PROBLEM_KINDS[kind].title.en);
      expect(response.body.titles, kind).toEqual(PROBLEM_KINDS[kind].title);
      expect(response.headers['content-language'], kind).toBe('en');
    }
    // Labels stay whole: the machine's label of the state is given in both languages.
    expect(cases[3].response.body.stateLabel).toEqual({ zh: '草稿', en: 'Draft' });
  });

  it('serves the machine as JSON by default and as SVG on request, labelled in the language asked for', async () => {
    const json = await call(t.app, null, { method: 'GET', url: '/api/v1/machine' });
    expect(json.status).toBe(200);
    expect(json.body.initial).toBe('draft');

    const zh = await call(t.app, null, { method: 'GET', url: '/api/v1/machine', headers: { accept: 'image/svg+xml' } });
    expect(zh.status).toBe(200);
    expect(String(zh.headers['content-type'])).toMatch(/^image\/svg\+xml/);
    expect(zh.headers['content-language']).toBe('zh-CN');
    expect(String(zh.headers.vary)).toMatch(/Accept\b.*Accept-Language/);
    for (const state of STATES) {
      expect(zh.body).toContain(`>${stateLabel(state).zh}</text>`);
      expect(zh.body).toContain(`>${state}</text>`);
    }
    expect(zh.body).toContain('>提交申报</text>');

    const en = await call(t.app, null, { method: 'GET', url: '/api/v1/machine', headers: { accept: 'image/*', 'accept-language': 'en' } });
    expect(en.headers['content-language']).toBe('en');
    expect(en.body).toContain('>Submitted (awaiting preliminary check)</text>');
    expect(en.body).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('answers 406 when neither JSON nor SVG is acceptable', async () => {
    const response = await call(t.app, null, { method: 'GET', url: '/api/v1/machine', headers: { accept: 'text/html', 'accept-language': 'en' } });
    expect(response.status).toBe(406);
    expect(response.body).toMatchObject({ type: 'urn:lixiang:problem:not-acceptable', title: 'Not acceptable', status: 406 });
  });
});
