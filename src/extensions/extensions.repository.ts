/** The round_extensions table: a unit's own submission deadline in a round. */
import type Database from 'better-sqlite3';
import type { Db } from '../db/client.js';
import type { RoundExtensionRow } from '../db/schema.js';

const COLUMNS = `round_id AS roundId, unit_id AS unitId, submission_deadline AS submissionDeadline, reason, granted_by AS grantedBy, granted_at AS grantedAt`;

export class ExtensionsRepository {
  private readonly sqlite: Database.Database;

  constructor(db: Db) {
    this.sqlite = db.$client;
  }

  /** The round's extensions, by unit id. */
  ofRound(roundId: string): RoundExtensionRow[] {
    return this.sqlite.prepare<[string], RoundExtensionRow>(`SELECT ${COLUMNS} FROM round_extensions WHERE round_id = ? ORDER BY unit_id`).all(roundId);
  }

  get(roundId: string, unitId: string): RoundExtensionRow | undefined {
    return this.sqlite.prepare<[string, string], RoundExtensionRow>(`SELECT ${COLUMNS} FROM round_extensions WHERE round_id = ? AND unit_id = ?`).get(roundId, unitId);
  }

  /** Grants or replaces the unit's extension. */
  put(row: RoundExtensionRow): void {
    this.sqlite
      .prepare(
        `INSERT INTO round_extensions (round_id, unit_id, submission_deadline, reason, granted_by, granted_at)
         VALUES (@roundId, @unitId, @submissionDeadline, @reason, @grantedBy, @grantedAt)
         ON CONFLICT (round_id, unit_id) DO UPDATE SET submission_deadline = excluded.submission_deadline, reason = excluded.reason,
           granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
      )
      .run(row);
  }

  remove(roundId: string, unitId: string): void {
    this.sqlite.prepare('DELETE FROM round_extensions WHERE round_id = ? AND unit_id = ?').run(roundId, unitId);
  }
}
