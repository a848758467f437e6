/**
 * The mutation suite: for each kind of tampering, attacks of increasing skill against the
 * database (triggers dropped, then exported) or against the exported files (manifest checksums
 * recomputed), and the stand-alone verifier — the auditor's own copy, run as a child process —
 * with a checkpoint the auditor kept before the tampering. Every attack must be detected; the
 * table of detection rates per kind is printed.
 *
 * The log: the world's record entries (units, users, the round); P1 created, SUBMIT…START with its
 * two assignments, a progress report; P2 created, SUBMIT, REJECT; P3 created, WITHDRAW; the auditor
 * keeps the checkpoint of that size; P1 progress report, final report, GRADE, RECOMMEND; P4 created,
 * a draft; the service signs a checkpoint of that size. `S` names the entries the attacks aim at.
 * The log is a first-edition one (round@1, project@1: org_dept's GRADE is an entry of its own), as
 * the first release wrote it; the bundle's verifier holds both editions' definitions.
 */
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_EDITION_LIFECYCLES } from '../../machines/registry.js';
import { buildApp } from '../../src/app.js';
import { checkpointBody, loadSigningKey, logIdentity, signNote, type SigningKey } from '../../src/audit/checkpoints.js';
import { AuditExportService, type BundleManifest } from '../../src/audit/export-bundle.js';
import { HeadSealer } from '../../src/audit/seal.js';
import { GENESIS_HASH, canonicalJson, entryHash, type UnhashedEntry } from '../../src/workflow/hash-chain.js';
import { machineDefinitions, type MachineDefinition } from '../../src/machines/definitions.js';
import type { MachineDescription } from '../../machines/lifecycle.js';
import type { VerifierCheck, VerifierReport } from '../../src/audit/standalone-verifier.mjs';
import { iterateLog } from '../../src/audit/transition-log.repository.js';
import { migrateDatabase, openDatabase, type Db } from '../../src/db/client.js';
import type { TransitionLogRow } from '../../src/db/schema.js';
import { ADMIN_TOKEN, FakeClock, call } from '../helpers/app.js';
import { advanceRound, createDraft, createWorld, driveTo, fireOk, type World } from '../helpers/world.js';

const VERIFIER = path.resolve(import.meta.dirname, '../../src/audit/standalone-verifier.mjs');
const { origin, keyName } = logIdentity('default');
/** The size of the checkpoint the auditor keeps, and of the service's last one. */
let KEPT_SIZE = 0;
let FINAL_SIZE = 0;
/** The sequence numbers of the entries the attacks aim at, read from the log once it is written. */
const S = { review1: 0, review2: 0, progress1: 0, reject: 0, withdraw: 0, progress2: 0, final: 0, grade: 0 };

type CheckName = VerifierCheck['name'];

interface CheckpointLine {
  id: number;
  size: number;
  headHash: string;
  keyId: string;
  note: string;
  signature: string;
  createdAt: string;
}

interface ProjectLine {
  id: string;
  state: string;
  version: number;
  [column: string]: unknown;
}

interface Attack {
  kind: string;
  via: 'database' | 'files';
  what: string;
  /** The checks that must fail: the mechanism that catches this attack. */
  caughtBy: CheckName[];
  run(): Promise<string>;
}

// ---- the attacker's toolkit: the service's own code, and (where stated) its stolen key ----------

const readLines = <T>(file: string): T[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
const writeLines = (file: string, rows: readonly unknown[]) => fs.writeFileSync(file, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));

/** Recomputes prevHash and hash from `from` (an index) on, as an attacker with the code can. */
function rechain(entries: TransitionLogRow[], from = 0): TransitionLogRow[] {
  for (let i = from; i < entries.length; i += 1) {
    const { hash: _old, ...rest } = { ...entries[i]!, prevHash: i === 0 ? GENESIS_HASH : entries[i - 1]!.hash };
    const unhashed: UnhashedEntry = rest;
    entries[i] = { ...unhashed, hash: entryHash(unhashed) };
  }
  return entries;
}

const renumber = (entries: TransitionLogRow[]) => entries.map((entry, i) => ({ ...entry, seq: i + 1 }));

/** The state each project's remaining entries lead to: what an attacker writes back to hide a cut. */
function replayedStates(entries: readonly TransitionLogRow[]): Map<string, string> {
  const states = new Map<string, string>();
  for (const entry of entries) if (entry.subjectKind === 'project') states.set(entry.subjectId, entry.toState);
  return states;
}

function signedCheckpoint(
  id: number,
  entries: readonly TransitionLogRow[],
  size: number,
  key: SigningKey,
  machines: ReadonlyArray<Pick<MachineDefinition, 'id' | 'version' | 'sha256'>> = machineDefinitions(),
): CheckpointLine {
  const head = { size, hash: size === 0 ? GENESIS_HASH : entries[size - 1]!.hash };
  const { note, signature } = signNote(checkpointBody(origin, head, machines), key);
  return { id, size, headHash: head.hash, keyId: key.keyIdHex, note, signature: signature.toString('base64'), createdAt: '2023-03-01T02:00:00.000Z' };
}

/** An exported bundle as an attacker edits it: the files, then the manifest made to agree. */
class BundleFiles {
  constructor(readonly dir: string) {}
  private file = (name: string) => path.join(this.dir, name);
  get entries() {
    return readLines<TransitionLogRow>(this.file('transitions.ndjson'));
  }
  set entries(rows: TransitionLogRow[]) {
    writeLines(this.file('transitions.ndjson'), rows);
  }
  get checkpoints() {
    return readLines<CheckpointLine>(this.file('checkpoints.ndjson'));
  }
  set checkpoints(rows: CheckpointLine[]) {
    writeLines(this.file('checkpoints.ndjson'), rows);
  }
  get projects() {
    return readLines<ProjectLine>(this.file('projects.ndjson'));
  }
  set projects(rows: ProjectLine[]) {
    writeLines(this.file('projects.ndjson'), rows);
  }
  /** Rolls every project back (or forward) to the state its entries in the file lead to. */
  alignProjects(): void {
    const states = replayedStates(this.entries);
    this.projects = this.projects.map((p) => ({ ...p, state: states.get(p.id) ?? 'draft' }));
  }
  /**
   * Re-signs head-checkpoint.txt (the export's checkpoint of its head) over the entries in the file,
   * as an attacker holding a key does after re-signing the checkpoints.
   */
  signHead(key: SigningKey, machines: ReadonlyArray<Pick<MachineDefinition, 'id' | 'version' | 'sha256'>> = machineDefinitions()): void {
    const entries = this.entries;
    const line = signedCheckpoint(0, entries, entries.length, key, machines);
    fs.writeFileSync(this.file('head-checkpoint.txt'), line.note);
    this.signedHead = { file: 'head-checkpoint.txt', size: line.size, headHash: line.headHash };
  }
  private signedHead: BundleManifest['headCheckpoint'] | null = null;
  /** Recomputes every count, the head and every checksum, as a careful attacker would. */
  fixManifest(mutate: (manifest: BundleManifest) => void = () => undefined): void {
    const manifest = JSON.parse(fs.readFileSync(this.file('manifest.json'), 'utf8')) as BundleManifest;
    const entries = this.entries;
    const checkpoints = this.checkpoints;
    const projects = this.projects;
    Object.assign(manifest.transitions, {
      count: entries.length,
      firstSeq: entries[0]?.seq ?? null,
      lastSeq: entries.at(-1)?.seq ?? null,
      headHash: entries.at(-1)?.hash ?? GENESIS_HASH,
    });
    Object.assign(manifest.checkpoints, { count: checkpoints.length, latestSize: checkpoints.at(-1)?.size ?? null });
    const byState: Record<string, number> = {};
    for (const p of projects) byState[p.state] = (byState[p.state] ?? 0) + 1;
    Object.assign(manifest.projects, { count: projects.length, byState });
    if (this.signedHead) manifest.headCheckpoint = this.signedHead;
    mutate(manifest);
    manifest.files = manifest.files.map(({ path: relative }) => {
      const bytes = fs.readFileSync(this.file(relative));
      return { path: relative, bytes: bytes.length, sha256: sha256Hex(bytes) };
    });
    fs.writeFileSync(this.file('manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

const sha256Hex = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

// ---- the database side ------------------------------------------------------------------------

const LOG_COLUMNS =
  'seq, format, subject_kind, subject_id, event, from_state, to_state, payload, actor_id, actor_role, actor_unit_id, at, request_id, machine_id, machine_version, prev_hash, hash';
const LOG_VALUES =
  '@seq, @format, @subjectKind, @subjectId, @event, @fromState, @toState, @payload, @actorId, @actorRole, @actorUnitId, @at, @requestId, @machineId, @machineVersion, @prevHash, @hash';

function rewriteLog(sqlite: Database.Database, entries: readonly TransitionLogRow[]): void {
  sqlite.exec('DELETE FROM transition_log');
  const insert = sqlite.prepare(`INSERT INTO transition_log (${LOG_COLUMNS}) VALUES (${LOG_VALUES})`);
  for (const entry of entries) insert.run(entry);
  const states = replayedStates(entries);
  for (const project of sqlite.prepare('SELECT id FROM projects').all() as Array<{ id: string }>) {
    sqlite.prepare('UPDATE projects SET state = ? WHERE id = ?').run(states.get(project.id) ?? 'draft', project.id);
  }
}

function rewriteCheckpoints(sqlite: Database.Database, rows: readonly CheckpointLine[]): void {
  sqlite.exec('DELETE FROM checkpoints');
  const insert = sqlite.prepare(
    'INSERT INTO checkpoints (id, size, head_hash, key_id, note, signature, created_at) VALUES (@id, @size, @headHash, @keyId, @note, @signature, @createdAt)',
  );
  for (const row of rows) insert.run(row);
}

const logOf = (sqlite: Database.Database): TransitionLogRow[] => [...iterateLog(sqlite)];

describe('the mutation suite', () => {
  let dir: string;
  let db: Db;
  let world: World;
  let clock: FakeClock;
  /** The service's key, as an attacker who copied the key file holds it. */
  let stolenKey: SigningKey;
  let keptFile: string;
  let pristineDb: string;
  let pristine: string;
  let counter = 0;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lixiang-mutations-'));
    const keyFile = path.join(dir, 'signing-key.pem');
    clock = new FakeClock();
    db = openDatabase(':memory:');
    migrateDatabase(db);
    const app = await buildApp({ lifecycles: FIRST_EDITION_LIFECYCLES, db, clock, adminToken: ADMIN_TOKEN, signingKeyPath: keyFile });
    world = await createWorld(app, {}, clock);
    const p1 = await driveTo(world, 'in_progress');
    S.progress1 = (await fireOk(world, p1.id, 'SUBMIT_PROGRESS_REPORT')).transition.seq;
    const p2 = await driveTo(world, 'rejected');
    const p3 = await driveTo(world, 'withdrawn');
    const seqOf = (projectId: string, event: string) =>
      db.$client.prepare("SELECT seq FROM transition_log WHERE subject_kind = 'project' AND subject_id = ? AND event = ? ORDER BY seq").pluck().all(projectId, event) as number[];
    [S.review1, S.review2] = seqOf(p1.id, 'SUBMIT_REVIEW') as [number, number];
    expect(S.review2).toBe(S.review1 + 1);
    S.reject = seqOf(p2.id, 'REJECT')[0]!;
    S.withdraw = seqOf(p3.id, 'WITHDRAW')[0]!;
    const kept = await call(app, world.auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints' });
    KEPT_SIZE = kept.body.size;
    expect(KEPT_SIZE).toBe(S.withdraw);
    keptFile = path.join(dir, 'kept-checkpoint.txt');
    fs.writeFileSync(keptFile, kept.body.note);
    const later: number[] = [];
    for (const event of ['SUBMIT_PROGRESS_REPORT', 'SUBMIT_FINAL_REPORT', 'GRADE', 'RECOMMEND'] as const) {
      // Final reports once p1's round has opened acceptance: its OPEN_ACCEPTANCE lies between.
      if (event === 'SUBMIT_FINAL_REPORT') await advanceRound(world, 'under_acceptance', { roundId: p1.roundId });
      later.push((await fireOk(world, p1.id, event)).transition.seq);
    }
    [S.progress2, S.final, S.grade] = later as [number, number, number];
    expect([S.final, S.grade]).toEqual([S.progress2 + 2, S.progress2 + 3]);
    await createDraft(world);
    FINAL_SIZE = (await call(app, world.auditor.token, { method: 'POST', url: '/api/v1/audit/checkpoints' })).body.size;
    expect(FINAL_SIZE).toBe(S.grade + 2); // RECOMMEND, P4's creation

    stolenKey = loadSigningKey(keyFile, keyName);
    pristineDb = path.join(dir, 'pristine.db');
    db.$client.exec(`VACUUM INTO '${pristineDb}'`);
    pristine = path.join(dir, 'pristine-bundle');
    await new AuditExportService(db, clock, stolenKey, origin).writeDirectory(pristine);
  }, 60_000);

  afterAll(async () => {
    await world.app.close();
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const fresh = (label: string) => path.join(dir, `${String((counter += 1)).padStart(2, '0')}-${label}`);

  function verify(bundle: string, withKept = true): { code: number | null; report: VerifierReport } {
    const args = [VERIFIER, bundle, ...(withKept ? ['--checkpoint', keptFile] : []), '--json'];
    const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (result.status === 2 || result.stdout === '') throw new Error(`verifier could not run: ${result.stderr}`);
    return { code: result.status, report: JSON.parse(result.stdout) as VerifierReport };
  }

  /** Tampers with a copy of the database, triggers dropped, then exports it as the service would. */
  async function viaDatabase(tamper: (sqlite: Database.Database) => void): Promise<string> {
    const file = fresh('attacked.db');
    fs.copyFileSync(pristineDb, file);
    const sqlite = new Database(file);
    sqlite.exec('DROP TRIGGER transition_log_no_update; DROP TRIGGER transition_log_no_delete;');
    sqlite.transaction(() => tamper(sqlite))();
    sqlite.close();
    const attacked = openDatabase(file);
    const out = fresh('bundle');
    try {
      await new AuditExportService(attacked, clock, stolenKey, origin).writeDirectory(out);
    } finally {
      attacked.$client.close();
    }
    return out;
  }

  /** Tampers with a copy of the untouched export. */
  async function viaFiles(tamper: (bundle: BundleFiles) => void): Promise<string> {
    const out = fresh('bundle');
    fs.cpSync(pristine, out, { recursive: true });
    tamper(new BundleFiles(out));
    return out;
  }

  const editEntry = (entries: TransitionLogRow[], seq: number, change: Partial<TransitionLogRow>) => entries.map((entry) => (entry.seq === seq ? { ...entry, ...change } : entry));

  const attacks: Attack[] = [
    {
      kind: 'edit a row',
      via: 'database',
      what: "REJECT's reason rewritten in place",
      caughtBy: ['chain'],
      run: () => viaDatabase((sqlite) => sqlite.prepare('UPDATE transition_log SET payload = ? WHERE seq = ?').run(canonicalJson({ reason: '材料不全' }), S.reject)),
    },
    {
      kind: 'edit a row',
      via: 'files',
      what: 'GRADE first → second, manifest re-checksummed',
      caughtBy: ['chain'],
      run: () =>
        viaFiles((b) => {
          b.entries = editEntry(b.entries, S.grade, { payload: canonicalJson({ grade: 'second' }) });
          b.fixManifest();
        }),
    },
    {
      kind: 'edit a row and its own hash',
      via: 'database',
      what: "a review's reviewer replaced and its hash recomputed",
      caughtBy: ['chain'],
      run: () =>
        viaDatabase((sqlite) => {
          const entry = { ...logOf(sqlite)[S.review1 - 1]!, actorId: world.conflictedReviewer.id };
          const { hash: _h, ...unhashed } = entry;
          sqlite.prepare('UPDATE transition_log SET actor_id = ?, hash = ? WHERE seq = ?').run(entry.actorId, entryHash(unhashed), S.review1);
        }),
    },
    {
      kind: 'edit a row and its own hash',
      via: 'files',
      what: 'GRADE first → second with its hash recomputed, manifest fixed',
      caughtBy: ['chain'],
      run: () =>
        viaFiles((b) => {
          const entries = b.entries;
          const { hash: _h, ...unhashed } = { ...entries[S.grade - 1]!, payload: canonicalJson({ grade: 'second' }) };
          entries[S.grade - 1] = { ...unhashed, hash: entryHash(unhashed) };
          b.entries = entries;
          b.fixManifest();
        }),
    },
    {
      kind: 'delete a row',
      via: 'database',
      what: 'a progress report deleted',
      caughtBy: ['chain'],
      run: () => viaDatabase((sqlite) => sqlite.prepare('DELETE FROM transition_log WHERE seq = ?').run(S.progress1)),
    },
    {
      kind: 'delete a row',
      via: 'files',
      what: 'the final report removed, counts and checksums fixed',
      caughtBy: ['chain', 'replay'],
      run: () =>
        viaFiles((b) => {
          b.entries = b.entries.filter((e) => e.seq !== S.final);
          b.fixManifest();
        }),
    },
    {
      kind: 'swap two rows',
      via: 'database',
      what: 'contents of two reviews exchanged, sequence numbers kept',
      caughtBy: ['chain'],
      run: () =>
        viaDatabase((sqlite) => {
          const entries = logOf(sqlite);
          const [first, second] = [entries[S.review1 - 1]!, entries[S.review2 - 1]!];
          rewriteLog(
            sqlite,
            entries.map((e) => (e.seq === S.review1 ? { ...second, seq: S.review1 } : e.seq === S.review2 ? { ...first, seq: S.review2 } : e)),
          );
        }),
    },
    {
      kind: 'swap two rows',
      via: 'files',
      what: 'the lines of the second progress report and the final report exchanged, manifest re-checksummed',
      caughtBy: ['chain', 'replay'],
      run: () =>
        viaFiles((b) => {
          const entries = b.entries;
          [entries[S.progress2 - 1], entries[S.final - 1]] = [entries[S.final - 1]!, entries[S.progress2 - 1]!];
          b.entries = entries;
          b.fixManifest();
        }),
    },
    {
      kind: 'cut off the tail',
      via: 'database',
      what: 'every entry from REJECT on deleted, projects rolled back, later checkpoints deleted',
      caughtBy: ['kept', 'tables'],
      run: () =>
        viaDatabase((sqlite) => {
          rewriteLog(sqlite, logOf(sqlite).slice(0, S.reject - 1));
          sqlite.prepare('DELETE FROM checkpoints WHERE size > ?').run(S.reject - 1);
        }),
    },
    {
      kind: 'cut off the tail',
      via: 'files',
      what: 'every entry from REJECT on removed, projects rolled back, later checkpoints removed, manifest fixed',
      caughtBy: ['kept', 'tables'],
      run: () =>
        viaFiles((b) => {
          b.entries = b.entries.slice(0, S.reject - 1);
          b.checkpoints = b.checkpoints.filter((c) => c.size < S.reject);
          b.alignProjects();
          b.fixManifest();
        }),
    },
    {
      kind: 'delete a row and re-hash everything after it',
      via: 'database',
      what: 'a review deleted, later entries renumbered and re-hashed, checkpoints re-signed with the stolen key',
      caughtBy: ['kept', 'tables'],
      run: () =>
        viaDatabase((sqlite) => {
          const entries = rechain(renumber(logOf(sqlite).filter((e) => e.seq !== S.review2)), S.review2 - 1);
          rewriteLog(sqlite, entries);
          rewriteCheckpoints(sqlite, [signedCheckpoint(1, entries, KEPT_SIZE - 1, stolenKey), signedCheckpoint(2, entries, entries.length, stolenKey)]);
          // The key also makes the seal: the export finds the head checked out and signs it.
          new HeadSealer(sqlite, stolenKey, origin, clock).seal(true);
        }),
    },
    {
      kind: 'delete a row and re-hash everything after it',
      via: 'files',
      what: 'the withdrawal deleted, the rest re-hashed, checkpoints re-signed with the stolen key, manifest fixed',
      caughtBy: ['kept', 'tables'],
      run: () =>
        viaFiles((b) => {
          const entries = rechain(renumber(b.entries.filter((e) => e.seq !== S.withdraw)), S.withdraw - 1);
          b.entries = entries;
          b.checkpoints = [signedCheckpoint(1, entries, KEPT_SIZE - 1, stolenKey), signedCheckpoint(2, entries, entries.length, stolenKey)];
          b.signHead(stolenKey);
          b.alignProjects();
          b.fixManifest();
        }),
    },
    {
      kind: 'forge a checkpoint signature',
      via: 'files',
      what: 'GRADE and what follows cut (above the kept size); the last note edited to the shorter size, its signature kept',
      caughtBy: ['checkpoints'],
      run: () =>
        viaFiles((b) => {
          const cut = S.grade - 1;
          const entries = b.entries.slice(0, cut);
          b.entries = entries;
          b.checkpoints = b.checkpoints.map((c) => {
            if (c.size !== FINAL_SIZE) return c;
            const lines = c.note.split('\n');
            lines[1] = String(cut);
            lines[2] = Buffer.from(entries[cut - 1]!.hash, 'hex').toString('base64');
            return { ...c, size: cut, headHash: entries[cut - 1]!.hash, note: lines.join('\n') };
          });
          b.alignProjects();
          b.fixManifest();
        }),
    },
    {
      kind: 'forge a checkpoint signature',
      via: 'files',
      what: "GRADE and what follows cut; public-key.pem replaced by the attacker's key, every checkpoint re-signed with it",
      caughtBy: ['kept', 'tables'],
      run: () =>
        viaFiles((b) => {
          const own = generateKeyPairSync('ed25519').privateKey;
          const pem = own.export({ type: 'pkcs8', format: 'pem' }).toString();
          const keyFile = fresh('attacker-key.pem');
          fs.writeFileSync(keyFile, pem);
          const attackerKey = loadSigningKey(keyFile, keyName);
          const entries = b.entries.slice(0, S.grade - 1);
          b.entries = entries;
          b.checkpoints = [signedCheckpoint(1, entries, KEPT_SIZE, attackerKey), signedCheckpoint(2, entries, S.grade - 1, attackerKey)];
          fs.writeFileSync(path.join(b.dir, 'public-key.pem'), attackerKey.publicKeyPem);
          b.signHead(attackerKey);
          b.alignProjects();
          b.fixManifest((m) => Object.assign(m.publicKey, { keyId: attackerKey.keyIdHex, noteVerifierKey: attackerKey.verifierKey }));
        }),
    },
    {
      kind: 'forge a checkpoint signature',
      via: 'database',
      what: 'GRADE and what follows deleted; the last checkpoint row replaced by a note of the shorter size with random signature bytes',
      caughtBy: ['checkpoints'],
      run: () =>
        viaDatabase((sqlite) => {
          const cut = S.grade - 1;
          const entries = logOf(sqlite).slice(0, cut);
          rewriteLog(sqlite, entries);
          const forged = signedCheckpoint(2, entries, cut, stolenKey);
          const lines = forged.note.trimEnd().split('\n');
          const blob = Buffer.concat([stolenKey.keyId, randomBytes(64)]).toString('base64');
          lines[lines.length - 1] = `\u2014 ${keyName} ${blob}`;
          sqlite.prepare('UPDATE checkpoints SET size = ?, head_hash = ?, note = ? WHERE size = ?').run(cut, forged.headHash, `${lines.join('\n')}\n`, FINAL_SIZE);
        }),
    },
    {
      kind: 'swap a machine definition',
      via: 'files',
      what: 'project@1.json lets applicants GRADE their own projects, manifest re-checksummed',
      caughtBy: ['checkpoints', 'kept'],
      run: () =>
        viaFiles((b) => {
          const file = path.join(b.dir, 'machines/project@1.json');
          const definition = JSON.parse(fs.readFileSync(file, 'utf8')) as { transitions: Array<{ event: string; roles: string[] }> };
          for (const t of definition.transitions) if (t.event === 'GRADE') t.roles.push('applicant');
          fs.writeFileSync(file, `${JSON.stringify(definition, null, 2)}\n`);
          b.fixManifest();
        }),
    },
    {
      kind: 'swap a machine definition',
      via: 'files',
      what: 'stolen key: a draft → graded transition added, a forged GRADE of the draft appended, checkpoints re-signed over the new definition',
      caughtBy: ['kept', 'tables'],
      run: () =>
        viaFiles((b) => {
          const file = path.join(b.dir, 'machines/project@1.json');
          const definition = JSON.parse(fs.readFileSync(file, 'utf8')) as MachineDescription;
          definition.transitions.push({ from: 'draft', event: 'GRADE', to: 'graded', roles: ['applicant'], authorizations: [], checks: [] });
          const swapped = `${JSON.stringify(definition, null, 2)}\n`;
          fs.writeFileSync(file, swapped);
          const sha256 = sha256Hex(canonicalJson(definition));
          const draft = b.projects.find((p) => p.state === 'draft')!;
          const entries = b.entries;
          const last = entries.at(-1)!;
          entries.push({
            ...last,
            seq: last.seq + 1,
            subjectKind: 'project',
            subjectId: draft.id,
            event: 'GRADE',
            fromState: 'draft',
            toState: 'graded',
            payload: canonicalJson({ grade: 'first' }),
            actorId: world.applicant.id,
            actorRole: 'applicant',
            actorUnitId: world.applicant.unitId,
            requestId: 'forged',
            // The last entry is the draft's creation, a record entry: the forgery names the project machine.
            machineId: 'project',
            machineVersion: 1,
          });
          rechain(entries, entries.length - 1);
          b.entries = entries;
          const machines = [{ id: 'project', version: 1, sha256 }];
          b.checkpoints = [signedCheckpoint(1, entries, KEPT_SIZE, stolenKey, machines), signedCheckpoint(2, entries, entries.length, stolenKey, machines)];
          b.signHead(stolenKey, machines);
          b.projects = b.projects.map((p) => (p.id === draft.id ? { ...p, state: 'graded', version: p.version + 1 } : p));
          b.fixManifest((m) => {
            m.machines[0]!.sha256 = sha256;
          });
        }),
    },
  ];

  it('an untouched export passes, with the kept checkpoint', () => {
    const { code, report } = verify(pristine);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(code).toBe(0);
  });

  it('detects every kind of tampering (detection rate per kind printed)', async () => {
    const results: Array<{ attack: Attack; detected: boolean; detectedWithoutKept: boolean; failed: CheckName[]; firstFailure: string }> = [];
    for (const attack of attacks) {
      const bundle = await attack.run();
      const { code, report } = verify(bundle);
      const failed = report.checks.filter((c) => !c.ok);
      results.push({
        attack,
        detected: code === 1 && !report.ok,
        detectedWithoutKept: verify(bundle, false).code === 1,
        failed: failed.map((c) => c.name),
        firstFailure: failed.find((c) => c.name === attack.caughtBy[0])?.failures[0] ?? failed[0]?.failures[0] ?? '',
      });
    }

    const kinds = [...new Set(attacks.map((a) => a.kind))];
    const rows = kinds.map((kind) => {
      const mine = results.filter((r) => r.attack.kind === kind);
      const detected = mine.filter((r) => r.detected).length;
      const withoutKept = mine.filter((r) => r.detectedWithoutKept).length;
      return {
        kind,
        attacks: mine.length,
        detected,
        rate: `${Math.round((100 * detected) / mine.length)}%`,
        rateWithoutKept: `${Math.round((100 * withoutKept) / mine.length)}%`,
        caughtBy: [...new Set(mine.flatMap((r) => r.failed))].join(', '),
      };
    });
    const width = Math.max(...kinds.map((k) => k.length));
    const table = [
      `${'kind of tampering'.padEnd(width)}  attacks  detected  rate  (without the kept checkpoint)  failing checks`,
      ...rows.map(
        (r) =>
          `${r.kind.padEnd(width)}  ${String(r.attacks).padStart(7)}  ${String(r.detected).padStart(8)}  ${r.rate.padStart(4)}  ${r.rateWithoutKept.padStart(29)}  ${r.caughtBy}`,
      ),
      '',
      ...results.map((r) => `  ${r.detected ? 'caught' : 'MISSED'}  [${r.attack.via}] ${r.attack.what}\n          → ${r.failed.join(', ')}: ${r.firstFailure}`),
    ].join('\n');
    process.stdout.write(`\nMutation suite, with the checkpoint kept at size ${KEPT_SIZE}:\n${table}\n`);

    for (const r of results) {
      expect.soft(r.detected, `${r.attack.kind}: ${r.attack.what}`).toBe(true);
      for (const check of r.attack.caughtBy) expect.soft(r.failed, `${r.attack.what} is caught by ${check}`).toContain(check);
      // An attack only the kept checkpoint catches left every other trace consistent: without it, it passes.
      if (r.attack.caughtBy.join() === 'kept') expect.soft(r.detectedWithoutKept, `${r.attack.what} passes without the kept checkpoint`).toBe(false);
    }
    for (const row of rows) expect(row.rate, row.kind).toBe('100%');
    expect(kinds).toHaveLength(8);
  }, 180_000);
});
