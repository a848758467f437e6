/**
 * Idempotency records: the first answer to a request made with an Idempotency-Key, kept per caller
 * and key with the hash of the request it answered. Prepared once per connection: every event with
 * a key reads here.
 */
import type Database from 'better-sqlite3';
import { onPostgres } from '../db/dialect.js';
import type { IdempotencyRecordRow } from '../db/schema.js';

export class IdempotencyRepository {
  private readonly select;
  private readonly insert;
  private readonly update;
  private readonly delete;
  private readonly firstEntry;
  private readonly reserveStatement;
  /**
   * Whether other processes write the same database (PostgreSQL's instances): a reserved key may
   * then be another instance's create in flight, not one a stopped process left.
   */
  readonly othersWrite: boolean;

  constructor(sqlite: Database.Database) {
    this.othersWrite = onPostgres(sqlite);
    this.reserveStatement = sqlite.prepare(
      `INSERT INTO idempotency_records (user_id, key, request_hash, status_code, response_body, created_at)
       VALUES (@userId, @key, @requestHash, @statusCode, @responseBody, @createdAt) ON CONFLICT (user_id, key) DO NOTHING`,
    );
    this.select = sqlite.prepare<[string, string], IdempotencyRecordRow>(
      `SELECT user_id AS userId, key, request_hash AS requestHash, status_code AS statusCode, response_body AS responseBody,
         created_at AS createdAt FROM idempotency_records WHERE user_id = ? AND key = ?`,
    );
    this.insert = sqlite.prepare(
      `INSERT INTO idempotency_records (user_id, key, request_hash, status_code, response_body, created_at)
       VALUES (@userId, @key, @requestHash, @statusCode, @responseBody, @createdAt)`,
    );
    this.update = sqlite.prepare<[number, string, string, string]>('UPDATE idempotency_records SET status_code = ?, response_body = ? WHERE user_id = ? AND key = ?');
    this.delete = sqlite.prepare<[string, string]>('DELETE FROM idempotency_records WHERE user_id = ? AND key = ?');
    this.firstEntry = sqlite.prepare<[string], { subjectKind: string; subjectId: string }>(
      'SELECT subject_kind AS subjectKind, subject_id AS subjectId FROM transition_log WHERE request_id = ? ORDER BY seq LIMIT 1',
    );
  }

  find(userId: string, key: string): IdempotencyRecordRow | undefined {
    return this.select.get(userId, key);
  }

  save(record: IdempotencyRecordRow): void {
    this.insert.run(record);
  }

  /** Saves the record unless the key has one already (another request's, made meanwhile): whether it saved. */
  reserve(record: IdempotencyRecordRow): boolean {
    return this.reserveStatement.run(record).changes === 1;
  }

  /** The answer of a reserved record (a create's), once it is known. */
  complete(userId: string, key: string, statusCode: number, responseBody: string): void {
    this.update.run(statusCode, responseBody, userId, key);
  }

  remove(userId: string, key: string): void {
    this.delete.run(userId, key);
  }

  /**
   * The first log entry a request wrote, if any: what a create under a reserved key did before its
   * answer was lost. Read only on that rare path (a scan of the log: request ids are not indexed).
   */
  firstEntryOf(requestId: string): { subjectKind: string; subjectId: string } | undefined {
    return this.firstEntry.get(requestId);
  }
}
