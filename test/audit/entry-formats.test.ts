/**
 * A log written before entries named their subject by kind, upgraded by the migrations. The old
 * database is built as the engine wrote it: the schema of migrations 0000–0004, and a log of real
 * project and round events whose rows are hashed over the bytes of those days (the subject under
 * "projectId", no kind, no format). After the migration its rows keep their hashes: the online,
 * the parallel and the native verification and the stand-alone verifier accept them beside the
 * rows appended since, a checkpoint kept from before still holds, an edit of an old row is still
 * caught, and the append-only triggers are back.
 */
import { onPostgres } from '../helpers/postgres.js';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { buildApp } from '../../src/app.js';
import { checkpointBody, loadSigningKey, logIdentity, signNote } from '../../src/audit/checkpoints.js';
import { AuditExportService, type BundleManifest } from '../../src/audit/export-bundle.js';
import { GENESIS_HASH, canonicalJson, verifyChain, type VerifyResult } from '../../src/workflow/hash-chain.js';
import { machineDefinitions } from '../../src/machines/definitions.js';
import { NATIVE_WALK_SQL, nativeChainWalk, verifyChainParallel, type Walker } from '../../src/audit/parallel-verify.js';
import type { VerifierReport } from '../../src/audit/standalone-verifier.mjs';
import { iterateLog } from '../../src/audit/transition-log.repository.js';
import { migrateDatabase, migrationsFolder, openDatabase, type Db } from '../../src/db/client.js';
import { ADMIN_TOKEN, FakeClock, call, createTestApp } from '../helpers/app.js';
import { advanceRound, createWorld, driveTo, fireOk, type World } from '../helpers/world.js';

const VERIFIER = path.resolve(import.meta.dirname, '../../src/audit/standalone-verifier.mjs');
const { origin, keyName } = logIdentity('default');

/** A row of the log as the engine stored it up to migration 0004. */
interface OldRow {
  seq: number;
  project_id: string;
  event: string;
  from_state: string;
  to_state: string;
  payload: string;
  actor_id: string;
  actor_role: string;
  actor_unit_id: string | null;
  at: string;
  request_id: string;
  machine_id: string;
  machine_version: number;
  prev_hash: string;
  hash: string;
}

/** The hash of those days, written out independently of src/audit: RFC 8785 over every column but the hash. */
function oldHash(row: Omit<OldRow, 'hash'>): string {
  const bytes = canonicalJson({
    seq: row.seq,
    projectId: row.project_id,
    event: row.event,
    fromState: row.from_state,
    toState: row.to_state,
    payload: row.payload,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    actorUnitId: row.actor_unit_id,
    at: row.at,
    requestId: row.request_id,
    machineId: row.machine_id,
    machineVersion: row.machine_version,
    prevHash: row.prev_hash,
  });
  return createHash('sha256').update(bytes).digest('hex');
}

/** A copy of the migrations folder that ends with `tag`: a database migrated with it is of that time. */
function migrationsUpTo(dir: string, tag: string): string {
  const folder = path.join(dir, `migrations-to-${tag}`);
  fs.cpSync(migrationsFolder(), folder, { recursive: true });
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: Array<{ tag: string }> };
  const last = journal.entries.findIndex((e) => e.tag === tag);
  expect(last).toBeGreaterThanOrEqual(0);
  for (const later of journal.entries.slice(last + 1)) fs.rmSync(path.join(folder, `${later.tag}.sql`));
  journal.entries = journal.entries.slice(0, last + 1);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

const OLD_LOG_INSERT = `INSERT INTO transition_log (seq, project_id, event, from_state, to_state, payload, actor_id, actor_role, actor_unit_id, at,
    request_id, machine_id, machine_version, prev_hash, hash)
  VALUES (@seq, @project_id, @event, @from_state, @to_state, @payload, @actor_id, @actor_role, @actor_unit_id, @at, @request_id,
    @machine_id, @machine_version, @prev_hash, @hash)`;

/** An empty database of the schema of migration 0004, before subjects had a kind. */
function oldDatabase(file: string, folder: string): Database.Database {
  const db = openDatabase(file);
  migrate(db, { migrationsFolder: folder });
  expect(db.$client.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('transition_log') as string[]).toContain('project_id');
  return db.$client;
}

function runVerifier(bundle: string, args: string[] = []): { code: number | null; report: VerifierReport } {
  const result = spawnSync(process.execPath, [VERIFIER, bundle, ...args, '--json'], { encoding: 'utf8' });
  if (result.stdout === '') throw new Error(`verifier could not run: ${result.stderr}`);
  return { code: result.status, report: JSON.parse(result.stdout) as VerifierReport };
}

const failuresOf = (report: VerifierReport) => Object.fromEntries(report.checks.filter((c) => !c.ok).map((c) => [c.name, c.failures]));

// A log from before migration 0005 exists only in SQLite files: PostgreSQL's schema starts at the current format.
describe.skipIf(onPostgres)('a log written before subjects had a kind, after the migration', () => {
  let dir: string;
  let file: string;
  let keyFile: string;
  let keptFile: string;
  let db: Db;
  let world: World;
  let clock: FakeClock;
  /** The old rows as written, read back after the migration. */
  let oldRows: OldRow[];
  let projectIds: { inProgress: string; rejected: string };
  let drivenRoundId: string;
  /** An export taken right after the migration, before any new entry. */
  let onlyOld: string;
  let total: number;
  /** The subjects the service adopted at its first start after the upgrade, as `kind` in order. */
  let adopted: string[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-entry-formats-'));
    file = path.join(dir, 'lixiang.db');
    keyFile = path.join(dir, 'signing-key.pem');
    clock = new FakeClock();

    // 1. Real events: projects along their lifecycle and an event of the round.
    const source = await createTestApp({ lifecycles: FIRST_EDITION_LIFECYCLES, clock });
    const sourceWorld = await createWorld(source.app);
    const inProgress = await driveTo(sourceWorld, 'in_progress');
    const rejected = await driveTo(sourceWorld, 'rejected');
    await fireOk(sourceWorld, inProgress.id, 'SUBMIT_PROGRESS_REPORT', { text: '第一次进展：“红色旋律”\n\t"引号"\\ \u2028 🎵' });
    clock.set(sourceWorld.submissionClosesAt + 60_000);
    const closed = await call(source.app, sourceWorld.orgDept.token, {
      method: 'POST',
      url: `/api/v1/rounds/${sourceWorld.roundId}/events`,
      payload: { type: 'CLOSE_SUBMISSIONS' },
    });
    expect(closed.status).toBe(200);
    projectIds = { inProgress: inProgress.id, rejected: rejected.id };
    drivenRoundId = inProgress.roundId;
    const snapshot = path.join(dir, 'source.db');
    source.db.$client.exec(`VACUUM INTO '${snapshot}'`);
    await source.close();

    // 2. The same data in a database of migration 0004, its log hashed as the engine hashed then.
    const old = oldDatabase(file, migrationsUpTo(dir, '0004_round_lifecycle_and_files'));
    old.exec(`ATTACH '${snapshot}' AS src`);
    old.transaction(() => {
      for (const table of ['units', 'users', 'rounds', 'projects', 'reviewer_assignments', 'reviews', 'files', 'idempotency_records']) {
        // The columns of that time: later migrations added some (rounds' project machine pin).
        const columns = (old.prepare(`PRAGMA main.table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name).join(', ');
        old.exec(`INSERT INTO main.${table} (${columns}) SELECT ${columns} FROM src.${table}`);
      }
      const insert = old.prepare(OLD_LOG_INSERT);
      let prevHash = GENESIS_HASH;
      // The machines' entries: the engine of those days wrote no record entries.
      const rows = old.prepare("SELECT * FROM src.transition_log WHERE machine_id <> 'record' ORDER BY seq").all() as Array<Record<string, unknown>>;
      for (const [i, r] of rows.entries()) {
        const row = {
          seq: i + 1,
          project_id: r.subject_id as string,
          event: r.event as string,
          from_state: r.from_state as string,
          to_state: r.to_state as string,
          payload: r.payload as string,
          actor_id: r.actor_id as string,
          actor_role: r.actor_role as string,
          actor_unit_id: r.actor_unit_id as string | null,
          at: r.at as string,
          request_id: r.request_id as string,
          machine_id: r.machine_id as string,
          machine_version: r.machine_version as number,
          prev_hash: prevHash,
        };
        prevHash = oldHash(row);
        insert.run({ ...row, hash: prevHash });
        // A review names the entry that recorded it: without the record entries, it had this number.
        old.prepare('UPDATE main.reviews SET log_seq = ? WHERE log_seq = ?').run(-(i + 1), r.seq);
      }
      old.exec('UPDATE main.reviews SET log_seq = -log_seq WHERE log_seq < 0');
    })();
    old.exec('DETACH src');
    oldRows = old.prepare('SELECT * FROM transition_log ORDER BY seq').all() as OldRow[];
    expect(new Set(oldRows.map((r) => r.machine_id))).toEqual(new Set(['project', 'round']));
    // The old service signed a checkpoint of that log, and the auditor kept it.
    const key = loadSigningKey(keyFile, keyName);
    const head = { size: oldRows.length, hash: oldRows.at(-1)!.hash };
    const { note, signature } = signNote(checkpointBody(origin, head, machineDefinitions()), key);
    old
      .prepare('INSERT INTO checkpoints (size, head_hash, key_id, note, signature, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(head.size, head.hash, key.keyIdHex, note, signature.toString('base64'), '2023-03-30T00:00:00.000Z');
    keptFile = path.join(dir, 'kept-note.txt');
    fs.writeFileSync(keptFile, note);
    old.close();

    // 3. The upgrade, as the service runs it at start; then an export of the old rows alone.
    db = openDatabase(file);
    migrateDatabase(db);
    onlyOld = path.join(dir, 'only-old');
    await new AuditExportService(db, clock, loadSigningKey(keyFile, keyName), origin).writeDirectory(onlyOld);

    // 4. The service goes on: new entries, of projects and of the round, after the old ones.
    const app = await buildApp({ db, clock, adminToken: ADMIN_TOKEN, signingKeyPath: keyFile });
    world = { ...sourceWorld, app };
    await fireOk(world, inProgress.id, 'SUBMIT_PROGRESS_REPORT');
    const review = await call(app, world.orgDept.token, { method: 'POST', url: `/api/v1/rounds/${world.roundId}/events`, payload: { type: 'START_REVIEW' } });
    expect(review.status).toBe(200);
    await advanceRound(world, 'under_acceptance', { roundId: inProgress.roundId });
    await fireOk(world, inProgress.id, 'SUBMIT_FINAL_REPORT');
    await fireOk(world, inProgress.id, 'GRADE');
    // At its start the service adopted every row of the old tables: units, users, the rounds (the world's and the
    // one the project in progress was driven in), projects, assignments.
    adopted = db.$client.prepare("SELECT subject_kind FROM transition_log WHERE event = 'ADOPT' ORDER BY seq").pluck().all() as string[];
    expect(adopted).toEqual([...Array(6).fill('unit'), ...Array(10).fill('user'), 'round', 'round', 'project', 'project', 'assignment', 'assignment']);
    total = (db.$client.prepare('SELECT count(*) AS n FROM transition_log').get() as { n: number }).n;
    // SUBMIT_PROGRESS_REPORT, START_REVIEW, OPEN_ACCEPTANCE, SUBMIT_FINAL_REPORT, GRADE.
    expect(total).toBe(oldRows.length + adopted.length + 5);
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
  }, 120_000);

  afterAll(async () => {
    await world?.app.close();
    db?.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every old row as it was, as format 1 with the kind of its machine', () => {
    const migrated = db.$client.prepare('SELECT * FROM transition_log WHERE seq <= ? ORDER BY seq').all(oldRows.length) as Array<Record<string, unknown>>;
    expect(migrated).toHaveLength(oldRows.length);
    for (const [i, row] of migrated.entries()) {
      const { project_id: subjectId, ...rest } = oldRows[i]!;
      expect(row).toEqual({ ...rest, format: 1, subject_kind: row.machine_id, subject_id: subjectId });
    }
    // The round the project in progress was driven through (CLOSE_SUBMISSIONS to PUBLISH_LIST), then the world's CLOSE_SUBMISSIONS.
    expect(migrated.filter((r) => r.subject_kind === 'round').map((r) => r.subject_id)).toEqual([...Array(4).fill(drivenRoundId), world.roundId]);
    const newer = db.$client.prepare('SELECT format, subject_kind AS kind FROM transition_log WHERE seq > ? ORDER BY seq').all(oldRows.length);
    expect(newer).toEqual([
      ...adopted.map((kind) => ({ format: 2, kind })),
      { format: 2, kind: 'project' },
      { format: 2, kind: 'round' },
      { format: 2, kind: 'round' },
      { format: 2, kind: 'project' },
      { format: 2, kind: 'project' },
    ]);
    const columns = db.$client.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('transition_log');
    expect(columns).not.toContain('project_id');
    const indexes = db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'transition_log'").pluck().all();
    expect(indexes).toEqual(['transition_log_subject_idx']);
  });

  it('verifies valid online, in the service', async () => {
    const head = db.$client.prepare('SELECT hash FROM transition_log ORDER BY seq DESC LIMIT 1').pluck().get() as string;
    const expected: VerifyResult = { valid: true, count: total, headSeq: total, headHash: head };
    expect(verifyChain(iterateLog(db.$client))).toEqual(expected);
    const response = await call(world.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/verify' });
    // The log from before the seal was sealed at its first start: it extends its kept checkpoint.
    expect(response.body).toMatchObject({
      ...expected,
      chainValid: true,
      tables: { valid: true, divergenceCount: 0 },
      head: expect.objectContaining({ valid: true, reasons: [], checkpoints: { count: 1, latestId: 1 } }),
    });
  });

  it('verifies valid on worker threads, the native walk vouching for every range, and in JavaScript alone', async () => {
    const serial = verifyChain(iterateLog(db.$client));
    const walkers: Walker[] = [];
    for (const workers of [1, 2, 3]) {
      expect(await verifyChainParallel(file, total, { workers, onRange: ({ walker }) => walkers.push(walker) })).toEqual(serial);
      expect(await verifyChainParallel(file, total, { workers, native: false })).toEqual(serial);
    }
    expect(walkers).toEqual(Array(6).fill(nativeChainWalk() ? 'native' : 'javascript'));
  });

  it.runIf(nativeChainWalk())('passes the native walk over old rows, new rows and both', () => {
    const sqlite = new Database(file, { readonly: true });
    try {
      sqlite.loadExtension(nativeChainWalk()!);
      const walk = sqlite.prepare(NATIVE_WALK_SQL).pluck();
      const hashOf = (seq: number) => sqlite.prepare('SELECT hash FROM transition_log WHERE seq = ?').pluck().get(seq) as string;
      const n = oldRows.length;
      expect(walk.get(1, n)).toBe(`ok ${n} 1 ${GENESIS_HASH} ${hashOf(n)}`);
      expect(walk.get(n + 1, total)).toBe(`ok ${total - n} ${n + 1} ${hashOf(n)} ${hashOf(total)}`);
      expect(walk.get(1, total)).toBe(`ok ${total} 1 ${GENESIS_HASH} ${hashOf(total)}`);
    } finally {
      sqlite.close();
    }
  });

  it('still holds the checkpoint kept from before the migration', async () => {
    const verdict = await call(world.app, world.auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints/verify', payload: { note: fs.readFileSync(keptFile, 'utf8') } });
    expect(verdict.body).toMatchObject({ consistent: true, size: oldRows.length, reasons: [] });
  });

  it('exports a bundle of both formats that the stand-alone verifier accepts, with the kept checkpoint', async () => {
    const bundle = path.join(dir, 'mixed');
    const manifest = await new AuditExportService(db, clock, loadSigningKey(keyFile, keyName), origin).writeDirectory(bundle);
    expect(manifest.transitions.entryFormats.map(({ format, count }) => ({ format, count }))).toEqual([
      { format: 1, count: oldRows.length },
      { format: 2, count: adopted.length + 5 },
    ]);
    const { code, report } = runVerifier(bundle, ['--checkpoint', keptFile]);
    expect(failuresOf(report)).toEqual({});
    expect(report.checks.find((c) => c.name === 'chain')!.summary).toMatch(new RegExp(`^${total} entries`));
    expect(report.checks.find((c) => c.name === 'replay')!.summary).toMatch(/every state confirmed by replay/);
    expect(code).toBe(0);
    // The export right after the migration, before the service's first start adopted the rows: its
    // chain, checkpoint and replay verify; its tables are not yet accounted for by the log.
    const early = runVerifier(onlyOld, ['--checkpoint', keptFile]);
    expect(Object.keys(failuresOf(early.report))).toEqual(['tables']);
    expect(failuresOf(early.report).tables![0]).toMatch(/^units \S+: stored, but the log never made it$/);
  });

  it('reads a bundle exported before the migration (lixiang-audit-bundle/1, entries with projectId)', () => {
    const bundle = path.join(dir, 'bundle-v1');
    fs.cpSync(onlyOld, bundle, { recursive: true });
    // Bundles of those days carried no tables.
    fs.rmSync(path.join(bundle, 'tables'), { recursive: true });
    fs.rmSync(path.join(bundle, 'tables-replay.mjs'));
    const transitions = path.join(bundle, 'transitions.ndjson');
    const lines = fs
      .readFileSync(transitions, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // An entry of those days: every column of the old table, in its order.
    const asOld = lines.map(({ seq, format: _f, subjectKind: _k, subjectId, ...rest }) => ({ seq, projectId: subjectId, ...rest }));
    fs.writeFileSync(transitions, asOld.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const manifestFile = path.join(bundle, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BundleManifest;
    const { entryFormats, ...transitionsSummary } = manifest.transitions;
    // The /1 manifest: the same members in the same order, its transitions naming the one hashed-field list.
    const { tables: _tables, ...withoutTables } = manifest;
    const asV1 = {
      ...withoutTables,
      format: 'lixiang-audit-bundle/1',
      transitions: { ...transitionsSummary, hashedFields: entryFormats[0]!.hashedFields },
      files: manifest.files
        .filter(({ path: relative }) => !relative.startsWith('tables'))
        .map(({ path: relative }) => {
          const bytes = fs.readFileSync(path.join(bundle, relative));
          return { path: relative, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
        }),
    };
    fs.writeFileSync(manifestFile, JSON.stringify(asV1, null, 2));
    const { code, report } = runVerifier(bundle, ['--checkpoint', keptFile]);
    expect(failuresOf(report)).toEqual({});
    expect(code).toBe(0);
  });

  it('serves old and new entries with their subject; projectId only where the subject is a project', async () => {
    const project = await call(world.app, world.orgDept.token, { method: 'GET', url: `/api/v1/projects/${projectIds.inProgress}/transitions` });
    expect(project.status).toBe(200);
    expect(project.body.items.length).toBeGreaterThan(8);
    for (const entry of project.body.items) expect(entry).toMatchObject({ subject: { kind: 'project', id: projectIds.inProgress }, projectId: projectIds.inProgress });
    const round = await call(world.app, world.orgDept.token, { method: 'GET', url: `/api/v1/rounds/${world.roundId}/transitions` });
    expect(round.body.items.map((e: { event: string }) => e.event)).toEqual(['CLOSE_SUBMISSIONS', 'ADOPT', 'START_REVIEW']);
    for (const entry of round.body.items) {
      expect(entry.subject).toEqual({ kind: 'round', id: world.roundId });
      expect(entry).not.toHaveProperty('projectId');
    }
  });

  it('filters the whole log by subject: kind, id, both, or the deprecated projectId', async () => {
    const seqs = async (query: string) => {
      const response = await call(world.app, world.auditor.token, { method: 'GET', url: `/api/v1/audit/transitions?limit=100&${query}` });
      expect(response.status, query).toBe(200);
      return (response.body.items as Array<{ seq: number; subject: { kind: string; id: string } }>).map((e) => `${e.subject.kind} ${e.subject.id} ${e.seq}`);
    };
    const all = await seqs('');
    expect(all).toHaveLength(total);
    const of = (kind: string, id?: string) => all.filter((line) => line.startsWith(id ? `${kind} ${id} ` : `${kind} `));
    expect(await seqs('subjectKind=round')).toEqual(of('round'));
    // Each round's ADOPT; the driven round's four events and OPEN_ACCEPTANCE; the world's CLOSE_SUBMISSIONS and START_REVIEW.
    expect(of('round')).toHaveLength(9);
    expect(of('round', world.roundId)).toHaveLength(3);
    expect(await seqs(`subjectId=${world.roundId}`)).toEqual(of('round', world.roundId));
    expect(await seqs(`subjectKind=round&subjectId=${world.roundId}`)).toEqual(of('round', world.roundId));
    expect(await seqs(`subjectKind=project&subjectId=${world.roundId}`)).toEqual([]);
    expect(await seqs(`subjectId=${projectIds.rejected}`)).toEqual(of('project', projectIds.rejected));
    expect(await seqs(`projectId=${projectIds.rejected}`)).toEqual(of('project', projectIds.rejected));
    // projectId names projects only: a round's id finds nothing under it.
    expect(await seqs(`projectId=${world.roundId}`)).toEqual([]);
    expect(await seqs('subjectKind=project')).toEqual(of('project'));
    const bad = await call(world.app, world.auditor.token, { method: 'GET', url: '/api/v1/audit/transitions?subjectKind=committee' });
    expect(bad.status).toBe(400);
  });

  describe('tampering', () => {
    let copies = 0;
    /** A copy of the migrated database, tampered through a connection without the triggers. */
    function tampered(sql: string, ...params: unknown[]): string {
      const copy = path.join(dir, `tampered-${(copies += 1)}.db`);
      db.$client.pragma('wal_checkpoint(TRUNCATE)');
      fs.copyFileSync(file, copy);
      const sqlite = new Database(copy);
      sqlite.exec('DROP TRIGGER transition_log_no_update; DROP TRIGGER transition_log_no_delete;');
      sqlite.prepare(sql).run(...params);
      sqlite.close();
      return copy;
    }

    /** Every verifier's verdict on the copy: the serial walk, the workers (native and not), the native walk, the bundle verifier. */
    async function verdicts(copy: string) {
      const sqlite = new Database(copy, { readonly: true });
      try {
        const serial = verifyChain(iterateLog(sqlite));
        const parallel = [await verifyChainParallel(copy, total, { workers: 2 }), await verifyChainParallel(copy, total, { workers: 2, native: false })];
        const native = nativeChainWalk();
        if (native) sqlite.loadExtension(native);
        const walk = native ? sqlite.prepare(NATIVE_WALK_SQL).pluck().get(1, total) : null;
        const attacked = openDatabase(copy);
        const bundle = path.join(dir, `bundle-${copies}`);
        try {
          await new AuditExportService(attacked, clock, loadSigningKey(keyFile, keyName), origin).writeDirectory(bundle);
        } finally {
          attacked.$client.close();
        }
        return { serial, parallel, walk, bundle: runVerifier(bundle, ['--checkpoint', keptFile]) };
      } finally {
        sqlite.close();
      }
    }

    const attacks: Array<{ what: string; seq: number; sql: string }> = [
      { what: "an old row's payload", seq: 3, sql: 'UPDATE transition_log SET payload = \'{"comment":"改"}\' WHERE seq = 3' },
      { what: "an old row's subject id", seq: 2, sql: 'UPDATE transition_log SET subject_id = ? WHERE seq = 2' },
      // The kind is outside format 1's bytes; it is bound to the machine the bytes name.
      { what: "an old row's kind", seq: 4, sql: "UPDATE transition_log SET subject_kind = 'unit' WHERE seq = 4" },
      { what: "an old row's kind and machine together", seq: 5, sql: "UPDATE transition_log SET subject_kind = 'round', machine_id = 'round' WHERE seq = 5" },
      { what: 'an old row relabelled format 2', seq: 6, sql: 'UPDATE transition_log SET format = 2 WHERE seq = 6' },
      { what: 'a new row relabelled format 1', seq: 0, sql: 'UPDATE transition_log SET format = 1 WHERE seq = (SELECT max(seq) - 1 FROM transition_log)' },
    ];

    it('catches an edit of an old row, and of the format or kind, in every verifier at that row', async () => {
      for (const attack of attacks) {
        const seq = attack.seq || total - 1;
        const copy = tampered(attack.sql, ...(attack.sql.includes('?') ? [projectIds.rejected] : []));
        const { serial, parallel, walk, bundle } = await verdicts(copy);
        expect(serial, attack.what).toMatchObject({ valid: false, firstBadSeq: seq, count: seq - 1, reason: 'hash does not match the row content' });
        for (const result of parallel) expect(result, attack.what).toEqual(serial);
        expect(walk, attack.what).toBeNull();
        expect(bundle.code, attack.what).toBe(1);
        expect(failuresOf(bundle.report).chain?.[0], attack.what).toMatch(new RegExp(`^entry ${seq}: hash does not match its content`));
      }
    }, 120_000);
  });

  it('keeps the log append-only: the triggers are back and refuse UPDATE and DELETE of old and new rows', () => {
    const sqlite = db.$client;
    const triggers = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'transition_log' ORDER BY name").pluck().all();
    expect(triggers).toEqual(['transition_log_no_delete', 'transition_log_no_update']);
    const before = sqlite.prepare('SELECT * FROM transition_log ORDER BY seq').all();
    for (const seq of [1, oldRows.length, total]) {
      expect(() => sqlite.prepare("UPDATE transition_log SET payload = '{}' WHERE seq = ?").run(seq)).toThrow(/append-only/);
      expect(() => sqlite.prepare("UPDATE transition_log SET subject_kind = 'round' WHERE seq = ?").run(seq)).toThrow(/append-only/);
      expect(() => sqlite.prepare('UPDATE transition_log SET format = 2 WHERE seq = ?').run(seq)).toThrow(/append-only/);
      expect(() => sqlite.prepare('DELETE FROM transition_log WHERE seq = ?').run(seq)).toThrow(/append-only/);
    }
    expect(() => sqlite.prepare('DELETE FROM transition_log').run()).toThrow(/append-only/);
    expect(sqlite.prepare('SELECT * FROM transition_log ORDER BY seq').all()).toEqual(before);
  });
});

describe('the migration of a log with an entry of another machine', () => {
  it('fails as a whole rather than guess the kind, and leaves the database as it was', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-entry-formats-'));
    try {
      const file = path.join(dir, 'lixiang.db');
      const old = oldDatabase(file, migrationsUpTo(dir, '0004_round_lifecycle_and_files'));
      const row = {
        seq: 1,
        project_id: 'u-1',
        event: 'RENAME',
        from_state: 'active',
        to_state: 'active',
        payload: '{}',
        actor_id: 'admin',
        actor_role: 'admin',
        actor_unit_id: null,
        at: '2023-03-01T02:00:00.000Z',
        request_id: 'req-1',
        machine_id: 'unit',
        machine_version: 1,
        prev_hash: GENESIS_HASH,
      };
      old.prepare(OLD_LOG_INSERT).run({ ...row, hash: oldHash(row) });
      old.close();

      const db = openDatabase(file);
      try {
        let failure: unknown = null;
        try {
          migrateDatabase(db);
        } catch (error) {
          failure = error;
        }
        expect((failure as Error | null)?.cause).toMatchObject({ message: 'NOT NULL constraint failed: __new_transition_log.subject_kind' });
        const sqlite = db.$client;
        expect(sqlite.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('transition_log')).toContain('project_id');
        expect(sqlite.prepare('SELECT count(*) FROM transition_log').pluck().get()).toBe(1);
        expect(sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'transition_log'").pluck().get()).toBe(2);
        expect(sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE name = '__new_transition_log'").pluck().get()).toBe(0);
        expect(() => sqlite.prepare('DELETE FROM transition_log').run()).toThrow(/append-only/);
      } finally {
        db.$client.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
