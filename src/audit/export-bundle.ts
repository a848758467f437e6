/**
 * The audit export: everything an auditor needs to prove or disprove the log's integrity without
 * the service: the log, the checkpoints, the public key, the machine definitions, the projects'
 * current states, the stored rows of every audited table (as the projections the log's replay is
 * compared with), a manifest with the SHA-256 of every file, and the stand-alone verifier with the
 * replay's rules beside it.
 *
 * Constant memory for any log size: rows are streamed with better-sqlite3's iterate() into files,
 * hashed while written, and the archive is streamed from those files. Every read happens in one
 * read transaction, so the projects' states are those the exported log leads to.
 */
import { PgSyncClient } from '../db/pg/sync-client.js';
import { pgSnapshot } from './verify-tables.js';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { create as createTar } from 'tar';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { findRepositoryPath } from '../repo-files.js';
import { allActors } from '../users/actor-names.js';
import { checkpointBody, signNote, type CheckpointView, type SigningKey } from './checkpoints.js';
import { examineHead } from './head-check.js';
import type { Witness } from './witness.js';
import { CANONICALIZATION, ENTRY_FORMATS, GENESIS_HASH, HASH_ALGORITHM } from '../workflow/hash-chain.js';
import { machineDefinitions, type MachineDefinition } from '../machines/definitions.js';
import { iterateLog } from './transition-log.repository.js';
import { AUDITED_TABLES, tablesReplaySourcePath, type AuditedTable } from './table-rules.js';
import { storedProjections } from './verify-tables.js';

/** /2: entries name their subject by kind and id and carry their hash format (/1 had `projectId`). */
export const BUNDLE_FORMAT = 'lixiang-audit-bundle/2';
const VERIFIER_FILE = 'standalone-verifier.mjs';
/** The extension line of the export's checkpoint of its head (standalone-verifier.mjs knows it by this name). */
const EXPORTED_HEAD_LINE = 'exported-head';
/** The table replay's rules, under the name verify.mjs imports them by. */
const REPLAY_FILE = 'tables-replay.mjs';
const COMMON_FIELDS = ['event', 'fromState', 'toState', 'payload', 'actorId', 'actorRole', 'actorUnitId', 'at', 'requestId', 'machineId', 'machineVersion', 'prevHash'];
/** What entryBytes() canonicalises in each entry format, in stored order; the text tells an auditor how to read it. */
const ENTRY_FORMAT_NOTES: Record<(typeof ENTRY_FORMATS)[number], { hashedFields: string[]; description: string }> = {
  1: {
    hashedFields: ['seq', 'projectId', ...COMMON_FIELDS],
    description:
      'Entries written before subjects had a kind. The hashed object names the subject id "projectId" (the value of subjectId) and holds neither ' +
      'subjectKind nor format; subjectKind must equal machineId (project or round), the kind those entries were migrated with.',
  },
  2: {
    hashedFields: ['seq', 'format', 'subjectKind', 'subjectId', ...COMMON_FIELDS],
    description: 'Every field of the entry but its hash, the format (2) included.',
  },
};
const FLUSH_BYTES = 64 * 1024;
/** With a connection of its own, the export lets other requests run every this many rows. */
const ROWS_PER_SLICE = 2000;

export interface BundleFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  origin: string;
  scope: { kind: 'whole-log'; description: string };
  algorithms: Record<string, string>;
  transitions: {
    file: string;
    count: number;
    firstSeq: number | null;
    lastSeq: number | null;
    genesisHash: string;
    headHash: string;
    /**
     * Each entry's `format` names the fields its hash covers (in the order of the stored columns):
     * the formats in use, with their fields and how many entries of the log use each.
     */
    entryFormats: Array<{ format: number; count: number; hashedFields: string[]; description: string }>;
  };
  checkpoints: { file: string; count: number; latestSize: number | null };
  /**
   * A checkpoint of the exported head, signed by the export (not stored in the database): only when
   * the head checks out as at the service's start (the seal, the checkpoints, the witness). Without
   * it, entries after the latest checkpoint are covered by no signature and the verifier says so.
   * `file` is null and `refused` names why when the head was refused (a refused head is never signed).
   */
  headCheckpoint: { file: string; size: number; headHash: string } | { file: null; refused: string[] };
  projects: { file: string; count: number; byState: Record<string, number> };
  /** The rounds, whose own lifecycle entries share the log (machine id `round`). */
  rounds: { file: string; count: number; byState: Record<string, number> };
  /**
   * Who the log's actor ids are: every user (id, name, role, unitId; the current name) and the
   * service's own actors (`system`, `cli`). Not proven by the log: names make the entries readable.
   */
  actors: { file: string; count: number };
  /**
   * The stored rows of every audited table as their audited projections (tables-replay.mjs
   * projectRow), in key order: what the stand-alone verifier compares with the log's replay.
   */
  tables: Array<{ table: AuditedTable; file: string; count: number }>;
  /** The replay's rules, imported by verify.mjs from beside it. */
  replay: { file: string };
  machines: Array<{ id: string; version: number; file: string; sha256: string }>;
  publicKey: { file: string; algorithm: 'Ed25519'; keyName: string; keyId: string; noteVerifierKey: string };
  verifier: { file: string; usage: string };
  files: BundleFile[];
}

/** Writes a file through a small buffer, hashing what it writes: memory stays flat. */
class HashingWriter {
  private readonly fd: number;
  private readonly hash = createHash(HASH_ALGORITHM);
  private chunks: string[] = [];
  private pending = 0;
  private bytes = 0;

  constructor(
    private readonly dir: string,
    readonly relative: string,
  ) {
    const file = path.join(dir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'wx', 0o644);
  }

  write(text: string): void {
    this.chunks.push(text);
    this.pending += text.length;
    if (this.pending >= FLUSH_BYTES) this.flush();
  }

  close(): BundleFile {
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    return { path: this.relative, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  private flush(): void {
    if (this.chunks.length === 0) return;
    const buffer = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.pending = 0;
    this.hash.update(buffer);
    for (let offset = 0; offset < buffer.length;) offset += fs.writeSync(this.fd, buffer, offset);
    this.bytes += buffer.length;
  }
}

function writeWhole(dir: string, relative: string, text: string): BundleFile {
  const writer = new HashingWriter(dir, relative);
  writer.write(text);
  return writer.close();
}

/** The verifier's source, found from this file in src/ (tsx) or dist/src/ (compiled). */
export function verifierSourcePath(): string {
  return findRepositoryPath(import.meta.url, path.join('src', 'audit', VERIFIER_FILE));
}

type CheckpointLine = CheckpointView;

interface ProjectLine {
  id: string;
  state: string;
}

/**
 * A read snapshot: a connection of its own for a database file (other requests go on while the
 * export runs), else the service's connection, read without ever yielding to the event loop.
 */
function openSnapshot(db: Db): { sqlite: Database.Database; dedicated: boolean; close(): void } {
  const shared = db.$client;
  if (shared.memory) return { sqlite: shared, dedicated: false, close: () => undefined };
  if (shared instanceof PgSyncClient) return pgSnapshot(shared);
  const sqlite = new Database(shared.name, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  return { sqlite, dedicated: true, close: () => sqlite.close() };
}

export class AuditExportService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly key: SigningKey,
    private readonly origin: string,
    /** Where archive() stages the bundle's files until they are streamed. */
    private readonly scratchRoot: string = os.tmpdir(),
    /** Every machine definition the log may name, for the bundle's replay. */
    private readonly definitions: MachineDefinition[] = machineDefinitions(),
    /** The witness the service appends its checkpoints to: the head is checked against it before the export signs it. */
    private readonly witness: Witness | null = null,
  ) {}

  /** Writes the bundle into `dir`, which must not exist or be empty. */
  async writeDirectory(dir: string): Promise<BundleManifest> {
    fs.mkdirSync(dir, { recursive: true });
    if (fs.readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
    const createdAt = isoUtc(this.clock.now());
    const machines = this.definitions;
    const files: BundleFile[] = [];

    const snapshot = openSnapshot(this.db);
    let transitions: BundleManifest['transitions'];
    let checkpointSummary: BundleManifest['checkpoints'];
    let headCheckpoint: BundleManifest['headCheckpoint'];
    let projectSummary: BundleManifest['projects'];
    let roundSummary: BundleManifest['rounds'];
    let actorSummary: BundleManifest['actors'];
    const tableSummaries: BundleManifest['tables'] = [];
    try {
      snapshot.sqlite.exec('BEGIN');
      const pause = snapshot.dedicated ? yieldToEventLoop : null;
      let rows = 0;

      const log = new HashingWriter(dir, 'transitions.ndjson');
      let firstSeq: number | null = null;
      let lastSeq: number | null = null;
      let headHash = GENESIS_HASH;
      let count = 0;
      const formatCounts = new Map<number, number>();
      for (const row of iterateLog(snapshot.sqlite)) {
        log.write(`${JSON.stringify(row)}\n`);
        count += 1;
        formatCounts.set(row.format, (formatCounts.get(row.format) ?? 0) + 1);
        firstSeq ??= row.seq;
        lastSeq = row.seq;
        headHash = row.hash;
        if (pause && ++rows % ROWS_PER_SLICE === 0) await pause();
      }
      files.push(log.close());
      transitions = {
        file: 'transitions.ndjson',
        count,
        firstSeq,
        lastSeq,
        genesisHash: GENESIS_HASH,
        headHash,
        entryFormats: ENTRY_FORMATS.map((format) => ({ format, count: formatCounts.get(format) ?? 0, ...ENTRY_FORMAT_NOTES[format] })),
      };

      const notes = new HashingWriter(dir, 'checkpoints.ndjson');
      let checkpointCount = 0;
      let latestSize: number | null = null;
      const checkpointRows = snapshot.sqlite.prepare(
        `SELECT id, size, head_hash AS headHash, key_id AS keyId, note, signature, created_at AS createdAt FROM checkpoints ORDER BY id`,
      );
      for (const row of checkpointRows.iterate() as IterableIterator<CheckpointLine>) {
        notes.write(`${JSON.stringify(row)}\n`);
        checkpointCount += 1;
        latestSize = row.size;
        if (pause && ++rows % ROWS_PER_SLICE === 0) await pause();
      }
      files.push(notes.close());
      checkpointSummary = { file: 'checkpoints.ndjson', count: checkpointCount, latestSize };

      const states = new HashingWriter(dir, 'projects.ndjson');
      let projectCount = 0;
      const byState: Record<string, number> = {};
      const projectRows = snapshot.sqlite.prepare(
        `SELECT id, round_id AS roundId, unit_id AS unitId, category, title, state, machine_id AS machineId,
                machine_version AS machineVersion, version, grade, funding, created_at AS createdAt, updated_at AS updatedAt
           FROM projects ORDER BY id`,
      );
      for (const row of projectRows.iterate() as IterableIterator<ProjectLine>) {
        states.write(`${JSON.stringify(row)}\n`);
        projectCount += 1;
        byState[row.state] = (byState[row.state] ?? 0) + 1;
        if (pause && ++rows % ROWS_PER_SLICE === 0) await pause();
      }
      files.push(states.close());
      projectSummary = { file: 'projects.ndjson', count: projectCount, byState };

      const roundLines = new HashingWriter(dir, 'rounds.ndjson');
      let roundCount = 0;
      const roundsByState: Record<string, number> = {};
      const roundRows = snapshot.sqlite.prepare(
        `SELECT id, year, title, document_number AS documentNumber, state, machine_id AS machineId, machine_version AS machineVersion,
                version, created_at AS createdAt, updated_at AS updatedAt
           FROM rounds ORDER BY id`,
      );
      for (const row of roundRows.iterate() as IterableIterator<{ state: string }>) {
        roundLines.write(`${JSON.stringify(row)}\n`);
        roundCount += 1;
        roundsByState[row.state] = (roundsByState[row.state] ?? 0) + 1;
      }
      files.push(roundLines.close());
      roundSummary = { file: 'rounds.ndjson', count: roundCount, byState: roundsByState };

      const actorLines = new HashingWriter(dir, 'actors.ndjson');
      let actorCount = 0;
      for (const actor of allActors(snapshot.sqlite)) {
        actorLines.write(`${JSON.stringify(actor)}\n`);
        actorCount += 1;
      }
      files.push(actorLines.close());
      actorSummary = { file: 'actors.ndjson', count: actorCount };

      for (const table of AUDITED_TABLES) {
        const file = `tables/${table}.ndjson`;
        const writer = new HashingWriter(dir, file);
        let count = 0;
        for (const projection of storedProjections(snapshot.sqlite, table)) {
          writer.write(`${JSON.stringify(projection)}\n`);
          count += 1;
          if (pause && ++rows % ROWS_PER_SLICE === 0) await pause();
        }
        files.push(writer.close());
        tableSummaries.push({ table, file, count });
      }

      // The head just exported, checked in the same snapshot as at the service's start; signed only when it checks out.
      const exam = examineHead(snapshot.sqlite, { key: this.key, origin: this.origin, witness: this.witness }, false);
      if (exam.ok && exam.found.size === (transitions.lastSeq ?? 0) && exam.found.headHash === transitions.headHash) {
        // An extension line says the note is an export's, never a row of the checkpoints table: an auditor may keep it like any other.
        const body = `${checkpointBody(this.origin, { size: exam.found.size, hash: exam.found.headHash }, machines)}${EXPORTED_HEAD_LINE} ${createdAt}\n`;
        const { note } = signNote(body, this.key);
        files.push(writeWhole(dir, 'head-checkpoint.txt', note));
        headCheckpoint = { file: 'head-checkpoint.txt', size: exam.found.size, headHash: exam.found.headHash };
      } else {
        headCheckpoint = { file: null, refused: exam.ok ? ['the head moved while it was exported'] : exam.reasons };
      }
      snapshot.sqlite.exec('COMMIT');
    } finally {
      if (snapshot.sqlite.inTransaction) snapshot.sqlite.exec('ROLLBACK');
      snapshot.close();
    }

    for (const machine of machines) files.push(writeWhole(dir, machine.file, `${JSON.stringify(machine.definition, null, 2)}\n`));
    files.push(writeWhole(dir, 'public-key.pem', this.key.publicKeyPem));
    files.push(writeWhole(dir, 'verify.mjs', fs.readFileSync(verifierSourcePath(), 'utf8')));
    files.push(writeWhole(dir, REPLAY_FILE, fs.readFileSync(tablesReplaySourcePath(), 'utf8')));

    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      createdAt,
      origin: this.origin,
      scope: {
        kind: 'whole-log',
        description: 'The whole transition log from its first entry, every checkpoint, every project and every round, and every audited table, read in one transaction',
      },
      algorithms: {
        fileChecksum: 'SHA-256',
        entryHash: "SHA-256 over the RFC 8785 canonical JSON of the fields the entry's format hashes (transitions.entryFormats), prevHash included",
        canonicalization: `${CANONICALIZATION} (JSON Canonicalization Scheme)`,
        checkpoint: 'C2SP tlog-checkpoint style note; the hash line is the head of the hash chain',
        signature: 'Ed25519, C2SP signed-note',
      },
      transitions,
      checkpoints: checkpointSummary,
      headCheckpoint,
      projects: projectSummary,
      rounds: roundSummary,
      actors: actorSummary,
      tables: tableSummaries,
      replay: { file: REPLAY_FILE },
      machines: machines.map(({ id, version, file, sha256 }) => ({ id, version, file, sha256 })),
      publicKey: { file: 'public-key.pem', algorithm: 'Ed25519', keyName: this.key.name, keyId: this.key.keyIdHex, noteVerifierKey: this.key.verifierKey },
      verifier: { file: 'verify.mjs', usage: 'node verify.mjs <this directory> --checkpoint <a checkpoint note you kept>' },
      files,
    };
    fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
    return manifest;
  }

  /**
   * The bundle as a streamed .tar.gz of one directory. The files are written to a temporary
   * directory first (the manifest needs every checksum), which is removed once the stream ends.
   */
  async archive(): Promise<{ filename: string; stream: Readable; manifest: BundleManifest }> {
    const scratch = fs.mkdtempSync(path.join(this.scratchRoot, 'lixiang-export-'));
    const remove = () => fs.rm(scratch, { recursive: true, force: true }, () => undefined);
    try {
      const stamp = isoUtc(this.clock.now())
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      const name = `lixiang-audit-${stamp}`;
      const manifest = await this.writeDirectory(path.join(scratch, name));
      const pack = createTar({ gzip: true, cwd: scratch, portable: true, mtime: new Date(manifest.createdAt) }, [name]);
      const stream = new PassThrough();
      pack.on('error', (error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))));
      // Finished, failed or abandoned by the client: the staged files go either way.
      stream.once('close', () => {
        pack.unpipe(stream);
        remove();
      });
      pack.pipe(stream);
      return { filename: `${name}.tar.gz`, stream, manifest };
    } catch (error) {
      remove();
      throw error;
    }
  }
}
