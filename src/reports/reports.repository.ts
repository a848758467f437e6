/**
 * The reads behind the organisation department's reports over one round. Columns are selected by
 * name, so new columns elsewhere do not matter here; stored JSON is parsed here, once.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { ProjectState } from '../../machines/project.types.js';
import type { Publication } from '../../machines/round.types.js';
import type { Db } from '../db/client.js';
import { files, projects, reviews, roundExtensions, rounds, transitionLog, units, type ProjectRow, type ReviewRow } from '../db/schema.js';

/** The columns of a round the reports need. */
export interface RoundHeader {
  id: string;
  year: number;
  title: string;
  documentNumber: string;
  scoreMin: number;
  scoreMax: number;
  minReviews: number;
}

export interface UnitInfo {
  id: string;
  name: string;
  type: string;
  parentId: string | null;
  active: boolean;
}

export type ProjectReportRow = Pick<ProjectRow, 'id' | 'unitId' | 'category' | 'direction' | 'title' | 'state' | 'letter' | 'grade' | 'funding' | 'context'>;

export type ReviewScores = Pick<ReviewRow, 'projectId' | 'direction' | 'innovation' | 'practicality' | 'breadth' | 'exemplarity' | 'total'>;

export interface LogEntry {
  projectId: string;
  event: string;
  at: string;
  payload: Record<string, unknown>;
}

export interface ReportDocument {
  id: string;
  fileName: string;
  mediaType: string;
  size: number;
}

export class ReportsRepository {
  constructor(private readonly db: Db) {}

  round(roundId: string): RoundHeader | undefined {
    return this.db
      .select({
        id: rounds.id,
        year: rounds.year,
        title: rounds.title,
        documentNumber: rounds.documentNumber,
        scoreMin: rounds.scoreMin,
        scoreMax: rounds.scoreMax,
        minReviews: rounds.minReviews,
      })
      .from(rounds)
      .where(eq(rounds.id, roundId))
      .get();
  }

  /** The round's state and its published list's document (null until PUBLISH_LIST). */
  publicationOf(roundId: string): { state: string; publication: Publication | null } | undefined {
    const row = this.db.select({ state: rounds.state, context: rounds.context }).from(rounds).where(eq(rounds.id, roundId)).get();
    return row ? { state: row.state, publication: row.context.publication ?? null } : undefined;
  }

  units(): UnitInfo[] {
    return this.db.select({ id: units.id, name: units.name, type: units.type, parentId: units.parentId, active: units.active }).from(units).all();
  }

  /** The units' own submission deadlines in the round (extensions), by unit id. */
  extensionsOf(roundId: string): Map<string, string> {
    const rows = this.db
      .select({ unitId: roundExtensions.unitId, submissionDeadline: roundExtensions.submissionDeadline })
      .from(roundExtensions)
      .where(eq(roundExtensions.roundId, roundId))
      .all();
    return new Map(rows.map((row) => [row.unitId, row.submissionDeadline]));
  }

  /** The projects of the round (only those in these states when given), by id. */
  projectsOf(roundId: string, states?: readonly ProjectState[]): ProjectReportRow[] {
    return this.db
      .select({
        id: projects.id,
        unitId: projects.unitId,
        category: projects.category,
        direction: projects.direction,
        title: projects.title,
        state: projects.state,
        letter: projects.letter,
        grade: projects.grade,
        funding: projects.funding,
        context: projects.context,
      })
      .from(projects)
      .where(states ? and(eq(projects.roundId, roundId), inArray(projects.state, [...states])) : eq(projects.roundId, roundId))
      .orderBy(asc(projects.id))
      .all();
  }

  /** The scores of every review of the round's projects. */
  reviewScoresOf(roundId: string): ReviewScores[] {
    return this.db
      .select({
        projectId: reviews.projectId,
        direction: reviews.direction,
        innovation: reviews.innovation,
        practicality: reviews.practicality,
        breadth: reviews.breadth,
        exemplarity: reviews.exemplarity,
        total: reviews.total,
      })
      .from(reviews)
      .innerJoin(projects, eq(projects.id, reviews.projectId))
      .where(eq(projects.roundId, roundId))
      .all();
  }

  /** The log entries of the given events for the given projects, oldest first, payload parsed. */
  logEntries(projectIds: string[], events: string[]): LogEntry[] {
    if (projectIds.length === 0) return [];
    return this.db
      .select({ projectId: transitionLog.subjectId, event: transitionLog.event, at: transitionLog.at, payload: transitionLog.payload })
      .from(transitionLog)
      .where(and(eq(transitionLog.subjectKind, 'project'), inArray(transitionLog.subjectId, projectIds), inArray(transitionLog.event, events)))
      .orderBy(asc(transitionLog.seq))
      .all()
      .map((row) => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> }));
  }

  /** Every final-report document of these projects, without its bytes. */
  finalReportDocumentsOf(projectIds: string[]): ReportDocument[] {
    if (projectIds.length === 0) return [];
    return this.db
      .select({ id: files.id, fileName: files.fileName, mediaType: files.mediaType, size: files.size })
      .from(files)
      .where(and(inArray(files.projectId, projectIds), eq(files.kind, 'final_report_document')))
      .all();
  }
}
