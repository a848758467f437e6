/**
 * Where rounds live. A round event reads and writes its round with statements prepared once per
 * connection, like a project event; the cooler paths use Drizzle's query builder.
 */
import { jsonNumber } from '../db/dialect.js';
import type Database from 'better-sqlite3';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { RoundContext } from '../../machines/round.types.js';
import type { Db } from '../db/client.js';
import { rounds, type RoundRow } from '../db/schema.js';

type JsonSetting = 'contacts' | 'acceptanceCriteria' | 'prizeCaps' | 'recommendableGrades';
type RawRound = Omit<RoundRow, 'context' | 'requireSignedLetter' | JsonSetting> & { context: string; requireSignedLetter: number } & Record<JsonSetting, string>;

const COLUMNS = `id, year, title, document_number AS documentNumber, submission_deadline AS submissionDeadline,
  revision_deadline AS revisionDeadline, final_acceptance_date AS finalAcceptanceDate, acceptance_opens_on AS acceptanceOpensOn,
  funding_first AS fundingFirst,
  funding_second AS fundingSecond, funding_third AS fundingThird, funding_qualified AS fundingQualified,
  min_reviews AS minReviews, score_min AS scoreMin, score_max AS scoreMax, require_signed_letter AS requireSignedLetter,
  conflict_scope AS conflictScope, contacts, acceptance_criteria AS acceptanceCriteria, min_acceptance_reviews AS minAcceptanceReviews,
  prize_caps AS prizeCaps, recommendable_grades AS recommendableGrades, publicity_working_days AS publicityWorkingDays, state, context, machine_id AS machineId, machine_version AS machineVersion, project_machine_version AS projectMachineVersion,
  version, created_at AS createdAt, updated_at AS updatedAt`;

export class RoundsRepository {
  private readonly select;
  private readonly update;

  constructor(private readonly db: Db) {
    const sqlite: Database.Database = db.$client;
    this.select = sqlite.prepare<[string], RawRound>(`SELECT ${COLUMNS} FROM rounds WHERE id = ?`);
    this.update = sqlite.prepare(
      `UPDATE rounds SET state = @state, context = @context, machine_id = @machineId, machine_version = @machineVersion,
         version = @version, updated_at = @updatedAt WHERE id = @id AND version = @expectedVersion`,
    );
  }

  round(id: string): RoundRow | undefined {
    const raw = this.select.get(id);
    return (
      raw && {
        ...raw,
        requireSignedLetter: raw.requireSignedLetter === 1,
        contacts: JSON.parse(raw.contacts) as RoundRow['contacts'],
        acceptanceCriteria: JSON.parse(raw.acceptanceCriteria) as RoundRow['acceptanceCriteria'],
        prizeCaps: JSON.parse(raw.prizeCaps) as RoundRow['prizeCaps'],
        recommendableGrades: JSON.parse(raw.recommendableGrades) as RoundRow['recommendableGrades'],
        context: JSON.parse(raw.context) as RoundContext,
      }
    );
  }

  list(): RoundRow[] {
    return this.db.select().from(rounds).orderBy(asc(rounds.id)).all();
  }

  /** Up to `limit` rounds after the id `afterId`, by id, in `state` when given. */
  page(afterId: string | undefined, limit: number, state?: string): RoundRow[] {
    return this.db
      .select()
      .from(rounds)
      .where(and(afterId === undefined ? undefined : gt(rounds.id, afterId), state === undefined ? undefined : eq(rounds.state, state)))
      .orderBy(asc(rounds.id))
      .limit(limit)
      .all();
  }

  insert(row: RoundRow): void {
    this.db.insert(rounds).values(row).run();
  }

  /** Whether another round of the year has this document number. */
  documentNumberTaken(year: number, documentNumber: string, exceptId: string | null): boolean {
    return (
      this.db.$client
        .prepare<[number, string, string], { one: number }>('SELECT 1 AS one FROM rounds WHERE year = ? AND document_number = ? AND id <> ? LIMIT 1')
        .get(year, documentNumber, exceptId ?? '') !== undefined
    );
  }

  /**
   * Whether the round has opened: it left 'open', or one of its projects ever left draft (one not in
   * draft now, or a draft returned for revision, whose context counts its submissions).
   */
  opened(row: RoundRow): boolean {
    if (row.state !== 'open') return true;
    return (
      this.db.$client
        .prepare<[string], { one: number }>(
          `SELECT 1 AS one FROM projects WHERE round_id = ? AND (state <> 'draft' OR coalesce(${jsonNumber(this.db.$client, 'context', '$.submissions')}, 0) > 0) LIMIT 1`,
        )
        .get(row.id) !== undefined
    );
  }

  /** Writes amended settings (column → value), the version and updatedAt; false when the round's version moved meanwhile. */
  amend(id: string, columns: Record<string, unknown>, version: number, updatedAt: string, expectedVersion: number): boolean {
    const names = Object.keys(columns);
    const sets = names.map((name, i) => `${name} = @c${i}`).join(', ');
    const values = Object.fromEntries(
      names.map((name, i) => {
        const value = columns[name];
        return [`c${i}`, typeof value === 'boolean' ? (value ? 1 : 0) : value !== null && typeof value === 'object' ? JSON.stringify(value) : value];
      }),
    );
    return (
      this.db.$client
        .prepare(`UPDATE rounds SET ${sets}${sets ? ', ' : ''}version = @version, updated_at = @updatedAt WHERE id = @id AND version = @expectedVersion`)
        .run({ ...values, version, updatedAt, id, expectedVersion }).changes === 1
    );
  }

  /** Writes the round after a transition from `expectedVersion`; false when its version moved meanwhile. */
  updateState(row: RoundRow, expectedVersion: number): boolean {
    const { id, state, machineId, machineVersion, version, updatedAt } = row;
    return this.update.run({ id, state, context: JSON.stringify(row.context), machineId, machineVersion, version, updatedAt, expectedVersion }).changes === 1;
  }
}
