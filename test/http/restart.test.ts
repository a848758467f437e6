/**
 * Durability across a restart: everything an acknowledged request wrote is still there when a new
 * process opens the same database file, the chain verifies to the same head, and work goes on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectState } from '../../machines/project.types.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { WORLD_ENTRIES, createDraft, createWorld, driveTo, fire, fireOk, type World } from '../helpers/world.js';

describe('restart on the same database file', () => {
  let dir: string;
  let file: string;
  const opened: TestApp[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-restart-'));
    file = path.join(dir, 'data', 'lixiang.db');
  });

  afterEach(async () => {
    // Close whatever a failing test left open; closing twice is harmless for the ones already closed.
    for (const t of opened.splice(0)) {
      if (t.db.$client.open) await t.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<TestApp> {
    const t = await createTestApp({ path: file });
    opened.push(t);
    return t;
  }

  const STATES: ProjectState[] = ['draft', 'submitted', 'preliminarily_checked', 'committee_approved', 'in_progress', 'graded', 'rejected', 'withdrawn'];

  it('every project, state, version and transition survives; the chain verifies to the same head; events go on', async () => {
    const first = await open();
    const world = await createWorld(first.app);
    const projects = new Map<ProjectState, { id: string; version: number }>();
    for (const state of STATES) projects.set(state, await driveTo(world, state));
    // An edited draft too: its version moved with an EDIT_DRAFT entry.
    const edited = await createDraft(world);
    const patched = await call(first.app, world.applicant.token, {
      method: 'PATCH',
      url: `/api/v1/projects/${edited.id}`,
      headers: { 'if-match': `"${edited.version}"` },
      payload: { title: '重启前修改的题目' },
    });
    expect(patched.status).toBe(200);
    // An idempotent event whose answer must still replay after the restart.
    const keyed = await first.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${projects.get('in_progress')!.id}/events`,
      headers: { authorization: `Bearer ${world.applicant.token}`, 'idempotency-key': 'progress-1' },
      payload: { type: 'SUBMIT_PROGRESS_REPORT', text: '完成第一次主题党日' },
    });
    expect(keyed.statusCode).toBe(200);

    const beforeList = await call(first.app, world.auditor.token, { method: 'GET', url: '/api/v1/projects?limit=100' });
    expect(beforeList.body.items).toHaveLength(STATES.length + 1);
    const beforeTransitions = await call(first.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/transitions?limit=500' });
    const beforeVerify = await call(first.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(beforeVerify.body.valid).toBe(true);
    const beforeUsers = await call(first.app, world.admin.token, { method: 'GET', url: '/api/v1/users' });
    await first.close();
    expect(first.db.$client.open).toBe(false);

    // A new process on the same file; the admin bootstrap runs again and must not duplicate anything.
    const second = await open();
    const again: World = { ...world, app: second.app };

    const afterList = await call(second.app, world.auditor.token, { method: 'GET', url: '/api/v1/projects?limit=100' });
    expect(afterList.body).toEqual(beforeList.body);
    for (const [state, project] of projects) {
      const got = await call(second.app, world.auditor.token, { method: 'GET', url: `/api/v1/projects/${project.id}` });
      expect(got.status).toBe(200);
      expect(got.body.state).toBe(state);
      expect(got.headers.etag).toBe(`"${got.body.version}"`);
      if (state !== 'in_progress') expect(got.body.version).toBe(project.version);
      else expect(got.body.version).toBe(project.version + 1);
    }
    const editedAfter = await call(second.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${edited.id}` });
    expect(editedAfter.body).toMatchObject({ title: '重启前修改的题目', version: edited.version + 1, state: 'draft' });
    const graded = afterList.body.items.find((p: { id: string }) => p.id === projects.get('graded')!.id);
    expect(graded).toMatchObject({ grade: 'first', funding: 3000 });

    const afterTransitions = await call(second.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/transitions?limit=500' });
    expect(afterTransitions.body).toEqual(beforeTransitions.body);
    const afterVerify = await call(second.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(afterVerify.body).toEqual(beforeVerify.body);
    expect(afterVerify.body).toMatchObject({ valid: true, count: beforeTransitions.body.items.length });

    // The same users, tokens still valid, no second admin.
    const afterUsers = await call(second.app, world.admin.token, { method: 'GET', url: '/api/v1/users' });
    expect(afterUsers.body).toEqual(beforeUsers.body);
    expect(afterUsers.body.nextCursor).toBeNull();
    expect((afterUsers.body.items as Array<{ role: string }>).filter((u) => u.role === 'admin')).toHaveLength(1);

    // The idempotency record survived: the replay answers the first bytes and writes nothing.
    const replay = await second.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${projects.get('in_progress')!.id}/events`,
      headers: { authorization: `Bearer ${world.applicant.token}`, 'idempotency-key': 'progress-1' },
      payload: { type: 'SUBMIT_PROGRESS_REPORT', text: '完成第一次主题党日' },
    });
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(keyed.body);

    // Work goes on from where it stopped, chained onto the old head.
    const submitted = projects.get('submitted')!;
    const next = await fireOk(again, submitted.id, 'PASS_PRELIMINARY_CHECK');
    expect(next.project).toMatchObject({ state: 'preliminarily_checked', version: submitted.version + 1 });
    expect(next.transition.seq).toBe(afterVerify.body.count + 1);
    expect((next.transition as unknown as { prevHash: string }).prevHash).toBe(afterVerify.body.headHash);
    const draft = projects.get('draft')!;
    expect((await fireOk(again, draft.id, 'SUBMIT')).project.state).toBe('submitted');
    // Final states stay final.
    expect((await fire(again, projects.get('withdrawn')!.id, world.applicant, 'SUBMIT')).status).toBe(409);
    // New projects can still be created.
    expect((await createDraft(again)).version).toBe(1);

    const finalVerify = await call(second.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    // PASS_PRELIMINARY_CHECK, SUBMIT and the new project's CREATE_PROJECT.
    expect(finalVerify.body).toMatchObject({ valid: true, count: afterVerify.body.count + 3 });
  });

  it('the reopened file runs in WAL mode with synchronous=FULL and foreign keys on', async () => {
    const first = await open();
    const world = await createWorld(first.app);
    await driveTo(world, 'submitted');
    await first.close();

    const second = await open();
    expect(second.db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(second.db.$client.pragma('synchronous', { simple: true })).toBe(2);
    expect(second.db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    // WAL is recorded in the file itself: a bare connection that sets nothing sees it too.
    const bare = new Database(file, { readonly: true });
    try {
      expect(bare.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      bare.close();
    }
    const count = (second.db.$client.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n;
    // The world's record entries, the project's CREATE_PROJECT and SUBMIT.
    expect(count).toBe(WORLD_ENTRIES + 2);
  });

  it('three restarts in a row keep one chain', async () => {
    const first = await open();
    const created = await createWorld(first.app);
    const project = await driveTo(created, 'submitted');
    expect((await call(first.app, created.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' })).body).toMatchObject({ valid: true, count: WORLD_ENTRIES + 2 });
    await first.close();

    const secondApp = await open();
    const second: World = { ...created, app: secondApp.app };
    expect((await fireOk(second, project.id, 'PASS_PRELIMINARY_CHECK')).project).toMatchObject({ state: 'preliminarily_checked', version: project.version + 1 });
    expect((await call(second.app, created.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' })).body).toMatchObject({ valid: true, count: WORLD_ENTRIES + 3 });
    await secondApp.close();

    const thirdApp = await open();
    const third: World = { ...created, app: thirdApp.app };
    // REJECT is not legal after the preliminary check: refused, and nothing written.
    expect((await fire(third, project.id, created.orgDept, 'REJECT', { reason: '不符合要求' })).status).toBe(409);
    const got = await call(third.app, created.auditor.token, { method: 'GET', url: `/api/v1/projects/${project.id}` });
    expect(got.body).toMatchObject({ state: 'preliminarily_checked', version: project.version + 1 });
    expect((await call(third.app, created.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' })).body).toMatchObject({ valid: true, count: WORLD_ENTRIES + 3 });
  });
});
