#!/usr/bin/env node
/**
 * lixiang audit bundle verifier. One file, Node.js 18 or newer, its standard library only: it
 * imports nothing from the service, so an auditor can read all of it and run it anywhere.
 *
 *   node verify.mjs <bundle-dir> [--checkpoint kept-note.txt]... [--public-key trusted.pem] [--json]
 *
 * It checks, and reports each check:
 *   checksums    every file listed in manifest.json has its size and SHA-256
 *   chain        transitions.ndjson: sequence numbers 1..n without gaps, each prevHash the previous
 *                hash, each hash the SHA-256 of the RFC 8785 canonical JSON of the fields the
 *                entry's format hashes (HASHED_FIELDS), each payload itself canonical JSON; counts
 *                and head as the manifest says
 *   checkpoints  every note in checkpoints.ndjson is signed by public-key.pem, names this log and
 *                its machine definitions, and the log has exactly the signed hash at the signed size
 *                (head-checkpoint.txt, the export's signature of the head it exported, included);
 *                entries after the latest signed size are covered by no signature: a failure
 *                naming how many (a tail appended without the key, or an export whose head was
 *                refused or that signed none)
 *   kept         each --checkpoint note (kept by the auditor, outside the service) passes the same
 *                test: this is what exposes a cut-off tail or a log re-hashed from some entry on;
 *                and a kept note signed by the bundle's key is among the bundle's checkpoints,
 *                unless an acknowledgement entry (ACKNOWLEDGE_HEAD) of the log supersedes it (an
 *                export's checkpoint of its head, line "exported-head <time>", never was a row)
 *   machines     each definition file is the one the checkpoints signed
 *   replay       every subject's transitions (a project's, a round's), in order, are transitions of
 *                the definition of their machine version, from the initial state, fired by a role
 *                the definition allows, and end in the state projects.ndjson (rounds.ndjson) exports
 *   tables       the log, replayed by the rules of tables-replay.mjs (beside this file), implies
 *                exactly the rows of every audited table the bundle exports (tables/*.ndjson):
 *                each divergence named by table, key, field, logged and stored value
 *
 * Exit status: 0 every check passed; 1 some check failed; 2 the bundle could not be read.
 */
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AUDITED_TABLES, TableComparison, TablesReplayer } from './tables-replay.mjs';

export const GENESIS_HASH = '0'.repeat(64);
export const FORMAT = 'lixiang-audit-bundle/2';
/**
 * The bundle formats this verifier reads. In /1 (exported before log entries named their subject
 * by kind) an entry has `projectId` and no `format` or `subjectKind`: it is read as an entry of
 * format 1 whose subject is { kind: its machineId, id: its projectId }.
 */
export const FORMATS = ['lixiang-audit-bundle/1', FORMAT];

/** The log's event for a subject moved to another version of its machine (src/workflow/machine-migrations.ts). */
const MIGRATE_EVENT = 'MIGRATE';
/** The machine id of record entries: acts that are not transitions of a machine (src/workflow/records.ts). */
const RECORD_MACHINE = 'record';
/** An operator's acceptance of a refused head (src/audit/head-check.ts): it names the checkpoints it supersedes. */
const ACKNOWLEDGE_EVENT = 'ACKNOWLEDGE_HEAD';
/** The extension line of an export's checkpoint of its head: a signed note that was never a row of the checkpoints table. */
const EXPORTED_HEAD_LINE = /^exported-head \S+$/m;
const COMMON_FIELDS = ['event', 'fromState', 'toState', 'payload', 'actorId', 'actorRole', 'actorUnitId', 'at', 'requestId', 'machineId', 'machineVersion', 'prevHash'];

/**
 * The fields of a log entry that its hash covers, by the entry's `format`, as src/workflow/hash-chain.ts
 * entryBytes lays them out. Format 2: every field but the hash. Format 1 (entries written before
 * subjects had a kind): the subject's id under the name `projectId`, no kind and no format; such an
 * entry's subjectKind must be its machineId.
 */
export const HASHED_FIELDS = {
  1: ['seq', 'projectId', ...COMMON_FIELDS],
  2: ['seq', 'format', 'subjectKind', 'subjectId', ...COMMON_FIELDS],
};
const INTEGER_FIELDS = new Set(['seq', 'format', 'machineVersion']);
const NULLABLE_FIELDS = new Set(['actorUnitId']);
/** The fields a well-formed entry of each format has, besides its hash. */
const ENTRY_FIELDS = {
  1: ['seq', 'format', 'subjectKind', 'subjectId', ...COMMON_FIELDS],
  2: HASHED_FIELDS[2],
};
const MAX_LISTED = 20;

/**
 * RFC 8785 JSON canonicalisation for the values JSON text can hold: null, booleans, strings,
 * finite numbers (ECMAScript serialisation, as RFC 8785 prescribes), arrays, and objects with
 * their keys sorted by UTF-16 code units.
 */
export function canonicalize(value) {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('RFC 8785 has no form for NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalize).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalize(value[key])}`).join(',')}}`;
  }
  throw new TypeError(`RFC 8785 has no form for a ${typeof value}`);
}

export const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');

/**
 * The hash of a log entry: SHA-256 over the canonical JSON of the fields its format hashes. Throws
 * for an entry no format can hash (an unknown format; a format-1 entry whose kind is not its
 * machine's).
 */
export function entryHash(entry) {
  if (entry.format !== 1 && entry.format !== 2) throw new TypeError(`unknown entry format ${JSON.stringify(entry.format)}`);
  if (entry.format === 1 && entry.subjectKind !== entry.machineId) throw new TypeError('a format-1 entry is of the kind of its machine');
  const hashed = {};
  for (const field of HASHED_FIELDS[entry.format]) hashed[field] = field === 'projectId' ? entry.subjectId : entry[field];
  return sha256Hex(canonicalize(hashed));
}

/** An entry of a /1 bundle as the entry of format 1 it is (see FORMATS). */
function legacyEntry(entry) {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return entry;
  const { projectId, ...rest } = entry;
  return { ...rest, format: 1, subjectKind: entry.machineId, subjectId: projectId };
}

/** Why an entry read from the file is not well formed, or null. */
function malformedEntry(entry) {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return 'not a JSON object';
  if (entry.format !== 1 && entry.format !== 2) return `field format is ${JSON.stringify(entry.format)}, not an entry format (1 or 2)`;
  for (const field of [...ENTRY_FIELDS[entry.format], 'hash']) {
    const value = entry[field];
    if (value === null && NULLABLE_FIELDS.has(field)) continue;
    if (INTEGER_FIELDS.has(field) ? !Number.isSafeInteger(value) : typeof value !== 'string') return `field ${field} is missing or of the wrong type`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Signed notes (C2SP signed-note, Ed25519) and checkpoints (C2SP tlog-checkpoint style)

const SIGNATURE_LINE = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/;
const MACHINE_LINE = /^machine (\S+)@(\d+) sha256:([0-9a-f]{64})$/;

export function rawEd25519(publicKey) {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') throw new Error('the public key is not Ed25519');
  return Buffer.from(jwk.x, 'base64url');
}

/** The signed-note key id: the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). */
export function noteKeyId(name, publicKey) {
  const digest = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([0x01]), rawEd25519(publicKey)]))
    .digest();
  return digest.subarray(0, 4);
}

export function parseCheckpoint(text) {
  const split = text.lastIndexOf('\n\n');
  if (!text.endsWith('\n') || split < 0) throw new Error('not a signed note (no blank line before the signatures, or no final newline)');
  const body = text.slice(0, split + 1);
  const [origin, sizeText, hashText, ...extensions] = body.slice(0, -1).split('\n');
  if (!origin || !sizeText || !hashText) throw new Error('a checkpoint has an origin, a size and a hash line');
  if (!/^(0|[1-9]\d{0,15})$/.test(sizeText)) throw new Error(`the size line is not a decimal number: ${sizeText}`);
  const hash = Buffer.from(hashText, 'base64');
  if (hash.length !== 32 || hash.toString('base64') !== hashText) throw new Error('the hash line is not the base64 of 32 bytes');
  const machines = [];
  for (const line of extensions) {
    const match = MACHINE_LINE.exec(line);
    if (match) machines.push({ id: match[1], version: Number(match[2]), sha256: match[3] });
  }
  const signatures = [];
  for (const line of text.slice(split + 2).split('\n')) {
    if (line === '') continue;
    const match = SIGNATURE_LINE.exec(line);
    if (!match) throw new Error(`malformed signature line: ${line.slice(0, 80)}`);
    const bytes = Buffer.from(match[2], 'base64');
    if (bytes.length < 5) throw new Error('signature too short');
    signatures.push({ name: match[1], keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) });
  }
  if (signatures.length === 0) throw new Error('the note carries no signature');
  return { body, origin, size: Number(sizeText), headHash: hash.toString('hex'), machines, signatures };
}

/** Null when some signature line of the note is this key's and verifies; else the reason. */
export function signatureProblem(parsed, publicKey) {
  const names = parsed.signatures.map((s) => `${s.name} ${s.keyId.toString('hex')}`);
  for (const s of parsed.signatures) {
    if (!s.keyId.equals(noteKeyId(s.name, publicKey))) continue;
    return verifySignature(null, Buffer.from(parsed.body, 'utf8'), publicKey, s.signature) ? null : `the signature of ${s.name} does not verify: the note was altered or forged`;
  }
  return `not signed by the bundle's key (key ids ${names.join(', ')}; the public key's id differs)`;
}

// ---------------------------------------------------------------------------------------------
// The report

class Check {
  constructor(name, title) {
    this.name = name;
    this.title = title;
    this.failures = [];
    this.failureCount = 0;
    this.warnings = [];
    this.summary = '';
    this.details = null;
  }
  fail(message) {
    this.failureCount += 1;
    if (this.failures.length < MAX_LISTED) this.failures.push(message);
  }
  warn(message) {
    if (this.warnings.length < MAX_LISTED) this.warnings.push(message);
  }
  get ok() {
    return this.failureCount === 0;
  }
  toJSON() {
    const json = { name: this.name, title: this.title, ok: this.ok, summary: this.summary, failures: this.failures, failureCount: this.failureCount, warnings: this.warnings };
    return this.details === null ? json : { ...json, ...this.details };
  }
}

async function* lines(file) {
  const input = fs.createReadStream(file, { encoding: 'utf8' });
  const reader = readline.createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of reader) {
      number += 1;
      if (line !== '') yield { number, line };
    }
  } finally {
    reader.close();
    input.destroy();
  }
}

async function fileSha256(file) {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

function insideBundle(dir, relative) {
  if (typeof relative !== 'string' || relative === '' || path.isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) return null;
  return path.join(dir, relative);
}

/**
 * Verifies the bundle in `dir`. `kept` lists checkpoint notes the auditor kept: [{ label, text }].
 * `trustedPublicKeyPem`, when given, is the key the auditor trusts; the bundle's own must equal it.
 */
export async function verifyBundle(dir, { kept = [], trustedPublicKeyPem = null } = {}) {
  const checks = {
    manifest: new Check('manifest', 'manifest'),
    checksums: new Check('checksums', 'file checksums'),
    key: new Check('key', 'public key'),
    machines: new Check('machines', 'machine definitions'),
    checkpoints: new Check('checkpoints', 'checkpoint signatures'),
    kept: new Check('kept', 'kept checkpoints'),
    chain: new Check('chain', 'hash chain'),
    replay: new Check('replay', 'replay through the machines'),
    tables: new Check('tables', 'tables proved by the log'),
  };
  const report = () => {
    const list = Object.values(checks).map((c) => c.toJSON());
    return { ok: list.every((c) => c.ok), bundle: dir, origin: manifest?.origin ?? null, checks: list };
  };

  // manifest.json --------------------------------------------------------------------------------
  let manifest = null;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (error) {
    checks.manifest.fail(`manifest.json cannot be read: ${error.message}`);
    return report();
  }
  if (!FORMATS.includes(manifest.format)) checks.manifest.fail(`format is ${JSON.stringify(manifest.format)}, expected one of ${FORMATS.join(', ')}`);
  const legacy = manifest.format === FORMATS[0];
  for (const member of ['origin', 'files', 'transitions', 'checkpoints', 'projects', 'machines', 'publicKey']) {
    if (manifest[member] === undefined) checks.manifest.fail(`manifest.json lacks "${member}"`);
  }
  if (manifest.scope?.kind !== 'whole-log') checks.manifest.fail('the bundle must hold the whole log (scope.kind "whole-log")');
  if (!checks.manifest.ok) return report();
  const range = manifest.transitions.lastSeq ? `entries ${manifest.transitions.firstSeq}..${manifest.transitions.lastSeq}` : 'no entries';
  checks.manifest.summary = `${manifest.origin}, exported ${manifest.createdAt}, ${range}`;

  // checksums ------------------------------------------------------------------------------------
  const listed = new Map();
  for (const entry of Array.isArray(manifest.files) ? manifest.files : []) {
    const file = insideBundle(dir, entry?.path);
    if (!file) {
      checks.checksums.fail(`unsafe or missing path in the manifest: ${JSON.stringify(entry?.path)}`);
      continue;
    }
    listed.set(entry.path, entry);
    if (!fs.existsSync(file)) {
      checks.checksums.fail(`${entry.path}: missing`);
      continue;
    }
    const actual = await fileSha256(file);
    if (actual.sha256 !== entry.sha256 || actual.bytes !== entry.bytes) {
      checks.checksums.fail(`${entry.path}: SHA-256 ${actual.sha256} (${actual.bytes} bytes), the manifest says ${entry.sha256} (${entry.bytes} bytes)`);
    }
  }
  const required = [
    manifest.transitions.file,
    manifest.checkpoints.file,
    manifest.projects.file,
    ...(manifest.rounds ? [manifest.rounds.file] : []),
    ...(manifest.actors ? [manifest.actors.file] : []),
    ...(Array.isArray(manifest.tables) ? manifest.tables.map((t) => t?.file) : []),
    manifest.publicKey.file,
    ...manifest.machines.map((m) => m.file),
  ];
  for (const file of required) if (!listed.has(file)) checks.checksums.fail(`${file} is not covered by the manifest's checksums`);
  checks.checksums.summary = `${listed.size} files`;
  const fileOf = (relative) => {
    const file = insideBundle(dir, relative);
    if (!file || !fs.existsSync(file)) throw new Error(`${relative} is missing`);
    return file;
  };

  // the public key -------------------------------------------------------------------------------
  let publicKey = null;
  try {
    publicKey = createPublicKey(fs.readFileSync(fileOf(manifest.publicKey.file), 'utf8'));
    rawEd25519(publicKey);
    if (trustedPublicKeyPem !== null) {
      const trusted = createPublicKey(trustedPublicKeyPem);
      if (!rawEd25519(trusted).equals(rawEd25519(publicKey))) checks.key.fail("the bundle's public-key.pem is not the key you trust (--public-key)");
      publicKey = trusted;
    }
    const name = manifest.publicKey.keyName;
    checks.key.summary = `Ed25519, ${name} ${noteKeyId(String(name), publicKey).toString('hex')}${trustedPublicKeyPem !== null ? ' (pinned)' : ''}`;
  } catch (error) {
    checks.key.fail(`the public key cannot be read: ${error.message}`);
  }

  // machine definitions --------------------------------------------------------------------------
  /** `${id}@${version}` → { initial, states: Set, transitions: Map(`${from} ${event}` → { to, roles }), sha256 } */
  const definitions = new Map();
  for (const machine of manifest.machines) {
    const key = `${machine.id}@${machine.version}`;
    try {
      const text = fs.readFileSync(fileOf(machine.file), 'utf8');
      const definition = JSON.parse(text);
      if (definition.id !== machine.id || definition.version !== machine.version) throw new Error(`the file describes ${definition.id}@${definition.version}`);
      if (typeof definition.initial !== 'string' || !Array.isArray(definition.transitions)) throw new Error('no initial state or transition table');
      const transitions = new Map();
      for (const t of definition.transitions) transitions.set(`${t.from} ${t.event}`, { to: t.to, roles: new Set(t.roles) });
      const sha256 = sha256Hex(canonicalize(definition));
      if (machine.sha256 !== sha256) checks.machines.fail(`${key}: the file is sha256:${sha256}, the manifest says sha256:${machine.sha256}`);
      const states = new Set((Array.isArray(definition.states) ? definition.states : []).map((state) => state.name));
      definitions.set(key, { initial: definition.initial, states, transitions, sha256 });
    } catch (error) {
      checks.machines.fail(`${key}: ${error.message}`);
    }
  }
  const machineProblems = (signed) => {
    const problems = [];
    for (const m of signed) {
      const definition = definitions.get(`${m.id}@${m.version}`);
      if (!definition) problems.push(`signs machine ${m.id}@${m.version}, which the bundle lacks`);
      else if (definition.sha256 !== m.sha256) problems.push(`signs machine ${m.id}@${m.version} as sha256:${m.sha256}, the bundle's file is sha256:${definition.sha256}`);
    }
    return problems;
  };

  // checkpoints: read them first (there are few), then check them against the log in one pass ---
  /** size → [{ label, hash, check }] */
  const expectations = new Map();
  const expect = (size, hash, label, check) => {
    if (!expectations.has(size)) expectations.set(size, []);
    expectations.get(size).push({ label, hash, check });
  };
  let checkpointCount = 0;
  let previousSize = -1;
  /** The largest size a note signed by the bundle's key covers: entries after it are signed by nobody. */
  let signedSize = 0;
  /** `${size} ${headHash}` of every checkpoint row of the bundle whose note the bundle's key signed. */
  const bundleSigned = new Set();
  const examineNote = (text, label, check) => {
    const parsed = parseCheckpoint(text);
    let signed = false;
    if (publicKey) {
      const problem = signatureProblem(parsed, publicKey);
      if (problem) check.fail(`${label}: ${problem}`);
      else signed = true;
    }
    if (signed) signedSize = Math.max(signedSize, parsed.size);
    parsed.signed = signed;
    parsed.exportedHead = EXPORTED_HEAD_LINE.test(parsed.body);
    if (parsed.origin !== manifest.origin) check.fail(`${label}: origin ${parsed.origin} is not this log (${manifest.origin})`);
    for (const problem of machineProblems(parsed.machines)) check.fail(`${label}: ${problem}`);
    if (parsed.machines.length === 0) check.warn(`${label}: names no machine definition`);
    expect(parsed.size, parsed.headHash, label, check);
    return parsed;
  };
  try {
    for await (const { number, line } of lines(fileOf(manifest.checkpoints.file))) {
      const label = `checkpoint on line ${number}`;
      try {
        const row = JSON.parse(line);
        const parsed = examineNote(String(row.note), `checkpoint ${row.id}`, checks.checkpoints);
        if (parsed.size !== row.size || parsed.headHash !== row.headHash) checks.checkpoints.fail(`checkpoint ${row.id}: its columns differ from its signed note`);
        if (parsed.signed) bundleSigned.add(`${parsed.size} ${parsed.headHash}`);
        if (parsed.size < previousSize) checks.checkpoints.fail(`checkpoint ${row.id} covers ${parsed.size} entries, an earlier one ${previousSize}: the log shrank`);
        previousSize = Math.max(previousSize, parsed.size);
        checkpointCount += 1;
      } catch (error) {
        checks.checkpoints.fail(`${label}: ${error.message}`);
      }
    }
  } catch (error) {
    checks.checkpoints.fail(error.message);
  }
  if (checkpointCount !== manifest.checkpoints.count) checks.checkpoints.fail(`${checkpointCount} checkpoints, the manifest says ${manifest.checkpoints.count}`);

  // The export's checkpoint of the head it exported (bundles from before it, or of a refused head, have none).
  const headCheckpoint = manifest.headCheckpoint ?? null;
  let headNote = null;
  if (headCheckpoint?.file) {
    try {
      headNote = examineNote(fs.readFileSync(fileOf(headCheckpoint.file), 'utf8'), "the export's checkpoint of its head", checks.checkpoints);
      if (!listed.has(headCheckpoint.file)) checks.checksums.fail(`${headCheckpoint.file} is not covered by the manifest's checksums`);
    } catch (error) {
      checks.checkpoints.fail(`the export's checkpoint of its head: ${error.message}`);
    }
  }

  /** The kept notes the bundle's key signed: each must be among the bundle's checkpoints. */
  const keptSigned = [];
  for (const { label, text } of kept) {
    try {
      const parsed = examineNote(text, label, checks.kept);
      // An export's checkpoint of its head (kept from an earlier bundle) was never a row: only the prefix test applies.
      if (parsed.signed && !parsed.exportedHead) keptSigned.push({ label, parsed });
    } catch (error) {
      checks.kept.fail(`${label}: ${error.message}`);
    }
  }
  if (kept.length === 0) checks.kept.warn('no kept checkpoint given (--checkpoint): a cut-off tail or a log re-hashed together with its checkpoints cannot be excluded');

  // the chain and the replay, in one pass over the log -------------------------------------------
  /** `${kind} ${id}` of each subject (a project, a round, …) → { state, machine, transitions } */
  const subjects = new Map();
  /** `${size} ${headHash}` of each checkpoint an acknowledgement entry superseded → that entry's seq. */
  const superseded = new Map();
  const tablesReplay = new TablesReplayer();
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  let lastSeq = 0;
  const settle = (size, hash) => {
    for (const e of expectations.get(size) ?? []) {
      if (e.hash !== hash) e.check.fail(`${e.label}: entry ${size} of the log has hash ${hash}, the checkpoint signed ${e.hash}`);
    }
    expectations.delete(size);
  };
  settle(0, GENESIS_HASH);
  try {
    for await (const { number, line } of lines(fileOf(manifest.transitions.file))) {
      let entry;
      try {
        entry = JSON.parse(line);
        if (legacy) entry = legacyEntry(entry);
      } catch {
        checks.chain.fail(`line ${number}: not JSON`);
        continue;
      }
      const malformed = malformedEntry(entry);
      if (malformed) {
        checks.chain.fail(`line ${number}: ${malformed}`);
        continue;
      }
      count += 1;
      if (entry.seq !== expectedSeq) {
        checks.chain.fail(
          `line ${number}: entry ${entry.seq} where ${expectedSeq} was due (${entry.seq > expectedSeq ? 'entries missing or out of order' : 'out of order or repeated'})`,
        );
      }
      if (entry.prevHash !== prevHash) checks.chain.fail(`entry ${entry.seq}: prevHash is not the hash of the entry before it`);
      try {
        const recomputed = entryHash(entry);
        if (recomputed !== entry.hash) checks.chain.fail(`entry ${entry.seq}: hash does not match its content (recomputed ${recomputed})`);
      } catch (error) {
        checks.chain.fail(`entry ${entry.seq}: hash does not match its content (${error.message})`);
      }
      try {
        if (canonicalize(JSON.parse(entry.payload)) !== entry.payload) checks.chain.fail(`entry ${entry.seq}: payload is not canonical JSON`);
      } catch {
        checks.chain.fail(`entry ${entry.seq}: payload is not JSON`);
      }
      settle(entry.seq, entry.hash);
      if (entry.subjectKind === 'log' && entry.subjectId === 'head' && entry.event === ACKNOWLEDGE_EVENT) {
        try {
          for (const ref of JSON.parse(entry.payload).supersedes ?? []) superseded.set(`${ref.size} ${ref.headHash}`, entry.seq);
        } catch {
          // the chain check names a payload that is not JSON
        }
      }
      tablesReplay.apply(entry);
      expectedSeq = entry.seq + 1;
      prevHash = entry.hash;
      lastSeq = entry.seq;

      const subjectKey = `${entry.subjectKind} ${entry.subjectId}`;
      if (entry.machineId === RECORD_MACHINE) {
        // A record entry is an act, not a transition of a machine: the tables check replays it. Of a
        // project or a round, it creates (or adopts) the subject in a state of its machine, or edits
        // it where it stands.
        if (entry.subjectKind !== 'project' && entry.subjectKind !== 'round') continue;
        let facts = {};
        try {
          facts = JSON.parse(entry.payload) ?? {};
        } catch {
          // the chain check names a payload that is not JSON
        }
        const known = subjects.get(subjectKey);
        if (entry.event === 'ADOPT' || !known) {
          const row = facts.row ?? {};
          const machine = facts.machine ?? (row.machineId !== undefined ? { id: row.machineId, version: row.machineVersion } : null);
          subjects.set(subjectKey, {
            state: entry.toState,
            machine: machine ? `${machine.id}@${machine.version}` : null,
            // Versions the subject had before the log knew it (an adopted row), so none is counted twice.
            transitions: entry.event === 'ADOPT' && Number.isSafeInteger(row.version) ? row.version - 1 : 0,
          });
          continue;
        }
        if (entry.fromState !== known.state) checks.replay.fail(`entry ${entry.seq}: ${subjectKey} was ${known.state}, the entry says it left ${entry.fromState}`);
        if (entry.toState !== entry.fromState)
          checks.replay.fail(`entry ${entry.seq}: ${entry.event}, a record entry, moved ${subjectKey} from ${entry.fromState} to ${entry.toState}`);
        known.transitions += 1;
        continue;
      }
      const machineKey = `${entry.machineId}@${entry.machineVersion}`;
      const definition = definitions.get(machineKey);
      let subject = subjects.get(subjectKey);
      const first = !subject;
      if (!subject) {
        subject = { state: definition?.initial ?? null, machine: machineKey, transitions: 0 };
        subjects.set(subjectKey, subject);
      }
      subject.transitions += 1;
      const previousMachine = subject.machine;
      subject.machine = machineKey;
      if (!definition) {
        checks.replay.fail(`entry ${entry.seq}: no definition of machine ${machineKey} in the bundle`);
        subject.state = entry.toState;
        continue;
      }
      if (subject.state !== null && entry.fromState !== subject.state) {
        checks.replay.fail(`entry ${entry.seq}: ${subjectKey} was ${subject.state}, the entry says it left ${entry.fromState}`);
      }
      if (entry.event === MIGRATE_EVENT) {
        // An administrator moved the subject to another version of its machine (a project), or moved
        // the version its projects run under (a round): not a transition of either definition.
        const moved = JSON.parse(entry.payload);
        if (entry.actorRole !== 'admin') checks.replay.fail(`entry ${entry.seq}: a MIGRATE by ${entry.actorRole}, not an administrator`);
        if (!definition.states.has(entry.toState)) checks.replay.fail(`entry ${entry.seq}: ${machineKey} has no state ${entry.toState}`);
        // A subject whose first entry is its migration (a draft never moved before) ran under `from`.
        const ranUnder = first ? moved.from : previousMachine;
        if (moved.to !== undefined && (moved.to !== machineKey || moved.from !== ranUnder)) {
          checks.replay.fail(`entry ${entry.seq}: MIGRATE from ${moved.from} to ${moved.to}, but ${subjectKey} ran under ${ranUnder} and now under ${machineKey}`);
        }
        if (moved.to === undefined && (previousMachine !== machineKey || entry.fromState !== entry.toState)) {
          checks.replay.fail(`entry ${entry.seq}: a MIGRATE of ${subjectKey}'s projects changed the subject itself`);
        }
        subject.state = entry.toState;
        continue;
      }
      const transition = definition.transitions.get(`${entry.fromState} ${entry.event}`);
      if (!transition) checks.replay.fail(`entry ${entry.seq}: ${machineKey} has no transition ${entry.event} from ${entry.fromState}`);
      else {
        if (transition.to !== entry.toState) checks.replay.fail(`entry ${entry.seq}: ${entry.event} from ${entry.fromState} leads to ${transition.to}, not ${entry.toState}`);
        if (!transition.roles.has(entry.actorRole)) checks.replay.fail(`entry ${entry.seq}: role ${entry.actorRole} may not fire ${entry.event}`);
      }
      subject.state = entry.toState;
    }
  } catch (error) {
    checks.chain.fail(error.message);
  }
  const head = { size: lastSeq, hash: prevHash };
  for (const [size, list] of expectations) {
    for (const e of list) e.check.fail(`${e.label}: signs ${size} entries, the log has ${count}: entries were cut off or removed`);
  }
  const t = manifest.transitions;
  if (count !== t.count) checks.chain.fail(`${count} entries, the manifest says ${t.count}`);
  if (head.hash !== t.headHash) checks.chain.fail(`head hash ${head.hash}, the manifest says ${t.headHash}`);
  checks.chain.summary = `${count} entries, head ${head.size} ${head.hash}`;

  // Entries no signature covers: after the latest size a note signed by the bundle's key states.
  if (publicKey && head.size > signedSize) {
    const unsigned = head.size - signedSize;
    const why =
      headCheckpoint === null
        ? 'the bundle carries no checkpoint of its head (exported before exports signed it)'
        : headCheckpoint.file === null
          ? `the export refused to sign its head (${(headCheckpoint.refused ?? []).join('; ') || 'no reason given'})`
          : "the export's checkpoint of its head does not cover them";
    checks.checkpoints.fail(
      `${unsigned} entr${unsigned === 1 ? 'y' : 'ies'} (${signedSize + 1}..${head.size}) after the latest signed checkpoint (size ${signedSize}) are covered by no signature: ` +
        `${why}; they may have been appended without the key, and are not proven`,
    );
  }
  // A kept note signed by this key that the bundle's checkpoints lack: its row was deleted.
  for (const { label, parsed } of keptSigned) {
    const key = `${parsed.size} ${parsed.headHash}`;
    if (bundleSigned.has(key) || superseded.has(key)) continue;
    checks.kept.fail(
      `${label}: signed by the bundle's key (size ${parsed.size}), but not among the bundle's checkpoints and superseded by no acknowledgement: checkpoint rows were deleted, or the database was rolled back to before it`,
    );
  }
  checks.checkpoints.summary = `${checkpointCount} checkpoints${headNote ? `, the export's of its head (size ${headNote.size})` : ''}; ${signedSize} of ${head.size} entries signed`;
  checks.kept.summary = kept.length === 0 ? 'none given' : `${kept.length} kept checkpoint${kept.length > 1 ? 's' : ''}`;
  if (keptSigned.some(({ parsed }) => superseded.has(`${parsed.size} ${parsed.headHash}`))) {
    for (const { label, parsed } of keptSigned) {
      const by = superseded.get(`${parsed.size} ${parsed.headHash}`);
      if (by !== undefined && !bundleSigned.has(`${parsed.size} ${parsed.headHash}`)) checks.kept.warn(`${label}: superseded by the acknowledgement in entry ${by}`);
    }
  }
  checks.machines.summary = [...definitions.entries()].map(([key, d]) => `${key} sha256:${d.sha256.slice(0, 16)}…`).join(', ');

  // the exported projects and rounds: each subject of the log, in its file, where its entries lead
  const exported = new Set();
  const subjectFiles = [{ noun: 'project', summary: manifest.projects }];
  // Bundles from before the round machine have no rounds file.
  if (manifest.rounds) subjectFiles.push({ noun: 'round', summary: manifest.rounds });
  const exportedCounts = [];
  for (const { noun, summary } of subjectFiles) {
    let subjectCount = 0;
    try {
      for await (const { number, line } of lines(fileOf(summary.file))) {
        let row;
        try {
          row = JSON.parse(line);
        } catch {
          checks.replay.fail(`${summary.file} line ${number}: not JSON`);
          continue;
        }
        subjectCount += 1;
        exported.add(`${noun} ${row.id}`);
        const replayed = subjects.get(`${noun} ${row.id}`);
        if (!replayed) {
          const initial = definitions.get(`${row.machineId}@${row.machineVersion}`)?.initial;
          if (row.state !== initial) checks.replay.fail(`${noun} ${row.id} is exported as ${row.state} but has no transitions (initial state ${initial})`);
          continue;
        }
        if (row.state !== replayed.state) checks.replay.fail(`${noun} ${row.id} is exported as ${row.state}, its transitions lead to ${replayed.state}`);
        if (`${row.machineId}@${row.machineVersion}` !== replayed.machine)
          checks.replay.fail(`${noun} ${row.id} is exported under ${row.machineId}@${row.machineVersion}, its last entry under ${replayed.machine}`);
        if (!Number.isSafeInteger(row.version) || row.version < replayed.transitions + 1) {
          checks.replay.fail(`${noun} ${row.id} is at version ${row.version}, fewer than its ${replayed.transitions} transitions allow`);
        }
      }
    } catch (error) {
      checks.replay.fail(error.message);
    }
    if (subjectCount !== summary.count) checks.replay.fail(`${subjectCount} ${noun}s, the manifest says ${summary.count}`);
    exportedCounts.push(`${subjectCount} ${noun}s`);
  }
  for (const key of subjects.keys()) {
    if (!exported.has(key)) checks.replay.fail(`${key} has transitions but is missing from the exported files`);
  }
  checks.replay.summary = `${subjects.size} subjects with transitions, ${exportedCounts.join(' and ')} exported`;
  if (checks.replay.ok) checks.replay.summary += '; every state confirmed by replay';

  // the tables: every stored row of every audited table is the row the log implies ---------------
  if (!Array.isArray(manifest.tables)) {
    checks.tables.warn('the bundle carries no tables (exported before they were): the tables cannot be compared with the log');
    checks.tables.summary = 'not in this bundle';
    return report();
  }
  const comparison = new TableComparison(tablesReplay, { limit: 100 });
  const tableCounts = [];
  for (const table of AUDITED_TABLES) {
    const summary = manifest.tables.find((t) => t?.table === table);
    if (!summary) {
      checks.tables.fail(`the manifest lists no file for table ${table}`);
      continue;
    }
    let rows = 0;
    try {
      for await (const { number, line } of lines(fileOf(summary.file))) {
        let row;
        try {
          row = JSON.parse(line);
        } catch {
          checks.tables.fail(`${summary.file} line ${number}: not JSON`);
          continue;
        }
        rows += 1;
        comparison.add(table, row);
      }
    } catch (error) {
      checks.tables.fail(error.message);
    }
    comparison.endTable(table);
    if (rows !== summary.count) checks.tables.fail(`${rows} rows in ${summary.file}, the manifest says ${summary.count}`);
    tableCounts.push(`${rows} ${table}`);
  }
  const verdict = comparison.result();
  for (const d of verdict.divergences) {
    const show = (value) => (value === null || typeof value !== 'object' ? JSON.stringify(value) : 'a row');
    checks.tables.fail(
      d.field === '(row)'
        ? `${d.table} ${d.key}: ${d.logged === null ? 'stored, but the log never made it' : 'the log made it, but it is not stored'}`
        : `${d.table} ${d.key}: ${d.field} is ${show(d.stored)}, the log says ${show(d.logged)}`,
    );
  }
  // Divergences beyond those listed still count.
  checks.tables.failureCount += verdict.divergenceCount - verdict.divergences.length;
  checks.tables.details = { divergenceCount: verdict.divergenceCount, divergences: verdict.divergences, tables: verdict.tables };
  checks.tables.summary = `${tableCounts.join(', ')} compared; ${verdict.divergenceCount === 0 ? 'every row as the log implies' : `${verdict.divergenceCount} divergences`}`;

  return report();
}

function formatReport(result) {
  const out = [`lixiang audit bundle verifier`, `bundle: ${result.bundle}${result.origin ? ` (${result.origin})` : ''}`, ''];
  for (const check of result.checks) {
    const status = check.ok ? 'PASS' : 'FAIL';
    out.push(`${status}  ${check.title.padEnd(28)} ${check.summary}`);
    for (const failure of check.failures) out.push(`        ✗ ${failure}`);
    if (check.failureCount > check.failures.length) out.push(`        … and ${check.failureCount - check.failures.length} more`);
    for (const warning of check.warnings) out.push(`        ! ${warning}`);
  }
  const failed = result.checks.filter((c) => !c.ok).length;
  out.push('', failed === 0 ? 'RESULT: VALID — every check passed' : `RESULT: INVALID — ${failed} check${failed > 1 ? 's' : ''} failed`);
  return `${out.join('\n')}\n`;
}

const USAGE = 'usage: node verify.mjs <bundle-dir> [--checkpoint kept-note.txt]... [--public-key trusted.pem] [--json]\n';

async function main(argv) {
  let dir = null;
  let json = false;
  let trustedPublicKeyPem = null;
  const kept = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--checkpoint' || arg === '--public-key') {
      const file = argv[(i += 1)];
      if (!file) {
        process.stderr.write(USAGE);
        return 2;
      }
      // A note saved on Windows comes back with CRLF; the signature covers LF text.
      const text = fs.readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
      if (arg === '--checkpoint') kept.push({ label: `kept note ${path.basename(file)}`, text });
      else trustedPublicKeyPem = text;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else if (dir === null && !arg.startsWith('--')) dir = arg;
    else {
      process.stderr.write(USAGE);
      return 2;
    }
  }
  if (dir === null) {
    process.stderr.write(USAGE);
    return 2;
  }
  const result = await verifyBundle(path.resolve(dir), { kept, trustedPublicKeyPem });
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : formatReport(result));
  return result.ok ? 0 : 1;
}

const invoked = process.argv[1] ? fs.realpathSync(process.argv[1]) : null;
if (invoked === fs.realpathSync(fileURLToPath(import.meta.url))) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 2;
    },
  );
}
