/**
 * Idempotency records: the first answer to a request made with an Idempotency-Key, kept per caller
 * and key with the hash of the request it answered. Prepared once per connection: every event with
 * a key reads here.
 */
import type Database from 'better-sqlite3';
import type { IdempotencyRecordRow } from '../db/schema.js';

export class IdempotencyRepository {
  private readonly select;
  private readonly insert;

  constructor(sqlite: Database.Database) {
    this.select = sqlite.prepare<[string, string], IdempotencyRecordRow>(
      `SELECT user_id AS userId, key, request_hash AS requestHash, status_code AS statusCode, response_body AS responseBody,
         created_at AS createdAt FROM idempotency_records WHERE user_id = ? AND key = ?`,
    );
    this.insert = sqlite.prepare(
      `INSERT INTO idempotency_records (user_id, key, request_hash, status_code, response_body, created_at)
       VALUES (@userId, @key, @requestHash, @statusCode, @responseBody, @createdAt)`,
    );
  }

  find(userId: string, key: string): IdempotencyRecordRow | undefined {
    return this.select.get(userId, key);
  }

  save(record: IdempotencyRecordRow): void {
    this.insert.run(record);
  }
}
