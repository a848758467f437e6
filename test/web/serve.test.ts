/**
 * The web application at `/` (src/plugins/web.ts), without a browser: a stand-in build in a
 * temporary dist/web, and no build at all. index.html for `/` and for the screens' paths (SPA
 * fallback) under a strict Content-Security-Policy and no-cache; the hashed assets cached for a
 * year; the API, /docs, /openapi.json and /healthz untouched; without a build, a page saying how to
 * build it instead of a 500.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { SECURITY_HEADERS } from '../../src/plugins/limits.js';
import type { FastifyInstance } from 'fastify';

const INDEX = '<!doctype html><html lang="zh-CN"><head><script type="module" src="/assets/index-AbC123xy.js"></script></head><body><div id="app"></div></body></html>\n';
const SCRIPT = 'console.log("立项");\n';

async function appWith(webRoot: string | null): Promise<FastifyInstance> {
  const db = openDatabase(':memory:');
  migrateDatabase(db);
  return buildApp({ db, webRoot });
}

function expectPolicy(headers: Record<string, unknown>): void {
  const policy = String(headers['content-security-policy']);
  expect(policy).toContain("default-src 'self'");
  expect(policy).toContain("script-src 'self'");
  expect(policy).toContain("style-src 'self'");
  expect(policy).not.toContain('unsafe-');
  expect(policy).not.toMatch(/https?:/); // no CDN
  expect(policy).toContain("frame-ancestors 'none'");
}

describe('the web application, built', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-web-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
    fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123xy.js'), SCRIPT);
    fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123xy.js.gz'), gzipSync(SCRIPT));
    fs.writeFileSync(path.join(dir, '.build-stamp'), 'stamp\n');
    fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = await appWith(dir);
  });

  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers index.html at / with the policy and no-cache', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toBe(INDEX);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expectPolicy(res.headers);
  });

  it('answers index.html for the screens’ paths (SPA fallback), with no token', async () => {
    for (const url of ['/projects/abc', '/projects', '/login', '/password?next=%2Fprojects']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(INDEX);
      expectPolicy(res.headers);
    }
  });

  it('answers the build’s compressed copy to a browser that accepts it', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/index-AbC123xy.js', headers: { 'accept-encoding': 'gzip' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(gunzipSync(res.rawPayload).toString()).toBe(SCRIPT);
  });

  it('caches the hashed assets for a year', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/index-AbC123xy.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.body).toBe(SCRIPT);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves the build’s top-level files (the icon) as they are', async () => {
    const res = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('answers 404 for a missing asset or file, and never serves what lies outside the build', async () => {
    for (const url of [
      '/assets/missing-00000000.js',
      '/favicon.ico',
      '/.build-stamp',
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/../.build-stamp',
      '/assets/%2E%2E/index.html',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('"name": "lixiang"');
    }
  });

  it('leaves the API, /docs, /openapi.json and /healthz alone', async () => {
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/no-such-thing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.json()).toMatchObject({ type: 'urn:lixiang:problem:not-found' });
    expect((await app.inject({ method: 'GET', url: '/api' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/projects' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/machine' })).json()).toHaveProperty('states');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const document = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(document.json()).toHaveProperty('openapi');
    // The web routes are not part of the API's document.
    expect(Object.keys(document.json<{ paths: Record<string, unknown> }>().paths).every((p) => p.startsWith('/api/') || p === '/healthz')).toBe(true);
    const docs = await app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).not.toBe(INDEX);
    // The API and the docs keep the service's own headers; the application's policy is its pages' only.
    expect(docs.headers['content-security-policy']).toBe(SECURITY_HEADERS['content-security-policy']);
    expect(unknown.headers['content-security-policy']).toBe(SECURITY_HEADERS['content-security-policy']);
  });

  it('answers writes to unknown paths with the JSON 404, not the page', async () => {
    const res = await app.inject({ method: 'POST', url: '/projects/abc', payload: {} });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('the web application, not built', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await appWith(null);
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers a page in Chinese and English saying to run npm run build, for / and the screens', async () => {
    for (const url of ['/', '/projects/abc']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('npm run build');
      expect(res.body).toContain('网页界面尚未构建');
      expect(res.body).toContain('not built');
      expect(res.body).not.toContain('<script');
      expectPolicy(res.headers);
    }
    expect((await app.inject({ method: 'GET', url: '/assets/index-AbC123xy.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/nothing' })).statusCode).toBe(404);
  });
});
