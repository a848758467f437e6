/**
 * Signed checkpoints of the transition log. A hash chain alone cannot show that its tail was cut
 * off or that the whole log was re-hashed; a signed statement of its head, kept by an auditor
 * outside the database, can: any later log must still have exactly that hash at that size.
 *
 * The note follows C2SP tlog-checkpoint and signed-note, so standard note tools can check the
 * signature (the "root hash" here is the head of a hash chain, not a Merkle tree root):
 *
 *   lixiang/<instance>/transition-log          origin
 *   42                                         size: the head's sequence number
 *   q0R3...=                                   base64 of the head hash (32 bytes)
 *   machine project@1 sha256:<hex>             one extension line per machine definition
 *                                              blank line
 *   — lixiang/<instance> <base64(key id ‖ Ed25519 signature)>
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { asc, desc, gt } from 'drizzle-orm';
import { isoUtc, type Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { Executor } from '../db/executor.js';
import { checkpoints, transitionLog, type CheckpointRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import { GENESIS_HASH } from '../workflow/hash-chain.js';
import { machineDefinitions, type MachineDefinition } from '../machines/definitions.js';
import { verifyPrefix } from './parallel-verify.js';
import { sealerOf } from './seal.js';
import type { Witness } from './witness.js';

/** The signed-note signature type of Ed25519 keys. */
const ED25519_ALGORITHM_BYTE = 0x01;
const SIGNATURE_LINE = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/;
const MACHINE_LINE = /^machine (\S+)@(\d+) sha256:([0-9a-f]{64})$/;

export interface LogIdentity {
  /** First line of every checkpoint: names the log. */
  origin: string;
  /** Names the signing key in signature lines. */
  keyName: string;
}

export function logIdentity(instance: string): LogIdentity {
  return { origin: `lixiang/${instance}/transition-log`, keyName: `lixiang/${instance}` };
}

export interface SigningKey {
  name: string;
  /** The signed-note key id: SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), first 4 bytes. */
  keyId: Buffer;
  keyIdHex: string;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** The signed-note verifier key: `<name>+<hex key id>+<base64(0x01 ‖ public key)>`. */
  verifierKey: string;
  sign(message: Buffer): Buffer;
  /** The sealed head's HMAC key (src/audit/seal.ts): HKDF-SHA256 of the private key, so one secret file holds both. */
  macKey: Buffer;
}

export function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 public key');
  return Buffer.from(jwk.x, 'base64url');
}

export function noteKeyId(name: string, publicKey: KeyObject): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519_ALGORITHM_BYTE]), rawPublicKey(publicKey)]))
    .digest()
    .subarray(0, 4);
}

function signingKeyOf(privateKey: KeyObject, name: string): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  const publicKey = createPublicKey(privateKey);
  const keyId = noteKeyId(name, publicKey);
  const seed = Buffer.from(String(privateKey.export({ format: 'jwk' }).d), 'base64url');
  return {
    name,
    keyId,
    keyIdHex: keyId.toString('hex'),
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    verifierKey: `${name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([ED25519_ALGORITHM_BYTE]), rawPublicKey(publicKey)]).toString('base64')}`,
    sign: (message) => sign(null, message, privateKey),
    macKey: Buffer.from(hkdfSync('sha256', seed, Buffer.alloc(0), `lixiang sealed head v1 ${name}`, 32)),
  };
}

/**
 * The service's Ed25519 key: read from `file`, or created there (mode 0600) when missing. With no
 * file, a fresh in-memory key: fine for tests and in-memory databases, whose log dies with them.
 */
export function loadSigningKey(file: string | null, name: string, log?: Pick<FastifyBaseLogger, 'warn' | 'info'>): SigningKey {
  if (file === null) return signingKeyOf(generateKeyPairSync('ed25519').privateKey, name);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // Written whole beside it, then linked into place: of processes starting at once (instances on
    // one PostgreSQL database) one key wins, and none ever reads a half-written file.
    const draft = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(draft, pem, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(draft, file);
      log?.info({ signingKey: file }, 'created the checkpoint signing key');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) log?.warn({ signingKey: file, mode: mode.toString(8) }, 'the signing key is readable by others; chmod 600 it');
  return signingKeyOf(createPrivateKey(fs.readFileSync(file)), name);
}

export interface LogHead {
  size: number;
  /** Hex SHA-256 of the head entry; the genesis hash for an empty log. */
  hash: string;
}

export function logHead(db: Executor): LogHead {
  const head = db.select({ seq: transitionLog.seq, hash: transitionLog.hash }).from(transitionLog).orderBy(desc(transitionLog.seq)).limit(1).get();
  return head ? { size: head.seq, hash: head.hash } : { size: 0, hash: GENESIS_HASH };
}

/** The text that is signed: origin, size, base64 head hash, one line per machine definition. */
export function checkpointBody(origin: string, head: LogHead, machines: readonly Pick<MachineDefinition, 'id' | 'version' | 'sha256'>[]): string {
  const lines = [origin, String(head.size), Buffer.from(head.hash, 'hex').toString('base64')];
  for (const machine of machines) lines.push(`machine ${machine.id}@${machine.version} sha256:${machine.sha256}`);
  return `${lines.join('\n')}\n`;
}

/** A signed note: the body, a blank line, and this key's signature line. */
export function signNote(body: string, key: SigningKey): { note: string; signature: Buffer } {
  const signature = key.sign(Buffer.from(body, 'utf8'));
  const line = `\u2014 ${key.name} ${Buffer.concat([key.keyId, signature]).toString('base64')}`;
  return { note: `${body}\n${line}\n`, signature };
}

export interface ParsedCheckpoint {
  body: string;
  origin: string;
  size: number;
  /** Hex. */
  headHash: string;
  machines: Array<{ id: string; version: number; sha256: string }>;
  signatures: Array<{ name: string; keyId: Buffer; signature: Buffer }>;
}

/** Parses a checkpoint note; throws with a reason when it is not one. */
export function parseCheckpoint(text: string): ParsedCheckpoint {
  const split = text.lastIndexOf('\n\n');
  if (!text.endsWith('\n') || split < 0) throw new Error('not a signed note: no blank line before the signatures, or no final newline');
  const body = text.slice(0, split + 1);
  const [origin, sizeText, hashText, ...extensions] = body.slice(0, -1).split('\n');
  if (!origin || !sizeText || !hashText) throw new Error('a checkpoint has an origin, a size and a hash line');
  if (!/^(0|[1-9]\d{0,15})$/.test(sizeText)) throw new Error(`size is not a decimal number: ${sizeText}`);
  const hash = Buffer.from(hashText, 'base64');
  if (hash.length !== 32 || hash.toString('base64') !== hashText) throw new Error('the hash line is not the base64 of 32 bytes');
  const machines = extensions.flatMap((line) => {
    const match = MACHINE_LINE.exec(line);
    return match ? [{ id: match[1]!, version: Number(match[2]), sha256: match[3]! }] : [];
  });
  const signatures = text
    .slice(split + 2)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = SIGNATURE_LINE.exec(line);
      if (!match) throw new Error(`malformed signature line: ${line.slice(0, 80)}`);
      const bytes = Buffer.from(match[2]!, 'base64');
      if (bytes.length < 5) throw new Error('signature too short');
      return { name: match[1]!, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) };
    });
  if (signatures.length === 0) throw new Error('the note carries no signature');
  return { body, origin, size: Number(sizeText), headHash: hash.toString('hex'), machines, signatures };
}

/** Whether `key` signed the note: a signature line with its name and key id that verifies. */
export function signedBy(parsed: ParsedCheckpoint, key: Pick<SigningKey, 'name' | 'keyId' | 'publicKey'>): boolean {
  return parsed.signatures.some((s) => s.name === key.name && s.keyId.equals(key.keyId) && verify(null, Buffer.from(parsed.body, 'utf8'), key.publicKey, s.signature));
}

export interface CheckpointView {
  id: number;
  size: number;
  headHash: string;
  keyId: string;
  note: string;
  signature: string;
  createdAt: string;
}

export interface KeptCheckpointVerdict {
  consistent: boolean;
  /** The kept note's claims, when it could be read. */
  size: number | null;
  headHash: string | null;
  /** The log's head now. */
  head: LogHead;
  reasons: string[];
}

const toView = (row: CheckpointRow): CheckpointView => ({ ...row });

const encodeCursor = (id: number): string => Buffer.from(String(id)).toString('base64url');

function decodeCursor(cursor: string): number {
  const id = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(id) || id < 0) throw new Problem('validation-failed', '分页游标无效 / Invalid cursor', { field: 'cursor' });
  return id;
}

export class CheckpointsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly key: SigningKey,
    readonly origin: string,
    /** The machine definitions whose digests each checkpoint signs: every version the service replays. */
    private readonly machines: MachineDefinition[] = machineDefinitions(),
    /** Where every signed checkpoint is appended (fsync'd) after it commits; null: nowhere. */
    readonly witness: Witness | null = null,
  ) {}

  head(): LogHead {
    return logHead(this.db);
  }

  get sqlite() {
    return this.db.$client;
  }

  /** Signs the log's head now, whether or not it moved since the last checkpoint. */
  sign(): CheckpointView {
    this.witness?.assertWritable();
    return this.witnessed(this.db.transaction((tx) => toView(this.insert(tx, logHead(tx))), { behavior: 'immediate' }));
  }

  /** Signs the head only if it moved (or the key changed) since the latest checkpoint. */
  signIfMoved(): CheckpointView | null {
    this.witness?.assertWritable();
    const signed = this.db.transaction(
      (tx) => {
        const head = logHead(tx);
        const latest = tx.select().from(checkpoints).orderBy(desc(checkpoints.id)).limit(1).get();
        if (latest && latest.size === head.size && latest.headHash === head.hash && latest.keyId === this.key.keyIdHex) return null;
        return toView(this.insert(tx, head));
      },
      { behavior: 'immediate' },
    );
    return signed && this.witnessed(signed);
  }

  /** Appends a committed checkpoint to the witness: after the commit, so the witness never holds one the database lacks. */
  private witnessed(view: CheckpointView): CheckpointView {
    try {
      this.witness?.append({ id: view.id, size: view.size, headHash: view.headHash, note: view.note });
    } catch (error) {
      // Writable a moment ago, failed now (a full disk): the checkpoint stands in the database; say so.
      throw new Problem(
        'witness-unavailable',
        `检查点 ${view.id} 已签名并存入数据库，但未能写入见证文件 / Checkpoint ${view.id} is signed and kept in the database, but the witness could not be appended (${(error as Error).message})`,
      );
    }
    return view;
  }

  list(query: { limit?: number; cursor?: string }): { items: CheckpointView[]; nextCursor: string | null } {
    const limit = query.limit ?? 20;
    const rows = this.db
      .select()
      .from(checkpoints)
      .where(query.cursor ? gt(checkpoints.id, decodeCursor(query.cursor)) : undefined)
      .orderBy(asc(checkpoints.id))
      .limit(limit + 1)
      .all();
    const items = rows.slice(0, limit).map(toView);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
  }

  latest(): CheckpointView {
    const row = this.db.select().from(checkpoints).orderBy(desc(checkpoints.id)).limit(1).get();
    if (!row) throw new Problem('not-found', '尚无签名检查点 / No checkpoint has been signed yet');
    return toView(row);
  }

  /**
   * The service-side form of the verifier's kept-checkpoint check: the note is signed by this
   * service's key, names this log, and the log still has exactly that hash at that size.
   */
  async verifyKept(note: string): Promise<KeptCheckpointVerdict> {
    const head = this.head();
    let parsed: ParsedCheckpoint;
    try {
      parsed = parseCheckpoint(note);
    } catch (error) {
      return { consistent: false, size: null, headHash: null, head, reasons: [(error as Error).message] };
    }
    const reasons: string[] = [];
    if (!signedBy(parsed, this.key)) reasons.push(`not signed by this service's key ${this.key.name} ${this.key.keyIdHex}`);
    if (parsed.origin !== this.origin) reasons.push(`origin ${parsed.origin} is not this log (${this.origin})`);
    if (parsed.size > head.size) {
      reasons.push(`the checkpoint covers ${parsed.size} entries but the log has ${head.size}: the log lost entries`);
    } else {
      // The whole prefix, not only its last entry: a middle row edited, deleted or swapped breaks it.
      const prefix = await verifyPrefix(this.db.$client, parsed.size);
      if (!prefix.valid) reasons.push(`the log's first ${parsed.size} entries do not verify: entry ${prefix.firstBadSeq}: ${prefix.reason}`);
      else if (prefix.headHash !== parsed.headHash) reasons.push(`entry ${parsed.size} has hash ${prefix.headHash}, the checkpoint says ${parsed.headHash}`);
    }
    for (const machine of parsed.machines) {
      const current = this.machines.find((m) => m.id === machine.id && m.version === machine.version);
      if (!current) reasons.push(`machine ${machine.id}@${machine.version} is unknown to this service`);
      else if (current.sha256 !== machine.sha256) reasons.push(`machine ${machine.id}@${machine.version} differs from the signed definition`);
    }
    return { consistent: reasons.length === 0, size: parsed.size, headHash: parsed.headHash, head, reasons };
  }

  private insert(tx: Executor, head: LogHead): CheckpointRow {
    const sealer = sealerOf(this.db.$client);
    sealer?.assertWritable();
    const { note, signature } = signNote(checkpointBody(this.origin, head, this.machines), this.key);
    const row = tx
      .insert(checkpoints)
      .values({
        size: head.size,
        headHash: head.hash,
        keyId: this.key.keyIdHex,
        note,
        signature: signature.toString('base64'),
        createdAt: isoUtc(this.clock.now()),
      })
      .returning()
      .get();
    // The seal names the latest checkpoint: a deleted checkpoint row is seen.
    sealer?.seal();
    return row;
  }
}

/**
 * Signs the head every `intervalMs` when it moved, once at start and once at stop. The timer is
 * unref'd: it never keeps the process alive. A failed signing is logged and retried next tick.
 */
export function scheduleCheckpoints(service: CheckpointsService, intervalMs: number, log: FastifyBaseLogger): { stop(): void } {
  const tick = () => {
    // A refused head is never signed: the check said it is not an extension of its past.
    if (sealerOf(service.sqlite)?.writable === false) return;
    try {
      const checkpoint = service.signIfMoved();
      if (checkpoint) log.info({ checkpoint: checkpoint.id, size: checkpoint.size }, 'signed a checkpoint of the transition log');
    } catch (error) {
      log.error({ err: error }, 'could not sign a checkpoint');
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      tick();
    },
  };
}
