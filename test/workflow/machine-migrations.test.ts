/**
 * Versioned machine definitions: a project of project@1 keeps working after project@3 (a trial version beside the first edition,
 * test/helpers/project-v3.ts) is registered; rounds created afterwards pin project@3; in-flight subjects move only through an
 * explicit migration (dry run, refused while a state is unmapped, applied with a log entry each),
 * and the log stays verifiable across it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MachineRegistry, FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { loadSigningKey, logIdentity } from '../../src/audit/checkpoints.js';
import { AuditExportService } from '../../src/audit/export-bundle.js';
import { machineDefinitions } from '../../src/machines/definitions.js';
import { ADMIN_TOKEN, FakeClock, call, createTestApp, keyFiles, type TestApp } from '../helpers/app.js';
import { projectV3 } from '../helpers/project-v3.js';
import { createDraft, createWorld, driveTo, fire, type World } from '../helpers/world.js';

const silent = { info: () => {}, warn: () => {} };
let dir: string;
let file: string;
let clock: FakeClock;
let t: TestApp;
let world: World;
let submitted: string;
let withdrawn: string;
let draft: string;

const logCount = () => (t.db.$client.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n;
const migrate = (body: Record<string, unknown>, token = ADMIN_TOKEN) =>
  call(t.app, token, { method: 'POST', url: '/api/v1/machines/migrations', payload: { machine: 'project', fromVersion: 1, toVersion: 3, reason: '按新版流程办理', ...body } });

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-versions-'));
  file = path.join(dir, 'lixiang.db');
  clock = new FakeClock();
  // Projects start their lives under project@1, the only version this first service knows.
  const first = await createTestApp({ path: file, clock, lifecycles: FIRST_EDITION_LIFECYCLES });
  world = await createWorld(first.app);
  submitted = (await driveTo(world, 'submitted')).id;
  withdrawn = (await driveTo(world, 'withdrawn')).id;
  draft = (await createDraft(world)).id;
  await first.close();
  // The same database under a service that also ships project@3.
  t = await createTestApp({ path: file, clock, lifecycles: FIRST_EDITION_LIFECYCLES, machines: [projectV3] });
  world = { ...world, app: t.app };
});

afterEach(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('versioned machine definitions', () => {
  it('lists both versions; a project@1 keeps working under project@1 after project@3 is registered', async () => {
    const versions = await call(t.app, null, { method: 'GET', url: '/api/v1/machines' });
    expect(versions.body).toEqual([
      { id: 'project', version: 1, key: 'project@1', kind: 'project', latest: false },
      { id: 'project', version: 3, key: 'project@3', kind: 'project', latest: true },
      { id: 'round', version: 1, key: 'round@1', kind: 'round', latest: true },
    ]);
    const passed = await fire(world, submitted, world.orgDept, 'PASS_PRELIMINARY_CHECK');
    expect(passed.status).toBe(200);
    expect(passed.body.project).toMatchObject({ state: 'preliminarily_checked', machine: { id: 'project', version: 1 } });
    // WITHDRAW exists in project@1: the old round's drafts still offer it.
    const got = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${draft}` });
    expect(got.body.allowedEvents).toContain('WITHDRAW');
    // A new project of the old round runs under the round's pin, project@1.
    const another = await createDraft(world);
    const row = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${another.id}` });
    expect(row.body.machine).toEqual({ id: 'project', version: 1 });
  });

  it('pins project@3 in rounds created from now on', async () => {
    const round = await call(t.app, ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/v1/rounds',
      payload: {
        year: 2024,
        title: '2024年度党建项目立项',
        documentNumber: '办字〔2024〕6号',
        submissionDeadline: '2024-03-29',
        finalAcceptanceDate: '2024-12-31',
        funding: { first: 3000, second: 2000, third: 1500, qualified: 1000 },
      },
    });
    expect(round.status).toBe(201);
    expect(round.body).toMatchObject({ machine: { id: 'round', version: 1 }, projectMachine: { id: 'project', version: 3 } });
    const created = await createDraft(world, { roundId: round.body.id });
    const got = await call(t.app, world.applicant.token, { method: 'GET', url: `/api/v1/projects/${created.id}` });
    expect(got.body.machine).toEqual({ id: 'project', version: 3 });
    expect(got.body.allowedEvents).not.toContain('WITHDRAW');
  });

  it('a dry run reports what would move where, names the subjects whose state project@3 lacks, and writes nothing', async () => {
    const before = logCount();
    const report = await migrate({ roundId: world.roundId });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      machine: 'project',
      from: 'project@1',
      to: 'project@3',
      dryRun: true,
      applied: false,
      subjects: 3,
      repinnedRounds: [world.roundId],
      entries: null,
    });
    expect(report.body.unmapped).toEqual([{ state: 'withdrawn', subjects: [withdrawn] }]);
    expect(report.body.moves).toEqual(
      expect.arrayContaining([
        { fromState: 'submitted', toState: 'submitted', subjects: 1 },
        { fromState: 'draft', toState: 'draft', subjects: 1 },
      ]),
    );
    expect(logCount()).toBe(before);
    const versions = t.db.$client.prepare('SELECT DISTINCT machine_version AS v FROM projects').all();
    expect(versions).toEqual([{ v: 1 }]);
  });

  it('refuses a run while a subject would land in a state the new version lacks, and writes nothing', async () => {
    const before = logCount();
    const refused = await migrate({ roundId: world.roundId, dryRun: false });
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'states_unmapped', unmapped: [{ state: 'withdrawn', subjects: [withdrawn] }] });
    expect(logCount()).toBe(before);
    expect(t.db.$client.prepare('SELECT project_machine_version AS v FROM rounds').get()).toEqual({ v: 1 });
  });

  it('moves every subject with a mapping, one MIGRATE entry each; they then run under project@3 and the log verifies', async () => {
    const before = logCount();
    const moved = await migrate({ roundId: world.roundId, dryRun: false, stateMap: { withdrawn: 'rejected' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ applied: true, subjects: 3, unmapped: [], repinnedRounds: [world.roundId], entries: { first: before + 1, last: before + 4 } });
    expect(logCount()).toBe(before + 4);

    const history = await call(t.app, world.auditor.token, { method: 'GET', url: `/api/v1/projects/${withdrawn}/transitions` });
    expect(history.body.items.at(-1)).toMatchObject({
      event: 'MIGRATE',
      fromState: 'withdrawn',
      toState: 'rejected',
      machine: { id: 'project', version: 3 },
      payload: { from: 'project@1', to: 'project@3', reason: '按新版流程办理' },
    });
    const round = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}` });
    expect(round.body.projectMachine).toEqual({ id: 'project', version: 3 });
    const roundHistory = await call(t.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/transitions` });
    expect(roundHistory.body.items.at(-1)).toMatchObject({
      event: 'MIGRATE',
      fromState: 'open',
      toState: 'open',
      payload: { projectMachine: { from: 'project@1', to: 'project@3' } },
    });

    // Under project@3 the draft can be submitted but no longer withdrawn.
    const refused = await fire(world, draft, world.applicant, 'WITHDRAW');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: 'urn:lixiang:problem:illegal-transition', state: 'draft', allowedEvents: ['SUBMIT'] });
    const ok = await fire(world, draft, world.applicant, 'SUBMIT');
    expect(ok.status).toBe(200);
    expect(ok.body.project.machine).toEqual({ id: 'project', version: 3 });
    expect(ok.body.transition.machine).toEqual({ id: 'project', version: 3 });

    const verify = await call(t.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verify.body).toMatchObject({ valid: true, count: logCount() });
    // The auditor's bundle names both definitions, and its stand-alone verifier replays across the migration.
    const bundle = path.join(dir, 'bundle');
    // With the service's key: the export signs the head it exports only when the seal made with that key vouches for it.
    const manifest = await new AuditExportService(
      t.db,
      clock,
      loadSigningKey(keyFiles(file).signingKeyPath, logIdentity('default').keyName, silent),
      logIdentity('default').origin,
      undefined,
      machineDefinitions(new MachineRegistry([...FIRST_EDITION_LIFECYCLES, projectV3])),
    ).writeDirectory(bundle);
    expect(manifest.machines.map((m) => `${m.id}@${m.version}`)).toEqual(['project@1', 'project@3', 'round@1']);
    const replay = spawnSync(process.execPath, [path.join(bundle, 'verify.mjs'), bundle, '--json'], { encoding: 'utf8' });
    expect(replay.status, replay.stdout + replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ ok: true });

    // A second run finds nothing left at project@1 in the round.
    const again = await migrate({ roundId: world.roundId, dryRun: false });
    expect(again.body).toMatchObject({ applied: true, subjects: 0, entries: null, repinnedRounds: [] });
  });

  it('refuses a blank reason, a state the old version lacks, and projects moved along with a project migration, writing nothing', async () => {
    const before = logCount();
    const blank = await migrate({ reason: '   ', dryRun: false, stateMap: { withdrawn: 'rejected' } });
    expect(blank.status).toBe(422);
    expect(blank.body).toMatchObject({ field: 'reason' });
    const unknownOld = await migrate({ stateMap: { archived: 'rejected' } });
    expect(unknownOld.status).toBe(422);
    expect(unknownOld.body).toMatchObject({ field: 'stateMap' });
    const alongside = await migrate({ roundId: world.roundId, projects: { toVersion: 3 } });
    expect(alongside.status).toBe(422);
    expect(alongside.body).toMatchObject({ field: 'projects' });
    expect(logCount()).toBe(before);
    expect(t.db.$client.prepare('SELECT DISTINCT machine_version AS v FROM projects').all()).toEqual([{ v: 1 }]);
  });

  it('is the admin’s alone, and refuses unknown versions and states with a problem', async () => {
    expect((await migrate({}, world.orgDept.token)).status).toBe(403);
    const unknown = await migrate({ toVersion: 7 });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toContain('project@7');
    const badState = await migrate({ stateMap: { withdrawn: 'archived' } });
    expect(badState.status).toBe(422);
    const badRound = await migrate({ roundId: 'no-such-round' });
    expect(badRound.status).toBe(404);
  });
});
