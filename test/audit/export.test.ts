/**
 * The audit export: streamed over HTTP as .tar.gz and written by the CLI, it round-trips through
 * the stand-alone verifier run as a child process, exactly as an auditor would run it; and the
 * verifier's own RFC 8785 implementation hashes byte for byte as the service does.
 */
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeMachine, projectLifecycleV2 } from '../../machines/project.lifecycle.js';
import { describeRoundMachine, roundLifecycleV2 } from '../../machines/round.lifecycle.js';
import { buildApp } from '../../src/app.js';
import { loadSigningKey, logIdentity } from '../../src/audit/checkpoints.js';
import { AuditExportService } from '../../src/audit/export-bundle.js';
import { canonicalJson, entryHash as serviceEntryHash, type UnhashedEntry } from '../../src/workflow/hash-chain.js';
import { machineDefinitions } from '../../src/machines/definitions.js';
import * as verifier from '../../src/audit/standalone-verifier.mjs';
import { TransitionLogRepository } from '../../src/workflow/transition-log.repository.js';
import { migrateDatabase, openDatabase, type Db } from '../../src/db/client.js';
import { ADMIN_TOKEN, FakeClock, call } from '../helpers/app.js';
import { acceptanceReviews, advanceRound, createDraft, createWorld, driveTo, fireOk, type World } from '../helpers/world.js';

const root = path.resolve(import.meta.dirname, '../..');

function runVerifier(script: string, args: string[]) {
  const result = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function cli(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface LogRow {
  seq: number;
  [column: string]: unknown;
}

describe('audit export', () => {
  let dir: string;
  let file: string;
  let keyFile: string;
  let db: Db;
  let world: World;
  let keptFile: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-export-test-'));
    file = path.join(dir, 'lixiang.db');
    keyFile = path.join(dir, 'signing-key.pem');
    db = openDatabase(file);
    migrateDatabase(db);
    const clock = new FakeClock();
    const app = await buildApp({ db, clock, adminToken: ADMIN_TOKEN, signingKeyPath: keyFile });
    world = await createWorld(app, {}, clock);
    const first = await driveTo(world, 'in_progress');
    await driveTo(world, 'rejected');
    await driveTo(world, 'withdrawn');
    const kept = await call(app, world.auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints' });
    keptFile = path.join(dir, 'kept-note.txt');
    fs.writeFileSync(keptFile, kept.body.note);
    await fireOk(world, first.id, 'SUBMIT_PROGRESS_REPORT');
    await advanceRound(world, 'under_acceptance', { roundId: first.roundId });
    await fireOk(world, first.id, 'SUBMIT_FINAL_REPORT');
    // The second edition's acceptance review: the panel scores, org_dept proposes, the committee confirms.
    await acceptanceReviews(world, first.roundId, first.id);
    await fireOk(world, first.id, 'PROPOSE_GRADE');
    await advanceRound(world, 'grades_confirmed', { roundId: first.roundId });
    await fireOk(world, first.id, 'RECOMMEND');
    await driveTo(world, 'draft');
    await call(app, world.orgDept.token, { method: 'POST', url: '/api/v1/audit/checkpoints' });
  }, 60_000);

  afterAll(async () => {
    await world.app.close();
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('GET /audit/export streams a .tar.gz that the bundled verify.mjs accepts, with the checkpoint an auditor kept', async () => {
    const response = await world.app.inject({ method: 'GET', url: '/api/v1/audit/export', headers: { authorization: `Bearer ${world.auditor.token}` } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/gzip');
    const filename = /attachment; filename="(lixiang-audit-\d{8}T\d{6}Z)\.tar\.gz"/.exec(String(response.headers['content-disposition']))?.[1];
    expect(filename).toBeDefined();
    expect(response.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

    const archive = path.join(dir, 'bundle.tar.gz');
    fs.writeFileSync(archive, response.rawPayload);
    const unpacked = path.join(dir, 'unpacked');
    fs.mkdirSync(unpacked);
    await extract({ file: archive, cwd: unpacked });
    const bundle = path.join(unpacked, filename!);
    expect(fs.readdirSync(bundle).sort()).toEqual(
      [
        'actors.ndjson',
        'checkpoints.ndjson',
        'head-checkpoint.txt',
        'machines',
        'manifest.json',
        'projects.ndjson',
        'public-key.pem',
        'rounds.ndjson',
        'tables',
        'tables-replay.mjs',
        'transitions.ndjson',
        'verify.mjs',
      ].sort(),
    );
    expect(fs.readdirSync(path.join(bundle, 'tables')).sort()).toEqual(
      [
        'files',
        'projects',
        'reviewer_assignments',
        'reviews',
        'rounds',
        'units',
        'users',
        'round_extensions',
        'panels',
        'panel_members',
        'letter_revisions',
        'calendar_years',
        'round_documents',
        'acceptance_assignments',
        'acceptance_reviews',
      ]
        .map((table) => `${table}.ndjson`)
        .sort(),
    );
    expect(fs.readFileSync(path.join(bundle, 'tables-replay.mjs'), 'utf8')).toBe(fs.readFileSync(path.join(root, 'src/audit/tables-replay.mjs'), 'utf8'));
    expect(fs.readdirSync(path.join(bundle, 'machines')).sort()).toEqual(['project@1.json', 'project@2.json', 'round@1.json', 'round@2.json']);

    // The content is exactly what the database holds.
    const rows = db.$client.prepare('SELECT * FROM transition_log ORDER BY seq').all() as LogRow[];
    const lines = fs
      .readFileSync(path.join(bundle, 'transitions.ndjson'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.seq)).toEqual(rows.map((r) => r.seq));
    for (const [i, row] of rows.entries()) {
      const line = lines[i]!;
      expect(Object.values(line)).toEqual(Object.values(row));
      expect(line.payload).toBe(row.payload);
    }
    expect(JSON.parse(fs.readFileSync(path.join(bundle, 'machines/project@1.json'), 'utf8'))).toEqual(describeMachine());
    expect(JSON.parse(fs.readFileSync(path.join(bundle, 'machines/round@1.json'), 'utf8'))).toEqual(describeRoundMachine());
    expect(JSON.parse(fs.readFileSync(path.join(bundle, 'machines/project@2.json'), 'utf8'))).toEqual(projectLifecycleV2.describe());
    expect(JSON.parse(fs.readFileSync(path.join(bundle, 'machines/round@2.json'), 'utf8'))).toEqual(roundLifecycleV2.describe());
    const publicKey = await call(world.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/public-key' });
    expect(fs.readFileSync(path.join(bundle, 'public-key.pem'), 'utf8')).toBe(publicKey.body);
    expect(fs.readFileSync(path.join(bundle, 'verify.mjs'), 'utf8')).toBe(fs.readFileSync(path.join(root, 'src/audit/standalone-verifier.mjs'), 'utf8'));

    const manifest = JSON.parse(fs.readFileSync(path.join(bundle, 'manifest.json'), 'utf8'));
    const states = db.$client.prepare('SELECT state, count(*) AS n FROM projects GROUP BY state').all() as Array<{ state: string; n: number }>;
    expect(manifest).toMatchObject({
      format: 'lixiang-audit-bundle/2',
      origin: 'lixiang/default/transition-log',
      scope: { kind: 'whole-log' },
      transitions: {
        count: rows.length,
        firstSeq: 1,
        lastSeq: rows.length,
        headHash: rows.at(-1)!.hash,
        entryFormats: [
          { format: 1, count: 0, hashedFields: expect.arrayContaining(['projectId']) },
          { format: 2, count: rows.length, hashedFields: expect.arrayContaining(['format', 'subjectKind', 'subjectId']) },
        ],
      },
      checkpoints: { count: 2, latestSize: rows.length },
      // The head checks out (seal, checkpoints): the export signs the head it exports.
      headCheckpoint: { file: 'head-checkpoint.txt', size: rows.length, headHash: rows.at(-1)!.hash },
      projects: { count: 4, byState: Object.fromEntries(states.map((s) => [s.state, s.n])) },
      // The world's round, and the round the graded project was driven through to acceptance.
      rounds: { file: 'rounds.ndjson', count: 2, byState: { open: 1, grades_confirmed: 1 } },
      // Every definition the build replays, both editions.
      machines: machineDefinitions().map(({ id, version, sha256 }) => ({ id, version, file: `machines/${id}@${version}.json`, sha256 })),
      publicKey: { file: 'public-key.pem', algorithm: 'Ed25519', keyName: 'lixiang/default' },
    });
    for (const entry of manifest.files as Array<{ path: string; bytes: number; sha256: string }>) {
      const bytes = fs.readFileSync(path.join(bundle, entry.path));
      expect(entry).toEqual({ path: entry.path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    }

    const verified = runVerifier(path.join(bundle, 'verify.mjs'), [bundle, '--checkpoint', keptFile]);
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toMatch(/RESULT: VALID/);
    expect(verified.stdout).toMatch(/PASS {2}kept checkpoints/);
    expect(verified.code).toBe(0);

    const json = runVerifier(path.join(bundle, 'verify.mjs'), [bundle, '--checkpoint', keptFile, '--json']);
    const report = JSON.parse(json.stdout) as verifier.VerifierReport;
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.ok, c.failures])).toEqual(
      ['manifest', 'checksums', 'key', 'machines', 'checkpoints', 'kept', 'chain', 'replay', 'tables'].map((name) => [name, true, []]),
    );

    // Without a kept checkpoint it passes, and says what it cannot exclude.
    const bare = runVerifier(path.join(bundle, 'verify.mjs'), [bundle]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(/no kept checkpoint given/);

    // A pinned key: the served one passes, another one fails.
    const pinned = path.join(dir, 'trusted.pem');
    fs.writeFileSync(pinned, publicKey.body as string);
    expect(runVerifier(path.join(bundle, 'verify.mjs'), [bundle, '--public-key', pinned]).code).toBe(0);
    fs.writeFileSync(pinned, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    const wrongKey = runVerifier(path.join(bundle, 'verify.mjs'), [bundle, '--public-key', pinned]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toMatch(/not the key you trust/);

    expect(runVerifier(path.join(bundle, 'verify.mjs'), []).code).toBe(2);
  }, 60_000);

  it('the staged files are removed once the archive is streamed, or abandoned half way', async () => {
    const scratch = path.join(dir, 'scratch');
    fs.mkdirSync(scratch);
    const identity = logIdentity('default');
    const exporter = new AuditExportService(db, new FakeClock(), loadSigningKey(keyFile, identity.keyName), identity.origin, scratch);
    const gone = async () => {
      for (let i = 0; i < 100 && fs.readdirSync(scratch).length > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      return fs.readdirSync(scratch);
    };

    const whole = await exporter.archive();
    expect(fs.readdirSync(scratch)).toHaveLength(1);
    let bytes = 0;
    for await (const chunk of whole.stream) bytes += (chunk as Buffer).length;
    expect(bytes).toBeGreaterThan(1000);
    expect(await gone()).toEqual([]);

    const abandoned = await exporter.archive();
    abandoned.stream.once('readable', () => abandoned.stream.destroy());
    await new Promise((resolve) => abandoned.stream.once('close', resolve));
    expect(await gone()).toEqual([]);
  });

  it('only auditors export', async () => {
    for (const user of [world.orgDept, world.applicant, world.committee, world.admin]) {
      expect((await call(world.app, user.token, { method: 'GET', url: '/api/v1/audit/export' })).status).toBe(403);
    }
    expect((await call(world.app, null, { method: 'GET', url: '/api/v1/audit/export' })).status).toBe(401);
  });

  it('npm run cli -- audit export --out DIR writes a bundle the verifier accepts; a non-empty DIR is refused', () => {
    const out = path.join(dir, 'cli-bundle');
    const written = cli(['audit', 'export', '--out', out], { DATABASE_URL: file });
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
    const entries = (db.$client.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n;
    expect(written.stdout).toContain(`cli-bundle: ${entries} entries, 2 checkpoints, 4 projects`);
    const verified = runVerifier(path.join(out, 'verify.mjs'), [out, '--checkpoint', keptFile]);
    expect(verified.stdout).toMatch(/RESULT: VALID/);
    expect(verified.code).toBe(0);

    const again = cli(['audit', 'export', '--out', out], { DATABASE_URL: file });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is not empty/);
    expect(cli(['audit', 'export'], { DATABASE_URL: file }).code).toBe(2);
  }, 60_000);

  it('npm run cli -- audit checkpoint prints a note the service accepts as kept', async () => {
    const signed = cli(['audit', 'checkpoint'], { DATABASE_URL: file, LIXIANG_SIGNING_KEY_PATH: keyFile, LIXIANG_WITNESS_PATH: 'off' });
    expect(signed.code).toBe(0);
    const verdict = await call(world.app, world.auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints/verify', payload: { note: signed.stdout } });
    const entries = (db.$client.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n;
    expect(verdict.body).toMatchObject({ consistent: true, size: entries });
  }, 60_000);
});

describe('the verifier hashes as the service does', () => {
  it('RFC 8785: byte for byte the same canonical JSON as the service for every value type that occurs', () => {
    const values: unknown[] = [
      null,
      true,
      0,
      -7,
      2 ** 53 - 1,
      1.5,
      1e21,
      '',
      'plain',
      '引号"反斜杠\\',
      '\u0000\u0001\b\t\n\f\r\u001f\u007f',
      '\u2028\u2029 é 𝄞 🎵',
      '\ud800 lone surrogate',
      [],
      [1, 'a', null, [true, {}]],
      { b: 1, a: 2, A: 3, é: 4, '€': 5, '\u0080': 6, '😀': 7, ﬀ: 8, '10': 9, '2': 10 },
      { nested: { z: [{ y: 1, x: 2 }], comment: '活动安排需细化到月' } },
    ];
    for (const value of values) expect(verifier.canonicalize(value)).toBe(canonicalJson(value));
    expect(() => verifier.canonicalize(Number.NaN)).toThrow();
    expect(() => verifier.canonicalize(undefined)).toThrow();
  });

  it('the same entry hash for real log rows and for rows with awkward text', async () => {
    const db = openDatabase(':memory:');
    migrateDatabase(db);
    const clock = new FakeClock();
    const app = await buildApp({ db, clock, adminToken: ADMIN_TOKEN });
    try {
      const world = await createWorld(app, {}, clock);
      const project = await driveTo(world, 'graded');
      await fireOk(world, project.id, 'RECOMMEND', { note: '推荐\n"省级"\t评选 🎵 \u2028' });
      const rows = db.$client
        .prepare(
          `SELECT seq, format, subject_kind AS subjectKind, subject_id AS subjectId, event, from_state AS fromState, to_state AS toState, payload, actor_id AS actorId,
                actor_role AS actorRole, actor_unit_id AS actorUnitId, at, request_id AS requestId, machine_id AS machineId,
                machine_version AS machineVersion, prev_hash AS prevHash, hash FROM transition_log ORDER BY seq`,
        )
        .all() as Array<UnhashedEntry & { hash: string }>;
      expect(rows.length).toBeGreaterThan(8);
      expect(rows.some((r) => r.actorUnitId === null) && rows.some((r) => r.actorUnitId !== null)).toBe(true);
      for (const row of rows) {
        expect(verifier.entryHash(row)).toBe(row.hash);
        const { hash: _hash, ...unhashed } = row;
        expect(verifier.entryHash(row)).toBe(serviceEntryHash(unhashed));
      }
      const awkward: UnhashedEntry = {
        ...rows[0]!,
        subjectId: 'p\u0000"\\',
        payload: canonicalJson({ text: '\ud83c lone', é: 1, e: [1.25, -0] }),
        actorUnitId: null,
        requestId: '\u2028',
      };
      expect(verifier.entryHash(awkward)).toBe(serviceEntryHash(awkward));
      // The same in the old layout: a row written before subjects had a kind.
      const legacy: UnhashedEntry = { ...awkward, format: 1, subjectKind: 'project', machineId: 'project' };
      expect(verifier.entryHash(legacy)).toBe(serviceEntryHash(legacy));
      expect(verifier.entryHash(legacy)).not.toBe(verifier.entryHash(awkward));
      expect(() => verifier.entryHash({ ...legacy, subjectKind: 'round' })).toThrow(TypeError);
      expect(() => verifier.entryHash({ ...awkward, format: 3 })).toThrow(TypeError);
    } finally {
      await app.close();
      db.$client.close();
    }
  }, 30_000);

  it('the same digest of the machine definition as the one checkpoints sign', () => {
    const [machine] = machineDefinitions();
    expect(verifier.sha256Hex(verifier.canonicalize(JSON.parse(JSON.stringify(describeMachine()))))).toBe(machine!.sha256);
  });

  it('imports only node: built-ins, and the replay rules that sit beside it in the bundle', () => {
    const importsOf = (file: string) => {
      const source = fs.readFileSync(path.join(root, 'src/audit', file), 'utf8');
      return [...source.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm), ...source.matchAll(/import\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
    };
    const imports = importsOf('standalone-verifier.mjs');
    expect(imports.length).toBeGreaterThan(0);
    for (const specifier of imports) expect(specifier).toMatch(/^(node:|\.\/tables-replay\.mjs$)/);
    expect(imports).toContain('./tables-replay.mjs');
    for (const specifier of importsOf('tables-replay.mjs')) expect(specifier).toMatch(/^node:/);
  });
});

describe('a long log', () => {
  it('exports and verifies 20,000 entries, streamed from one snapshot while events keep coming', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-long-log-'));
    const db = openDatabase(path.join(dir, 'lixiang.db'));
    migrateDatabase(db);
    const clock = new FakeClock();
    // The service's key on a file: the export signs the head it exports with the key that sealed it.
    const keyFile = path.join(dir, 'signing-key.pem');
    const app = await buildApp({ db, clock, adminToken: ADMIN_TOKEN, signingKeyPath: keyFile });
    const bundle = path.join(dir, 'bundle');
    try {
      const world = await createWorld(app, {}, clock);
      const project = await driveTo(world, 'in_progress');
      // Two drafts to submit during the export; their creation is an entry each, before the export's snapshot.
      const others = [await createDraft(world), await createDraft(world)];
      const extra = 20_000 - (db.$client.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n;
      const log = new TransitionLogRepository(db.$client);
      // The context the row keeps, as each entry's payload names it: the table comparison holds the row to the log.
      const context = (db.$client.prepare('SELECT context FROM projects WHERE id = ?').get(project.id) as { context: string }).context;
      const contextSha256 = createHash('sha256')
        .update(canonicalJson(JSON.parse(context)))
        .digest('hex');
      db.$client.transaction(() => {
        for (let i = 0; i < extra; i += 1) {
          log.append({
            subjectKind: 'project',
            subjectId: project.id,
            event: 'SUBMIT_PROGRESS_REPORT',
            fromState: 'in_progress',
            toState: 'in_progress',
            payload: canonicalJson({ text: `第${i + 1}次进展报告`, contextSha256 }),
            actorId: world.applicant.id,
            actorRole: 'applicant',
            actorUnitId: world.applicant.unitId,
            at: new Date(clock.now() + i).toISOString(),
            requestId: `bulk-${i}`,
            machineId: 'project',
            machineVersion: 2,
          });
        }
      })();
      db.$client.prepare('UPDATE projects SET version = version + ?, updated_at = ? WHERE id = ?').run(extra, new Date(clock.now() + extra - 1).toISOString(), project.id);
      const identity = logIdentity('default');
      const key = loadSigningKey(keyFile, identity.keyName);
      // A database file: the export reads through a connection of its own and lets requests run.
      const exporting = new AuditExportService(db, clock, key, identity.origin).writeDirectory(bundle);
      const during = await Promise.all(others.map((p) => fireOk(world, p.id, 'SUBMIT')));
      const manifest = await exporting;
      expect(during.map((r) => r.transition.seq)).toEqual([20_001, 20_002]);
      expect(manifest.transitions.count).toBe(20_000);
      expect(manifest.projects.byState).toEqual({ in_progress: 1, draft: 2 });
      const verified = runVerifier(path.join(bundle, 'verify.mjs'), [bundle]);
      expect(verified.stdout).toMatch(/PASS {2}hash chain\s+20000 entries/);
      expect(verified.code).toBe(0);
    } finally {
      await app.close();
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
