/**
 * Where projects live. The event hot path's reads and writes are statements prepared once per
 * connection: Drizzle's query builder re-renders and re-prepares its SQL on every call (measured:
 * about two thirds of the CPU of an event). The cooler paths (create, list, edit, assignments) use
 * Drizzle's query builder.
 */
import { jsonText, onPostgres } from '../db/dialect.js';
import type Database from 'better-sqlite3';
import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { FileChecksum, GradeProposal, Letter, ProjectContext, ProjectState, Scores } from '../../machines/project.types.js';
import type { Db } from '../db/client.js';
import { acceptanceAssignments, acceptanceReviews, projects, reviewerAssignments, reviews, users, type ProjectRow } from '../db/schema.js';
import { after } from '../http/paging.js';
import { roundFacts, type RawRoundSettings, type RoundFacts } from './project-facts.js';

interface RawProject extends Omit<ProjectRow, 'letter' | 'context'> {
  letter: string;
  context: string;
}

const PROJECT_COLUMNS = `id, round_id AS roundId, unit_id AS unitId, category, direction, title, letter, state, context,
  machine_id AS machineId, machine_version AS machineVersion, version, grade, funding, created_by AS createdBy,
  created_at AS createdAt, updated_at AS updatedAt`;

/** The round's settings that its projects' guards read: fixed once the round is created. */
const ROUND_SETTING_COLUMNS = `submission_deadline AS submissionDeadline, revision_deadline AS revisionDeadline,
  funding_first AS fundingFirst, funding_second AS fundingSecond, funding_third AS fundingThird, funding_qualified AS fundingQualified,
  min_reviews AS minReviews, score_min AS scoreMin, score_max AS scoreMax, require_signed_letter AS requireSignedLetter,
  acceptance_criteria AS acceptanceCriteria, min_acceptance_reviews AS minAcceptanceReviews, recommendable_grades AS recommendableGrades`;

/** What a round's gates read of it fresh with each project event. */
export interface RoundStage {
  state: string;
  machineVersion: number;
  projectMachineVersion: number;
  finalAcceptanceDate: string;
  acceptanceOpensOn: string | null;
  /** round@2: the end of the publicity period (ISO UTC) once it began, else null. */
  publicityEndsAt: string | null;
}

export interface ProjectFilter {
  state?: ProjectState;
  roundId?: string;
  unitId?: string;
  category?: ProjectRow['category'];
  /** Only ids after this one (the cursor). */
  afterId?: string;
  /** Only these units' projects. */
  unitIds?: string[];
  /** Only projects this reviewer is assigned to. */
  assignedTo?: string;
}

export class ProjectsRepository {
  private readonly statements;
  /** A round's settings (these columns), by id; an amendment drops its entry (forgetRound). Its state and pin are read fresh. */
  private readonly rounds = new Map<string, { facts: RoundFacts; requireSignedLetter: boolean }>();

  /**
   * Whether round settings are kept between events: with SQLite this process is the only writer and
   * forgets a round it amends; on PostgreSQL another instance may amend it, so they are read each time.
   */
  private readonly remember: boolean;

  constructor(private readonly db: Db) {
    const sqlite: Database.Database = db.$client;
    this.remember = !onPostgres(sqlite);
    this.statements = {
      project: sqlite.prepare<[string], RawProject>(`SELECT ${PROJECT_COLUMNS} FROM projects WHERE id = ?`),
      roundSettings: sqlite.prepare<[string], RawRoundSettings & { requireSignedLetter: number }>(`SELECT ${ROUND_SETTING_COLUMNS} FROM rounds WHERE id = ?`),
      roundState: sqlite.prepare<[string], RoundStage>(
        `SELECT state, machine_version AS machineVersion, project_machine_version AS projectMachineVersion,
          final_acceptance_date AS finalAcceptanceDate, acceptance_opens_on AS acceptanceOpensOn,
          ${jsonText(sqlite, 'context', '$.publicity.endsAt')} AS publicityEndsAt FROM rounds WHERE id = ?`,
      ),
      extension: sqlite.prepare<[string, string], { submissionDeadline: string }>(
        'SELECT submission_deadline AS submissionDeadline FROM round_extensions WHERE round_id = ? AND unit_id = ?',
      ),
      projectsByState: sqlite.prepare<[string], { state: string; n: number }>('SELECT state, count(*) AS n FROM projects WHERE round_id = ? GROUP BY state'),
      approvedOfRound: sqlite.prepare<[string], { id: string }>("SELECT id FROM projects WHERE round_id = ? AND state = 'committee_approved' ORDER BY id"),
      // A replaced assignment no longer counts: the reviewer may not score, nor is it awaited.
      assigned: sqlite.prepare<[string], { reviewerId: string }>("SELECT reviewer_id AS reviewerId FROM reviewer_assignments WHERE project_id = ? AND state = 'assigned'"),
      isAssigned: sqlite.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM reviewer_assignments WHERE project_id = ? AND reviewer_id = ?'),
      reviewed: sqlite.prepare<[string], { reviewerId: string }>('SELECT reviewer_id AS reviewerId FROM reviews WHERE project_id = ?'),
      // Both walk files_project_idx (project_id, kind, created_at); ids are UUIDv7, so they break ties in upload order.
      latestSignedLetter: sqlite.prepare<[string], FileChecksum>(
        `SELECT id AS fileId, sha256 FROM files WHERE project_id = ? AND kind = 'signed_letter'
         ORDER BY created_at DESC, id DESC LIMIT 1`,
      ),
      finalReportDocuments: sqlite.prepare<[string], FileChecksum>("SELECT id AS fileId, sha256 FROM files WHERE project_id = ? AND kind = 'final_report_document'"),
      // Both bind by position, as the log's insert does: named parameters cost a lookup each on every event.
      updateProject: sqlite.prepare<[string, string, string, number, number, string | null, number | null, string, string, number]>(
        `UPDATE projects SET state = ?, context = ?, machine_id = ?, machine_version = ?, version = ?, grade = ?, funding = ?, updated_at = ?
         WHERE id = ? AND version = ?`,
      ),
      // SQLite rewrites the entry of every index whose column an UPDATE assigns, changed or not. A
      // transition that stays in its state (a progress report) leaves `state` out, so the
      // (state, id) index, a random page of its own on a large table, is not touched.
      updateProjectInPlace: sqlite.prepare<[string, string, number, number, string | null, number | null, string, string, number]>(
        `UPDATE projects SET context = ?, machine_id = ?, machine_version = ?, version = ?, grade = ?, funding = ?, updated_at = ?
         WHERE id = ? AND version = ?`,
      ),
      // 结项评审 (project@2): the acceptance panel's assignments and reviews, and the round's proposals.
      // A replaced acceptance reviewer neither scores nor counts; it still sees the project and is not assigned to it again.
      acceptanceAssigned: sqlite.prepare<[string], { reviewerId: string }>(
        "SELECT reviewer_id AS reviewerId FROM acceptance_assignments WHERE project_id = ? AND state = 'assigned'",
      ),
      isAcceptanceAssigned: sqlite.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM acceptance_assignments WHERE project_id = ? AND reviewer_id = ?'),
      acceptanceAssignmentState: sqlite.prepare<[string, string], { state: 'assigned' | 'replaced' }>(
        'SELECT state FROM acceptance_assignments WHERE project_id = ? AND reviewer_id = ?',
      ),
      markAcceptanceReplaced: sqlite.prepare(
        `UPDATE acceptance_assignments SET state = 'replaced', replaced_by = @replacementId, replaced_at = @at, replace_reason = @reason
         WHERE project_id = @projectId AND reviewer_id = @reviewerId`,
      ),
      acceptanceReviewed: sqlite.prepare<[string], { reviewerId: string }>('SELECT reviewer_id AS reviewerId FROM acceptance_reviews WHERE project_id = ?'),
      upsertAcceptanceReview: sqlite.prepare(
        `INSERT INTO acceptance_reviews (project_id, reviewer_id, scores, total, comment, log_seq, created_at, updated_at)
         VALUES (@projectId, @reviewerId, @scores, @total, @comment, @logSeq, @at, @at)
         ON CONFLICT (project_id, reviewer_id) DO UPDATE SET scores = excluded.scores, total = excluded.total, comment = excluded.comment,
           log_seq = excluded.log_seq, updated_at = excluded.updated_at`,
      ),
      underAcceptance: sqlite.prepare<[string], { id: string; proposal: string | null }>(
        `SELECT id, ${jsonText(sqlite, 'context', '$.proposal.grade')} AS proposal FROM projects WHERE round_id = ? AND state = 'final_acceptance' ORDER BY id`,
      ),
      upsertReview: sqlite.prepare(
        `INSERT INTO reviews (project_id, reviewer_id, direction, innovation, practicality, breadth, exemplarity, total, comment, log_seq, created_at, updated_at)
         VALUES (@projectId, @reviewerId, @direction, @innovation, @practicality, @breadth, @exemplarity, @total, @comment, @logSeq, @at, @at)
         ON CONFLICT (project_id, reviewer_id) DO UPDATE SET direction = excluded.direction, innovation = excluded.innovation,
           practicality = excluded.practicality, breadth = excluded.breadth, exemplarity = excluded.exemplarity,
           total = excluded.total, comment = excluded.comment, log_seq = excluded.log_seq, updated_at = excluded.updated_at`,
      ),
    };
  }

  project(id: string): ProjectRow | undefined {
    const raw = this.statements.project.get(id);
    if (!raw) return undefined;
    // The row the driver made is the one answered, its two JSON columns parsed in place: no copy per event.
    const row = raw as unknown as ProjectRow;
    row.letter = JSON.parse(raw.letter) as Letter;
    row.context = JSON.parse(raw.context) as ProjectContext;
    return row;
  }

  /** The round's facts for the project machine's guards, computed once per round (until an amendment forgets them). */
  roundWithFacts(id: string): { facts: RoundFacts; requireSignedLetter: boolean } | undefined {
    let cached = this.rounds.get(id);
    if (!cached) {
      const raw = this.statements.roundSettings.get(id);
      if (raw) {
        cached = { facts: roundFacts(raw), requireSignedLetter: raw.requireSignedLetter === 1 };
        if (this.remember) this.rounds.set(id, cached);
      }
    }
    return cached;
  }

  /** Drops the cached settings of a round whose settings were amended. */
  forgetRound(id: string): void {
    this.rounds.delete(id);
  }

  /** The unit's own last day of submission in the round (an extension), or null. */
  extensionDeadline(roundId: string, unitId: string): string | null {
    return this.statements.extension.get(roundId, unitId)?.submissionDeadline ?? null;
  }

  /**
   * The round's current lifecycle state, its machine's version, the project machine version it pins
   * and its acceptance dates, read fresh (not cached): one primary-key read, what the round's gates
   * need besides the cached deadlines.
   */
  roundState(id: string): RoundStage | undefined {
    return this.statements.roundState.get(id);
  }

  /** How many of the round's projects are in each state. */
  projectsByState(roundId: string): Record<string, number> {
    return Object.fromEntries(this.statements.projectsByState.all(roundId).map((r) => [r.state, r.n]));
  }

  /** The round's committee-approved projects, by id. */
  approvedProjectIds(roundId: string): string[] {
    return this.statements.approvedOfRound.all(roundId).map((r) => r.id);
  }

  assignedReviewerIds(projectId: string): string[] {
    return this.statements.assigned.all(projectId).map((r) => r.reviewerId);
  }

  isAssigned(projectId: string, reviewerId: string): boolean {
    return this.statements.isAssigned.get(projectId, reviewerId) !== undefined;
  }

  reviewedReviewerIds(projectId: string): string[] {
    return this.statements.reviewed.all(projectId).map((r) => r.reviewerId);
  }

  /** The latest signed letter uploaded for the project, or null. */
  latestSignedLetter(projectId: string): FileChecksum | null {
    return this.statements.latestSignedLetter.get(projectId) ?? null;
  }

  /** The project's final report documents: file id → SHA-256. */
  finalReportDocuments(projectId: string): Record<string, string> {
    return Object.fromEntries(this.statements.finalReportDocuments.all(projectId).map((f) => [f.fileId, f.sha256]));
  }

  /** Writes the project after a transition from `previous`; false when its version moved meanwhile. */
  updateProject(row: ProjectRow, previous: Pick<ProjectRow, 'state' | 'version'>): boolean {
    const context = JSON.stringify(row.context);
    const result =
      row.state === previous.state
        ? this.statements.updateProjectInPlace.run(context, row.machineId, row.machineVersion, row.version, row.grade, row.funding, row.updatedAt, row.id, previous.version)
        : this.statements.updateProject.run(row.state, context, row.machineId, row.machineVersion, row.version, row.grade, row.funding, row.updatedAt, row.id, previous.version);
    return result.changes === 1;
  }

  upsertReview(review: { projectId: string; reviewerId: string; scores: Scores; comment: string; logSeq: number; at: string }): void {
    const { scores } = review;
    this.statements.upsertReview.run({
      projectId: review.projectId,
      reviewerId: review.reviewerId,
      ...scores,
      total: scores.direction + scores.innovation + scores.practicality + scores.breadth + scores.exemplarity,
      comment: review.comment,
      logSeq: review.logSeq,
      at: review.at,
    });
  }

  /** The members of the acceptance panel assigned to the project's final report (replaced ones left out). */
  acceptanceReviewerIds(projectId: string): string[] {
    return this.statements.acceptanceAssigned.all(projectId).map((r) => r.reviewerId);
  }

  /** Whether the reviewer was ever assigned to the project's final report (replaced or not). */
  isAcceptanceAssigned(projectId: string, reviewerId: string): boolean {
    return this.statements.isAcceptanceAssigned.get(projectId, reviewerId) !== undefined;
  }

  /** One acceptance assignment's state, or undefined when the reviewer was never assigned to the project's final report. */
  acceptanceAssignmentState(projectId: string, reviewerId: string): 'assigned' | 'replaced' | undefined {
    return this.statements.acceptanceAssignmentState.get(projectId, reviewerId)?.state;
  }

  /** The old acceptance assignment marked replaced, as REPLACE_ACCEPTANCE_REVIEWER rebuilds it. */
  markAcceptanceReplaced(projectId: string, reviewerId: string, replacementId: string, at: string, reason: string): void {
    this.statements.markAcceptanceReplaced.run({ projectId, reviewerId, replacementId, at, reason });
  }

  /** Who has scored the project's final report. */
  acceptanceReviewedIds(projectId: string): string[] {
    return this.statements.acceptanceReviewed.all(projectId).map((r) => r.reviewerId);
  }

  /** One acceptance review, replacing the reviewer's earlier one (its first time kept). */
  upsertAcceptanceReview(review: { projectId: string; reviewerId: string; scores: Record<string, number>; comment: string; logSeq: number; at: string }): void {
    this.statements.upsertAcceptanceReview.run({
      projectId: review.projectId,
      reviewerId: review.reviewerId,
      scores: JSON.stringify(review.scores),
      total: Object.values(review.scores).reduce((sum, score) => sum + score, 0),
      comment: review.comment,
      logSeq: review.logSeq,
      at: review.at,
    });
  }

  /** The round's projects under final acceptance, by id, each with org_dept's proposed grade (or null). */
  underAcceptance(roundId: string): Array<{ id: string; proposal: GradeProposal | null }> {
    return this.statements.underAcceptance.all(roundId) as Array<{ id: string; proposal: GradeProposal | null }>;
  }

  insert(row: ProjectRow): ProjectRow {
    return this.db.insert(projects).values(row).returning().get();
  }

  /** A page of projects in id order: `limit` of them, and whether more follow. */
  page(filter: ProjectFilter, limit: number): { rows: ProjectRow[]; more: boolean } {
    const conditions: SQL[] = [];
    if (filter.state) conditions.push(eq(projects.state, filter.state));
    if (filter.roundId) conditions.push(eq(projects.roundId, filter.roundId));
    if (filter.unitId) conditions.push(eq(projects.unitId, filter.unitId));
    if (filter.category) conditions.push(eq(projects.category, filter.category));
    if (filter.afterId) conditions.push(gt(projects.id, filter.afterId));
    if (filter.unitIds) conditions.push(inArray(projects.unitId, filter.unitIds));
    if (filter.assignedTo) {
      const assigned = this.db
        .select({ id: reviewerAssignments.projectId })
        .from(reviewerAssignments)
        .where(and(eq(reviewerAssignments.reviewerId, filter.assignedTo), eq(reviewerAssignments.state, 'assigned')));
      // A reviewer's projects: those it reviews, and those whose final report it scores (结项评审).
      const acceptance = this.db
        .select({ id: acceptanceAssignments.projectId })
        .from(acceptanceAssignments)
        .where(and(eq(acceptanceAssignments.reviewerId, filter.assignedTo), eq(acceptanceAssignments.state, 'assigned')));
      conditions.push(or(inArray(projects.id, assigned), inArray(projects.id, acceptance))!);
    }
    const rows = this.db
      .select()
      .from(projects)
      .where(and(...conditions))
      .orderBy(asc(projects.id))
      .limit(limit + 1)
      .all();
    return { rows: rows.slice(0, limit), more: rows.length > limit };
  }

  /** Writes a draft's edited fields, one version up; undefined when its version moved meanwhile. */
  updateDraft(id: string, expectedVersion: number, fields: Pick<ProjectRow, 'category' | 'direction' | 'title' | 'letter' | 'updatedAt'>): ProjectRow | undefined {
    return this.db
      .update(projects)
      .set({ ...fields, version: expectedVersion + 1 })
      .where(and(eq(projects.id, id), eq(projects.version, expectedVersion)))
      .returning()
      .get();
  }

  assign(assignment: { projectId: string; reviewerId: string; assignedBy: string; assignedAt: string }): void {
    this.db.insert(reviewerAssignments).values(assignment).run();
  }

  /** The project's assignments with each reviewer's name, in assignment order. */
  assignments(projectId: string) {
    return this.db
      .select({
        projectId: reviewerAssignments.projectId,
        reviewerId: reviewerAssignments.reviewerId,
        reviewerName: users.name,
        assignedBy: reviewerAssignments.assignedBy,
        assignedAt: reviewerAssignments.assignedAt,
        state: reviewerAssignments.state,
        replacedBy: reviewerAssignments.replacedBy,
        replacedAt: reviewerAssignments.replacedAt,
        replaceReason: reviewerAssignments.replaceReason,
      })
      .from(reviewerAssignments)
      .innerJoin(users, eq(users.id, reviewerAssignments.reviewerId))
      .where(eq(reviewerAssignments.projectId, projectId))
      .orderBy(asc(reviewerAssignments.assignedAt), asc(reviewerAssignments.reviewerId))
      .all();
  }

  /** A page of the project's assignments after `afterKey` ([assignedAt, reviewerId]), with each reviewer's name and whether it has scored. */
  assignmentsPage(projectId: string, afterKey: readonly [string, string] | undefined, limit: number) {
    return this.db
      .select({
        projectId: reviewerAssignments.projectId,
        reviewerId: reviewerAssignments.reviewerId,
        reviewerName: users.name,
        assignedBy: reviewerAssignments.assignedBy,
        assignedAt: reviewerAssignments.assignedAt,
        state: reviewerAssignments.state,
        replacedBy: reviewerAssignments.replacedBy,
        replacedAt: reviewerAssignments.replacedAt,
        replaceReason: reviewerAssignments.replaceReason,
        reviewed: sql<number>`EXISTS (SELECT 1 FROM ${reviews} WHERE ${reviews.projectId} = ${reviewerAssignments.projectId} AND ${reviews.reviewerId} = ${reviewerAssignments.reviewerId})`,
      })
      .from(reviewerAssignments)
      .innerJoin(users, eq(users.id, reviewerAssignments.reviewerId))
      .where(and(eq(reviewerAssignments.projectId, projectId), afterKey ? after([reviewerAssignments.assignedAt, reviewerAssignments.reviewerId], afterKey) : undefined))
      .orderBy(asc(reviewerAssignments.assignedAt), asc(reviewerAssignments.reviewerId))
      .limit(limit)
      .all()
      .map((row) => ({ ...row, reviewed: row.reviewed === 1 }));
  }
}

/** The acceptance panel's assignments of a project's final report, with names and whether each has scored (结项评审). */
export function acceptanceAssignmentsPage(db: Db, projectId: string, afterKey: readonly [string, string] | undefined, limit: number) {
  return db
    .select({
      projectId: acceptanceAssignments.projectId,
      reviewerId: acceptanceAssignments.reviewerId,
      reviewerName: users.name,
      assignedBy: acceptanceAssignments.assignedBy,
      assignedAt: acceptanceAssignments.assignedAt,
      state: acceptanceAssignments.state,
      replacedBy: acceptanceAssignments.replacedBy,
      replacedAt: acceptanceAssignments.replacedAt,
      replaceReason: acceptanceAssignments.replaceReason,
      reviewed: sql<number>`EXISTS (SELECT 1 FROM ${acceptanceReviews} WHERE ${acceptanceReviews.projectId} = ${acceptanceAssignments.projectId} AND ${acceptanceReviews.reviewerId} = ${acceptanceAssignments.reviewerId})`,
    })
    .from(acceptanceAssignments)
    .innerJoin(users, eq(users.id, acceptanceAssignments.reviewerId))
    .where(and(eq(acceptanceAssignments.projectId, projectId), afterKey ? after([acceptanceAssignments.assignedAt, acceptanceAssignments.reviewerId], afterKey) : undefined))
    .orderBy(asc(acceptanceAssignments.assignedAt), asc(acceptanceAssignments.reviewerId))
    .limit(limit)
    .all()
    .map((row) => ({ ...row, reviewed: row.reviewed === 1 }));
}
