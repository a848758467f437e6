/**
 * Group commit: durability (synchronous=FULL, one fsync per commit) at nearly the cost of none.
 *
 * better-sqlite3 is synchronous, so while one commit waits for its fsync the event loop is blocked
 * and new requests pile up in the socket buffers. When it returns, Node reads them all, each
 * enqueues its step here, and one `setImmediate` later they run together in ONE immediate
 * transaction, each in its own savepoint: a step that throws rolls back alone and its caller gets
 * the error; the others commit together, with one fsync, and only then is each caller answered.
 * Every step still writes its own rows (log entry, version, idempotency record). The log's head is
 * sealed once per batch, after the steps, inside the transaction, and only if the log moved
 * (src/audit/seal.ts): the seal's cost is paid per commit, not per request.
 */
import type Database from 'better-sqlite3';
import { deferSeal } from '../audit/seal.js';

interface PendingStep<T> {
  step: () => T;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface GroupCommitStats {
  commits: number;
  steps: number;
  largestBatch: number;
  /** Commits by their number of steps: size → commits. */
  batches: Map<number, number>;
}

export class GroupCommitter {
  private queue: Array<PendingStep<unknown>> = [];
  private scheduled = false;
  private readonly runBatch: (batch: Array<PendingStep<unknown>>) => Outcome[];
  readonly stats: GroupCommitStats = { commits: 0, steps: 0, largestBatch: 0, batches: new Map() };
  /** When the counters began: the committer is made once, as the service starts. */
  readonly startedAt = new Date().toISOString();

  /**
   * @param sqlite the connection every step writes through
   * @param maxBatch steps per transaction at most, so one commit never starves the event loop
   */
  constructor(
    sqlite: Database.Database,
    private readonly maxBatch = 512,
  ) {
    // A better-sqlite3 transaction function called inside another becomes a savepoint.
    const inSavepoint = sqlite.transaction((step: () => unknown) => step());
    const transaction = sqlite.transaction((batch: Array<PendingStep<unknown>>): Outcome[] =>
      // A seal that fails (a refused head) fails the batch: nothing unsealed is committed.
      deferSeal(sqlite, () =>
        batch.map((pending): Outcome => {
          try {
            return { ok: true, value: inSavepoint(pending.step) };
          } catch (error) {
            return { ok: false, error };
          }
        }),
      ),
    );
    this.runBatch = (batch) => transaction.immediate(batch);
  }

  /** Runs `step` (synchronous, no awaits) in the next group transaction; settles after the commit. */
  run<T>(step: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ step, resolve, reject } as PendingStep<unknown>);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Steps waiting for the next commit. */
  get pending(): number {
    return this.queue.length;
  }

  private flush(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    this.scheduled = this.queue.length > 0;
    if (this.scheduled) setImmediate(() => this.flush());
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = this.runBatch(batch);
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is durable.
      for (const pending of batch) pending.reject(error);
      return;
    }
    this.stats.commits += 1;
    this.stats.steps += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    this.stats.batches.set(batch.length, (this.stats.batches.get(batch.length) ?? 0) + 1);
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }
}
