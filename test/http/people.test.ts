/**
 * People (issue 15, part B): the directory of users, amending, deactivating and reactivating a user,
 * rotating and reissuing tokens; every act is an entry of the log and the tables still replay from it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extract } from 'tar';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, createTestApp, type TestApp } from '../helpers/app.js';
import { advanceRound, assignReviewers, createDraft, createUnit, createUser, createWorld, fireOk, type World } from '../helpers/world.js';
import { subjectEntries } from '../helpers/log-entries.js';

interface UserView {
  id: string;
  name: string;
  role: string;
  unitId: string | null;
  unitName: string | null;
  active: boolean;
  createdAt: string;
}

const get = (t: TestApp, token: string, url: string) => call(t.app, token, { method: 'GET', url: `/api/v1${url}` });
const post = (t: TestApp, token: string, url: string, payload?: unknown) =>
  call(t.app, token, { method: 'POST', url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as never }) });
const patch = (t: TestApp, token: string, url: string, payload: unknown) => call(t.app, token, { method: 'PATCH', url: `/api/v1${url}`, payload: payload as never });

const userEntries = (t: TestApp, userId: string) => subjectEntries(t.db.$client, 'user', userId);

async function expectVerified(t: TestApp, world: World) {
  const verify = await get(t, world.auditor.token, '/audit/verify');
  expect(verify.status).toBe(200);
  expect(verify.body).toMatchObject({ valid: true });
}

describe('people', () => {
  let t: TestApp;
  let world: World;

  beforeEach(async () => {
    t = await createTestApp();
    world = await createWorld(t.app);
  });
  afterEach(async () => t.close());

  describe('the directory', () => {
    it('lists users with their unit names, never a token or its hash; auditors, org_dept and committee read it, applicants and reviewers get 403', async () => {
      for (const reader of [world.auditor, world.orgDept, world.committee, world.admin]) {
        const listed = await get(t, reader.token, '/users?limit=500');
        expect(listed.status).toBe(200);
        const items = (listed.body as { items: UserView[] }).items;
        expect(items.map((u) => u.id)).toContain(world.applicant.id);
        const text = JSON.stringify(listed.body);
        expect(text).not.toMatch(/token/i);
        expect(text).not.toContain(world.applicant.token);
        const applicant = items.find((u) => u.id === world.applicant.id)!;
        expect(applicant).toEqual({
          id: world.applicant.id,
          name: '声乐系书记',
          role: 'applicant',
          unitId: world.units.branch,
          unitName: '声乐系党支部',
          username: null,
          active: true,
          createdAt: expect.any(String),
        });
      }
      // Once an admin gives the applicant a password login, the directory names its username (never the password).
      const set = await call(t.app, world.admin.token, {
        method: 'PUT',
        url: `/api/v1/users/${world.applicant.id}/password`,
        payload: { username: 'shengyue.shuji', password: '声乐系-初始密码-2023' },
      });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      const entry = await get(t, world.orgDept.token, `/users/${world.applicant.id}`);
      expect(entry.body).toMatchObject({ id: world.applicant.id, username: 'shengyue.shuji' });
      expect(JSON.stringify(entry.body)).not.toContain('初始密码');
      for (const outsider of [world.applicant, world.reviewers[0]!]) {
        const refused = await get(t, outsider.token, '/users');
        expect(refused.status).toBe(403);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect((await get(t, outsider.token, `/users/${world.applicant.id}`)).status).toBe(403);
      }
      expect((await call(t.app, null, { method: 'GET', url: '/api/v1/users' })).status).toBe(401);
    });

    it('filters by role, unit and active, a page at a time', async () => {
      const reviewers = await get(t, world.auditor.token, '/users?role=reviewer');
      expect((reviewers.body as { items: UserView[] }).items.map((u) => u.id).sort()).toEqual([...world.reviewers.map((r) => r.id), world.conflictedReviewer.id].sort());
      const ofBranch = await get(t, world.auditor.token, `/users?unitId=${world.units.branch}`);
      expect((ofBranch.body as { items: UserView[] }).items.map((u) => u.id).sort()).toEqual([world.applicant.id, world.conflictedReviewer.id].sort());
      await post(t, ADMIN_TOKEN, `/users/${world.otherApplicant.id}/deactivate`, { reason: '调离' });
      const inactive = await get(t, world.auditor.token, '/users?active=false');
      expect((inactive.body as { items: UserView[] }).items.map((u) => u.id)).toEqual([world.otherApplicant.id]);
      const active = await get(t, world.auditor.token, '/users?active=true&limit=500');
      expect((active.body as { items: UserView[] }).items.map((u) => u.id)).not.toContain(world.otherApplicant.id);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await get(t, world.auditor.token, `/users?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        const body = page.body as { items: UserView[]; nextCursor: string | null };
        expect(body.items.length).toBeLessThanOrEqual(3);
        seen.push(...body.items.map((u) => u.id));
        cursor = body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(10);
      expect((await get(t, world.auditor.token, '/users?role=chief')).status).toBe(400);
    });

    it('GET /users/me answers the caller itself, to any role; GET /users/:id one user or 404', async () => {
      for (const user of [world.applicant, world.reviewers[0]!, world.committee]) {
        const me = await get(t, user.token, '/users/me');
        expect(me.status).toBe(200);
        expect((me.body as UserView).id).toBe(user.id);
        expect(JSON.stringify(me.body)).not.toMatch(/token/i);
      }
      const admin = await get(t, ADMIN_TOKEN, '/users/me');
      expect(admin.body).toMatchObject({ name: 'Administrator', role: 'admin', unitId: null, unitName: null, active: true });
      const one = await get(t, world.auditor.token, `/users/${world.reviewers[0]!.id}`);
      expect(one.body).toMatchObject({ id: world.reviewers[0]!.id, role: 'reviewer', unitName: '机关党委' });
      expect((await get(t, world.auditor.token, '/users/nobody')).status).toBe(404);
    });
  });

  describe('amending a user', () => {
    it('renames and moves a user: AMEND_USER with each change from and to, and the reason', async () => {
      const amended = await patch(t, ADMIN_TOKEN, `/users/${world.applicant.id}`, { name: '声乐系王书记', unitId: world.units.otherBranch, reason: '组织关系转接' });
      expect(amended.status).toBe(200);
      expect(amended.body).toMatchObject({ name: '声乐系王书记', unitId: world.units.otherBranch, unitName: '舞蹈系党支部', role: 'applicant' });
      const entries = userEntries(t, world.applicant.id);
      expect(entries.at(-1)).toMatchObject({
        event: 'AMEND_USER',
        fromState: 'active',
        toState: 'active',
        payload: {
          changes: { name: { from: '声乐系书记', to: '声乐系王书记' }, unitId: { from: world.units.branch, to: world.units.otherBranch } },
          reason: '组织关系转接',
        },
      });
      // The moved applicant acts for its new unit from the next request on.
      expect((await get(t, world.applicant.token, '/users/me')).body).toMatchObject({ unitId: world.units.otherBranch });
      await expectVerified(t, world);
    });

    it('refuses a role change, a missing or inactive unit, taking the unit of an applicant; changes nothing', async () => {
      const before = userEntries(t, world.applicant.id).length;
      const role = await patch(t, ADMIN_TOKEN, `/users/${world.applicant.id}`, { role: 'org_dept' });
      expect(role.status).toBe(422);
      expect(role.body).toMatchObject({ field: 'role' });
      const noUnit = await patch(t, ADMIN_TOKEN, `/users/${world.applicant.id}`, { unitId: null, name: '改名' });
      expect(noUnit.status).toBe(422);
      expect(noUnit.body).toMatchObject({ field: 'unitId' });
      const unknown = await patch(t, ADMIN_TOKEN, `/users/${world.applicant.id}`, { unitId: 'no-such-unit' });
      expect(unknown.status).toBe(422);
      const closed = await createUnit(t.app, '已撤销党支部', 'branch', world.units.general);
      t.db.$client.prepare('UPDATE units SET active = 0 WHERE id = ?').run(closed);
      const inactive = await patch(t, ADMIN_TOKEN, `/users/${world.applicant.id}`, { unitId: closed });
      expect(inactive.status).toBe(422);
      expect(inactive.body).toMatchObject({ field: 'unitId' });
      expect((await patch(t, ADMIN_TOKEN, '/users/nobody', { name: 'x' })).status).toBe(404);
      expect((await patch(t, world.orgDept.token, `/users/${world.applicant.id}`, { name: 'x' })).status).toBe(403);
      expect((await patch(t, ADMIN_TOKEN, `/users/${world.applicant.id}`, { token: 'lx_x' })).status).toBe(400);
      expect(userEntries(t, world.applicant.id)).toHaveLength(before);
      expect((await get(t, world.auditor.token, `/users/${world.applicant.id}`)).body).toMatchObject({ name: '声乐系书记', unitId: world.units.branch });
      t.db.$client.prepare('UPDATE units SET active = 1 WHERE id = ?').run(closed);
    });

    it('the same role and unchanged fields: the user as it is, nothing logged', async () => {
      const before = userEntries(t, world.orgDept.id).length;
      const same = await patch(t, ADMIN_TOKEN, `/users/${world.orgDept.id}`, { role: 'org_dept', name: '组织部' });
      expect(same.status).toBe(200);
      expect(userEntries(t, world.orgDept.id)).toHaveLength(before);
    });
  });

  describe('deactivating and reactivating', () => {
    it('a deactivated user gets 401 at once; DEACTIVATE_USER with the reason; reactivated, the token works again', async () => {
      expect((await get(t, world.committee.token, '/users/me')).status).toBe(200);
      const deactivated = await post(t, ADMIN_TOKEN, `/users/${world.committee.id}/deactivate`, { reason: '换届' });
      expect(deactivated.status).toBe(200);
      expect(deactivated.body).toMatchObject({ user: { id: world.committee.id, active: false }, pendingAssignments: [] });
      const refused = await get(t, world.committee.token, '/users/me');
      expect(refused.status).toBe(401);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(userEntries(t, world.committee.id).at(-1)).toMatchObject({ event: 'DEACTIVATE_USER', fromState: 'active', toState: 'inactive', payload: { reason: '换届' } });

      expect((await post(t, ADMIN_TOKEN, `/users/${world.committee.id}/deactivate`, { reason: '再次' })).status).toBe(409);
      const reactivated = await post(t, ADMIN_TOKEN, `/users/${world.committee.id}/reactivate`, { reason: '连任' });
      expect(reactivated.status).toBe(200);
      expect(reactivated.body).toMatchObject({ id: world.committee.id, active: true });
      expect(userEntries(t, world.committee.id).at(-1)).toMatchObject({ event: 'REACTIVATE_USER', fromState: 'inactive', toState: 'active', payload: { reason: '连任' } });
      expect((await get(t, world.committee.token, '/users/me')).status).toBe(200);
      expect((await post(t, ADMIN_TOKEN, `/users/${world.committee.id}/reactivate`, { reason: '再次' })).status).toBe(409);
      await expectVerified(t, world);
    });

    it('a reason is required; only an admin may; unknown users 404', async () => {
      expect((await post(t, ADMIN_TOKEN, `/users/${world.committee.id}/deactivate`, {})).status).toBe(400);
      expect((await post(t, ADMIN_TOKEN, `/users/${world.committee.id}/deactivate`, { reason: '' })).status).toBe(400);
      expect((await post(t, world.orgDept.token, `/users/${world.committee.id}/deactivate`, { reason: '越权' })).status).toBe(403);
      expect((await post(t, ADMIN_TOKEN, '/users/nobody/deactivate', { reason: '无' })).status).toBe(404);
      expect((await get(t, world.committee.token, '/users/me')).status).toBe(200);
    });

    it('an admin cannot deactivate themself nor the last active admin', async () => {
      const me = (await get(t, ADMIN_TOKEN, '/users/me')).body as UserView;
      const self = await post(t, ADMIN_TOKEN, `/users/${me.id}/deactivate`, { reason: '离职' });
      expect(self.status).toBe(422);
      const second = await createUser(t.app, '第二管理员', 'admin');
      const third = await createUser(t.app, '临时', 'committee');
      // The second admin may deactivate the first while two are active; then the first is the one left... the second.
      expect((await post(t, second.token, `/users/${me.id}/deactivate`, { reason: '交接' })).status).toBe(200);
      expect((await get(t, ADMIN_TOKEN, '/users/me')).status).toBe(401);
      // The last active admin cannot be deactivated by anyone (here the command line's admin would be the only caller left).
      expect((await post(t, second.token, `/users/${third.id}/deactivate`, { reason: '临时账号' })).status).toBe(200);
      const lastAdmin = await post(t, second.token, `/users/${second.id}/deactivate`, { reason: '离职' });
      expect(lastAdmin.status).toBe(422);
      expect((await post(t, second.token, `/users/${me.id}/reactivate`, { reason: '回任' })).status).toBe(200);
      await expectVerified(t, world);
    });

    it('the answer lists the reviewer’s assignments still waiting for a review', async () => {
      const project = await createDraft(world);
      await fireOk(world, project.id, 'SUBMIT');
      const scored = await createDraft(world, { title: '已评项目' });
      await fireOk(world, scored.id, 'SUBMIT');
      await assignReviewers(world, project.id);
      await assignReviewers(world, scored.id);
      // Both checked, the round under review: one is scored, the other still waits for its review.
      await fireOk(world, project.id, 'PASS_PRELIMINARY_CHECK');
      await fireOk(world, scored.id, 'PASS_PRELIMINARY_CHECK');
      await advanceRound(world, 'under_review');
      await fireOk(world, scored.id, 'SUBMIT_REVIEW', undefined, 0);
      const reviewer = world.reviewers[0]!;
      const deactivated = await post(t, ADMIN_TOKEN, `/users/${reviewer.id}/deactivate`, { reason: '出国访学' });
      expect(deactivated.status).toBe(200);
      const body = deactivated.body as { pendingAssignments: Array<Record<string, string>> };
      expect(body.pendingAssignments).toEqual([
        { projectId: project.id, projectTitle: expect.any(String), roundId: world.roundId, roundTitle: '2023年度党建项目立项', assignedAt: expect.any(String) },
      ]);
      expect((await get(t, reviewer.token, '/my-assignments')).status).toBe(401);
      await expectVerified(t, world);
    });
  });

  describe('tokens', () => {
    it('a leaked token rotated by its holder: the old one 401 at once, the new one works; ROTATE_TOKEN names the fingerprint only', async () => {
      const leaked = world.orgDept.token;
      const rotated = await post(t, leaked, '/users/me/token');
      expect(rotated.status).toBe(201);
      const { token, user } = rotated.body as { token: string; user: UserView };
      expect(token).toMatch(/^lx_/);
      expect(token).not.toBe(leaked);
      expect(user.id).toBe(world.orgDept.id);
      expect((await get(t, leaked, '/users/me')).status).toBe(401);
      expect((await get(t, token, '/users/me')).body).toMatchObject({ id: world.orgDept.id });
      const entry = userEntries(t, world.orgDept.id).at(-1)!;
      expect(entry).toMatchObject({ event: 'ROTATE_TOKEN', fromState: 'active', toState: 'active', actorId: world.orgDept.id });
      expect(Object.keys(entry.payload)).toEqual(['tokenFingerprint']);
      expect(JSON.stringify(entry.payload)).not.toContain(token);
      await expectVerified(t, world);
    });

    it('an admin reissues a token with a reason: REISSUE_TOKEN; the old token 401 at once', async () => {
      const old = world.applicant.token;
      const reissued = await post(t, ADMIN_TOKEN, `/users/${world.applicant.id}/token`, { reason: '令牌泄露' });
      expect(reissued.status).toBe(201);
      const { token } = reissued.body as { token: string };
      expect((await get(t, old, '/users/me')).status).toBe(401);
      expect((await get(t, token, '/users/me')).status).toBe(200);
      expect(userEntries(t, world.applicant.id).at(-1)).toMatchObject({ event: 'REISSUE_TOKEN', payload: { reason: '令牌泄露', tokenFingerprint: expect.any(String) } });
      expect((await post(t, ADMIN_TOKEN, `/users/${world.applicant.id}/token`, {})).status).toBe(400);
      expect((await post(t, world.orgDept.token, `/users/${world.applicant.id}/token`, { reason: '越权' })).status).toBe(403);
      expect((await post(t, ADMIN_TOKEN, '/users/nobody/token', { reason: '无' })).status).toBe(404);
      // The directory never shows a token, nor its hash.
      const directory = JSON.stringify((await get(t, world.auditor.token, '/users?limit=500')).body);
      expect(directory).not.toContain(token);
      expect(directory).not.toMatch(/tokenHash|token_hash/);
      await expectVerified(t, world);
    });
  });
});

describe('actor names', () => {
  let t: TestApp;
  let world: World;
  let dir: string;

  beforeEach(async () => {
    t = await createTestApp();
    world = await createWorld(t.app);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-actors-'));
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  type Entry = { event: string; actor: { id: string | null; name?: string | null; role: string } };
  type LabelledEntry = Entry & { eventLabel: { zh: string; en: string } };

  it('the log views name each actor beside its id; hidden reviewers stay nameless', async () => {
    const project = await createDraft(world);
    await fireOk(world, project.id, 'SUBMIT');
    const fired = await fireOk(world, project.id, 'PASS_PRELIMINARY_CHECK');
    expect((fired as unknown as { transition: Entry }).transition.actor).toMatchObject({ id: world.orgDept.id, name: '组织部' });
    await assignReviewers(world, project.id);
    await advanceRound(world, 'under_review');
    await fireOk(world, project.id, 'SUBMIT_REVIEW', undefined, 0);

    const byOrgDept = await get(t, world.orgDept.token, `/projects/${project.id}/transitions`);
    const entries = (byOrgDept.body as { items: Entry[] }).items;
    expect(entries.find((e) => e.event === 'SUBMIT')!.actor).toMatchObject({ id: world.applicant.id, name: '声乐系书记', role: 'applicant' });
    expect(entries.find((e) => e.event === 'SUBMIT_REVIEW')!.actor).toMatchObject({ id: world.reviewers[0]!.id, name: '评审1' });
    const byApplicant = await get(t, world.applicant.token, `/projects/${project.id}/transitions`);
    expect((byApplicant.body as { items: Entry[] }).items.find((e) => e.event === 'SUBMIT_REVIEW')!.actor).toMatchObject({ id: null, name: null });

    const round = await get(t, world.auditor.token, `/rounds/${world.roundId}/transitions`);
    expect((round.body as { items: Entry[] }).items[0]!.actor).toMatchObject({ role: 'admin', name: 'Administrator' });

    // The whole log: the service's own acts are named too; a renamed user shows its current name.
    await patch(t, ADMIN_TOKEN, `/users/${world.applicant.id}`, { name: '声乐系王书记', reason: '更正' });
    const log = await get(t, world.auditor.token, '/audit/transitions?limit=500');
    const all = (log.body as { items: Entry[] }).items;
    expect(all[0]).toMatchObject({ event: 'CREATE_USER', actor: { id: 'system', name: '系统 / The service' } });
    expect(all.filter((e) => e.actor.id === world.applicant.id).every((e) => e.actor.name === '声乐系王书记')).toBe(true);
  });

  it('the log views name every event in both languages, record entries as machine events', async () => {
    const project = await createDraft(world);
    await fireOk(world, project.id, 'SUBMIT');
    await patch(t, ADMIN_TOKEN, `/users/${world.applicant.id}`, { name: '声乐系王书记', reason: '更正' });
    const all = ((await get(t, world.auditor.token, '/audit/transitions?limit=500')).body as { items: LabelledEntry[] }).items;
    const labelOf = (event: string) => all.find((e) => e.event === event)?.eventLabel;
    // Record entries: the people's and the units' acts, the round's creation, the project's.
    expect(labelOf('CREATE_USER')).toEqual({ zh: '新建用户', en: 'User created' });
    expect(labelOf('AMEND_USER')).toEqual({ zh: '修改用户', en: 'User amended' });
    expect(labelOf('CREATE_UNIT')).toEqual({ zh: '新建党组织', en: 'Unit created' });
    expect(labelOf('CREATE_ROUND')).toEqual({ zh: '新建立项批次', en: 'Round created' });
    expect(labelOf('CREATE_PROJECT')).toEqual({ zh: '新建项目', en: 'Project created' });
    // A machine event: as the machine definition (GET /machine) names it.
    const machine = (await call(t.app, null, { method: 'GET', url: '/api/v1/machine' })).body as { events: Array<{ type: string; label: unknown }> };
    expect(labelOf('SUBMIT')).toEqual(machine.events.find((e) => e.type === 'SUBMIT')!.label);
    // Every entry has a name in both languages, never its bare code.
    for (const entry of all) {
      expect(entry.eventLabel.zh, entry.event).not.toBe(entry.event);
      expect(entry.eventLabel.en.length, entry.event).toBeGreaterThan(0);
    }
    // The project's own log carries it too.
    const own = ((await get(t, world.applicant.token, `/projects/${project.id}/transitions`)).body as { items: LabelledEntry[] }).items;
    expect(own.map((e) => e.eventLabel.zh)).toEqual(['新建项目', '提交申报']);
  });

  it('the refused attempts of the security log name their caller', async () => {
    expect((await patch(t, world.applicant.token, `/users/${world.orgDept.id}`, { name: '冒名' })).status).toBe(403);
    const events = await get(t, world.auditor.token, `/audit/security-events?actorId=${world.applicant.id}`);
    expect(events.status).toBe(200);
    expect((events.body as { items: Array<{ actor: unknown; status: number }> }).items.at(-1)).toMatchObject({
      status: 403,
      actor: { id: world.applicant.id, name: '声乐系书记', role: 'applicant' },
    });
  });

  it('the audit bundle carries actors.ndjson (id, name, role, unitId) and still verifies', async () => {
    await post(t, ADMIN_TOKEN, `/users/${world.committee.id}/deactivate`, { reason: '换届' });
    await post(t, world.orgDept.token, '/users/me/token');
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/audit/export', headers: { authorization: `Bearer ${world.auditor.token}` } });
    expect(response.statusCode).toBe(200);
    const archive = path.join(dir, 'bundle.tar.gz');
    fs.writeFileSync(archive, response.rawPayload);
    await extract({ file: archive, cwd: dir });
    const bundle = path.join(
      dir,
      fs.readdirSync(dir).find((name) => name.startsWith('lixiang-audit-') && !name.endsWith('.gz'))!,
    );
    const actors = fs
      .readFileSync(path.join(bundle, 'actors.ndjson'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(actors).toContainEqual({ id: world.applicant.id, name: '声乐系书记', role: 'applicant', unitId: world.units.branch });
    expect(actors).toContainEqual({ id: world.committee.id, name: '党委会议秘书', role: 'committee', unitId: null });
    expect(actors).toContainEqual(expect.objectContaining({ id: 'system' }));
    expect(JSON.stringify(actors)).not.toMatch(/token/i);
    const manifest = JSON.parse(fs.readFileSync(path.join(bundle, 'manifest.json'), 'utf8')) as { actors: { file: string; count: number }; files: Array<{ path: string }> };
    expect(manifest.actors).toEqual({ file: 'actors.ndjson', count: actors.length });
    expect(manifest.files.map((f) => f.path)).toContain('actors.ndjson');
    const verified = spawnSync(process.execPath, [path.join(bundle, 'verify.mjs'), bundle], { encoding: 'utf8' });
    expect(verified.stdout).toMatch(/PASS {2}file checksums/);
    expect(verified.stdout).toMatch(/RESULT: VALID/);
    // A name changed in the bundle is caught by its checksum.
    fs.writeFileSync(path.join(bundle, 'actors.ndjson'), fs.readFileSync(path.join(bundle, 'actors.ndjson'), 'utf8').replace('声乐系书记', '冒名者'));
    const tampered = spawnSync(process.execPath, [path.join(bundle, 'verify.mjs'), bundle], { encoding: 'utf8' });
    expect(tampered.stdout).toMatch(/FAIL {2}file checksums/);
  });
});

describe('the bootstrap admin token after a rotation', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-people-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a restart with the rotated LIXIANG_ADMIN_TOKEN does not bring it back', async () => {
    const file = path.join(dir, 'lixiang.db');
    const first = await createTestApp({ path: file });
    const rotated = await post(first, ADMIN_TOKEN, '/users/me/token');
    expect(rotated.status).toBe(201);
    const fresh = (rotated.body as { token: string }).token;
    const admins = () => first.db.$client.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin'").get() as { n: number };
    expect(admins().n).toBe(1);
    await first.close();

    const second = await createTestApp({ path: file });
    expect((await get(second, ADMIN_TOKEN, '/users/me')).status).toBe(401);
    expect((await get(second, fresh, '/users/me')).status).toBe(200);
    expect((second.db.$client.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin'").get() as { n: number }).n).toBe(1);
    await second.close();
  });

  it('a restart with the token of a deactivated bootstrap admin starts, and the admin stays deactivated', async () => {
    const file = path.join(dir, 'lixiang.db');
    const first = await createTestApp({ path: file });
    const successor = await createUser(first.app, '新管理员', 'admin');
    const bootstrap = (await get(first, ADMIN_TOKEN, '/users/me')).body as UserView;
    expect((await post(first, successor.token, `/users/${bootstrap.id}/deactivate`, { reason: '交接' })).status).toBe(200);
    await first.close();

    const second = await createTestApp({ path: file });
    expect((await get(second, ADMIN_TOKEN, '/users/me')).status).toBe(401);
    expect((await get(second, successor.token, `/users/${bootstrap.id}`)).body).toMatchObject({ active: false });
    await second.close();
  });
});
