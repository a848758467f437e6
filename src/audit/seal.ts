/**
 * The sealed head: one row (`sealed_head`) rewritten by every commit that appended log entries,
 * holding the log's size, head hash and latest checkpoint id under an HMAC-SHA256 whose key is
 * derived from the signing key (src/audit/checkpoints.ts), which is kept outside the database.
 * Whoever holds only the database file can edit, cut, re-hash or extend the log, or delete
 * checkpoint rows, but cannot make the seal agree again.
 *
 * Who seals: a connection's log appends are sealed by the sealer bound to it (`bindSealer`). The
 * log's one writer (TransitionLogRepository.append) tells the sealer of every entry: inside
 * `deferSeal` (the group committer's batch) the seal is written once, after the steps; anywhere
 * else at once, in the same transaction. Checkpoint signing seals too. The sealer is also the
 * gate: while the start-up check refuses the head, every append throws 'head-refused' (503), so no
 * write can seal a head that was not checked.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { isoUtc, type Clock } from '../clock.js';
import type { SealedHeadRow } from '../db/schema.js';
import { Problem } from '../http/problems.js';
import { GENESIS_HASH } from '../workflow/hash-chain.js';

/** What the MAC is keyed with: the signing key's derived MAC key and its id. */
export interface SealKey {
  keyIdHex: string;
  macKey: Buffer;
}

export interface SealedValues {
  size: number;
  headHash: string;
  checkpointId: number;
}

/** The text the MAC covers: the origin, the size, the head hash and the latest checkpoint id. */
export function sealText(origin: string, values: SealedValues): string {
  return `lixiang sealed head v1\n${origin}\n${values.size}\n${values.headHash}\n${values.checkpointId}\n`;
}

export function sealMac(key: SealKey, origin: string, values: SealedValues): string {
  return createHmac('sha256', key.macKey).update(sealText(origin, values), 'utf8').digest('hex');
}

/** Whether the row's MAC is this key's over its values (constant time). */
export function sealValid(row: SealedHeadRow, key: SealKey, origin: string): boolean {
  if (row.keyId !== key.keyIdHex || !/^[0-9a-f]{64}$/.test(row.mac)) return false;
  return timingSafeEqual(Buffer.from(row.mac, 'hex'), Buffer.from(sealMac(key, origin, row), 'hex'));
}

export function readSeal(sqlite: Database.Database): SealedHeadRow | null {
  const row = sqlite
    .prepare('SELECT id, size, head_hash AS headHash, checkpoint_id AS checkpointId, key_id AS keyId, mac, sealed_at AS sealedAt FROM sealed_head WHERE id = 1')
    .get();
  return (row as SealedHeadRow | undefined) ?? null;
}

/** The log's real head and the latest checkpoint id, as the seal states them. */
export function currentValues(sqlite: Database.Database): SealedValues {
  const head = sqlite.prepare('SELECT seq, hash FROM transition_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  const checkpoint = sqlite.prepare('SELECT max(id) AS id FROM checkpoints').get() as { id: number | null };
  return { size: head?.seq ?? 0, headHash: head?.hash ?? GENESIS_HASH, checkpointId: checkpoint.id ?? 0 };
}

const sameValues = (a: SealedValues | null, b: SealedValues) => a !== null && a.size === b.size && a.headHash === b.headHash && a.checkpointId === b.checkpointId;

export class HeadSealer {
  /** Why the head is refused; empty while writes are allowed. */
  private refusal: string[] = [];
  private depth = 0;
  private dirty = false;
  /** The values last sealed (or read sealed) by this sealer. */
  private last: SealedValues | null = null;
  private readonly head;
  private readonly latestCheckpoint;
  private readonly upsert;

  constructor(
    readonly sqlite: Database.Database,
    readonly key: SealKey,
    readonly origin: string,
    private readonly clock: Clock,
  ) {
    this.head = sqlite.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM transition_log ORDER BY seq DESC LIMIT 1');
    this.latestCheckpoint = sqlite.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM checkpoints');
    this.upsert = sqlite.prepare(
      `INSERT INTO sealed_head (id, size, head_hash, checkpoint_id, key_id, mac, sealed_at) VALUES (1, @size, @headHash, @checkpointId, @keyId, @mac, @sealedAt)
       ON CONFLICT (id) DO UPDATE SET size = excluded.size, head_hash = excluded.head_hash, checkpoint_id = excluded.checkpoint_id,
         key_id = excluded.key_id, mac = excluded.mac, sealed_at = excluded.sealed_at`,
    );
  }

  get writable(): boolean {
    return this.refusal.length === 0;
  }

  get reasons(): readonly string[] {
    return this.refusal;
  }

  /** Refuses every write (the start-up check failed), or allows them again (`[]`). */
  setRefused(reasons: readonly string[]): void {
    this.refusal = [...reasons];
    this.last = null;
  }

  /** Throws 'head-refused' (503) while the head is refused. */
  assertWritable(): void {
    if (this.refusal.length > 0) {
      throw new Problem('head-refused', `日志头未通过核验，服务只读 / The log head failed its check; the service is read-only: ${this.refusal.join('; ')}`, {
        reasons: this.refusal,
      });
    }
  }

  /**
   * Writes the seal of the real head now (read now: a rolled-back savepoint may have appended and
   * vanished), unless it is the one last sealed. Call inside the transaction that moved the log.
   */
  seal(force = false): SealedValues {
    this.assertWritable();
    const head = this.head.get();
    const values: SealedValues = { size: head?.seq ?? 0, headHash: head?.hash ?? GENESIS_HASH, checkpointId: this.latestCheckpoint.get()?.id ?? 0 };
    if (!force && sameValues(this.last, values)) return values;
    this.upsert.run({ ...values, keyId: this.key.keyIdHex, mac: sealMac(this.key, this.origin, values), sealedAt: isoUtc(this.clock.now()) });
    this.last = values;
    return values;
  }

  /** Told by the log's writer after each append (inside the append's transaction). */
  appended(): void {
    if (this.depth > 0) this.dirty = true;
    else this.seal();
  }

  /** Runs `fn` with the seal of its appends deferred to its end: one seal however many entries. */
  deferSeal<T>(fn: () => T): T {
    this.depth += 1;
    let value: T;
    try {
      value = fn();
    } finally {
      this.depth -= 1;
    }
    if (this.depth === 0 && this.dirty) {
      this.dirty = false;
      this.seal();
    }
    return value;
  }

  /** Forgets what it last sealed: another process may have sealed meanwhile. */
  forget(): void {
    this.last = null;
  }
}

const SEALERS = new WeakMap<Database.Database, HeadSealer>();

/** Makes `sealer` seal every log append on its connection. */
export function bindSealer(sealer: HeadSealer): HeadSealer {
  SEALERS.set(sealer.sqlite, sealer);
  return sealer;
}

/** The sealer bound to this connection, if any (none: appends are not sealed, e.g. a bare test database). */
export function sealerOf(sqlite: Database.Database): HeadSealer | undefined {
  return SEALERS.get(sqlite);
}

/** `fn` with the connection's seal deferred to its end (when a sealer is bound). */
export function deferSeal<T>(sqlite: Database.Database, fn: () => T): T {
  const sealer = SEALERS.get(sqlite);
  return sealer ? sealer.deferSeal(fn) : fn();
}
