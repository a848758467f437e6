/**
 * The log proves the tables: the verification replays the whole log into the audited projections
 * (src/audit/tables-replay.mjs, the same rules the stand-alone verifier applies to a bundle) and
 * compares them, row by row, with the tables as stored. Each divergence is named: table, key,
 * field, the value the log implies and the value stored.
 *
 * Memory: one projection per subject of the log, and one stored row at a time. A database file is
 * read on a connection of its own in one read transaction (the log and the tables of one moment),
 * yielding to the event loop every few thousand rows; an in-memory database is read on the
 * service's connection without yielding, which is as atomic.
 */
import { PgSyncClient } from '../db/pg/sync-client.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { AUDITED_TABLES, TableComparison, TablesReplayer, projectRow, type AuditedTable, type Projection, type TablesVerdict } from './table-rules.js';
import { verifyLog } from './parallel-verify.js';
import { iterateLog } from './transition-log.repository.js';
import type { ParallelVerifyOptions } from './parallel-verify.js';
import type { VerifyResult } from '../workflow/hash-chain.js';

export type { TablesVerdict } from './table-rules.js';

/** The divergences a verdict lists; the count covers them all. */
export const LISTED_DIVERGENCES = 100;
const ROWS_PER_SLICE = 4000;

/** Each audited table read as its projection's inputs, in key order (camelCase names, as projectRow reads them). */
export const STORED_ROWS_SQL: Record<AuditedTable, string> = {
  units: 'SELECT id, name, type, parent_id AS parentId, active, created_at AS createdAt FROM units ORDER BY id',
  users: 'SELECT id, name, role, unit_id AS unitId, token_hash AS tokenHash, active, created_at AS createdAt FROM users ORDER BY id',
  rounds: `SELECT id, year, title, document_number AS documentNumber, submission_deadline AS submissionDeadline, revision_deadline AS revisionDeadline,
      final_acceptance_date AS finalAcceptanceDate, acceptance_opens_on AS acceptanceOpensOn, funding_first AS fundingFirst, funding_second AS fundingSecond, funding_third AS fundingThird,
      funding_qualified AS fundingQualified, min_reviews AS minReviews, score_min AS scoreMin, score_max AS scoreMax, require_signed_letter AS requireSignedLetter,
      conflict_scope AS conflictScope, contacts, acceptance_criteria AS acceptanceCriteria, min_acceptance_reviews AS minAcceptanceReviews,
      prize_caps AS prizeCaps, recommendable_grades AS recommendableGrades, publicity_working_days AS publicityWorkingDays, state, context, machine_id AS machineId, machine_version AS machineVersion, project_machine_version AS projectMachineVersion, version,
      created_at AS createdAt, updated_at AS updatedAt
    FROM rounds ORDER BY id`,
  projects: `SELECT id, round_id AS roundId, unit_id AS unitId, category, direction, title, letter, state, context, machine_id AS machineId,
      machine_version AS machineVersion, version, grade, funding, created_by AS createdBy, created_at AS createdAt, updated_at AS updatedAt
    FROM projects ORDER BY id`,
  reviewer_assignments: `SELECT project_id AS projectId, reviewer_id AS reviewerId, assigned_by AS assignedBy, assigned_at AS assignedAt, state, replaced_by AS replacedBy,
      replaced_at AS replacedAt, replace_reason AS replaceReason FROM reviewer_assignments ORDER BY project_id, reviewer_id`,
  reviews: `SELECT project_id AS projectId, reviewer_id AS reviewerId, direction, innovation, practicality, breadth, exemplarity, total, comment,
      log_seq AS logSeq, created_at AS createdAt, updated_at AS updatedAt
    FROM reviews ORDER BY project_id, reviewer_id`,
  files: `SELECT id, project_id AS projectId, kind, file_name AS fileName, media_type AS mediaType, size, sha256, content, uploaded_by AS uploadedBy,
      created_at AS createdAt
    FROM files ORDER BY id`,
  round_extensions: `SELECT round_id AS roundId, unit_id AS unitId, submission_deadline AS submissionDeadline, reason, granted_by AS grantedBy,
      granted_at AS grantedAt FROM round_extensions ORDER BY round_id, unit_id`,
  panels: 'SELECT round_id AS roundId, kind, name, created_by AS createdBy, created_at AS createdAt, updated_at AS updatedAt FROM panels ORDER BY round_id, kind',
  panel_members: `SELECT round_id AS roundId, kind, user_id AS userId, active, added_by AS addedBy, added_at AS addedAt, removed_at AS removedAt,
      remove_reason AS removeReason FROM panel_members ORDER BY round_id, kind, user_id`,
  letter_revisions: `SELECT project_id AS projectId, revision, letter, saved_by AS savedBy, saved_at AS savedAt
    FROM letter_revisions ORDER BY project_id, revision`,
  calendar_years: 'SELECT year, holidays, workdays, version, updated_by AS updatedBy, updated_at AS updatedAt FROM calendar_years ORDER BY year',
  round_documents: `SELECT id, round_id AS roundId, kind, file_name AS fileName, media_type AS mediaType, size, sha256, content, uploaded_by AS uploadedBy,
      created_at AS createdAt
    FROM round_documents ORDER BY id`,
  acceptance_assignments: `SELECT project_id AS projectId, reviewer_id AS reviewerId, assigned_by AS assignedBy, assigned_at AS assignedAt, state,
      replaced_by AS replacedBy, replaced_at AS replacedAt, replace_reason AS replaceReason
    FROM acceptance_assignments ORDER BY project_id, reviewer_id`,
  acceptance_reviews: `SELECT project_id AS projectId, reviewer_id AS reviewerId, scores, total, comment, log_seq AS logSeq, created_at AS createdAt, updated_at AS updatedAt
    FROM acceptance_reviews ORDER BY project_id, reviewer_id`,
};

/** The rows a verification walks: the log's entries and every audited table's rows. */
function countRows(sqlite: Database.Database): number {
  const tables = AUDITED_TABLES.map((table) => `(SELECT count(*) FROM ${table})`).join(' + ');
  return (sqlite.prepare(`SELECT (SELECT count(*) FROM transition_log) + ${tables} AS n`).get() as { n: number }).n;
}

/** The stored projections of one table, one row at a time. */
export function* storedProjections(sqlite: Database.Database, table: AuditedTable): Generator<Projection> {
  for (const row of sqlite.prepare(STORED_ROWS_SQL[table]).iterate() as IterableIterator<Record<string, unknown>>) yield projectRow(table, row);
}

/**
 * A read snapshot: a connection of its own for a database file (other requests go on meanwhile),
 * else the service's connection, read without ever yielding to the event loop.
 */
export function openReadSnapshot(shared: Database.Database): { sqlite: Database.Database; dedicated: boolean; close(): void } {
  if (shared.memory) return { sqlite: shared, dedicated: false, close: () => undefined };
  if (shared instanceof PgSyncClient) return pgSnapshot(shared);
  const sqlite = new Database(shared.name, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  return { sqlite, dedicated: true, close: () => sqlite.close() };
}

/** On PostgreSQL, a connection of its own, read in one REPEATABLE READ transaction (BEGIN). */
export function pgSnapshot(shared: PgSyncClient): { sqlite: Database.Database; dedicated: boolean; close(): void } {
  const client = new PgSyncClient(shared.url);
  return { sqlite: client as unknown as Database.Database, dedicated: true, close: () => void client.close() };
}

/**
 * How far a verification has come: `done` of `total` rows (the log's entries replayed, then the audited
 * tables' rows compared), told every few thousand rows and once at the end.
 */
export type VerifyProgress = (progress: { done: number; total: number }) => void;

/** Replays the log and compares every audited table with it; at most `limit` divergences listed. */
export async function compareLogWithTables(
  shared: Database.Database,
  { limit = LISTED_DIVERGENCES, onProgress }: { limit?: number; onProgress?: VerifyProgress } = {},
): Promise<TablesVerdict> {
  const snapshot = openReadSnapshot(shared);
  try {
    const pause = snapshot.dedicated ? yieldToEventLoop : null;
    let rows = 0;
    // The service's own connection may already be inside a transaction (its caller's): read in that.
    const own = !snapshot.sqlite.inTransaction;
    if (own) snapshot.sqlite.exec('BEGIN');
    // What there is to do, counted in the same snapshot (only when someone asks how far it has come).
    const total = onProgress ? countRows(snapshot.sqlite) : 0;
    const step = async () => {
      rows += 1;
      if (rows % ROWS_PER_SLICE !== 0) return;
      onProgress?.({ done: rows, total });
      if (pause) await pause();
    };
    const replayer = new TablesReplayer();
    for (const entry of iterateLog(snapshot.sqlite)) {
      replayer.apply(entry);
      await step();
    }
    const comparison = new TableComparison(replayer, { limit });
    for (const table of AUDITED_TABLES) {
      for (const stored of storedProjections(snapshot.sqlite, table)) {
        comparison.add(table, stored);
        await step();
      }
      comparison.endTable(table);
    }
    if (own) snapshot.sqlite.exec('COMMIT');
    onProgress?.({ done: rows, total: Math.max(total, rows) });
    return comparison.result();
  } catch (error) {
    if (snapshot.dedicated && snapshot.sqlite.inTransaction) snapshot.sqlite.exec('ROLLBACK');
    throw error;
  } finally {
    snapshot.close();
  }
}

/** The verification's answer: the chain's verdict, the tables' comparison, valid only when both are. */
export type AuditVerdict =
  (VerifyResult & { chainValid: boolean; tables: TablesVerdict }) | (Omit<VerifyResult, 'valid'> & { valid: false; chainValid: boolean; tables: TablesVerdict });

/**
 * The whole verification: the chain (verifyLog, unchanged: one walk, or ranges on workers for a
 * large log) and the tables' comparison, side by side. Valid when the chain holds and no table
 * diverges from the log.
 */
export async function verifyAudit(
  sqlite: Database.Database,
  options: ParallelVerifyOptions & { threshold?: number; limit?: number; onProgress?: VerifyProgress } = {},
): Promise<AuditVerdict> {
  const { limit, onProgress, ...chainOptions } = options;
  const [chain, tables] = await Promise.all([
    verifyLog(sqlite, chainOptions),
    compareLogWithTables(sqlite, { ...(limit === undefined ? {} : { limit }), ...(onProgress ? { onProgress } : {}) }),
  ]);
  return { ...chain, valid: chain.valid && tables.valid, chainValid: chain.valid, tables } as AuditVerdict;
}
