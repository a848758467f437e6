/**
 * Every registered version of every machine is readable by anyone: its definition as JSON, its
 * diagram as SVG, drawn from that version's own machine; a version not registered is 404.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { projectLifecycle, projectLifecycleV2 } from '../../machines/project.lifecycle.js';
import { roundLifecycleV2 } from '../../machines/round.lifecycle.js';
import { machineSvg } from '../../src/machines/machine-diagram.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('GET /machines/{id}/{version}', () => {
  it('answers round@2’s definition and its diagram, in Chinese unless English is preferred', async () => {
    t = await createTestApp();
    const json = await call(t.app, null, { method: 'GET', url: '/api/v1/machines/round/2' });
    expect(json.status).toBe(200);
    expect(json.body).toEqual(roundLifecycleV2.describe());
    expect(json.body.states.map((s: { name: string }) => s.name)).toContain('in_publicity');
    const svg = await t.app.inject({ method: 'GET', url: '/api/v1/machines/round/2', headers: { accept: 'image/svg+xml' } });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(svg.body).toContain('拟立项名单公示中');
    expect(svg.body).toContain('LODGE_OBJECTION');
    const english = await t.app.inject({ method: 'GET', url: '/api/v1/machines/round/2', headers: { accept: 'image/svg+xml', 'accept-language': 'en' } });
    expect(english.headers['content-language']).toBe('en');
    expect(english.body).toContain('Proposed list in publicity');
  });

  it('draws project@2 exactly as GET /machine and the README’s diagram, project@1 as its own, and answers 404 for a version this build does not run', async () => {
    t = await createTestApp();
    const svg = await t.app.inject({ method: 'GET', url: '/api/v1/machines/project/2', headers: { accept: 'image/svg+xml' } });
    expect(svg.body).toBe(await machineSvg('zh', projectLifecycleV2));
    const newest = await t.app.inject({ method: 'GET', url: '/api/v1/machine', headers: { accept: 'image/svg+xml' } });
    expect(newest.body).toBe(svg.body);
    expect(fs.readFileSync(path.resolve(import.meta.dirname, '../../openapi/machine.svg'), 'utf8')).toBe(svg.body);
    const first = await t.app.inject({ method: 'GET', url: '/api/v1/machines/project/1', headers: { accept: 'image/svg+xml' } });
    expect(first.body).toBe(await machineSvg('zh', projectLifecycle));
    expect((await call(t.app, null, { method: 'GET', url: '/api/v1/machine' })).body).toMatchObject({ id: 'project', version: 2 });
    const missing = await call(t.app, null, { method: 'GET', url: '/api/v1/machines/project/3' });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.body.detail).toContain('project@3');
    expect((await call(t.app, null, { method: 'GET', url: '/api/v1/machines/project/x' })).status).toBe(400);
  });
});
